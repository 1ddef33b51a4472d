"""One bad package never stops the others (issue 13, first part): the inputs that used to abort every
package's publish are now that package's error, and a table as wide as the README promises (1,000
columns) goes through the whole publish, every generated artifact included."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from portal import create_app
from portal.publish import publish

from .conftest import FIXTURE_DATASETS, FIXTURE_METADATA, copy_datasets

WILAYAH = json.loads((FIXTURE_DATASETS / "wilayah-mini" / "datapackage.json").read_text())


def package(datasets: Path, name: str, fields: list[dict], csv_text: str, foreign_keys: list | None = None) -> None:
    """A package shaped like wilayah-mini with one table of the given fields and data."""
    folder = datasets / name
    (folder / "data").mkdir(parents=True)
    table = name.replace("-", "_")
    descriptor = {key: value for key, value in WILAYAH.items() if key not in ("resources", "queries", "name", "title")}
    descriptor.update(name=name, title=name, resources=[{"name": table, "path": f"data/{table}.csv",
                                                         "schema": {"fields": fields}}])
    if foreign_keys:
        descriptor["resources"][0]["schema"]["foreignKeys"] = foreign_keys
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=1))
    (folder / "data" / f"{table}.csv").write_text(csv_text)


def wide_csv(columns: int, rows: int) -> tuple[list[dict], str]:
    names = [f"c{i}" for i in range(columns)]
    lines = [",".join(names)] + [",".join(str(r * columns + i) for i in range(columns)) for r in range(rows)]
    return [{"name": n, "type": "integer"} for n in names], "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """The fixture packages, plus the inputs that used to abort everything."""
    root = tmp_path_factory.mktemp("mixed")
    datasets = copy_datasets(root / "datasets", *FIXTURE_DATASETS.iterdir())
    package(datasets, "format-tanggal", [{"name": "tanggal", "type": "string", "format": "%Y-%m-%d"}],
            "tanggal\n2024-01-31\n")
    package(datasets, "baris-pendek", [{"name": "id", "type": "integer"}, {"name": "kode_kecamatan", "type": "string"}],
            "id,kode_kecamatan\n1,35.73.01\n2\n",
            [{"fields": "kode_kecamatan", "reference": {"package": "wilayah-mini", "resource": "kecamatan_mini",
                                                         "fields": "kode"}}])
    package(datasets, "cr-telanjang", [{"name": "id", "type": "integer"}, {"name": "kode_kecamatan", "type": "string"}],
            "id,kode_kecamatan\n1,35.73\r01\n",
            [{"fields": "kode_kecamatan", "reference": {"package": "wilayah-mini", "resource": "kecamatan_mini",
                                                         "fields": "kode"}}])
    fields, text = wide_csv(1000, 3)
    package(datasets, "tabel-lebar", fields, text)
    return datasets, root / "build"


def test_each_bad_package_fails_alone(mixed):
    datasets, build = mixed
    report = publish(datasets, FIXTURE_METADATA, build)
    status = {outcome.name: outcome.status for outcome in report.datasets}
    assert status == {"layanan-mini": "published", "wilayah-mini": "published", "tabel-lebar": "published",
                      "format-tanggal": "failed", "baris-pendek": "failed", "cr-telanjang": "failed"}
    assert report.release_id and not report.ok
    codes = {outcome.name: {issue.code for issue in outcome.issues} for outcome in report.datasets}
    assert codes["format-tanggal"] == {"field-error"}
    assert "missing-cell" in codes["baris-pendek"] and "portal-internal-error" not in codes["baris-pendek"]
    issue = next(i for o in report.datasets if o.name == "format-tanggal" for i in o.issues)
    assert issue.field == "resources[0].schema.fields[0]" and "%Y-%m-%d" in issue.message


def test_the_command_names_the_package_and_exits_1(mixed, tmp_path):
    datasets, _ = mixed
    result = subprocess.run([sys.executable, "-m", "portal", "publish", "--datasets", str(datasets), "--metadata",
                             str(FIXTURE_METADATA), "--build", str(tmp_path / "build")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr
    assert "format-tanggal" in result.stdout and "field-error" in result.stdout


def test_a_thousand_columns_go_through_every_artifact(mixed):
    datasets, build = mixed
    publish(datasets, FIXTURE_METADATA, build)
    app = create_app({"BUILD_DIR": str(build), "BASE_URL": "http://localhost"})
    client = app.test_client()
    rows = client.get("/download/tabel-lebar/tabel_lebar.json").get_json()
    assert len(rows) == 3 and len(rows[0]) == 1000 and rows[2]["c999"] == 2 * 1000 + 999
    assert client.get("/download/tabel-lebar/tabel_lebar.xlsx").status_code == 200
    assert "datapackage.json" in zipfile.ZipFile(build / "current" / "downloads" / "tabel-lebar.zip").namelist()
    catalog = app.extensions["release_store"].current().catalog
    assert len(catalog.dataset("tabel-lebar").resources[0].fields) == 1000
    assert client.get("/dataset/tabel-lebar").status_code == 200
    assert client.get("/api/3/action/package_show?id=tabel-lebar").status_code == 200
    assert client.get("/catalog.ttl").status_code == 200
    # A second version with one cell changed: the row diff over 1,000 columns.
    table = datasets / "tabel-lebar" / "data" / "tabel_lebar.csv"
    table.write_text(table.read_text().replace(",2999\n", ",-1\n"))
    report = publish(datasets, FIXTURE_METADATA, build)
    change = next(c for c in app.extensions["release_store"].current().catalog.dataset("tabel-lebar")
                  .current_version.changes.resources if c.name == "tabel_lebar")
    assert report.release_id and (change.added, change.removed) == (1, 1)


def test_an_unexpected_exception_is_that_packages_error(tmp_path, monkeypatch):
    """By construction: whatever goes wrong while one package is validated and loaded is its error."""
    from portal.publish import fastload

    real = fastload.fast_load

    def failing(conn, resource, *args, **kwargs):
        if resource["name"] == "pengaduan_mini":
            raise RuntimeError("something no test foresaw")
        return real(conn, resource, *args, **kwargs)

    monkeypatch.setattr("portal.publish.load.fast_load", failing)
    datasets = copy_datasets(tmp_path / "d", *FIXTURE_DATASETS.iterdir())
    report = publish(datasets, FIXTURE_METADATA, tmp_path / "build")
    outcomes = {o.name: o for o in report.datasets}
    assert outcomes["wilayah-mini"].status == "published" and outcomes["layanan-mini"].status == "failed"
    (issue,) = outcomes["layanan-mini"].issues
    assert issue.code == "portal-internal-error" and "something no test foresaw" in issue.message
    assert "validate and load" in issue.message


def test_a_copied_template_is_blamed_not_the_live_original(tmp_path):
    """Copying a package and renaming it is a common first step: the copy repeats the original's table
    and query names. The live, unchanged original stays published; the copy is told."""
    import shutil

    datasets = copy_datasets(tmp_path / "d", *FIXTURE_DATASETS.iterdir())
    build = tmp_path / "build"
    assert publish(datasets, FIXTURE_METADATA, build).ok
    copy = datasets / "aa-salinan-layanan"  # sorts before the original
    shutil.copytree(datasets / "layanan-mini", copy)
    descriptor = json.loads((copy / "datapackage.json").read_text())
    descriptor["name"] = "aa-salinan-layanan"
    (copy / "datapackage.json").write_text(json.dumps(descriptor))
    for full in (False, True):
        report = publish(datasets, FIXTURE_METADATA, build, full=full)
        outcomes = {o.name: o for o in report.datasets}
        assert outcomes["layanan-mini"].status == "published" and not outcomes["layanan-mini"].issues, full
        codes = {issue.code for issue in outcomes["aa-salinan-layanan"].issues}
        assert outcomes["aa-salinan-layanan"].status == "failed" and "portal-duplicate-resource" in codes


def test_a_rejected_package_claims_no_names(tmp_path):
    """A package that fails its own checks does not make another one's names "already used"."""
    import shutil

    datasets = copy_datasets(tmp_path / "d", *FIXTURE_DATASETS.iterdir())
    broken = datasets / "aa-rusak"
    shutil.copytree(datasets / "layanan-mini", broken)
    descriptor = json.loads((broken / "datapackage.json").read_text())
    descriptor.update(name="aa-rusak", licenses=[{"name": "no-such-licence"}])
    (broken / "datapackage.json").write_text(json.dumps(descriptor))
    report = publish(datasets, FIXTURE_METADATA, tmp_path / "build")
    outcomes = {o.name: o for o in report.datasets}
    assert outcomes["layanan-mini"].status == "published" and not outcomes["layanan-mini"].issues
    assert outcomes["aa-rusak"].status == "failed"
    assert "portal-duplicate-resource" not in {issue.code for issue in outcomes["aa-rusak"].issues}


