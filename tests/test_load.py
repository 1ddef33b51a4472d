import pytest
import sqlite_utils

from portal.publish.discover import discover
from portal.publish.load import ReleaseDatabase

from .conftest import FIXTURE_DATASETS


@pytest.fixture(scope="module", params=["validated while loading", "loaded after frictionless"])
def loaded(request, tmp_path_factory):
    """Both ways into the database must give the same tables, values and stats."""
    db_path = tmp_path_factory.mktemp("load") / "portal.db"
    database = ReleaseDatabase(db_path)
    for source in sorted(discover(FIXTURE_DATASETS), key=lambda s: s.name != "wilayah-mini"):  # referenced first
        if request.param == "validated while loading":
            assert database.load_checked(source), database.unvouched
        else:
            database.load_unchecked(source)
    loads = database.finish()
    database.wait()  # indexes and full-text search are built in the background
    return sqlite_utils.Database(db_path), loads


def test_one_table_per_resource_with_row_counts(loaded):
    db, loads = loaded
    # sqlite_stat1 comes from ANALYZE, which helps the query planner; *_fts tables are full-text indexes.
    tables = {t for t in db.table_names() if t != "sqlite_stat1" and "_fts" not in t}
    assert tables == {"kecamatan_mini", "kelurahan_mini", "pengaduan_mini"}
    assert {name: load.rows for name, load in loads.items()} == {"kecamatan_mini": 2, "kelurahan_mini": 3,
                                                                 "pengaduan_mini": 5}
    assert loads["pengaduan_mini"].package == "layanan-mini"


def test_column_types_follow_the_table_schema(loaded):
    db, _ = loaded
    assert {c.name: c.type for c in db["pengaduan_mini"].columns} == {
        "id": "INTEGER", "tanggal": "TEXT", "kode_kelurahan": "TEXT", "biaya": "REAL", "selesai": "INTEGER"}
    assert db["pengaduan_mini"].get(1) == {"id": 1, "tanggal": "2024-01-02", "kode_kelurahan": "35.73.01.1001",
                                          "biaya": 1500.5, "selesai": 1}
    assert db["pengaduan_mini"].get(2)["biaya"] is None  # empty cell = missing value


def test_primary_and_foreign_keys_within_and_across_packages(loaded):
    db, _ = loaded
    assert db["kelurahan_mini"].pks == ["kode"]
    assert [(fk.column, fk.other_table, fk.other_column) for fk in db["kelurahan_mini"].foreign_keys] == [
        ("kode_kecamatan", "kecamatan_mini", "kode")]
    assert [(fk.column, fk.other_table, fk.other_column) for fk in db["pengaduan_mini"].foreign_keys] == [
        ("kode_kelurahan", "kelurahan_mini", "kode")]
    indexed = {tuple(index.columns) for index in db["pengaduan_mini"].indexes}
    assert ("kode_kelurahan",) in indexed


def test_column_stats(loaded):
    _, loads = loaded
    stats = loads["pengaduan_mini"].stats
    assert (stats["biaya"].nulls, stats["biaya"].distinct, stats["biaya"].min, stats["biaya"].max) == (1, 4, 0.0, 20000.0)
    assert (stats["tanggal"].min, stats["tanggal"].max) == ("2024-01-02", "2024-03-05")
    assert stats["kode_kelurahan"].distinct == 3


def test_descriptive_text_columns_get_full_text_search(loaded):
    db, _ = loaded
    assert db["kelurahan_mini"].detect_fts() == "kelurahan_mini_fts"
    assert [r["nama"] for r in db["kelurahan_mini"].search("arjo*")] == ["Arjosari"]
    assert db["pengaduan_mini"].detect_fts() is None  # codes and numbers only
