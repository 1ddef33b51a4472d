"""The areas datasets cover: metadata/wilayah.geojson, one feature per kode wilayah with its outline.

Their outlines, bounding boxes and centroids go into the catalog, so the CKAN API (ckanext-spatial's
``spatial``), DCAT (``dct:spatial`` with ``locn:geometry``, ``dcat:bbox``, ``dcat:centroid``) and
schema.org (``spatialCoverage``) can say where a dataset's data is.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..catalog import Place
from ..messages import issue
from ..profile import N_
from .report import Issue

PLACES_FILE = "wilayah.geojson"


def load_places(metadata_dir: Path) -> tuple[list[Place], list[Issue]]:
    path = Path(metadata_dir) / PLACES_FILE
    if not path.exists():
        return [], []  # optional: datasets then carry their kode wilayah without an outline
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        return [], [issue(str(path), "portal-metadata", N_("tidak dapat diurai sebagai JSON: %(reason)s"),
                          reason=str(error))]
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not isinstance(data.get("features"), list):
        return [], [issue(str(path), "portal-metadata", N_("harus berupa FeatureCollection GeoJSON"))]
    places, issues, source = [], [], " — ".join(str(data.get(key, "")) for key in ("source", "license") if data.get(key))
    for index, feature in enumerate(data["features"]):
        where = f"features[{index}]"
        properties = feature.get("properties") if isinstance(feature, dict) else None
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if not isinstance(properties, dict) or not isinstance(properties.get("kode"), str) \
                or not isinstance(properties.get("nama"), str):
            issues.append(issue(str(path), "portal-metadata", N_("feature perlu properties kode dan nama"), field=where))
            continue
        rings = polygon_rings(geometry)
        if rings is None:
            issues.append(issue(str(path), "portal-metadata", N_("geometry harus Polygon atau MultiPolygon dari posisi "
                                                                 "[bujur, lintang]"), field=where))
            continue
        points = [point for ring in rings for point in ring]
        bbox = [min(p[0] for p in points), min(p[1] for p in points), max(p[0] for p in points), max(p[1] for p in points)]
        places.append(Place(properties["kode"], properties["nama"], geometry, bbox, centroid(rings), source))
    return places, issues


def polygon_rings(geometry) -> list[list[list[float]]] | None:
    """The outer rings of a Polygon or MultiPolygon with valid coordinates, or None."""
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return None
    polygons = [geometry.get("coordinates")] if geometry["type"] == "Polygon" else geometry.get("coordinates")
    if not isinstance(polygons, list) or not polygons:
        return None
    rings = []
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon or not isinstance(polygon[0], list) or len(polygon[0]) < 4:
            return None
        ring = polygon[0]
        if not all(isinstance(p, list) and len(p) >= 2 and all(isinstance(c, (int, float)) for c in p[:2])
                   and -180 <= p[0] <= 180 and -90 <= p[1] <= 90 for p in ring):
            return None
        rings.append(ring)
    return rings


def centroid(rings: list[list[list[float]]]) -> list[float]:
    """The area-weighted centroid of the outer rings (planar: fine at a city's scale)."""
    total = x_sum = y_sum = 0.0
    for ring in rings:
        for (x0, y0), (x1, y1) in zip((p[:2] for p in ring), (p[:2] for p in ring[1:] + ring[:1])):
            cross = x0 * y1 - x1 * y0
            total += cross
            x_sum += (x0 + x1) * cross
            y_sum += (y0 + y1) * cross
    if total == 0:
        points = [p for ring in rings for p in ring]
        return [sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)]
    return [x_sum / (3 * total), y_sum / (3 * total)]
