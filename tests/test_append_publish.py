"""Rows appended to a CSV republish by loading only those rows (portal/publish/append.py), to exactly
what a full publish builds; a new row breaking a rule gets the full publish's error, and a file
changed anywhere else, or a changed descriptor, takes the full path."""

from __future__ import annotations

import dataclasses
import json
import random
import shutil
import sys

import pyarrow.parquet as pq
import pytest

from portal.catalog import Catalog
from portal.publish import append_downloads, describe, load, parquet_downloads, publish
from portal.publish.release import check_release
from portal.releases import current_release_id, releases_dir

from .conftest import FIXTURE_DATASETS, FIXTURE_METADATA, ROOT, copy_datasets
from .test_publisher_tools import comparable, full_text_search, table_digests

sys.path.insert(0, str(ROOT / "bench"))
from generate_large import append_rows, write_package  # noqa: E402

TABLE = "laporan_tambah"


def live(build):
    return releases_dir(build) / current_release_id(build)


def published(datasets, metadata, build, **options):
    lines = []
    report = publish(datasets, metadata, build, log=lines.append, **options)
    return report, lines


def downloads(build) -> dict[str, object]:
    """Every download but XLSX files (which carry the time they were written): the bytes, or for
    Parquet what a reader gets (appended rows come in row groups of their own): rows, types, metadata."""
    folder = live(build) / "downloads"
    return {p.relative_to(folder).as_posix(): parquet_content(p) if p.suffix == ".parquet" else p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.suffix != ".xlsx"}


def parquet_content(path):
    table = pq.read_table(path)
    return table.schema, table.schema.metadata, table.to_pydict()


def checksums(build) -> dict[str, str]:
    files = json.loads((live(build) / "manifest.json").read_text())["files"]
    return {path: entry["sha256"] for path, entry in files.items()
            if path.startswith(("files/", "downloads/")) and not path.endswith((".xlsx", ".parquet"))}


def row_groups(build, package, table) -> list[int]:
    metadata = pq.ParquetFile(live(build) / "downloads" / package / f"{table}.parquet").metadata
    return [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)]


def changes(build) -> dict[str, list]:
    """Every dataset's versions: what changed in each (rows added, removed, changed, and samples)."""
    catalog = Catalog.load(live(build) / "catalog.json")
    return {d.name: [(v.number, dataclasses.asdict(v.changes) if v.changes else None) for v in d.versions]
            for d in catalog.datasets}


def baseline(build, tmp_path):
    """A copy of the build folder as it is now, to publish the appended data into with full=True."""
    full = tmp_path / f"full-{len(list(tmp_path.glob('full-*')))}"
    shutil.copytree(build, full, symlinks=True)
    return full


def same_release(appended, full):
    assert changes(appended) == changes(full)
    assert table_digests(appended) == table_digests(full)
    assert full_text_search(appended) == full_text_search(full) != {}
    assert comparable(appended) == comparable(full)  # row counts, column statistics, charts, checks
    assert downloads(appended) == downloads(full)  # CSV for Excel, JSON, Parquet, zip: the same bytes
    assert checksums(appended) == checksums(full)
    assert check_release(live(appended)) == []  # every file's sha256 as the manifest says


@pytest.fixture()
def generated(tmp_path, monkeypatch):
    """kode-wilayah-indonesia and a 1,500-row generated package (full-text searchable text, a foreign
    key, enums); small row groups and count limits, so both sides of each are exercised."""
    monkeypatch.setattr(parquet_downloads, "ROW_GROUP_ROWS", 256)
    monkeypatch.setattr(append_downloads, "MAX_SHORT_ROW_GROUPS", 2)
    monkeypatch.setattr(load, "EXACT_DISTINCT_MAX_ROWS", 1_000)
    datasets = tmp_path / "datasets"
    shutil.copytree(ROOT / "datasets" / "kode-wilayah-indonesia", datasets / "kode-wilayah-indonesia")
    write_package(datasets / "tambah", TABLE, "Tambah", 1_500, random.Random(3))
    return datasets