def test_two_descriptors_in_one_folder_are_an_error(tmp_path):
    import yaml

    datasets = copy_datasets(tmp_path / "d", *FIXTURE_DATASETS.iterdir())
    descriptor = json.loads((datasets / "wilayah-mini" / "datapackage.json").read_text())
    (datasets / "wilayah-mini" / "datapackage.yaml").write_text(yaml.safe_dump(descriptor))
    report = publish(datasets, FIXTURE_METADATA, tmp_path / "build")
    outcomes = {o.name: o for o in report.datasets}
    assert [issue.code for issue in outcomes["wilayah-mini"].issues] == ["portal-two-descriptors"]
    assert outcomes["wilayah-mini"].status == "failed"


def test_a_generated_download_that_fails_is_left_out_and_reported(tmp_path, monkeypatch):
    """The validated CSV and the other files still publish; the failure is that package's error."""
    from portal.publish import downloads

    real = downloads.write_json_rows

    def failing(conn, table, columns, path):
        if table == "pengaduan_mini":
            path.write_text("[partial")
            raise MemoryError("no room for this JSON")
        return real(conn, table, columns, path)

    monkeypatch.setattr(downloads, "write_json_rows", failing)
    datasets = copy_datasets(tmp_path / "d", *FIXTURE_DATASETS.iterdir())
    report = publish(datasets, FIXTURE_METADATA, tmp_path / "build")
    outcomes = {o.name: o for o in report.datasets}
    assert {o.status for o in report.datasets} == {"published"} and not report.ok  # exit code 1
    (issue,) = outcomes["layanan-mini"].issues
    assert issue.code == "portal-internal-error" and issue.field == "pengaduan_mini.json"
    client = create_app({"BUILD_DIR": str(tmp_path / "build")}).test_client()
    assert client.get("/download/layanan-mini/pengaduan_mini.json").status_code == 404
    assert client.get("/download/layanan-mini/pengaduan_mini.xlsx").status_code == 200
    assert client.get("/download/layanan-mini/pengaduan_mini.csv").status_code == 200


