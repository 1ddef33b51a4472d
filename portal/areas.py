"""The release's areas ready for drawing: each kelurahan and kecamatan as polygons, and the outlines
maps draw over (the city and its kecamatan).

Outlines are the union of their kelurahan when the release has them: the kecamatan polygons of
metadata/wilayah.geojson are much coarser (8–10 points each, 15–21 % of their area off their
kelurahan), and drawn over the kelurahan they would cross them. Built once per release.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from shapely.geometry import Polygon, mapping, shape
from shapely.ops import unary_union

from .catalog import Catalog

SIMPLIFY = 0.0001  # degrees, about 11 m: a third of a pixel on the largest map drawn, half the points gone
SLIVER = 0.0004  # degrees, about 44 m: gaps narrower than twice this between kelurahan are closed
LEVEL_OF_LENGTH = {5: "kota", 8: "kecamatan", 13: "kelurahan"}  # 35.73, 35.73.01, 35.73.01.1001


@dataclass
class Area:
    code: str
    name: str
    level: str  # kota | kecamatan | kelurahan
    polygons: list  # GeoJSON MultiPolygon coordinates: polygons of rings of [longitude, latitude]
    label_point: tuple[float, float]  # a point inside the area, for its label


@dataclass
class Areas:
    by_code: dict[str, Area] = field(default_factory=dict)
    outlines: dict[str, Area] = field(default_factory=dict)  # the city and kecamatan, as drawn over maps

    def of_level(self, level: str) -> list[Area]:
        return [area for area in self.by_code.values() if area.level == level]


def level_of(code: str) -> str:
    return LEVEL_OF_LENGTH.get(len(code), "")


def release_areas(release) -> Areas:
    """The areas of a release (portal/releases.py Release), built on first use, or taken from a recent
    release with the same places: joining the kelurahan into outlines took 0.12 s of a new release's
    first mapped page, and a new release seldom moves a boundary."""
    areas = release.cache.get("areas")
    if areas is None:
        key = places_key(release.catalog)
        areas = _RECENT.get(key) or build_areas(release.catalog)
        _RECENT[key] = release.cache["areas"] = areas
        while len(_RECENT) > RECENT_PLACES:
            _RECENT.pop(next(iter(_RECENT)), None)
    return areas


RECENT_PLACES = 2
_RECENT: dict[str, Areas] = {}  # places_key -> the areas built from those places (never changed once built)


def places_key(catalog: Catalog) -> str:
    """What the areas are built from: every place's code, name and outline."""
    places = [(place.code, place.name, place.geometry) for place in catalog.places]
    return hashlib.sha256(json.dumps(places, sort_keys=True).encode()).hexdigest()


def build_areas(catalog: Catalog) -> Areas:
    shapes = {}
    areas = Areas()
    for place in catalog.places:
        try:
            geometry = shape(place.geometry)
        except (ValueError, TypeError, AttributeError, KeyError):
            continue  # publish checked the outlines; a drawing never fails a page
        shapes[place.code] = geometry
        areas.by_code[place.code] = _area(place.code, place.name, geometry)
    for code, geometry in shapes.items():
        if level_of(code) not in ("kota", "kecamatan"):
            continue
        parts = [g for c, g in shapes.items() if level_of(c) == "kelurahan" and c.startswith(code + ".")]
        outline = _solid(unary_union(parts)) if parts else geometry
        areas.outlines[code] = areas.by_code[code] = _area(code, areas.by_code[code].name, outline)
    return areas


def _solid(union):
    """The union without the slivers and pin-holes left where neighbouring kelurahan do not quite meet."""
    closed = union.buffer(SLIVER, join_style=2).buffer(-SLIVER, join_style=2)
    polygons = list(closed.geoms) if closed.geom_type == "MultiPolygon" else [closed]
    return unary_union([Polygon(p.exterior) for p in polygons if p.area > SLIVER ** 2])


def _area(code: str, name: str, geometry) -> Area:
    """Coordinates to 5 decimals (about 1 m): GeoJSON for the interactive maps stays small."""
    geojson = mapping(geometry.simplify(SIMPLIFY, preserve_topology=True))
    polygons = [geojson["coordinates"]] if geojson["type"] == "Polygon" else list(geojson.get("coordinates", []))
    polygons = [[[[round(point[0], 5), round(point[1], 5)] for point in ring] for ring in polygon] for polygon in polygons]
    point = geometry.centroid if geometry.contains(geometry.centroid) else geometry.representative_point()
    return Area(code, name, level_of(code), polygons, (point.x, point.y))
