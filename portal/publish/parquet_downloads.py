"""Parquet downloads: every table, typed from its schema, for DuckDB, pandas, polars, R (arrow) and Spark.

One file per table with the table's columns in their order and declared types (every value was validated
against them): integers, numbers and booleans as such, dates as Parquet dates and years as integers,
everything else as text. zstd-compressed, written a row group at a time, so a large table takes flat memory
and is a fraction of its CSV, and a reader fetches only the columns and row groups it asks for (HTTP range
requests work on /download, see portal/views/downloads.py). Tables with declared boundaries get GeoParquet
instead (geo_downloads.py), built on the same columns.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

ARROW_TYPES = {"integer": pa.int64(), "year": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(),
               "date": pa.date32()}
ROW_GROUP_ROWS = 128 * 1024  # rows read, converted and written at a time: memory stays flat for any table


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def select_columns(resource: dict) -> str:
    selected = ", ".join(quoted(f["name"]) for f in resource["schema"]["fields"])
    return f"select {selected} from {quoted(resource['name'])} order by rowid"


def table_rows(conn: sqlite3.Connection, resource: dict) -> tuple[list[str], list[tuple]]:
    return [f["name"] for f in resource["schema"]["fields"]], conn.execute(select_columns(resource)).fetchall()


def arrow_type(field_type: str) -> pa.DataType:
    """A frictionless field type's Arrow type (also the filtered exports' under /sql, portal/sql_parquet_export.py)."""
    return ARROW_TYPES.get(field_type, pa.string())


def arrow_schema(resource: dict) -> pa.Schema:
    return pa.schema([(f["name"], arrow_type(f.get("type", "string"))) for f in resource["schema"]["fields"]])


def column_array(values, arrow_type: pa.DataType) -> pa.Array:
    """Validated values in their declared type (publish checked every one: a failure here is a bug, and
    guarded() reports it and leaves this download out). Dates arrive as ISO text, booleans as 0 and 1."""
    if arrow_type == pa.bool_():
        return pa.array([None if v is None else bool(v) for v in values], type=arrow_type)
    if arrow_type in (pa.string(), pa.date32()):
        text = text_array(values)
        return text if arrow_type == pa.string() else text.cast(arrow_type)
    return pa.array(values, type=arrow_type)


def text_array(values) -> pa.Array:
    """Text columns hold str (TEXT affinity) and Arrow takes them as they are; only a column of other values
    (a field type SQLite stores without affinity) goes through str() cell by cell."""
    try:
        return pa.array(values, type=pa.string())
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return pa.array([None if v is None else str(v) for v in values], type=pa.string())


def batch(rows: list[tuple], schema: pa.Schema) -> pa.Table:
    columns = zip(*rows)  # one tuple per column, made in C: a list comprehension per column was a third of the file
    return pa.table({field.name: column_array(values, field.type) for field, values in zip(schema, columns)},
                    schema=schema)


def write_parquet(conn: sqlite3.Connection, resource: dict, path: Path) -> None:
    schema = arrow_schema(resource)
    cursor = conn.execute(select_columns(resource))
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        while rows := cursor.fetchmany(ROW_GROUP_ROWS):
            writer.write_table(batch(rows, schema), row_group_size=ROW_GROUP_ROWS)
