"""Where invented points go: inside the real boundary of the kelurahan their row names.

The boundaries are metadata/wilayah.geojson's kelurahan polygons (properties kode, nama, level). A point
is drawn by rejection sampling with the dataset's own seeded generator: uniform in the polygon's
bounding box until the point, as written to the CSV (6 decimals), lies inside the polygon. The draws
depend only on the seed and the polygons, so the output stays byte for byte the same.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass
from pathlib import Path

import shapely
from shapely.geometry import shape

from .common import field

DECIMALS = 6  # about 0.1 m: the precision written to the CSV, and the one checked
MAX_TRIES = 10_000  # a kelurahan covers a quarter of its box or more: a few tries are enough


@dataclass
class Kelurahan:
    """The kelurahan polygons by code, and the box around them all (the coordinate columns' limits)."""

    polygons: dict[str, shapely.Geometry]

    @classmethod
    def load(cls, path: Path) -> Kelurahan:
        features = json.loads(Path(path).read_text(encoding="utf-8"))["features"]
        polygons = {f["properties"]["kode"]: shape(f["geometry"]) for f in features
                    if f["properties"].get("level") == "kelurahan"}
        for polygon in polygons.values():
            shapely.prepare(polygon)
        return cls(polygons)

    def bounds(self) -> tuple[float, float, float, float]:
        """(lat_min, lat_max, lon_min, lon_max) around every kelurahan, widened to whole hundredths."""
        west, south, east, north = shapely.union_all(list(self.polygons.values())).bounds
        return (math.floor(south * 100) / 100, math.ceil(north * 100) / 100,
                math.floor(west * 100) / 100, math.ceil(east * 100) / 100)

    def point(self, rng: random.Random, code: str) -> tuple[str, str]:
        """(lintang, bujur) as written, a uniform random point inside kelurahan ``code``."""
        polygon = self.polygons[code]
        west, south, east, north = polygon.bounds
        for _ in range(MAX_TRIES):
            lat = f"{rng.uniform(south, north):.{DECIMALS}f}"
            lon = f"{rng.uniform(west, east):.{DECIMALS}f}"
            if shapely.contains_xy(polygon, float(lon), float(lat)):
                return lat, lon
        raise ValueError(f"no point found inside kelurahan {code} after {MAX_TRIES} tries")


def lat_lon_fields(places: Kelurahan) -> list[dict]:
    lat_min, lat_max, lon_min, lon_max = places.bounds()
    where = ("titik acak di dalam batas kelurahan pada kolom kode_kelurahan (batas nyata dari "
             "metadata/wilayah.geojson); letaknya sendiri rekaan.")
    return [
        field("lintang", "number", "Lintang", f"Lintang (WGS84), {where}", unit="derajat",
              concept="lintang geografis", required=True, minimum=lat_min, maximum=lat_max),
        field("bujur", "number", "Bujur", f"Bujur (WGS84), {where}", unit="derajat",
              concept="bujur geografis", required=True, minimum=lon_min, maximum=lon_max),
    ]
