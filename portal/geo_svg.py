"""GeoJSON polygons as SVG path data: a plain projection fitted to a box, no JavaScript, no tiles.

At a city's scale an equirectangular projection with longitudes scaled by cos(latitude) keeps shapes
true to within a fraction of a percent, so no map library is needed on the server.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


def polygons(geometry: dict) -> list[list[list[list[float]]]]:
    """A Polygon or MultiPolygon as a list of polygons, each a list of rings of [lon, lat]."""
    if not isinstance(geometry, dict):
        return []
    if geometry.get("type") == "Polygon":
        return [geometry.get("coordinates") or []]
    if geometry.get("type") == "MultiPolygon":
        return list(geometry.get("coordinates") or [])
    return []


def bounds(geometries: list[dict]) -> tuple[float, float, float, float]:
    """West, south, east, north of every ring of the geometries."""
    points = [p for g in geometries for polygon in polygons(g) for ring in polygon for p in ring]
    if not points:
        raise ValueError("no coordinates")
    return (min(p[0] for p in points), min(p[1] for p in points), max(p[0] for p in points), max(p[1] for p in points))


@dataclass(frozen=True)
class Projection:
    """Longitude/latitude -> SVG x/y (y down) inside a ``width`` wide box, with a margin."""

    west: float
    north: float
    scale: float  # SVG units per degree of latitude
    x_factor: float  # cos(latitude): a degree of longitude is this much shorter than one of latitude
    margin: float
    width: float
    height: float

    @classmethod
    def fit(cls, box: tuple[float, float, float, float], width: float = 600, margin: float = 8) -> Projection:
        west, south, east, north = box
        x_factor = math.cos(math.radians((south + north) / 2))
        span_x, span_y = max((east - west) * x_factor, 1e-9), max(north - south, 1e-9)
        scale = (width - 2 * margin) / span_x
        return cls(west, north, scale, x_factor, margin, width, round(span_y * scale + 2 * margin, 1))

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        return (round(self.margin + (lon - self.west) * self.x_factor * self.scale, 1),
                round(self.margin + (self.north - lat) * self.scale, 1))

    def path(self, geometry: dict) -> str:
        """SVG path data of a geometry: one closed subpath per ring (holes draw with fill-rule evenodd)."""
        parts = []
        for polygon in polygons(geometry):
            for ring in polygon:
                points = [self.point(p[0], p[1]) for p in ring]
                kept = [pt for i, pt in enumerate(points) if i == 0 or pt != points[i - 1]]  # drop repeats
                if len(kept) >= 3:
                    parts.append("M" + " L".join(f"{x:g} {y:g}" for x, y in kept) + " Z")
        return " ".join(parts)

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width:g} {self.height:g}"


def padded(box: tuple[float, float, float, float], fraction: float) -> tuple[float, float, float, float]:
    west, south, east, north = box
    dx, dy = (east - west) * fraction, (north - south) * fraction
    return west - dx, south - dy, east + dx, north + dy
