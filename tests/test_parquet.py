"""Parquet of every table: typed from the schema, the same rows as the validated table, listed and served
like the other downloads; DuckDB and pyarrow read it as a researcher would."""

from __future__ import annotations

import datetime
import html
import re
import sqlite3

import duckdb
import pyarrow.parquet as pq

from portal.catalog import Catalog

DUCKDB_TYPES = {"integer": "BIGINT", "year": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN", "date": "DATE"}
GEOMETRY_COLUMNS = {"geometry", "_geometry"}  # GeoParquet's outline, beside the table's own columns


def tables(build):
    catalog = Catalog.load(build / "current" / "catalog.json")
    return [(d.name, r, build / "current" / r.downloads["parquet"].path) for d in catalog.datasets for r in d.resources]


def plain(value):
    """A Parquet value as SQLite holds the validated one: dates as ISO text, booleans as 0/1."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return int(value) if isinstance(value, bool) else value


def test_every_table_has_a_parquet_with_the_validated_rows_in_order(bundled_build):
    conn = sqlite3.connect(bundled_build / "current" / "portal.db")
    found = tables(bundled_build)
    assert len(found) >= 20
    for dataset, resource, path in found:
        names = [f.name for f in resource.fields]
        assert [c for c in pq.read_schema(path).names if c not in GEOMETRY_COLUMNS] == names, (dataset, resource.name)
        selected = ", ".join('"' + n.replace('"', '""') + '"' for n in names)
        expected = conn.execute(f'select {selected} from "{resource.name}" order by rowid').fetchall()
        got = duckdb.sql(f"select {selected} from '{path}'").fetchall()
        assert [tuple(map(plain, row)) for row in got] == expected, (dataset, resource.name)


def test_parquet_columns_carry_the_declared_types(bundled_build):
    for dataset, resource, path in tables(bundled_build):
        types = {row[0]: row[1] for row in duckdb.sql(f"describe select * from '{path}'").fetchall()}
        for field in resource.fields:
            assert types[field.name] == DUCKDB_TYPES.get(field.type, "VARCHAR"), (dataset, resource.name, field.name)


def test_parquet_is_served_listed_and_checksummed(bundled_app):
    client = bundled_app.test_client()
    name, table = "sampel-pengaduan-layanan", "sampel_pengaduan_layanan"
    response = client.get(f"/download/{name}/{table}.parquet")
    assert response.status_code == 200 and response.mimetype == "application/vnd.apache.parquet"
    assert response.data[:4] == b"PAR1" and response.data[-4:] == b"PAR1"
    ranged = client.get(f"/download/{name}/{table}.parquet", headers={"Range": "bytes=-8"})
    assert ranged.status_code == 206 and ranged.data[-4:] == b"PAR1"  # the footer, what a Parquet reader asks first
    assert f"  {table}.parquet" in client.get(f"/download/{name}/SHA256SUMS").get_data(as_text=True)
    package = client.get(f"/api/3/action/package_show?id={name}").get_json()["result"]
    assert any(r["format"] == "Parquet" and r["url"].endswith(f"{table}.parquet") for r in package["resources"])
    assert f"/download/{name}/{table}.parquet" in client.get(f"/dataset/{name}").get_data(as_text=True)


def test_the_page_gives_one_line_per_tool_at_the_versions_stable_url(bundled_app):
    """DuckDB reads the Parquet, pandas and R the CSV, at the version's URL: the lines keep working later."""
    client = bundled_app.test_client()
    name, table = "sampel-pengaduan-layanan", "sampel_pengaduan_layanan"
    page = html.unescape(client.get(f"/dataset/{name}").get_data(as_text=True))
    duck = re.search(r"duckdb -c \"SELECT \* FROM read_parquet\('http://localhost(/download/[^']+)'\) LIMIT 10\"", page)
    assert duck and re.fullmatch(rf"/download/{name}/v\d+/{table}\.parquet", duck[1]), duck
    response = client.get(duck[1])
    assert response.status_code == 200 and response.data[:4] == b"PAR1"
    pandas = re.search(r'pd\.read_csv\("http://localhost(/download/[^"]+)", dtype=str, keep_default_na=False\)', page)
    assert pandas and re.fullmatch(rf"/download/{name}/v\d+/{table}\.csv", pandas[1])
    assert client.get(pandas[1]).status_code == 200
    assert f'read.csv("http://localhost{pandas[1]}", colClasses = "character", encoding = "UTF-8")' in page
