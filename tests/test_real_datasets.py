"""The real datasets of issue 16 (APBD 2021–2024, schools 2019, PDRB Jatim): prepared byte for byte by
their own scripts, published with source, licence as found and caveats in both languages."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from portal import create_app
from portal.asgi import PortalApplication
from portal.catalog import Catalog
from portal.publish import publish

from .conftest import FIXTURE_DATASETS, FIXTURE_METADATA, ROOT, SyncASGIClient
from .html import parse, text, texts

DATASETS = ROOT / "datasets"
REAL = {
    "apbd-kota-malang-djpk": "apbd_kota_malang",
    "sekolah-kota-malang-kemdikbud-2019": "sekolah_kota_malang_2019",
    "pdrb-adhb-jatim-bps": "pdrb_adhb_kabkota_jatim",
}


def prepare_module(name: str):
    spec = importlib.util.spec_from_file_location(f"prepare_{name.replace('-', '_')}", DATASETS / name / "prepare.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def recorded_sha256(name: str) -> dict[str, str]:
    """path -> sha256 as PROVENANCE.md records them ('    <sha256>  <path>' lines)."""
    found = re.findall(r"^\s+([0-9a-f]{64})\s+(\S+)$", (DATASETS / name / "PROVENANCE.md").read_text(), re.M)
    return {path: digest for digest, path in found}


@pytest.mark.parametrize("name", REAL)
def test_each_prepare_script_rewrites_the_published_csv_byte_for_byte(name):
    prepared = prepare_module(name).prepare()
    text_out = prepared[0] if isinstance(prepared, tuple) else prepared
    committed = (DATASETS / name / "data" / f"{REAL[name]}.csv").read_text(encoding="utf-8")
    assert text_out == committed


@pytest.mark.parametrize("name", REAL)
def test_provenance_records_the_sha256_of_the_source_and_published_files(name):
    recorded = recorded_sha256(name)
    assert f"data/{REAL[name]}.csv" in recorded and any(p.startswith("source/") for p in recorded)
    for path, digest in recorded.items():
        assert hashlib.sha256((DATASETS / name / path).read_bytes()).hexdigest() == digest, path


def test_the_research_copy_of_each_source_file_is_unchanged():
    """source/ holds the researcher's tidy files byte for byte (their sha256 in shared/data/real)."""
    assert recorded_sha256("apbd-kota-malang-djpk")["source/apbd_kota_malang_2021_2024.csv"].startswith("49abaa04")
    assert recorded_sha256("sekolah-kota-malang-kemdikbud-2019")["source/sekolah_kota_malang_2019.csv"].startswith("1affa272")
    assert recorded_sha256("pdrb-adhb-jatim-bps")["source/pdrb_adhb_kabkota_jatim_2022_2023.csv"].startswith("aeb1ecf8")


def test_schools_get_their_kelurahan_from_their_point_and_unknown_stays_empty():
    text_out, counts = prepare_module("sekolah-kota-malang-kemdikbud-2019").prepare()
    assert counts == {"rows": 490, "matched": 488, "no_coordinates": 1, "outside": 1, "other_kecamatan": 13,
                      "differs_from_source": 0}
    rows = [line.split(",") for line in text_out.splitlines()[1:]]
    assert sum(1 for r in rows if r[10] == "") == 2  # kode_kelurahan: never guessed


def test_apbd_levels_add_up_for_revenue_and_spending():
    _, mismatches = prepare_module("apbd-kota-malang-djpk").prepare()
    assert mismatches == []


@pytest.fixture(scope="module")
def site(bundled_build):
    app = create_app({"BUILD_DIR": str(bundled_build), "BASE_URL": "http://localhost"})
    client = SyncASGIClient(PortalApplication(app))
    yield app.test_client(), client, Catalog.load(Path(bundled_build) / "current" / "catalog.json")
    client.close()


def page_text(pages, url: str) -> str:
    return " ".join(parse(pages.get(url)).body.text(separator=" ").split())


