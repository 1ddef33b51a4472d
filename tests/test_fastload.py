"""The one-pass validator and loader (portal/publish/fastload.py) against frictionless itself.

Soundness: whenever the fast path vouches for a file, frictionless finds it valid and the stored
values are the ones the cell-by-cell loader stores. On a corpus of broken files the fast path gives
up, and the errors reported are exactly frictionless's own (code, row, field).
"""

from __future__ import annotations

import json
import math
import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest
from frictionless import Package
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.publish.cast import make_caster
from portal.publish.discover import read_package
from portal.publish.load import ReleaseDatabase
from portal.publish.metadata import load_metadata
from portal.publish.frictionless_check import frictionless_descriptor
from portal.publish.validate import validate

from .conftest import FIXTURE_METADATA

NAME = "uji-cepat"


def package(folder: Path, fields: list[dict], csv_text: str, name: str = NAME, **schema) -> Path:
    """A one-table package (``uji_cepat`` for uji-cepat) with an integer primary key ``id`` before ``fields``."""
    root = folder / name
    (root / "data").mkdir(parents=True, exist_ok=True)
    (root / "data" / "t.csv").write_text(csv_text, encoding="utf-8", newline="")
    descriptor = {
        "name": name, "title": "Uji", "description": "Uji pemuat cepat.", "publisher": "diskominfo",
        "author": "diskominfo", "maintainer": "diskominfo", "themes": ["governance"],
        "licenses": [{"name": "CC0-1.0"}], "sample": True, "accrualPeriodicity": "once", "accessRights": "terbuka",
        "resources": [{"name": name.replace("-", "_"), "path": "data/t.csv", "format": "csv",
                       "schema": {"fields": [{"name": "id", "type": "integer"}, *fields], "primaryKey": ["id"],
                                  **schema}}],
    }
    (root / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return root


def frictionless_errors(root: Path) -> set[tuple]:
    source = read_package(root)
    report = Package(frictionless_descriptor(source.descriptor), basepath=str(root)).validate()
    return {(e.type, getattr(e, "row_number", None),
             getattr(e, "field_name", None) or ",".join(getattr(e, "field_names", None) or []) or None)
            for task in report.tasks for e in task.errors} | {(e.type, None, None) for e in report.errors}


def fast_path(root: Path, db_path: Path) -> tuple[bool, list[tuple]]:
    """(vouched, stored rows) of the fast path on its own."""
    database = ReleaseDatabase(db_path)
    try:
        vouched = database.load_checked(read_package(root))
    finally:
        database.close()
    if not vouched:
        return False, []
    with sqlite3.connect(db_path) as conn:
        return True, conn.execute("select * from uji_cepat order by id").fetchall()


FIELDS = [
    {"name": "v", "type": "integer"},
    {"name": "v", "type": "number"},
    {"name": "v", "type": "boolean"},
    {"name": "v", "type": "date"},
    {"name": "v", "type": "datetime"},
    {"name": "v", "type": "time"},
    {"name": "v", "type": "year"},
    {"name": "v", "type": "string", "constraints": {"enum": ["a", "b"]}},
    {"name": "v", "type": "string", "constraints": {"pattern": "[0-9]{2}\\.[0-9]{2}"}},
    {"name": "v", "type": "integer", "constraints": {"minimum": 0, "maximum": 100}},
    {"name": "v", "type": "number", "constraints": {"minimum": 0.5, "maximum": 1e6}},
    {"name": "v", "type": "string", "constraints": {"minLength": 2, "maxLength": 4}},
    {"name": "v", "type": "date", "constraints": {"minimum": "2020-01-01"}},
    {"name": "v", "type": "integer", "constraints": {"required": True}},
    {"name": "v", "type": "string", "constraints": {"unique": True}},
    {"name": "v", "type": "geopoint"},
]
# Text near the edges of each type: digits, signs, separators, letters, spaces, dates and times.
CELL = st.one_of(
    st.text(alphabet="0123456789-+.eE :T_,abtrueFALSE", max_size=12),
    st.from_regex(r"-?[0-9]{1,20}(\.[0-9]{0,20})?", fullmatch=True),
    st.from_regex(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|\+07:00)?)?", fullmatch=True),
    st.from_regex(r"[0-9]{2}:[0-9]{2}:[0-9]{2}", fullmatch=True),
    st.sampled_from(["", "true", "False", "1", "0", "NaN", "Infinity", "1e3", "007", " 5", "5 ", "1_000", "-0",
                     "a", "b", "12.34", "-100", "0012", "0001-01-01", "0000-01-01", "2024-02-30", "24:00:00", "-7.25, 112.6"]),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(FIELDS), cells=st.lists(CELL, min_size=1, max_size=3))
