"""Boundaries a table declares, checked at publish.

A CSV resource may name the outlines of its rows: ``"geometry": {"path": "data/x.geojson", "key": "kode"}``
(optionally ``"hash": "sha256:…"`` and ``"repair": true``). The file is a GeoJSON FeatureCollection with one
Polygon or MultiPolygon feature (longitude, latitude: WGS 84) per row of the table, matched by
``properties[key]`` = the row's ``key`` column, whose codes the table's foreign keys tie to the kode
wilayah reference tables. An invalid geometry (shapely, OGC rules) is an error, unless the publisher
declared ``repair``: then the downloads carry ``shapely.make_valid``'s repair and publish says so (a warning).
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path

import shapely
import shapely.errors
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry

from ..messages import issue, text
from ..profile import N_
from .descriptor import csv_dialect, foreign_keys, normalize_key
from .discover import unsafe_path_reason
from .report import Issue

GEOMETRY = "geometry"  # the resource property
MAX_GEOJSON_BYTES = 20_000_000  # read whole (json.loads, ~10x in memory): a city's outlines are a few MB
CHECK = N_("Geometri batas wilayah: FeatureCollection GeoJSON, Polygon/MultiPolygon [bujur, lintang], valid "
           "menurut shapely, satu poligon per baris dengan kode yang ada di tabelnya")


@dataclass
class Boundary:
    code: str
    geometry: BaseGeometry  # valid: repaired when the source's was not and the publisher allowed it
    properties: dict  # the feature's own properties


def declared_geometry(resource: dict) -> dict | None:
    value = resource.get(GEOMETRY) if isinstance(resource, dict) else None
    return value if isinstance(value, dict) else None


def has_geometry(descriptor: dict) -> bool:
    return any(declared_geometry(r) for r in descriptor.get("resources", []) if isinstance(r, dict))


def geometry_resources(descriptor: dict) -> list[dict]:
    """The GeoJSON files of a package's tables as Data Resources of their own (for the zip's descriptor)."""
    found = []
    for resource in descriptor.get("resources", []):
        declared = declared_geometry(resource)
        if declared:
            found.append({"name": f"{resource['name']}_geojson", "path": declared["path"], "format": "geojson",
                          "mediatype": "application/geo+json", "encoding": "utf-8",
                          "title": f"{resource.get('title', resource['name'])} (GeoJSON)",
                          "description": f"Poligon tabel {resource['name']}: satu Feature per baris, "
                                         f"properties.{declared['key']} = kolom {declared['key']}.",
                          **({"hash": declared["hash"]} if declared.get("hash") else {})})
    return found


def geometry_rules(file: str, index: int, resource: dict, folder: Path) -> list[Issue]:
    """The shape of a resource's ``geometry`` property; nothing is read."""
    if GEOMETRY not in resource:
        return []
    where = f"resources[{index}].{GEOMETRY}"
    declared = resource[GEOMETRY]
    if not isinstance(declared, dict) or not isinstance(declared.get("path"), str) \
            or not isinstance(declared.get("key"), str):
        return [issue(file, "portal-geometry", N_("geometry perlu path (berkas .geojson di dalam paket) dan key "
                                                  "(kolom kode tabel ini)"), field=where)]
    issues = []
    reason = unsafe_path_reason(folder, declared["path"])
    if reason:
        issues.append(issue(file, "portal-unsafe-path", reason[0], field=f"{where}.path", **reason[1]))
    elif not declared["path"].lower().endswith((".geojson", ".json")):
        issues.append(issue(file, "portal-geometry", N_("geometry.path %(path)s harus berkas .geojson"),
                            field=f"{where}.path", path=repr(declared["path"])))
    fields = resource.get("schema", {}).get("fields", []) if isinstance(resource.get("schema"), dict) else []
    if declared["key"] not in {f.get("name") for f in fields if isinstance(f, dict)}:
        issues.append(issue(file, "portal-geometry", N_("geometry.key %(key)s bukan kolom tabel ini"),
                            field=f"{where}.key", key=repr(declared["key"])))
    if "repair" in declared and not isinstance(declared["repair"], bool):
        issues.append(issue(file, "portal-geometry", N_("geometry.repair harus true atau false"), field=f"{where}.repair"))
    digest = declared.get("hash")
    if digest is not None and not (isinstance(digest, str) and digest.startswith("sha256:") and len(digest) == 71):
        issues.append(issue(file, "portal-geometry", N_("geometry.hash harus berbentuk sha256:<64 digit heksadesimal>"),
                            field=f"{where}.hash"))
    return issues