def test_appended_rows_load_alone_and_the_release_equals_a_full_publish(generated, tmp_path, monkeypatch):
    build = tmp_path / "build"
    assert publish(generated, ROOT / "metadata", build).ok
    full = baseline(build, tmp_path)
    append_rows(generated / "tambah", 1_501, 60, random.Random(4))
    computed, compute_chart = [], describe.compute_chart
    monkeypatch.setattr(describe, "compute_chart", lambda conn, table, plan, types: computed.append(
        (table, plan["type"])) or compute_chart(conn, table, plan, types))
    report, lines = published(generated, ROOT / "metadata", build)
    assert (TABLE, "line") not in computed  # the count per month: the live chart's plus the new rows'
    assert report.ok, report.all_issues()
    assert f"tambah: {TABLE}: appended 60 rows (1500 live rows copied, not read)" in lines
    assert report.outcome("tambah").rows == 1_560 and report.outcome("kode-wilayah-indonesia").reused_from
    assert publish(generated, ROOT / "metadata", full, full=True).ok
    same_release(build, full)
    added = changes(build)["tambah"][-1][1]["resources"][0]
    assert (added["added"], added["removed"], added["changed"]) == (60, 0, 0)
    assert row_groups(build, "tambah", TABLE) == [256] * 5 + [220, 60]  # the live ones copied as bytes

    full = baseline(build, tmp_path)
    append_rows(generated / "tambah", 1_561, 300, random.Random(5))  # appended to an appended release
    report, lines = published(generated, ROOT / "metadata", build)
    assert f"tambah: {TABLE}: appended 300 rows (1560 live rows copied, not read)" in lines
    assert publish(generated, ROOT / "metadata", full, full=True).ok
    same_release(build, full)
    assert [number for number, _ in changes(build)["tambah"]] == [1, 2, 3]
    # two short row groups already (MAX_SHORT_ROW_GROUPS): written again, as a full publish writes it
    assert row_groups(build, "tambah", TABLE) == row_groups(full, "tambah", TABLE) == [256] * 7 + [68]


def mini(tmp_path):
    datasets = copy_datasets(tmp_path / "datasets", *FIXTURE_DATASETS.iterdir())
    return datasets, datasets / "layanan-mini" / "data" / "pengaduan_mini.csv"


def test_a_good_row_appended_to_the_fixture(tmp_path):
    datasets, csv_file = mini(tmp_path)
    build = tmp_path / "build"
    assert publish(datasets, FIXTURE_METADATA, build).ok
    full = baseline(build, tmp_path)
    with open(csv_file, "a") as file:
        file.write("6,2024-03-06,35.73.01.1002,12.5,false\n")
    report, lines = published(datasets, FIXTURE_METADATA, build)
    assert report.ok and "layanan-mini: pengaduan_mini: appended 1 rows (5 live rows copied, not read)" in lines
    assert publish(datasets, FIXTURE_METADATA, full, full=True).ok
    assert changes(build) == changes(full)
    assert table_digests(build) == table_digests(full) and comparable(build) == comparable(full)
    assert downloads(build) == downloads(full) and checksums(build) == checksums(full)


def test_rows_appended_to_a_table_keyed_by_text_and_to_the_table_it_points_at(tmp_path):
    """kelurahan_mini (a text key, pointing at kecamatan_mini in its package) gains a row, and so does
    kecamatan_mini; the package pointing into them (layanan-mini) is checked again in full."""
    datasets, _ = mini(tmp_path)
    build = tmp_path / "build"
    assert publish(datasets, FIXTURE_METADATA, build).ok
    full = baseline(build, tmp_path)
    data = datasets / "wilayah-mini" / "data"
    with open(data / "kecamatan_mini.csv", "a") as file:
        file.write("35.73.09,Baru\n")
    with open(data / "kelurahan_mini.csv", "a") as file:
        file.write("35.73.09.1001,Kelurahan Baru Sekali,35.73.09\n35.73.01.0999,Aaa,35.73.01\n")
    report, lines = published(datasets, FIXTURE_METADATA, build)
    assert report.ok, report.all_issues()
    assert "wilayah-mini: kelurahan_mini: appended 2 rows (3 live rows copied, not read)" in lines
    assert publish(datasets, FIXTURE_METADATA, full, full=True).ok
    same_release(build, full)


@pytest.mark.parametrize("row, reason", [
    ("1,2024-03-06,35.73.01.1002,12.5,false", "UNIQUE constraint failed"),  # the key of a live row
    ("6,2024-03-06,35.73.01.1002,dua belas,false", "non-canonical"),  # not a number
    ("6,2024-03-06,35.73.09.9999,12.5,false", "not found in kelurahan_mini"),  # no such kelurahan
])
def test_an_appended_row_breaking_a_rule_gets_the_full_publish_error_and_the_live_version_stays(tmp_path, row, reason):
    datasets, csv_file = mini(tmp_path)
    build = tmp_path / "build"
    assert publish(datasets, FIXTURE_METADATA, build).ok
    before, full = table_digests(build), baseline(build, tmp_path)
    with open(csv_file, "a") as file:
        file.write(row + "\n")
    report, lines = published(datasets, FIXTURE_METADATA, build)
    outcome = report.outcome("layanan-mini")
    assert outcome.status == "kept-previous"
    assert any(line.startswith("layanan-mini: loaded in full, not appended") and reason in line for line in lines), lines
    assert not any("appended 1 rows" in line for line in lines)
    assert table_digests(build) == before  # the live rows, as they were
    forced = publish(datasets, FIXTURE_METADATA, full, full=True).outcome("layanan-mini")
    assert forced.status == "kept-previous"
    found = lambda o: [(i.code, i.row, i.field, i.message) for i in o.issues]  # noqa: E731
    assert found(outcome) == found(forced) != []
    assert table_digests(full) == before


