"""The place index (portal/place_index.py) of a new release: for every area of metadata/wilayah.geojson,
its parent, children and neighbours, the tables with rows about it and its key figures.

Rows reach a place through its reference keys: a column that is a foreign key into a reference table
whose codes are places (kota_malang_kelurahan, kota_malang_kecamatan, kabupaten_kota), or that table's
own key. A kecamatan also has the rows of its kelurahan; the city those of all of them.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from pathlib import Path

from shapely.errors import ShapelyError
from shapely.geometry import shape

from ..catalog import Catalog, DatasetInfo, ResourceInfo
from ..messages import issue
from ..place_index import EXACT, LEVELS, WITHIN, KeyColumn, PlaceEntry, PlaceFigure, PlaceIndex, PlaceRows
from ..profile import N_
from .places import PLACES_FILE
from .report import Issue

# Numbers with these units say where or when, not how much: no key figure.
NOT_QUANTITIES = {"tahun", "derajat"}


def build_place_index(catalog: Catalog, db_path: Path, metadata_dir: Path) -> tuple[PlaceIndex, list[Issue]]:
    """The index, or an empty one with the issue that stopped it (place pages never stop a publish)."""
    if not catalog.places:
        return PlaceIndex(), []
    try:
        entries = place_entries(catalog, place_properties(Path(metadata_dir) / PLACES_FILE))
        add_neighbours(catalog, entries)
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            keys = key_columns(catalog, conn, entries)
            add_rows(catalog, conn, entries, keys)
        finally:
            conn.close()
    except (sqlite3.Error, ShapelyError, ValueError, TypeError, OSError) as error:
        return PlaceIndex(), [issue(str(Path(metadata_dir) / PLACES_FILE), "portal-places",
                                    N_("indeks halaman wilayah tidak dapat dibuat: %(error)s"), error=str(error))]
    return PlaceIndex(list(entries.values()), keys), []


def place_properties(path: Path) -> dict[str, dict]:
    """kode -> the feature's properties (level, area_km2), as places.py already checked the file."""
    if not path.exists():
        return {}
    features = json.loads(path.read_text(encoding="utf-8")).get("features", [])
    return {f["properties"]["kode"]: f["properties"] for f in features
            if isinstance(f, dict) and isinstance(f.get("properties"), dict) and "kode" in f["properties"]}


def level_of(code: str, properties: dict) -> str:
    """The feature's level, else the code's depth: 35.73 kota, 35.73.01 kecamatan, 35.73.01.1001 kelurahan."""
    if properties.get("level") in LEVELS:
        return properties["level"]
    depth = code.count(".")
    return LEVELS[depth - 1] if 1 <= depth <= len(LEVELS) else "wilayah"


def place_entries(catalog: Catalog, properties: dict[str, dict]) -> dict[str, PlaceEntry]:
    entries = {}
    for place in catalog.places:
        props = properties.get(place.code, {})
        area = props.get("area_km2")
        entries[place.code] = PlaceEntry(place.code, place.name, level_of(place.code, props),
                                         area_km2=float(area) if isinstance(area, (int, float)) else None)
    for entry in entries.values():
        parent = entry.code.rpartition(".")[0]
        if parent in entries:
            entry.parent = parent
            entries[parent].children.append(entry.code)
    for entry in entries.values():
        entry.children.sort(key=lambda code: entries[code].name)
    return entries


def add_neighbours(catalog: Catalog, entries: dict[str, PlaceEntry]) -> None:
    """Areas of the same level whose outlines touch or overlap (simplified outlines overlap a little
    along shared borders, so touching alone would miss most neighbours)."""
    shapes = {p.code: shape(p.geometry) for p in catalog.places}
    for code, outline in shapes.items():  # a centroid can fall outside a crescent-shaped area
        point = outline.representative_point()
        entries[code].label_point = [round(point.x, 6), round(point.y, 6)]
    by_level = defaultdict(list)
    for code, entry in entries.items():
        by_level[entry.level].append(code)
    for codes in by_level.values():
        for index, a in enumerate(codes):
            for b in codes[index + 1:]:
                if shapes[a].intersects(shapes[b]):
                    entries[a].neighbours.append(b)
                    entries[b].neighbours.append(a)
    for entry in entries.values():
        entry.neighbours.sort(key=lambda code: entries[code].name)