def check_geometries(folder: Path, descriptor: dict) -> list[Issue]:
    """Every declared geometry file, read and checked against its table."""
    issues = []
    for resource in descriptor.get("resources", []):
        if declared_geometry(resource):
            issues += read_boundaries(folder, resource)[1]
    return issues


def read_boundaries(folder: Path, resource: dict) -> tuple[list[Boundary], list[Issue]]:
    """The table's boundaries in file order, and what is wrong with them (errors, or warnings for repairs)."""
    declared = declared_geometry(resource)
    path = folder / declared["path"]
    file, key = str(path), declared["key"]

    def problem(template, where=None, code="portal-geometry", **params):
        return [], [issue(file, code, template, field=where, **params)]

    try:
        data = path.read_bytes() if path.stat().st_size <= MAX_GEOJSON_BYTES else None
    except OSError:
        return problem(N_("berkas geometri tidak ada atau tidak dapat dibaca"))
    if data is None:
        return problem(N_("berkas geometri lebih dari %(limit)s byte"), limit=MAX_GEOJSON_BYTES)
    digest = declared.get("hash")
    if isinstance(digest, str) and digest != "sha256:" + hashlib.sha256(data).hexdigest():
        return problem(N_("sha256 berkas tidak sama dengan geometry.hash di deskriptor (%(declared)s): berkas "
                          "berubah sejak dicatat"), declared=digest)
    try:
        collection = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:  # RecursionError: nested too deep
        return problem(N_("tidak dapat diurai sebagai JSON: %(reason)s"), reason=str(error)[:200])
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection" \
            or not isinstance(collection.get("features"), list):
        return problem(N_("harus berupa FeatureCollection GeoJSON (type dan features)"), "type")
    rows = table_codes(folder, resource, key)
    boundaries, issues, seen = [], [], {}
    for index, feature in enumerate(collection["features"]):
        where = f"features[{index}]"
        properties = feature.get("properties") if isinstance(feature, dict) else None
        code = properties.get(key) if isinstance(properties, dict) else None
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            issues.append(issue(file, "portal-geometry", N_("harus berupa Feature GeoJSON"), field=where))
            continue
        if not isinstance(code, str) or not code:
            issues.append(issue(file, "portal-geometry", N_("feature perlu properties.%(key)s berisi kode wilayah"),
                                field=f"{where}.properties.{key}", key=key))
            continue
        if code in seen:
            issues.append(issue(file, "portal-geometry", N_("kode %(kode)s sudah dipakai features[%(first)s]"),
                                field=f"{where}.properties.{key}", cell=code, kode=code, first=seen[code]))
            continue
        seen[code] = index
        if rows is not None and code not in rows:
            issues.append(issue(file, "portal-geometry-code", N_("kode %(kode)s tidak ada di kolom %(key)s tabel "
                                                                 "%(table)s%(reference)s"),
                                field=f"{where}.properties.{key}", cell=code, kode=code, key=key,
                                table=resource.get("name"), reference=reference_note(resource, key)))
        geometry, problems = checked_geometry(file, where, code, feature.get("geometry"),
                                               declared.get("repair") is True)
        issues += problems
        if geometry is not None:
            boundaries.append(Boundary(code, geometry, properties))
    for code, row in (rows or {}).items():
        if code not in seen:
            issues.append(issue(str(folder / resource["path"]), "portal-geometry-code",
                                N_("kode %(kode)s tidak punya poligon di %(path)s"), row=row, field=key, cell=code,
                                kode=code, path=declared["path"]))
    return boundaries, issues


