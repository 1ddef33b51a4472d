"""Downloads of a table with declared boundaries (geometry.py): GeoJSON and GeoParquet, one feature or row
per table row with every column, and its outline as validated (repaired where the publisher allowed it)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import shapely
from shapely.geometry import mapping

from .geometry import Boundary
from .parquet_downloads import arrow_schema, batch, table_rows

# https://geoparquet.org/releases/v1.1.0/ — without "crs" a column is OGC:CRS84 (longitude, latitude)
GEOPARQUET_VERSION = "1.1.0"

def outlines_by_row(columns: list[str], rows: list[tuple], key: str, boundaries: list[Boundary]) -> list:
    by_code = {b.code: b.geometry for b in boundaries}
    index = columns.index(key)
    return [by_code.get(str(row[index])) for row in rows]


def write_boundary_geojson(conn: sqlite3.Connection, resource: dict, boundaries: list[Boundary], path: Path) -> None:
    """A FeatureCollection in the table's row order: the outline and every column as a property."""
    columns, rows = table_rows(conn, resource)
    outlines = outlines_by_row(columns, rows, resource["geometry"]["key"], boundaries)
    types = {f["name"]: f.get("type", "string") for f in resource["schema"]["fields"]}
    with open(path, "w", encoding="utf-8") as out:
        out.write('{"type": "FeatureCollection", "features": [')
        for number, (row, outline) in enumerate(zip(rows, outlines)):
            properties = {c: bool(v) if types[c] == "boolean" and v is not None else v for c, v in zip(columns, row)}
            feature = {"type": "Feature", "geometry": mapping(outline) if outline is not None else None,
                       "properties": properties}
            out.write(("\n" if number == 0 else ",\n") + json.dumps(feature, ensure_ascii=False))
        out.write("\n]}\n")


def write_geoparquet(conn: sqlite3.Connection, resource: dict, boundaries: list[Boundary], path: Path) -> None:
    """GeoParquet 1.1: the table's columns typed from its schema, and the outline as WKB ("geometry")."""
    columns, rows = table_rows(conn, resource)
    outlines = outlines_by_row(columns, rows, resource["geometry"]["key"], boundaries)
    arrays = {name: batch(rows, arrow_schema(resource)).column(name) for name in columns}
    present = [g for g in outlines if g is not None]
    column = "geometry" if "geometry" not in arrays else "_geometry"
    arrays[column] = pa.array([None if g is None else shapely.to_wkb(g, flavor="iso") for g in outlines],
                                  type=pa.binary())
    bounds = shapely.total_bounds(present).tolist() if present else []
    geo = {"version": GEOPARQUET_VERSION, "primary_column": column,
           "columns": {column: {"encoding": "WKB", "geometry_types": sorted({g.geom_type for g in present}),
                                    **({"bbox": bounds} if bounds else {})}}}
    table = pa.table(arrays).replace_schema_metadata({b"geo": json.dumps(geo).encode("utf-8")})
    pq.write_table(table, path, compression="zstd")