# (dataset, Indonesian licence text, English licence text, a caveat's words in each language)
PAGES = [
    ("apbd-kota-malang-djpk", "Lisensi tidak dinyatakan oleh sumber", "Licence not stated by the source",
     "Realisasi 2023 kemungkinan parsial", "The 2023 realisation is probably partial"),
    ("sekolah-kota-malang-kemdikbud-2019", "Lisensi data Kemendikbud tidak dinyatakan oleh sumber",
     "licence for the data is not stated by the source", "Data Juni 2019", "Data of June 2019"),
    ("pdrb-adhb-jatim-bps", "bukan lisensi terbuka", "not an open licence",
     "Ketentuan BPS, bukan lisensi terbuka", "BPS terms, not an open licence"),
]


@pytest.mark.parametrize("name, licence_id, licence_en, caveat_id, caveat_en", PAGES)
def test_real_dataset_pages_show_source_licence_and_caveats_in_both_languages(site, name, licence_id, licence_en,
                                                                             caveat_id, caveat_en):
    pages, _, catalog = site
    dataset = catalog.dataset(name)
    assert dataset.status == "published" and not dataset.sample
    for lang, licence, caveat in (("id", licence_id, caveat_id), ("en", licence_en, caveat_en)):
        page = parse(pages.get(f"/dataset/{name}?lang={lang}"))
        assert licence in text(page, '[data-field="licenses"]'), (name, lang)
        assert licence.split(":")[0] in text(page, "#caveats .caveat-license"), (name, lang)
        assert any(caveat in c for c in texts(page, "#caveats li")), (name, lang)
        sources = [a.attributes["href"] for a in page.css('[data-answer="sources"] a')]
        assert sources and sources[0] == dataset.sources[0]["path"], (name, lang)
    assert page.css_first(".notice-sample") is None  # real data carries no sample badge


def test_licences_not_open_are_not_reported_open_to_ckan(site):
    _, client, _ = site
    for name, expected in (("apbd-kota-malang-djpk", "notspecified"), ("pdrb-adhb-jatim-bps", "other-nc"),
                           ("sekolah-kota-malang-kemdikbud-2019", "notspecified")):
        package = client.get("/api/3/action/package_show", params={"id": name}).json()["result"]
        assert package["license_id"] == expected and package["isopen"] is False, name


def test_schools_link_to_the_kelurahan_reference_table(site):
    _, client, _ = site
    sql = ("select count(*) n, count(s.kode_kelurahan) linked, count(k.kode) joined from sekolah_kota_malang_2019 s "
           "left join kota_malang_kelurahan k on k.kode = s.kode_kelurahan")
    (counts,) = client.get("/sql/portal.json", params={"sql": sql, "_shape": "array"}).json()
    assert counts == {"n": 490, "linked": 488, "joined": 488}


def test_tables_mixing_totals_and_parts_get_no_automatic_chart(site):
    _, _, catalog = site
    assert catalog.dataset("apbd-kota-malang-djpk").resource("apbd_kota_malang").charts == []
    assert catalog.dataset("pdrb-adhb-jatim-bps").resource("pdrb_adhb_kabkota_jatim").charts == []
    schools = catalog.dataset("sekolah-kota-malang-kemdikbud-2019").resource("sekolah_kota_malang_2019")
    assert [c.x for c in schools.charts] == ["bentuk"] and schools.geo is not None


def test_caveats_must_be_a_list_of_texts(tmp_path):
    datasets = tmp_path / "datasets"
    shutil.copytree(FIXTURE_DATASETS / "wilayah-mini", datasets / "wilayah-mini")
    descriptor_path = datasets / "wilayah-mini" / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text())
    descriptor["caveats"] = ["hanya teks"]
    descriptor_path.write_text(json.dumps(descriptor))
    report = publish(datasets, FIXTURE_METADATA, tmp_path / "build")
    issues = [i for i in report.all_issues() if i.field == "caveats"]
    assert issues and "caveats must be a list of objects {text, text_en}" in issues[0].message


def test_the_zip_readme_carries_the_caveats_in_both_languages(site):
    pages, _, _ = site
    archive = zipfile.ZipFile(io.BytesIO(pages.get("/download/apbd-kota-malang-djpk.zip").data))
    readme = archive.read("README.md").decode()
    notes = readme.split("## Catatan penting / Important notes", 1)[1]
    assert "Realisasi 2023 kemungkinan parsial" in notes and "The 2023 realisation is probably partial" in notes
    assert "Lisensi tidak dinyatakan oleh sumber" in readme
    assert {"PROVENANCE.md", "prepare.py", "source/apbd_kota_malang_2021_2024.csv"} <= set(archive.namelist())
