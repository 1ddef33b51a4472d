"""A large CSV is loaded on both cores (portal/publish/split_load.py): the second half of its rows by a child
process. The release is the same as a one-process load, row for row; a broken row in the second half is
reported by frictionless with its true row number; a file with quoted cells is never cut."""

from __future__ import annotations

import json
import random
import sqlite3

import pytest

from portal.publish import publish, split_load
from portal.publish.split_load import split_offset

from .conftest import FIXTURE_METADATA

ROWS = 3000


def write_package(datasets, rows, extra=""):
    folder = datasets / "besar-mini"
    (folder / "data").mkdir(parents=True)
    rng = random.Random(5)
    lines = ["id,tanggal,kategori,jumlah,nilai,keterangan"] + [
        f"{i},2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d},{rng.choice(['air', 'jalan', 'sampah'])},"
        f"{rng.randint(0, 500)},{rng.uniform(0, 1000):.2f},catatan {rng.randint(1, 99)}" for i in range(1, rows + 1)]
    (folder / "data" / "laporan.csv").write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    field = lambda name, kind, **more: {"name": name, "type": kind, "title": name, **more}  # noqa: E731
    (folder / "datapackage.json").write_text(json.dumps({
        "name": "besar-mini", "title": "Besar mini (Data sampel sintetis)", "description": "Uji.", "publisher": "dlh",
        "author": "dlh", "maintainer": "diskominfo", "themes": ["governance"], "licenses": [{"name": "CC0-1.0"}],
        "sample": True, "accrualPeriodicity": "daily", "accessRights": "terbuka",
        "resources": [{"name": "laporan_besar", "path": "data/laporan.csv", "title": "Laporan", "schema": {
            "fields": [field("id", "integer", constraints={"required": True}), field("tanggal", "date"),
                       field("kategori", "string", constraints={"enum": ["air", "jalan", "sampah"]}),
                       field("jumlah", "integer", constraints={"minimum": 0}), field("nilai", "number"),
                       field("keterangan", "string")],
            "primaryKey": ["id"]}}]}), encoding="utf-8")
    return folder / "data" / "laporan.csv"


@pytest.fixture
def splits(monkeypatch):
    """Every file is "large", and the children started are counted."""
    started = []
    real = split_load.TailLoad.__init__

    def counting(self, *args, **kwargs):
        started.append(args[4])
        real(self, *args, **kwargs)

    monkeypatch.setattr(split_load, "SPLIT_MIN_BYTES", 1)
    monkeypatch.setattr(split_load.TailLoad, "__init__", counting)
    return started


def rows_of(build):
    conn = sqlite3.connect(build / "current" / "portal.db")
    try:
        return conn.execute("select rowid, * from laporan_besar order by rowid").fetchall()
    finally:
        conn.close()


def test_a_split_load_releases_the_same_rows_and_files(tmp_path, splits, monkeypatch):
    write_package(tmp_path / "d", ROWS)
    report = publish(tmp_path / "d", FIXTURE_METADATA, tmp_path / "split")
    assert report.ok and report.outcome("besar-mini").rows == ROWS and len(splits) == 1
    monkeypatch.setattr(split_load, "SPLIT_MIN_BYTES", 10 ** 12)
    assert publish(tmp_path / "d", FIXTURE_METADATA, tmp_path / "whole", full=True).ok and len(splits) == 1
    assert rows_of(tmp_path / "split") == rows_of(tmp_path / "whole")
    assert [r[0] for r in rows_of(tmp_path / "split")] == list(range(1, ROWS + 1))
    for name in ("laporan_besar.json", "laporan_besar.parquet", "laporan_besar.excel.csv"):
        split, whole = (tmp_path / b / "current" / "downloads" / "besar-mini" / name for b in ("split", "whole"))
        assert split.read_bytes() == whole.read_bytes(), name
    split_catalog, whole_catalog = (json.loads((tmp_path / b / "current" / "catalog.json").read_text())
                                    for b in ("split", "whole"))
    stats = lambda catalog: next(d for d in catalog["datasets"] if d["name"] == "besar-mini")["resources"][0]  # noqa: E731
    assert stats(split_catalog)["fields"] == stats(whole_catalog)["fields"]


@pytest.mark.parametrize("bad_row, field", [
    (f"{ROWS + 1},2024-13-01,air,1,2.5,x", "tanggal"),  # not a date
    (f"{ROWS + 1},2024-01-01,api,1,2.5,x", "kategori"),  # not in the enum
    ("7,2024-01-01,air,1,2.5,x", None),  # the key of a row in the first half
    (f"{ROWS + 1},2024-01-01,air,1", None),  # a row too short
])
def test_a_broken_row_in_the_second_half_is_reported_with_its_row_number(tmp_path, splits, bad_row, field):
    write_package(tmp_path / "d", ROWS, extra=bad_row + "\n")
    report = publish(tmp_path / "d", FIXTURE_METADATA, tmp_path / "build")
    assert len(splits) == 1 and not report.ok
    issues = report.outcome("besar-mini").issues
    assert issues and all(i.row == ROWS + 2 for i in issues), [(i.code, i.row, i.field) for i in issues]
    if field:
        assert {i.field for i in issues} == {field}
    assert not (tmp_path / "build" / "current").exists()


def test_a_file_with_quoted_cells_is_not_cut(tmp_path):
    path = write_package(tmp_path / "d", 50, extra='51,2024-01-01,air,1,2.5,"dua\nbaris"\n')
    assert split_offset(path, '"') is None
    plain = write_package(tmp_path / "e", 50)
    offset = split_offset(plain, '"')
    data = plain.read_bytes()
    assert offset and data[offset - 1:offset] == b"\n" and abs(offset - len(data) // 2) < 100


def test_progress_counts_the_childs_rows_and_bytes(tmp_path, splits):
    from portal.publish.progress import watched_by

    from .test_progress import Recorder

    path = write_package(tmp_path / "d", ROWS)
    watcher = Recorder()
    with watched_by(watcher):
        report = publish(tmp_path / "d", FIXTURE_METADATA, tmp_path / "build")
    assert report.ok and len(splits) == 1
    assert watcher.rows["besar-mini"] == ROWS and watcher.read_bytes["besar-mini"] >= path.stat().st_size
