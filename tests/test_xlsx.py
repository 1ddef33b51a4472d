"""The XLSX download, read back by openpyxl cell by cell: the same values as the CSV and the table, with
the same kinds (number, text, empty), whatever writer makes it (portal/publish/xlsx.py)."""

import datetime
import decimal
import io
import json
import random
import sqlite3
from contextlib import closing

import frictionless
import openpyxl
import pytest

from portal.publish.cast import neutralise_formula
from portal.publish.xlsx import MAX_TEXT, write_xlsx

WORDS = "jalan kelurahan kecamatan sekolah puskesmas pasar taman sungai rumah sakit dinas kesehatan".split()


def data_rows(path):
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["data", "kamus_data", "metadata"]
    cells = [list(row) for row in book["data"].iter_rows()]
    assert all(cell.data_type in ("n", "s", "b") for row in cells for cell in row)  # never "f", a formula
    return [[cell.value for cell in row] for row in cells]


def padded(row, width):
    return list(row) + [None] * (width - len(row))


def same_cell(expected, got):
    """Numbers as numbers (a whole number may come back as 5.0: Excel keeps every number as a double),
    text as the text, empty as empty."""
    if expected is None:
        return got is None
    if isinstance(expected, bool):
        return isinstance(got, (int, float)) and not isinstance(got, bool) and got == int(expected)
    if isinstance(expected, (int, float)):
        return isinstance(got, (int, float)) and not isinstance(got, bool) and got == expected
    return isinstance(got, str) and got == expected


def test_every_published_xlsx_reads_as_its_csv(client, published_build):
    """Each table's XLSX against its CSV as frictionless types it: every column, every row."""
    live = published_build / "current"
    checked = 0
    for package in ("layanan-mini", "wilayah-mini"):
        folder = live / "files" / package
        for declared in json.loads((folder / "datapackage.json").read_text())["resources"]:
            declared["schema"].pop("foreignKeys", None)  # into other packages: not what is compared here
            resource = frictionless.Resource(declared, basepath=str(folder))
            response = client.get(f"/download/{package}/{resource.name}.xlsx")
            assert response.status_code == 200
            rows = data_rows(io.BytesIO(response.data))
            fields = resource.schema.field_names
            assert rows[0] == fields
            typed = [[row[f] for f in fields] for row in resource.read_rows()]
            assert len(rows) - 1 == len(typed) > 0
            for got, source in zip(rows[1:], typed):
                for field, value, cell in zip(fields, source, padded(got, len(fields))):
                    if isinstance(value, decimal.Decimal):
                        value = float(value)
                    elif isinstance(value, (datetime.date, datetime.time)):
                        value = value.isoformat()  # the ISO text the CSV has
                    elif isinstance(value, str):
                        value = neutralise_formula(value)
                    assert same_cell(value, cell), (package, resource.name, field, value, cell)
                    checked += 1
    assert checked > 20


@pytest.fixture()
def table(tmp_path):
    """A table of every kind of value publish can leave in SQLite."""
    rnd = random.Random(3)
    path = tmp_path / "t.db"
    rows = [(i, rnd.uniform(-1e6, 1e6), -7.98 + rnd.uniform(-.05, .05), 0.1 + 0.2, 10 ** 15 + i,
             f"20{rnd.randint(10, 25)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
             " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(1, 8))).title(),
             rnd.choice([None, "", "-", "+62 341 123", "=SUM(A1)", " =1+1", "@x", "-5", "unit\x1fsep", "ok"]),
             rnd.choice([None, 0, 1]), rnd.choice([None, 1.5, 2]))
            for i in range(1, 3001)]
    rows.append((3001, None, None, None, None, None, "x" * (MAX_TEXT + 10), None, None, None))
    columns = ["id", "nilai", "lat", "jumlah", "besar", "tanggal", "nama", "catatan", "selesai", "campur"]
    with closing(sqlite3.connect(path)) as conn:
        conn.execute(f"create table t ({', '.join(columns)})")
        conn.executemany(f"insert into t values ({', '.join('?' * len(columns))})", rows)
        conn.execute("create table kosong (a integer, b text)")
        conn.commit()
    resource = {"name": "t", "title": "=Judul", "schema": {"fields": [{"name": c} for c in columns]}}
    descriptor = {"name": "paket", "title": "Paket", "sample": True, "version": 3,
                  "licenses": [{"name": "CC-BY-4.0"}], "resources": [resource]}
    return path, descriptor, resource, columns, rows


def expected_text(value):
    value = neutralise_formula(value).replace("\x1f", "\ufffd")
    return value[:MAX_TEXT]


def test_the_writer_keeps_every_value_and_kind(table, tmp_path):
    path, descriptor, resource, columns, rows = table
    with closing(sqlite3.connect(path)) as conn:
        write_xlsx(conn, descriptor, resource, tmp_path / "t.xlsx")
    got = data_rows(tmp_path / "t.xlsx")
    assert got[0] == columns and len(got) == len(rows) + 1
    for source, row in zip(rows, got[1:]):
        for column, value, cell in zip(columns, source, padded(row, len(columns))):
            value = expected_text(value) if isinstance(value, str) else value
            if value == "":  # an empty string is an empty cell
                value = None
            assert same_cell(value, cell), (column, value, cell)
    book = openpyxl.load_workbook(tmp_path / "t.xlsx")
    assert list(book["kamus_data"].values)[0][:2] == ("kolom", "tipe")
    metadata = dict(list(book["metadata"].values)[1:])
    assert metadata["version"] == 3 and metadata["sample"] is True
    assert json.loads(metadata["licenses"]) == [{"name": "CC-BY-4.0"}]
    assert metadata["tabel"] == "t" and metadata["judul tabel"] == "'=Judul"


def test_an_empty_table_has_its_header_row(table, tmp_path):
    path, descriptor, _, _, _ = table
    resource = {"name": "kosong", "schema": {"fields": [{"name": "a", "type": "integer"}, {"name": "b"}]}}
    with closing(sqlite3.connect(path)) as conn:
        write_xlsx(conn, descriptor, resource, tmp_path / "kosong.xlsx")
    assert data_rows(tmp_path / "kosong.xlsx") == [["a", "b"]]