def checked_geometry(file: str, where: str, code: str, geometry, repair: bool) -> tuple[BaseGeometry | None, list[Issue]]:
    """The feature's geometry as shapely reads it, or None and why not."""
    at = f"{where}.geometry"
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind not in ("Polygon", "MultiPolygon"):
        return None, [issue(file, "portal-geometry", N_("geometry harus Polygon atau MultiPolygon (bukan %(type)s)"),
                            field=at, type=str(kind if geometry is not None else None))]
    polygons = geometry.get("coordinates")
    polygons = [polygons] if kind == "Polygon" else polygons
    if not isinstance(polygons, list) or not polygons or not all(isinstance(p, list) and p for p in polygons):
        return None, [issue(file, "portal-geometry", N_("coordinates %(type)s kosong atau tidak berbentuk daftar "
                                                        "cincin"), field=f"{at}.coordinates", type=kind)]
    for polygon in polygons:
        for ring in polygon:
            if not isinstance(ring, list) or len(ring) < 4 or ring[0] != ring[-1]:
                return None, [issue(file, "portal-geometry", N_("setiap cincin perlu minimal 4 posisi, yang "
                                                                "pertama sama dengan yang terakhir"),
                                    field=f"{at}.coordinates")]
            for position in ring:
                if not is_lon_lat(position):
                    swapped = isinstance(position, list) and len(position) >= 2 and is_lon_lat(position[1::-1])
                    return None, [issue(file, "portal-geometry",
                                        N_("posisi %(position)s bukan [bujur, lintang] dalam derajat WGS 84 (bujur "
                                           "-180..180, lintang -90..90)%(swapped)s"),
                                        field=f"{at}.coordinates", cell=json.dumps(position)[:80],
                                        position=json.dumps(position)[:80],
                                        swapped=text(N_(" — lintang dan bujur tertukar?")) if swapped else "")]
    try:
        found = shape(geometry)
    except (ValueError, TypeError, shapely.errors.GEOSException) as error:
        return None, [issue(file, "portal-geometry", N_("shapely tidak dapat membaca geometri %(kode)s: %(reason)s"),
                            field=at, cell=code, kode=code, reason=str(error)[:200])]
    if found.is_valid:
        return found, []
    reason = shapely.is_valid_reason(found)
    if not repair:
        return None, [issue(file, "portal-geometry-invalid", N_("geometri %(kode)s tidak valid menurut shapely: %(reason)s"),
                            field=at, cell=code, kode=code, reason=reason)]
    return polygons_of(shapely.make_valid(found)), [
        issue(file, "portal-geometry-repaired", N_("geometri %(kode)s tidak valid di sumber (%(reason)s): unduhan "
                                                   "GeoJSON dan GeoParquet memuat perbaikan shapely.make_valid, berkas "
                                                   "asli tidak diubah"), field=at, cell=code, kode=code, reason=reason)]


def is_lon_lat(position) -> bool:
    return isinstance(position, list) and len(position) >= 2 \
        and all(isinstance(c, (int, float)) and not isinstance(c, bool) and math.isfinite(c) for c in position[:2]) \
        and -180 <= position[0] <= 180 and -90 <= position[1] <= 90


def polygons_of(geometry: BaseGeometry) -> BaseGeometry:
    """make_valid may return a collection with lines or points where rings touched: keep the polygons."""
    if isinstance(geometry, (Polygon, MultiPolygon)):
        return geometry
    parts = [g for g in getattr(geometry, "geoms", []) if isinstance(g, (Polygon, MultiPolygon))]
    flat = [p for g in parts for p in (g.geoms if isinstance(g, MultiPolygon) else [g])]
    return flat[0] if len(flat) == 1 else MultiPolygon(flat)


def table_codes(folder: Path, resource: dict, key: str) -> dict[str, int] | None:
    """The table's codes by CSV row (header = 1), or None when the file cannot be read (its own checks say why)."""
    try:
        with open(folder / resource["path"], newline="", encoding="utf-8-sig") as data:
            reader = csv.reader(data, **csv_dialect(resource))
            header = next(reader)
            column = header.index(key)
            return {row[column]: number for number, row in enumerate(reader, start=2) if len(row) > column}
    except (OSError, UnicodeDecodeError, csv.Error, StopIteration, ValueError, TypeError):
        return None


def reference_note(resource: dict, key: str) -> str:
    """" (merujuk ke paket/tabel)": where the key column's codes must exist, when a foreign key says so."""
    for fk in foreign_keys(resource):
        if normalize_key(fk.get("fields")) == [key]:
            ref = fk.get("reference", {})
            target = "/".join(str(part) for part in (ref.get("package"), ref.get("resource")) if part)
            return f" ({target})" if target else ""
    return ""