def key_columns(catalog: Catalog, conn: sqlite3.Connection, entries: dict[str, PlaceEntry]) -> list[KeyColumn]:
    """Every column holding kode wilayah of one level, found through the foreign keys of the catalog."""
    pointing = defaultdict(list)  # (reference table, its column) -> [(table, column)] of the keys into it
    for dataset in catalog.datasets:
        for resource in dataset.resources:
            for key in resource.foreign_keys:
                if len(key.fields) == 1 and len(key.columns) == 1:
                    pointing[(key.table, key.columns[0])].append((resource.name, key.fields[0]))
    keys = []
    for (table, column), sources in pointing.items():
        if catalog.table_owner(table) is None:
            continue
        codes = {str(code) for (code,) in conn.execute(f'select distinct "{column}" from "{table}"')}
        levels = {entries[code].level for code in codes if code in entries}
        if len(levels) != 1:
            continue  # no place among its codes (provinsi), or codes of several levels: not one place's key
        level = levels.pop()
        for source in [(table, column)] + sources:
            if not any(k.table == source[0] and k.column == source[1] for k in keys):
                keys.append(KeyColumn(source[0], source[1], level))
    return keys


def add_rows(catalog: Catalog, conn: sqlite3.Connection, entries: dict[str, PlaceEntry],
             keys: list[KeyColumn]) -> None:
    counts = {(k.table, k.column): dict(conn.execute(
        f'select cast("{k.column}" as text), count(*) from "{k.table}" where "{k.column}" is not null '
        f'group by 1')) for k in keys}
    tables = defaultdict(list)
    for key in keys:
        tables[key.table].append(key.column)
    for entry in entries.values():
        for table, columns in tables.items():
            dataset = catalog.table_owner(table)
            resource = dataset.resource(table)
            found = rows_about(entry.code, columns, {c: counts[(table, c)] for c in columns}, resource)
            if found is None:
                continue
            column, rows, match = found
            entry.datasets.append(PlaceRows(dataset.name, table, column, rows, match))
            if match == EXACT and rows == 1 and is_unique(resource, column):
                entry.figures += figures_of(conn, dataset, resource, column, entry.code)


def rows_about(code: str, columns: list[str], counts: dict[str, dict], resource: ResourceInfo):
    """(column, rows, match) of the table's rows naming this place, else of those naming areas inside
    it; None when it has neither. Columns are tried in the table's own order."""
    order = [f.name for f in resource.fields]
    columns = sorted(columns, key=lambda c: order.index(c) if c in order else len(order))
    for column in columns:
        if counts[column].get(code):
            return column, counts[column][code], EXACT
    for column in columns:
        inside = sum(n for value, n in counts[column].items() if value.startswith(code + "."))
        if inside:
            return column, inside, WITHIN
    return None


def is_unique(resource: ResourceInfo, column: str) -> bool:
    field = next((f for f in resource.fields if f.name == column), None)
    return resource.primary_key == [column] or bool(field and field.constraints.get("unique"))


def figures_of(conn: sqlite3.Connection, dataset: DatasetInfo, resource: ResourceInfo, column: str,
               code: str) -> list[PlaceFigure]:
    """The measured numbers (numeric columns with a unit) of the one row this table has for the place."""
    fields = [f for f in resource.fields if f.type in ("integer", "number") and f.unit
              and f.unit.casefold() not in NOT_QUANTITIES]
    if not fields:
        return []
    selected = ", ".join(f'"{f.name}"' for f in fields)
    row = conn.execute(f'select {selected} from "{resource.name}" where "{column}" = ?', (code,)).fetchone()
    return [PlaceFigure(f.title or f.name, value, dataset.name, resource.name, f.name, f.unit, period(dataset),
                        dataset.sample, f.description)
            for f, value in zip(fields, row or ())
            if isinstance(value, (int, float)) and not isinstance(value, bool)]


def period(dataset: DatasetInfo) -> str:
    """The years of the dataset's temporal coverage, "2021–2025" or "2025"; empty when it states none."""
    years = [str(dataset.temporal.get(side, ""))[:4] for side in ("start", "end")]
    years = [y for y in years if y.isdigit()]
    if not years:
        return ""
    return years[0] if len(set(years)) == 1 else f"{years[0]}–{years[-1]}"
