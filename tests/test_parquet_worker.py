"""Large tables' Parquet files come from a child process that reads through ADBC's SQLite driver: the
files are the same as the sqlite3 path writes (every bundled table's types, a column NULL for more than
the first batch), a publish uses it end to end, and a child that fails is reported, not fatal."""

from __future__ import annotations

import datetime
import json
import shutil
import sqlite3

import pyarrow.parquet as pq
import pytest

from portal.publish import downloads, parquet_downloads, parquet_worker, publish
from portal.publish.geometry import declared_geometry

from .conftest import FIXTURE_DATASETS, FIXTURE_METADATA, copy_datasets


def through_sqlite3(db, resource, path):
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        parquet_downloads.write_parquet(conn, resource, path)


def resources(release):
    for package in sorted((release / "files").iterdir()):
        for resource in json.loads((package / "datapackage.json").read_text())["resources"]:
            if not declared_geometry(resource):
                yield resource


def test_every_bundled_table_reads_the_same_through_adbc(bundled_build, tmp_path):
    # a copy: the driver's own SQLite must not open a file this process holds open through sqlite3
    db = shutil.copy(bundled_build / "current" / "portal.db", tmp_path / "portal.db")
    checked = set()
    for resource in resources(bundled_build / "current"):
        ours, theirs = tmp_path / "adbc.parquet", tmp_path / "sqlite3.parquet"
        parquet_worker.write_parquet_through_adbc(db, resource, ours)
        through_sqlite3(db, resource, theirs)
        assert pq.read_table(ours).equals(pq.read_table(theirs)), resource["name"]
        assert pq.read_schema(ours) == parquet_downloads.arrow_schema(resource)
        checked.update(f.get("type", "string") for f in resource["schema"]["fields"])
    assert {"integer", "number", "string", "date", "year"} <= checked


def test_a_column_null_for_the_whole_first_batch_is_typed_as_declared(tmp_path, monkeypatch):
    """The driver types a column by its first batch: all NULL there would read as integers and fail on
    the first text."""
    monkeypatch.setattr(parquet_downloads, "ROW_GROUP_ROWS", 1000)
    db = tmp_path / "t.db"
    with sqlite3.connect(db) as conn:
        conn.execute('CREATE TABLE "t" ("catatan" TEXT, "nilai" FLOAT, "tanggal" TEXT, "ada" INTEGER)')
        conn.executemany('INSERT INTO "t" VALUES (?, ?, ?, ?)', [(None, None, None, None)] * 1500
                         + [("teks", 2.5, "2024-02-29", 1), (None, 3.0, None, 0)])
    conn.close()
    fields = [{"name": "catatan"}, {"name": "nilai", "type": "number"}, {"name": "tanggal", "type": "date"},
              {"name": "ada", "type": "boolean"}]
    resource = {"name": "t", "schema": {"fields": fields}}
    ours, theirs = tmp_path / "adbc.parquet", tmp_path / "sqlite3.parquet"
    parquet_worker.write_parquet_through_adbc(db, resource, ours)
    through_sqlite3(db, resource, theirs)
    table = pq.read_table(ours)
    assert table.equals(pq.read_table(theirs)) and table.num_rows == 1502
    assert table.slice(1500, 1).to_pylist() == [{"catatan": "teks", "nilai": 2.5, "tanggal": datetime.date(2024, 2, 29),
                                                 "ada": True}]
    assert pq.ParquetFile(ours).metadata.num_row_groups == pq.ParquetFile(theirs).metadata.num_row_groups == 2


def test_publish_writes_large_tables_parquet_in_a_child(tmp_path, monkeypatch):
    started = []
    real = parquet_worker.started
    monkeypatch.setattr(downloads, "ROWS_WORTH_A_PROCESS", 1)  # every table is "large"
    monkeypatch.setattr(parquet_worker, "started", lambda *args: started.append(args[1]["name"]) or real(*args))
    build = tmp_path / "build"
    assert publish(copy_datasets(tmp_path / "d", *FIXTURE_DATASETS.iterdir()), FIXTURE_METADATA, build).ok
    release = (build / "current").resolve()
    written = sorted(r["name"] for r in resources(release))
    assert sorted(started) == written
    for resource in resources(release):
        package = next(p.name for p in (release / "files").iterdir()
                       if resource["name"] in (p / "datapackage.json").read_text())
        expected = tmp_path / "expected.parquet"
        through_sqlite3(release / "portal.db", resource, expected)
        got = release / "downloads" / package / f"{resource['name']}.parquet"
        assert pq.read_table(got).equals(pq.read_table(expected))


def test_a_child_that_fails_is_an_error_of_that_download_only(tmp_path):
    db = tmp_path / "t.db"
    sqlite3.connect(db).close()
    finished = parquet_worker.started(db, {"name": "tidak_ada", "schema": {"fields": [{"name": "x"}]}},
                                      tmp_path / "x.parquet")
    with pytest.raises(RuntimeError, match="no such table: tidak_ada"):
        finished(tmp_path / "x.parquet")