def test_whatever_the_fast_path_vouches_for_frictionless_accepts_with_the_same_values(field, cells):
    with tempfile.TemporaryDirectory() as tmp:
        rows = "".join(f'{i},"{cell}"\r\n' for i, cell in enumerate(cells, start=1))
        root = package(Path(tmp), [field], "id,v\r\n" + rows)
        vouched, stored = fast_path(root, Path(tmp) / "fast.db")
        errors = frictionless_errors(root)
        if vouched:
            assert not errors, f"the fast path accepted what frictionless rejects: {errors} {field} {cells}"
            cast = make_caster(field, {""})
            assert stored == [(i, as_stored(cast(cell))) for i, cell in enumerate(cells, start=1)]


def as_stored(value):
    """SQLite stores a float NaN as NULL."""
    return None if isinstance(value, float) and math.isnan(value) else value


def test_canonical_files_are_vouched_for_and_loaded_typed(tmp_path):
    fields = [{"name": "n", "type": "number"}, {"name": "b", "type": "boolean"}, {"name": "d", "type": "date"},
              {"name": "w", "type": "datetime"}, {"name": "k", "type": "string", "constraints": {"enum": ["x", "y"]}},
              {"name": "j", "type": "integer", "constraints": {"minimum": 0}}]
    root = package(tmp_path, fields, "id,n,b,d,w,k,j\r\n1,1.5,true,2024-01-31,2024-01-31T23:59:59,x,0\r\n"
                                     "2,,FALSE,,,y,7\r\n3,-2,1,2000-02-29,2000-02-29T00:00:00,,\r\n")
    vouched, stored = fast_path(root, tmp_path / "fast.db")
    assert vouched and stored == [(1, 1.5, 1, "2024-01-31", "2024-01-31T23:59:59", "x", 0),
                                  (2, None, 0, None, None, "y", 7),
                                  (3, -2.0, 1, "2000-02-29", "2000-02-29T00:00:00", None, None)]


def test_cells_in_other_valid_forms_are_read_by_frictionless_and_loaded(tmp_path):
    # leading zeros, a plus sign, underscores: valid integers that do not print back the same
    root = package(tmp_path, [{"name": "v", "type": "integer"}], "id,v\r\n1,007\r\n2,+5\r\n3,1_000\r\n")
    assert fast_path(root, tmp_path / "fast.db") == (True, [(1, 7), (2, 5), (3, 1000)])


