"""What OPD staff use: portal new, portal check, readable messages in two languages,
incremental publish, --only and dry runs."""

import json
import shutil
import sqlite3

import pytest
from click.testing import CliRunner

from portal.catalog import Catalog
from portal.cli import cli
from portal.publish import publish
from portal.releases import current_release_id, release_ids, releases_dir

from .conftest import BROKEN, FIXTURE_DATASETS, FIXTURE_METADATA, ROOT, copy_datasets


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture()
def workspace(tmp_path):
    """The real metadata and reference package, and a CSV a staff member might bring."""
    datasets = tmp_path / "datasets"
    shutil.copytree(ROOT / "datasets" / "kode-wilayah-indonesia", datasets / "kode-wilayah-indonesia")
    csv_file = tmp_path / "Laporan Posyandu.csv"
    csv_file.write_text("id,tanggal,kode_kelurahan,jumlah_balita\n1,2024-01-05,35.73.01.1001,40\n"
                        "2,2024-01-05,35.73.02.1003,35\n3,2024-02-05,35.73.01.1001,42\n")
    return datasets, csv_file


def test_new_then_check_names_each_placeholder_then_accepts_the_filled_package(workspace, tmp_path):
    datasets, csv_file = workspace
    created = run("new", "posyandu", csv_file, "--datasets", datasets)
    assert created.exit_code == 0, created.output
    assert "portal check posyandu" in created.output and "- title: ISI" in created.output
    descriptor_file = datasets / "posyandu" / "datapackage.json"
    descriptor = json.loads(descriptor_file.read_text())
    (resource,) = descriptor["resources"]
    assert resource["schema"]["primaryKey"] == ["id"]
    assert resource["schema"]["foreignKeys"][0]["reference"] == {
        "package": "kode-wilayah-indonesia", "resource": "kota_malang_kelurahan", "fields": ["kode"]}

    refused = run("check", "posyandu", "--datasets", datasets, "--metadata", ROOT / "metadata", "--json")
    assert refused.exit_code == 1
    fields = {i["field"] for i in json.loads(refused.stdout)["datasets"]["posyandu"]["issues"]
              if i["code"] == "portal-placeholder"}
    assert {"title", "description", "resources[0].schema.fields[0].title"} <= fields

    descriptor.update(title="Kunjungan posyandu", description="Contoh uji.", publisher="dinkes", author="dinkes",
                      maintainer="diskominfo", themes=["living"], licenses=[{"name": "CC0-1.0"}],
                      accrualPeriodicity="monthly", sample=True, sources=[])
    for key in ("konsep", "definisi", "satuan", "ukuran", "metodologi"):
        descriptor[key] = f"isi {key}"
    for key in ("title_en", "description_en", "temporal", "spatial", "modified", "dasar_hukum", "data_prioritas",
                "keywords"):  # recommended: deleted on purpose when they do not apply
        del descriptor[key]
    resource["title"], resource["description"] = "Kunjungan", "Satu baris per kunjungan."
    for field in resource["schema"]["fields"]:
        field["title"], field["description"] = field["name"], f"Definisi {field['name']}"
    descriptor_file.write_text(json.dumps(descriptor))
    accepted = run("check", "posyandu", "--datasets", datasets, "--metadata", ROOT / "metadata")
    assert accepted.exit_code == 0, accepted.output
    assert "posyandu: valid" in accepted.output
    published = run("publish", "--datasets", datasets, "--metadata", ROOT / "metadata", "--build", tmp_path / "b")
    assert published.exit_code == 0, published.output


def test_new_refuses_to_overwrite(workspace):
    datasets, csv_file = workspace
    assert run("new", "posyandu", csv_file, "--datasets", datasets).exit_code == 0
    again = run("new", "posyandu", csv_file, "--datasets", datasets)
    assert again.exit_code == 1 and "posyandu" in again.output


@pytest.mark.parametrize("language, words", [
    ("id", ["kolom biaya: Nilai tidak sesuai tipe kolom.", "baris 3 «mahal»", "Cara memperbaiki:",
            "kolom kode_kelurahan: Nilai tidak ada di tabel rujukan.", "rusak-baru: tidak valid",
            "Isian masih berupa", "Metadata tidak lengkap"]),
    ("en", ["column biaya: Value does not match the column type.", "row 3 «mahal»", "How to fix:",
            "column kode_kelurahan: Value not found in the referenced table.", "rusak-baru: not valid",
            "still a placeholder", "Metadata is incomplete"]),
])
def test_messages_for_each_error_class_in_both_languages(tmp_path, language, words):
    datasets = copy_datasets(tmp_path / "d", FIXTURE_DATASETS / "wilayah-mini", BROKEN / "layanan-mini",
                             BROKEN / "rusak-baru")
    path = datasets / "rusak-baru" / "datapackage.json"
    path.write_text(path.read_text().replace('"Rusak baru"', '"ISI: judul dataset"'))
    result = run("check", "--datasets", datasets, "--metadata", FIXTURE_METADATA, "--lang", language)
    assert result.exit_code == 1
    for expected in words:
        assert expected in result.output, (expected, result.output)


