"""The JSON download is encoded by SQLite a batch of rows at a time (downloads.write_json_rows): the same
bytes as one json_object per row, for every bundled table, for rows too long for a batch, and for keys
anywhere in SQLite's range."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest

from portal.publish import downloads


def one_object_per_row(conn, table, columns):
    """What the download was before batching: one json_object per row, joined in Python."""
    pairs = ", ".join(f"'{c}', {downloads.quoted(c)}" for c in columns)
    rows = [j for (j,) in conn.execute(f"select json_object({pairs}) from {downloads.quoted(table)} order by rowid")]
    return "[" + ("\n" + ",\n".join(rows) if rows else "") + "\n]\n"


def bundled_tables(build):
    for package in sorted((build / "current" / "files").iterdir()):
        for resource in json.loads((package / "datapackage.json").read_text())["resources"]:
            columns = [f["name"] for f in resource["schema"]["fields"]]
            if len(columns) <= downloads.JSON_PAIRS:
                yield resource["name"], columns


@pytest.mark.parametrize("batch_bytes", [downloads.JSON_BATCH_BYTES, 200])  # 200: every batch row by row
def test_every_bundled_table_is_written_as_one_object_per_row(bundled_build, tmp_path, monkeypatch, batch_bytes):
    monkeypatch.setattr(downloads, "JSON_BATCH_BYTES", batch_bytes)
    monkeypatch.setattr(downloads, "JSON_BATCH", 7)  # several batches even in small tables
    conn = sqlite3.connect(shutil.copy(bundled_build / "current" / "portal.db", tmp_path / "portal.db"))
    tables = list(bundled_tables(bundled_build))
    assert len(tables) >= 15
    for table, columns in tables:
        downloads.write_json_rows(conn, table, columns, tmp_path / "t.json")
        written = (tmp_path / "t.json").read_text(encoding="utf-8")
        assert written == one_object_per_row(conn, table, columns), table
        assert len(json.loads(written)) == conn.execute(f'select count(*) from "{table}"').fetchone()[0]
    assert conn.getlimit(sqlite3.SQLITE_LIMIT_LENGTH) > 10 ** 8  # the connection's limit is given back


def test_keys_at_the_ends_of_sqlites_range_and_an_empty_table(tmp_path, monkeypatch):
    monkeypatch.setattr(downloads, "JSON_BATCH", 2)
    conn = sqlite3.connect(":memory:")
    conn.execute("create table t (id integer primary key, nama text)")
    keys = [-2 ** 63, -5, 0, 10 ** 12, 2 ** 63 - 1]
    conn.executemany("insert into t values (?, ?)", [(k, f"baris {k}") for k in keys])
    conn.execute("create table kosong (id integer primary key, nama text)")
    downloads.write_json_rows(conn, "t", ["id", "nama"], tmp_path / "t.json")
    assert [row["id"] for row in json.loads((tmp_path / "t.json").read_text())] == keys
    downloads.write_json_rows(conn, "kosong", ["id", "nama"], tmp_path / "kosong.json")
    assert (tmp_path / "kosong.json").read_text() == "[\n]\n" == one_object_per_row(conn, "kosong", ["id", "nama"])