# Broken files: (name, extra fields, CSV, extra schema). Each must make the fast path give up.
V = [{"name": "v", "type": "integer"}]
BROKEN = [
    ("not an integer", V, "id,v\r\n1,abc\r\n2,3\r\n", {}),
    ("decimal in an integer column", V, "id,v\r\n1,1.0\r\n", {}),
    ("exponent in an integer column", V, "id,v\r\n1,1e2\r\n", {}),
    ("not a number", [{"name": "v", "type": "number"}], "id,v\r\n1,1,5\r\n", {}),
    ("comma decimal", [{"name": "v", "type": "number"}], 'id,v\r\n1,"1,5"\r\n', {}),
    ("impossible date", [{"name": "v", "type": "date"}], "id,v\r\n1,2024-02-30\r\n", {}),
    ("slashed date", [{"name": "v", "type": "date"}], "id,v\r\n1,2024/01/31\r\n", {}),
    ("short datetime", [{"name": "v", "type": "datetime"}], "id,v\r\n1,2024-01-31T10:00\r\n", {}),
    ("yes is not a boolean", [{"name": "v", "type": "boolean"}], "id,v\r\n1,yes\r\n", {}),
    ("enum", [{"name": "v", "type": "string", "constraints": {"enum": ["a"]}}], "id,v\r\n1,a\r\n2,b\r\n", {}),
    ("pattern", [{"name": "v", "type": "string", "constraints": {"pattern": "[a-z]+"}}], "id,v\r\n1,A1\r\n", {}),
    ("minimum", [{"name": "v", "type": "integer", "constraints": {"minimum": 0}}], "id,v\r\n1,-1\r\n", {}),
    ("maximum", [{"name": "v", "type": "number", "constraints": {"maximum": 10}}], "id,v\r\n1,10.5\r\n", {}),
    ("maxLength", [{"name": "v", "type": "string", "constraints": {"maxLength": 2}}], "id,v\r\n1,abc\r\n", {}),
    ("required", [{"name": "v", "type": "string", "constraints": {"required": True}}], "id,v\r\n1,\r\n", {}),
    ("unique", [{"name": "v", "type": "string", "constraints": {"unique": True}}], "id,v\r\n1,a\r\n2,a\r\n", {}),
    ("duplicate primary key", V, "id,v\r\n1,1\r\n1,2\r\n", {}),
    ("missing primary key", V, "id,v\r\n,1\r\n", {}),
    ("extra cell", V, "id,v\r\n1,2,3\r\n", {}),
    ("missing cell", V, "id,v\r\n1\r\n", {}),
    ("blank row", V, "id,v\r\n1,2\r\n,\r\n3,4\r\n", {}),
    ("header renamed", V, "id,w\r\n1,2\r\n", {}),
    ("header swapped", V, "v,id\r\n1,2\r\n", {}),
    ("foreign key", [{"name": "v", "type": "integer"}], "id,v\r\n1,1\r\n2,9\r\n",
     {"foreignKeys": [{"fields": ["v"], "reference": {"resource": "", "fields": ["id"]}}]}),
]


@pytest.mark.parametrize("case", BROKEN, ids=[case[0] for case in BROKEN])
def test_broken_files_get_exactly_frictionless_errors(tmp_path, case):
    _, fields, csv_text, schema = case
    root = package(tmp_path / "datasets", fields, csv_text, **schema)
    expected = frictionless_errors(root)
    assert expected, "the corpus case must be invalid for frictionless"
    metadata, _ = load_metadata(FIXTURE_METADATA)
    database = ReleaseDatabase(tmp_path / "check.db")
    try:
        validation = validate([read_package(root)], metadata, database=database)[NAME]
    finally:
        database.close()
    assert NAME in database.unvouched
    assert {(i.code, i.row, i.field) for i in validation.issues} == expected
    assert not validation.passed


def test_a_failed_package_leaves_no_table_behind(tmp_path):
    root = package(tmp_path, V, "id,v\r\n1,2\r\n2,x\r\n")
    database = ReleaseDatabase(tmp_path / "fast.db")
    assert not database.load_checked(read_package(root))
    database.close()
    with sqlite3.connect(tmp_path / "fast.db") as conn:
        assert conn.execute("select name from sqlite_master").fetchall() == []


def test_cross_package_foreign_keys_are_checked_in_sql(tmp_path):
    datasets = tmp_path / "datasets"
    shutil.copytree(Path(__file__).parent / "fixtures" / "datasets" / "wilayah-mini", datasets / "wilayah-mini")
    fields = [{"name": "kode_kelurahan", "type": "string"}]
    fk = {"foreignKeys": [{"fields": ["kode_kelurahan"], "reference": {
        "package": "wilayah-mini", "resource": "kelurahan_mini", "fields": ["kode"]}}]}
    good = package(datasets, fields, "id,kode_kelurahan\r\n1,35.73.01.1001\r\n2,\r\n", **fk)

    def vouched(db_path: Path) -> bool:
        database = ReleaseDatabase(db_path)
        try:
            assert database.load_checked(read_package(datasets / "wilayah-mini")), database.unvouched
            return database.load_checked(read_package(good))
        finally:
            database.close()

    assert vouched(tmp_path / "good.db")
    (good / "data" / "t.csv").write_text("id,kode_kelurahan\r\n1,35.73.99.9999\r\n", encoding="utf-8")
    assert not vouched(tmp_path / "bad.db")


def test_an_integer_sqlite_cannot_hold_is_reported_with_its_row_and_field(tmp_path):
    datasets = tmp_path / "datasets"
    package(datasets, V, "id,v\r\n1,5\r\n2,99999999999999999999\r\n")
    metadata, _ = load_metadata(FIXTURE_METADATA)
    validation = validate([read_package(datasets / NAME)], metadata)[NAME]
    assert [(i.code, i.row, i.field, i.cell) for i in validation.issues] == [
        ("portal-value-range", 3, "v", "99999999999999999999")]


