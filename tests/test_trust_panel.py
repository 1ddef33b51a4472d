"""The dataset page answers who, from where, when, whether valid, what changed and how to verify."""

import hashlib

import pytest

from portal import create_app
from portal.publish import publish

from .conftest import BROKEN, FIXTURE_DATASETS, FIXTURE_METADATA, copy_datasets
from .html import parse, text, texts


def answer(page, name):
    return text(page, f"[data-answer={name}]")


def test_trust_answers_from_the_descriptor(client):
    page = parse(client.get("/dataset/wilayah-mini"))
    assert answer(page, "author").startswith("Kementerian Dalam Negeri")
    assert "walidata: Dinas Komunikasi dan Informatika" in answer(page, "author")
    assert answer(page, "sources") == "Kepmendagri (uji)"
    assert answer(page, "last-updated") == "23 Jun 2025 (tanggal dari produsen)"
    assert answer(page, "next-due") == "Tidak ada jadwal tetap (tidak tentu)"
    assert answer(page, "validation").startswith("Ya,")
    assert answer(page, "changes").startswith("Versi 1, terbit")
    assert "sha256sum" in answer(page, "verify")
    assert text(page, "#validation-badge") == "Lolos validasi"


def test_metadata_panel_uses_the_sdi_profile_labels(client):
    page = parse(client.get("/dataset/wilayah-mini"))
    labels = texts(page, "#metadata dt")
    assert {"Produsen data", "Walidata", "Frekuensi pembaruan", "Akses", "Konsep", "Definisi", "Satuan", "Ukuran",
            "Cakupan wilayah", "Data prioritas", "Periode data", "Terakhir diubah produsen"} <= set(labels)
    assert text(page, "[data-field=spatial]") == "Kota Malang ( 35.73 )"
    assert text(page, "[data-field=accessRights]") == "Terbuka (data terbuka)"
    assert text(page, "[data-field=data_prioritas]") == "Tidak"
    # A sparse descriptor shows what is missing instead of hiding it.
    sparse = parse(client.get("/dataset/layanan-mini"))
    assert text(sparse, "[data-field=konsep]") == "belum diisi"


def test_dictionary_and_provenance_rendered_from_the_descriptor(client):
    page = parse(client.get("/dataset/wilayah-mini"))
    row = page.css_first(".dictionary-table[data-table=kelurahan_mini] tr[data-field=kode_kecamatan]")
    assert text(row, "[data-part=concept]") == "kode kecamatan"
    assert text(row, "[data-part=classification]") == "Kode wilayah Kemendagri"
    assert row.css_first("[data-part=code-list]").attributes["href"] == "/dataset/wilayah-mini#resource-kecamatan_mini"
    assert text(row, "[data-stat=distinct]") == "unik 2"
    assert text(row, "[data-stat=range]") == "35.73.01 – 35.73.02"
    constraints = page.css_first(".dictionary-table[data-table=kecamatan_mini] tr[data-field=kode] [data-part=constraints]")
    assert " ".join(constraints.text().split()) == "Batasan: wajib diisi"
    assert constraints.attributes["title"] == "required = True"  # as the schema writes it
    assert text(page, "[data-field=metodologi]") == "Disalin untuk pengujian."
    assert text(page, "[data-field=dasar_hukum]") == "Kepmendagri (uji)"
    assert "Kepmendagri (uji)" in texts(page, "#provenance li")


def test_checksums_on_the_page_equal_the_files(client):
    page = parse(client.get("/dataset/wilayah-mini"))
    rows = page.css(".files-table tbody tr")
    assert len(rows) == 12  # two tables in five formats, the zip, the descriptor
    for row in rows:
        body = client.get(row.css_first("a").attributes["href"]).data
        assert text(row, "code.hash") == hashlib.sha256(body).hexdigest()
        assert int(row.css_first("[data-bytes]").attributes["data-bytes"]) == len(body)


@pytest.fixture(scope="module")
def broken_build(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("broken")
    publish(FIXTURE_DATASETS, FIXTURE_METADATA, tmp / "build")
    datasets = copy_datasets(tmp / "d", FIXTURE_DATASETS / "wilayah-mini", BROKEN / "layanan-mini")
    publish(datasets, FIXTURE_METADATA, tmp / "build")
    return create_app({"BUILD_DIR": str(tmp / "build")}).test_client()


def test_validation_report_groups_errors_by_column(broken_build):
    page = parse(broken_build.get("/dataset/layanan-mini/validation"))
    assert "Gagal" in text(page, "#verdict")
    assert text(page, "#frictionless-version").startswith("frictionless 5.")
    groups = {(g.attributes["data-code"], g.attributes["data-field"]): g for g in page.css(".issue-group")}
    assert set(groups) == {("type-error", "biaya"), ("foreign-key", "kode_kelurahan")}
    type_error = groups[("type-error", "biaya")]
    assert texts(type_error, ".examples li") == ["baris 3: mahal"]
    assert text(type_error, "h3") == "Nilai tidak sesuai tipe kolom. (1 kali)"
    assert "Cara memperbaiki:" in text(type_error, ".hint")
    assert "Type error" in text(type_error, "details")  # frictionless' own English message
    assert texts(groups[("foreign-key", "kode_kelurahan")], ".examples li") == ["baris 5: 35.73.99.9999"]
    assert len(page.css(".checks li")) == 5
    # Paths are shown inside the package: nothing of the publisher's machine leaks.
    assert text(type_error, ".meta code") == "layanan-mini/data/pengaduan_mini.csv"
    # The dataset page says the live version is the previous, valid one.
    show = parse(broken_build.get("/dataset/layanan-mini"))
    assert text(show, "#validation-badge") == "Versi terbaru gagal validasi"
    assert show.css_first(".notice-warning") is not None


def test_passed_validation_report_lists_the_checks(client):
    page = parse(client.get("/dataset/wilayah-mini/validation"))
    assert text(page, "#verdict").startswith("Lolos")
    assert text(page, "#issue-count") == "0"
    assert "Frictionless" in " ".join(texts(page, ".checks li"))