def test_a_row_changed_in_the_middle_takes_the_full_path(tmp_path):
    datasets, csv_file = mini(tmp_path)
    build = tmp_path / "build"
    assert publish(datasets, FIXTURE_METADATA, build).ok
    full = baseline(build, tmp_path)
    csv_file.write_text(csv_file.read_text().replace("20000", "20001") + "6,2024-03-06,35.73.01.1002,12.5,false\n")
    report, lines = published(datasets, FIXTURE_METADATA, build)
    assert report.ok and "layanan-mini: not appended (data/pengaduan_mini.csv: the live rows changed)" in lines
    assert not any("appended 1 rows" in line for line in lines)
    assert publish(datasets, FIXTURE_METADATA, full, full=True).ok
    assert changes(build) == changes(full)
    assert table_digests(build) == table_digests(full) and downloads(build) == downloads(full)


def test_a_changed_schema_takes_the_full_path(tmp_path):
    datasets, csv_file = mini(tmp_path)
    build = tmp_path / "build"
    assert publish(datasets, FIXTURE_METADATA, build).ok
    descriptor = datasets / "layanan-mini" / "datapackage.json"
    descriptor.write_text(descriptor.read_text().replace('"title": "Biaya"', '"title": "Biaya (Rp)"'))
    with open(csv_file, "a") as file:
        file.write("6,2024-03-06,35.73.01.1002,12.5,false\n")
    report, lines = published(datasets, FIXTURE_METADATA, build)
    assert report.ok and "layanan-mini: not appended (the descriptor changed)" in lines
    assert report.outcome("layanan-mini").rows == 6


def test_a_quote_on_the_last_live_line_takes_the_full_path(tmp_path):
    """The live file could end inside a quoted cell (a reader keeps it open to the end of the file):
    new rows then would not parse alone as they do in the whole file."""
    datasets, csv_file = mini(tmp_path)
    build = tmp_path / "build"
    assert publish(datasets, FIXTURE_METADATA, build).ok
    with open(csv_file, "a") as file:
        file.write('6,2024-03-06,35.73.01.1002,1,true\n7,2024-03-07,"35.73.01.1002",12.5,false\n')
    report, lines = published(datasets, FIXTURE_METADATA, build)
    assert "layanan-mini: pengaduan_mini: appended 2 rows (5 live rows copied, not read)" in lines
    full = baseline(build, tmp_path)
    with open(csv_file, "a") as file:
        file.write("8,2024-03-08,35.73.01.1002,1,true\n")
    report, lines = published(datasets, FIXTURE_METADATA, build)
    assert report.ok
    assert "layanan-mini: not appended (data/pengaduan_mini.csv: the last live line may leave a quoted cell open)" \
        in lines
    assert publish(datasets, FIXTURE_METADATA, full, full=True).ok
    assert changes(build) == changes(full)
    assert table_digests(build) == table_digests(full) and downloads(build) == downloads(full)


def test_rows_appended_while_the_referenced_table_changed_are_all_checked_again(tmp_path):
    """The live rows' keys are not looked up again when appending: a referenced table that changed
    otherwise than by appending (here a kelurahan a live row points at is removed) sends the package
    to the full path, which finds the live row that now points nowhere."""
    datasets, csv_file = mini(tmp_path)
    build = tmp_path / "build"
    assert publish(datasets, FIXTURE_METADATA, build).ok
    kelurahan = datasets / "wilayah-mini" / "data" / "kelurahan_mini.csv"
    kelurahan.write_text(kelurahan.read_text().replace("35.73.01.1002,Arjosari,35.73.01\n", ""))
    with open(csv_file, "a") as file:
        file.write("6,2024-03-06,35.73.01.1001,12.5,false\n")
    report, lines = published(datasets, FIXTURE_METADATA, build)
    assert "layanan-mini: loaded in full, not appended (referenced tables not as live: kelurahan_mini)" in lines
    layanan = report.outcome("layanan-mini")
    assert layanan.status == "kept-previous" and [(i.code, i.row) for i in layanan.issues] == [("foreign-key", 3)]


