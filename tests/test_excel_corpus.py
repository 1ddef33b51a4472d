"""Spreadsheet exports as OPD staff make them, through `portal new` -> fill the metadata -> `portal check`
-> `portal publish`, with no hand edit of a CSV or a schema (tests/fixtures/excel/README.md says what
each file is). The filling only replaces the ISI placeholders, as a publisher would."""

from __future__ import annotations

import datetime
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from portal.cli import cli
from portal.releases import current_release_id, releases_dir

from .test_scaffold import datasets  # noqa: F401 - the fixture: a datasets folder with the reference codes

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "fixtures" / "excel"
REFERENCE = ROOT / "datasets" / "kode-wilayah-indonesia"
BROKEN = ("paket-format-tanggal-salah", "paket-baris-pendek")  # third-party packages, published as they are

KEEP = "Catatan di berkas:"
# placeholder path (without indexes) -> what a publisher writes
FILLED = {
    "title": "Contoh uji {name}", "title_en": "Test sample {name}",
    "description": "Contoh sintetis untuk uji impor Excel; bukan data resmi.",
    "description_en": "Synthetic sample for the Excel import test; not official data.",
    "publisher": "diskominfo", "author": "diskominfo", "maintainer": "diskominfo", "themes": "governance",
    "licenses.name": "CC-BY-4.0", "sources.title": "Uji portal", "sources.path": "https://example.org/uji",
    "accrualPeriodicity": "annual", "temporal.start": "2022-01-01", "temporal.end": "2023-12-31",
    "spatial.kode_wilayah": "35.73", "spatial.nama": "Kota Malang", "modified": "2024-01-31",
    "dasar_hukum": "Tidak ada (uji)", "konsep": "Uji", "definisi": "Satu baris per wilayah",
    "satuan": "beragam", "ukuran": "jumlah", "metodologi": "Dibuat untuk uji", "keywords": "uji",
    "resources.title": "Tabel uji", "resources.description": "Tabel uji",
    "resources.schema.fields.title": "Judul kolom", "resources.schema.fields.description": "Definisi kolom uji",
}


def fill(value, path: str, name: str):
    """Replace every ISI placeholder (and only those) by what FILLED says for its path."""
    if isinstance(value, dict):
        return {k: fill(v, f"{path}.{k}" if path else k, name) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, path, name) for v in value]
    if isinstance(value, str) and value.startswith("ISI"):
        if path == "data_prioritas":
            return False
        kept = value[value.index(KEEP):] if KEEP in value else ""  # what the file itself said stays
        return " ".join(filter(None, (FILLED[path].format(name=name), kept)))
    return value