def test_check_exit_codes(tmp_path):
    assert run("check", "--datasets", FIXTURE_DATASETS, "--metadata", FIXTURE_METADATA).exit_code == 0
    assert run("check", "nope", "--datasets", FIXTURE_DATASETS, "--metadata", FIXTURE_METADATA).exit_code == 2
    assert run("check", "--datasets", tmp_path / "missing").exit_code == 2


def table_digests(build):
    conn = sqlite3.connect(releases_dir(build) / current_release_id(build) / "portal.db")
    tables = [t for (t,) in conn.execute("select name from sqlite_master where type='table' and name not like '%_fts%' "
                                         "and name not like 'sqlite_%' order by name")]
    return {t: conn.execute(f'select * from "{t}" order by rowid').fetchall() for t in tables}


def full_text_search(build):
    """Every full-text index checked against its table (FTS5 integrity-check), and a search in each."""
    conn = sqlite3.connect(releases_dir(build) / current_release_id(build) / "portal.db")
    found = {}
    for (index,) in conn.execute("select name from sqlite_master where sql like 'CREATE VIRTUAL TABLE%fts5%'"):
        conn.execute(f"insert into {index}({index}) values ('integrity-check')")  # raises when they differ
        found[index] = conn.execute(f"select rowid from {index} where {index} match 'a*' order by rowid").fetchall()
    conn.close()
    return found


def comparable(build):
    catalog = Catalog.load(releases_dir(build) / current_release_id(build) / "catalog.json").to_dict()
    for dataset in catalog["datasets"]:
        dataset.pop("versions")
        dataset["validation"].pop("checked_at")
        for resource in dataset["resources"]:
            for info in resource["downloads"].values():  # XLSX bytes carry a timestamp
                info.pop("sha256"), info.pop("bytes")
        dataset.pop("zip_file")
    for key in ("release_id", "created", "releases", "database"):
        catalog.pop(key)
    return catalog


def test_incremental_publish_reuses_unchanged_packages_and_matches_a_full_publish(tmp_path):
    datasets = copy_datasets(tmp_path / "d", *FIXTURE_DATASETS.iterdir())
    incremental, full = tmp_path / "incremental", tmp_path / "full"
    publish(datasets, FIXTURE_METADATA, incremental)
    path = datasets / "layanan-mini" / "data" / "pengaduan_mini.csv"
    path.write_text(path.read_text().replace("1500.5", "1600"))
    report = publish(datasets, FIXTURE_METADATA, incremental)
    outcomes = {o.name: o for o in report.datasets}
    assert outcomes["wilayah-mini"].reused_from and not outcomes["layanan-mini"].reused_from
    assert report.ok
    publish(datasets, FIXTURE_METADATA, full)
    assert table_digests(incremental) == table_digests(full)
    assert comparable(incremental) == comparable(full)
    assert full_text_search(incremental) == full_text_search(full) != {}
    forced = publish(datasets, FIXTURE_METADATA, incremental, full=True)
    assert not any(o.reused_from for o in forced.datasets)


def test_a_changed_reference_package_rechecks_the_packages_pointing_at_it(tmp_path):
    datasets = copy_datasets(tmp_path / "d", *FIXTURE_DATASETS.iterdir())
    build = tmp_path / "b"
    publish(datasets, FIXTURE_METADATA, build)
    path = datasets / "wilayah-mini" / "data" / "kelurahan_mini.csv"
    path.write_text(path.read_text().replace("35.73.01.1002,Arjosari,35.73.01\n", ""))
    report = publish(datasets, FIXTURE_METADATA, build)
    layanan = report.outcome("layanan-mini")
    assert not layanan.reused_from and layanan.status == "kept-previous"
    assert [(i.code, i.row) for i in layanan.issues] == [("foreign-key", 3)]


def test_only_and_dry_run(tmp_path):
    datasets = copy_datasets(tmp_path / "d", *FIXTURE_DATASETS.iterdir())
    build = tmp_path / "b"
    publish(datasets, FIXTURE_METADATA, build)
    for name in ("wilayah-mini", "layanan-mini"):
        path = datasets / name / "datapackage.json"
        path.write_text(path.read_text().replace('"description": "', '"description": "Baru. ', 1))
    only = run("publish", "--only", "layanan-mini", "--datasets", datasets, "--metadata", FIXTURE_METADATA,
               "--build", build, "--quiet")
    assert only.exit_code == 0, only.output
    catalog = Catalog.load(releases_dir(build) / current_release_id(build) / "catalog.json")
    assert catalog.dataset("layanan-mini").description.startswith("Baru.")
    assert not catalog.dataset("wilayah-mini").description.startswith("Baru.")  # carried as it was live
    before = release_ids(build)
    dry = run("publish", "--dry-run", "--datasets", datasets, "--metadata", FIXTURE_METADATA, "--build", build)
    assert dry.exit_code == 0 and "Uji coba" in dry.output
    assert release_ids(build) == before


def test_quiet_prints_only_problems_and_the_last_line(tmp_path):
    result = run("publish", "--quiet", "--datasets", FIXTURE_DATASETS, "--metadata", FIXTURE_METADATA,
                 "--build", tmp_path)
    assert result.exit_code == 0 and result.output.strip().splitlines()[-1].startswith("Rilis ")
    assert len(result.output.strip().splitlines()) == 1