def test_rows_appended_to_a_table_with_coordinates_grow_its_geojson(tmp_path):
    """sampel-hotspot-wifi: a text key also declared unique, coordinates (a GeoJSON download)."""
    datasets = copy_datasets(tmp_path / "datasets", ROOT / "datasets" / "kode-wilayah-indonesia",
                             ROOT / "datasets" / "sampel-hotspot-wifi")
    descriptor = datasets / "sampel-hotspot-wifi" / "datapackage.json"
    package = json.loads(descriptor.read_text())
    package.pop("queries")  # one needs a table of another bundled package
    descriptor.write_text(json.dumps(package, ensure_ascii=False, indent=2))
    build = tmp_path / "build"
    assert publish(datasets, ROOT / "metadata", build).ok
    full = baseline(build, tmp_path)
    with open(datasets / "sampel-hotspot-wifi" / "data" / "sampel_hotspot_wifi.csv", "a") as file:
        file.write("HS-9001,Hotspot contoh 9001,taman,35.73.04.1005,-7.99,112.61,true,5\n"
                   "HS-0000,Hotspot contoh 0000,pasar,35.73.03.1011,-8.01,112.64,false,0\n")
    report, lines = published(datasets, ROOT / "metadata", build)
    assert report.ok, report.all_issues()
    assert any(line.startswith("sampel-hotspot-wifi: sampel_hotspot_wifi: appended 2 rows") for line in lines), lines
    assert publish(datasets, ROOT / "metadata", full, full=True).ok
    same_release(build, full)
    assert any(name.endswith(".geojson") for name in downloads(build))


@pytest.mark.parametrize("bom, newline", [(True, "\r\n"), (False, "\r\n"), (True, "\n")], ids=["bom-crlf", "crlf", "bom"])
def test_a_file_with_a_bom_or_crlf_line_ends_grows_like_a_full_publish(tmp_path, bom, newline):
    datasets, csv_file = mini(tmp_path)
    text = csv_file.read_text().replace("\n", newline)
    csv_file.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())
    build = tmp_path / "build"
    assert publish(datasets, FIXTURE_METADATA, build).ok
    full = baseline(build, tmp_path)
    with open(csv_file, "ab") as file:
        file.write(f"6,2024-03-06,35.73.01.1002,12.5,false{newline}".encode())
    report, lines = published(datasets, FIXTURE_METADATA, build)
    assert "layanan-mini: pengaduan_mini: appended 1 rows (5 live rows copied, not read)" in lines
    assert publish(datasets, FIXTURE_METADATA, full, full=True).ok
    assert table_digests(build) == table_digests(full) and comparable(build) == comparable(full)
    assert downloads(build) == downloads(full) and checksums(build) == checksums(full)


def test_a_new_cell_that_looks_like_a_formula_takes_the_full_path(generated, tmp_path):
    """Its Excel CSV is rewritten with such cells shown as text: the live one cannot just grow."""
    build = tmp_path / "build"
    assert publish(generated, ROOT / "metadata", build).ok
    full = baseline(build, tmp_path)
    with open(generated / "tambah" / "data" / "laporan.csv", "a") as file:
        file.write("1501,2024-05-01T10:00:00,kebersihan,35.73.01.1001,selesai,3,12.5,=HYPERLINK(\"x\")\n")
    report, lines = published(generated, ROOT / "metadata", build)
    assert report.ok and "tambah: loaded in full, not appended (new cells look like spreadsheet formulas)" in lines
    assert [i.code for i in report.outcome("tambah").issues] == ["portal-formula-cell"]
    assert publish(generated, ROOT / "metadata", full, full=True).ok
    same_release(build, full)


def test_parquet_row_groups_appended_as_bytes_read_as_one_table(tmp_path):
    """Every download type (integers, numbers, booleans, dates, text), nulls, and many row groups."""
    import datetime

    import pyarrow as pa

    from portal.publish.parquet_append import append_row_groups

    schema = pa.schema([("n", pa.int64()), ("x", pa.float64()), ("b", pa.bool_()), ("d", pa.date32()),
                        ("s", pa.string())])

    def rows(start, stop):
        return pa.table({"n": [i if i % 5 else None for i in range(start, stop)],
                         "x": [i / 7 for i in range(start, stop)], "b": [i % 3 == 0 for i in range(start, stop)],
                         "d": [datetime.date(2024, 1, 1) + datetime.timedelta(days=i % 400) for i in range(start, stop)],
                         "s": [None if i % 11 == 0 else f"teks {i}" for i in range(start, stop)]}, schema=schema)

    live, grown = tmp_path / "live.parquet", tmp_path / "grown.parquet"
    with pq.ParquetWriter(live, schema, compression="zstd") as writer:
        writer.write_table(rows(0, 1_000), row_group_size=100)
    append_row_groups(live, rows(1_000, 1_250), grown, 100)
    assert pq.read_table(grown).equals(rows(0, 1_250))
    assert [pq.ParquetFile(grown).metadata.row_group(i).num_rows for i in range(13)] == [100] * 12 + [50]
    assert pq.ParquetFile(grown).schema_arrow == pq.ParquetFile(live).schema_arrow