def portal(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def new_and_fill(datasets: Path, name: str, *files: str | Path, options: tuple[str, ...] = ()) -> tuple[dict, str]:
    code, output = portal("new", name, *(str(CORPUS / f) for f in files), "--datasets", str(datasets), *options)
    assert code == 0, output
    descriptor_file = datasets / name / "datapackage.json"
    descriptor = fill(json.loads(descriptor_file.read_text(encoding="utf-8")), "", name)
    descriptor["sample"] = True  # the values are invented: the portal must badge them as such
    descriptor_file.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8")
    code, checked = portal("check", name, "--datasets", str(datasets), "--metadata", str(ROOT / "metadata"))
    assert code == 0, checked
    return descriptor, output


def fields(descriptor: dict) -> dict:
    return {f["name"]: f for f in descriptor["resources"][0]["schema"]["fields"]}


def workbook(path: Path) -> Path:
    """An .xlsx as staff keep it: a notes sheet first, a title row, a merged two-row header, codes typed as
    numbers (Excel drops their dots), real dates and decimals."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Catatan"
    book.active["A1"] = "Lembar ini hanya catatan"
    sheet = book.create_sheet("Rekap")
    sheet.append(["Rekap sekolah per kecamatan (contoh sintetis)"])
    sheet.append(["Kode Kecamatan", "Nama", "Jumlah Sekolah", None, "Tanggal Data", "Rasio Guru"])
    sheet.append([None, None, "Negeri", "Swasta", None, None])
    sheet.merge_cells("C2:D2")
    for index, (code, name) in enumerate(((357301, "Blimbing"), (357302, "Klojen"), (357303, "Kedungkandang"))):
        sheet.append([code, name, 10 + index, 20 + index, datetime.datetime(2024, 7, 1 + index), 15.5 + index])
    book.save(path)
    return path


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """Every corpus file through new -> fill -> check, then one publish with a broken package beside them."""
    tmp = tmp_path_factory.mktemp("corpus")
    datasets = tmp / "datasets"
    datasets.mkdir()
    shutil.copytree(REFERENCE, datasets / REFERENCE.name)
    made = {
        "penduduk": new_and_fill(datasets, "penduduk", "penduduk_kecamatan_win1252.csv"),
        "posyandu": new_and_fill(datasets, "posyandu", "posyandu_kelurahan_tahunan.csv"),
        "kelamin": new_and_fill(datasets, "kelamin", "jenis_kelamin_header_dua_baris.csv"),
        "indikator": new_and_fill(datasets, "indikator", "indikator_120_kolom.csv"),
        "tanpa-judul": new_and_fill(datasets, "tanpa-judul", "tanpa_judul_kolom.csv", options=("--no-header",)),
        "pdrb": new_and_fill(datasets, "pdrb", "bps_pdrb_adhb_jatim_2022_2023.csv"),
        "apbd": new_and_fill(datasets, "apbd", "djpk_apbd_kota_malang_2021.csv", "djpk_apbd_kota_malang_2022.csv"),
        "buku-kerja": new_and_fill(datasets, "buku-kerja", workbook(tmp / "Rekap Sekolah.xlsx"),
                                   options=("--sheet", "Rekap")),
    }
    for broken in BROKEN:
        shutil.copytree(CORPUS / broken, datasets / broken)
    build = tmp / "build"
    code, output = portal("publish", "--datasets", str(datasets), "--metadata", str(ROOT / "metadata"),
                          "--build", str(build), "--json")
    report = json.loads(output[output.index("{"):])
    release = releases_dir(build) / current_release_id(build)
    return made, report, code, sqlite3.connect(release / "portal.db")


def test_every_export_publishes_and_only_the_broken_package_fails(published):
    made, report, code, _ = published
    status = {d["name"]: d["status"] for d in report["datasets"]}
    assert code == 1  # one package failed
    assert {name: status[name] for name in made} == {name: "published" for name in made}
    assert {name: status[name] for name in BROKEN} == {name: "failed" for name in BROKEN}
    issues = {d["name"]: d["issues"] for d in report["datasets"]}
    wrong_format = issues["paket-format-tanggal-salah"][0]
    assert wrong_format["code"] == "field-error" and wrong_format["field"] and "format" in wrong_format["message"]
    short = issues["paket-baris-pendek"]
    assert short and all(i["file"].endswith("kejadian_baris_pendek.csv") and i["row"] for i in short)
    assert "Traceback" not in json.dumps(report)


def test_windows_1252_semicolons_titles_totals_and_footnotes(published):
    made, _, _, db = published
    descriptor, output = made["penduduk"]
    columns = fields(descriptor)
    assert list(columns) == ["no", "nama_kecamatan", "kode_kecamatan", "jumlah_jiwa", "persen_miskin",
                             "luas_wilayah_km2", "kepadatan_jiwa_km2"]
    assert columns["luas_wilayah_km2"]["title"] == "Luas Wilayah (km²)"  # decoded from Windows-1252
    assert columns["luas_wilayah_km2"]["unit"] == "km²"
    assert {"type": "number", "decimalChar": ",", "groupChar": "."}.items() <= columns["jumlah_jiwa"].items()
    assert columns["persen_miskin"]["decimalChar"] == ","
    assert columns["kode_kecamatan"]["referenceCodeList"] == "kode-wilayah-indonesia/kota_malang_kecamatan"
    resource = descriptor["resources"][0]
    assert resource["dialect"] == {"delimiter": ";"}
    assert set(resource["schema"]["missingValues"]) == {"", "-", "..."}
    assert "Sumber: contoh sintetis" in resource["description"]
    for said in ("Windows-1252", "Jumlah", "tanpa titik", "catatan kaki", "baris judul"):
        assert said in output
    rows = db.execute("select kode_kecamatan, jumlah_jiwa, persen_miskin, luas_wilayah_km2 from penduduk_kecamatan_win1252 "
                      "order by kode_kecamatan").fetchall()
    assert len(rows) == 5  # the totals row is gone
    assert rows[0] == ("35.73.01", 182356, 3.9, 17.89)
    assert db.execute("select kepadatan_jiwa_km2 from penduduk_kecamatan_win1252 where nama_kecamatan = 'Blimbing'").fetchone() \
        == (10193.18,)


def test_dates_booleans_missing_marks_codes_without_dots_and_a_composite_key(published):
    made, _, _, db = published
    descriptor, output = made["posyandu"]
    columns = fields(descriptor)
    assert {"type": "date", "format": "%d/%m/%Y"}.items() <= columns["tanggal_verifikasi"].items()
    assert {"type": "boolean", "trueValues": ["Ya"], "falseValues": ["Tidak"]}.items() <= columns["terverifikasi"].items()
    assert descriptor["resources"][0]["schema"]["primaryKey"] == ["kode_kelurahan", "tahun"]
    assert "kode_kelurahan + tahun" in output
    assert db.execute("select kode_kelurahan, tahun, tanggal_verifikasi, terverifikasi, jumlah_posyandu, rasio_persen "
                      "from posyandu_kelurahan_tahunan order by tahun, kode_kelurahan limit 1").fetchone() \
        == ("35.73.01.1001", 2022, "2022-01-13", 1, 4, 10.5)
    assert db.execute("select count(*) from posyandu_kelurahan_tahunan where jumlah_posyandu is null").fetchone() == (2,)


def test_two_row_header_bom_crlf_and_120_columns(published):
    made, _, _, db = published
    assert list(fields(made["kelamin"][0]))[2:4] == ["jenis_kelamin_laki_laki", "jenis_kelamin_perempuan"]
    assert db.execute("select count(*) from jenis_kelamin_header_dua_baris").fetchone() == (5,)
    wide = fields(made["indikator"][0])
    assert len(wide) == 120 and wide["indikator_118_persen"]["title"] == "Indikator 118 (%)"
    assert db.execute("select indikator_118_persen from indikator_120_kolom where kode_kelurahan = '35.73.02.1001'").fetchone()[0] \
        == pytest.approx(32.8)


def test_a_file_without_header_row_is_a_question_then_named_columns(published, datasets):
    code, output = portal("new", "x", str(CORPUS / "tanpa_judul_kolom.csv"), "--datasets", str(datasets))
    assert code == 1 and "--no-header" in output and "Traceback" not in output
    assert not (datasets / "x").exists()
    made, _, _, db = published
    assert list(fields(made["tanpa-judul"][0])) == ["kolom_1", "kolom_2", "kolom_3", "kolom_4"]
    assert db.execute("select count(*) from tanpa_judul_kolom").fetchone() == (3,)


def test_real_bps_and_djpk_exports(published):
    made, _, _, db = published
    pdrb = fields(made["pdrb"][0])
    assert list(pdrb) == ["kabupaten_kota_se_jawa_timur", "tahun_2022", "tahun_2023"]  # title rows above
    assert db.execute("select tahun_2023 from bps_pdrb_adhb_jatim_2022_2023 where kabupaten_kota_se_jawa_timur = 'Kota Malang'").fetchone() \
        == (93053.4,)
    apbd = {r["name"]: r for r in made["apbd"][0]["resources"]}
    anggaran = {f["name"]: f for f in apbd["djpk_apbd_kota_malang_2022"]["schema"]["fields"]}["anggaran"]
    assert {"decimalChar": ",", "groupChar": ".", "bareNumber": False}.items() <= anggaran.items()
    assert db.execute("select anggaran from djpk_apbd_kota_malang_2022 where trim(akun) = 'Pendapatan Daerah'"
                      ).fetchone() == (2076.98,)
    # account lines without amounts at the end of 2021 are data, not footnotes
    assert db.execute("select count(*) from djpk_apbd_kota_malang_2021 where akun like '%Pengeluaran Pembiayaan Lainnya%'"
                      ).fetchone() == (1,)


def test_an_xlsx_workbook_sheet_goes_in_without_a_csv_export(published):
    made, _, _, db = published
    descriptor, output = made["buku-kerja"]
    columns = fields(descriptor)
    assert list(columns) == ["kode_kecamatan", "nama", "jumlah_sekolah_negeri", "jumlah_sekolah_swasta",
                             "tanggal_data", "rasio_guru"]
    assert columns["tanggal_data"]["type"] == "date" and "format" not in columns["tanggal_data"]
    assert columns["kode_kecamatan"]["referenceCodeList"] == "kode-wilayah-indonesia/kota_malang_kecamatan"
    assert "Rekap" in output and "Catatan" in output
    assert db.execute("select kode_kecamatan, jumlah_sekolah_swasta, tanggal_data, rasio_guru from rekap_sekolah "
                      "order by kode_kecamatan").fetchall()[0] == ("35.73.01", 20, "2024-07-01", 15.5)