@pytest.mark.parametrize("arguments, says", [
    (["publish", "--only", "no-such-dataset"], "no-such-dataset"),
    (["serve", "--port", "99999"], "99999"),
])
def test_usage_errors(arguments, says, tmp_path):
    result = subprocess.run([sys.executable, "-m", "portal", *arguments, "--datasets", str(FIXTURE_DATASETS),
                             "--metadata", str(FIXTURE_METADATA), "--build", str(tmp_path / "build")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and says in result.stderr and "Traceback" not in result.stderr


def test_serve_refuses_a_port_in_use(published_build):
    """Granian binds with SO_REUSEPORT: without this check a second server would silently share the port."""
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "portal", "serve", "--build", str(published_build),
                                 "--port", str(port)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "sudah dipakai" in result.stderr and "Traceback" not in result.stderr


def test_descriptor_problems_name_a_property_data_problems_a_column(mixed, tmp_path):
    datasets, _ = mixed
    result = subprocess.run([sys.executable, "-m", "portal", "publish", "--datasets", str(datasets), "--metadata",
                             str(FIXTURE_METADATA), "--build", str(tmp_path / "build")],
                            capture_output=True, text=True, timeout=300)
    lines = result.stdout.replace("\n", " ")
    assert "properti resources[0].schema.fields[0]" in lines and "kolom kode_kecamatan" in lines


def test_an_invalid_pattern_is_the_packages_error(tmp_path):
    """Found by tests/test_publish_fuzz.py: `"pattern": "[a-"` raised inside the loader."""
    datasets = copy_datasets(tmp_path / "d", FIXTURE_DATASETS / "wilayah-mini")
    package(datasets, "pola-rusak", [{"name": "kode", "type": "string", "constraints": {"pattern": "[a-"}}], "kode\nab\n")
    report = publish(datasets, FIXTURE_METADATA, tmp_path / "build")
    (issue,) = next(o for o in report.datasets if o.name == "pola-rusak").issues
    assert issue.code == "field-error" and issue.field == "resources[0].schema.fields[0].constraints.pattern"