def test_tables_referencing_each_other_in_a_cycle_are_reported_not_crashed_on(tmp_path):
    root = package(tmp_path / "datasets", V, "id,v\r\n1,1\r\n")
    descriptor = json.loads((root / "datapackage.json").read_text())
    first = descriptor["resources"][0]
    second = {**json.loads(json.dumps(first)), "name": "uji_kedua"}
    first["schema"]["foreignKeys"] = [{"fields": ["v"], "reference": {"resource": "uji_kedua", "fields": ["id"]}}]
    second["schema"]["foreignKeys"] = [{"fields": ["v"], "reference": {"resource": "uji_cepat", "fields": ["id"]}}]
    descriptor["resources"].append(second)
    (root / "datapackage.json").write_text(json.dumps(descriptor))
    metadata, _ = load_metadata(FIXTURE_METADATA)
    validation = validate([read_package(root)], metadata)[NAME]
    assert [(i.code, i.field) for i in validation.issues] == [("portal-foreign-key", "foreignKeys")]


def test_packages_referencing_each_other_in_a_cycle_fail_and_the_others_load(tmp_path):
    datasets = tmp_path / "datasets"

    def points_at(other: str) -> dict:
        return {"foreignKeys": [{"fields": ["v"], "reference": {
            "package": other, "resource": other.replace("-", "_"), "fields": ["id"]}}]}

    package(datasets, V, "id,v\r\n1,1\r\n", name="uji-a", **points_at("uji-b"))
    package(datasets, V, "id,v\r\n1,1\r\n", name="uji-b", **points_at("uji-a"))
    package(datasets, V, "id,v\r\n1,1\r\n", name="uji-c")
    metadata, _ = load_metadata(FIXTURE_METADATA)
    database = ReleaseDatabase(tmp_path / "check.db")
    try:
        validations = validate([read_package(datasets / n) for n in ("uji-a", "uji-b", "uji-c")], metadata,
                               database=database)
    finally:
        database.close()
    assert [(i.code, i.message) for i in validations["uji-a"].issues] == [
        ("portal-foreign-key", "packages reference each other in a cycle")]
    assert not validations["uji-b"].passed and validations["uji-c"].passed
    assert set(database.loads) == {"uji_c"}


def test_formula_like_cells_are_counted_exactly_past_the_cheap_gate():
    """The scan's gate lets through every cell that might start like a formula (also after spaces or a
    no-break space); the exact count then decides. Digits, letters and other text count zero."""
    from portal.publish.fastload import column_plan, extremes

    cells = {"rumus": ["=1+1", "\u00a0=SUM(A1)", "  @x", "\t+y", "-5", "\rz", "aman", "35.73", None],
             "aman": ["Klojen", "35.73.01", "é bukan", "Ω", "(catatan)", "", "9=9", "kata", None],
             "nbsp": ["Klojen", "\u00a0=1", "Lowokwaru", "Blimbing", "Sukun", "Kedungkandang", "a", "b", None]}
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (rumus TEXT, aman TEXT, nbsp TEXT)")
    conn.executemany("INSERT INTO t VALUES (?, ?, ?)", zip(*cells.values()))
    columns = [column_plan({"name": name, "type": "string"}, i, [""]) for i, name in enumerate(cells)]
    rows, blank, found = extremes(conn, "t", columns)
    assert (rows, blank) == (9, 1)
    assert [found[name].formula_like for name in cells] == [6, 0, 1]


def test_a_comma_file_full_of_semicolons_is_read_by_frictionless_with_commas(tmp_path):
    """With no dialect declared, the Data Package spec and the portal's reader take a comma; frictionless
    guessed one from a sample instead and read this file split at its semicolons (a "missing label" in
    the header, found by tests/test_intake_fuzz.py from what `portal new` wrote)."""
    text = 'id,v\r\n1,";;""baris"\r\n2,"baru"";"\r\n3,;;;2.076\r\n'
    root = package(tmp_path, [{"name": "v", "type": "string"}], text)
    assert frictionless_errors(root) == set()
    issues = validate([read_package(root)], load_metadata(FIXTURE_METADATA)[0])[NAME].issues
    assert [i for i in issues if i.code != "portal-formula-cell"] == []
