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
    change = next(c for c in app.extensions["release_store"].current(wait=True).catalog.dataset("tabel-lebar")
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


# Describing: one real function per part of what the release says about a package, and how to tell from
# its arguments which package (and which version: the resource title) it is describing.
DESCRIBING = {
    "catalog entry": ("portal.publish.describe.describe_resource", lambda args: (args[0], args[1].get("title"))),
    "example queries": ("portal.publish.entries.check_queries", lambda args: (args[0].name, args[0].resources[0].title)),
    "version history": ("portal.publish.entries.dataset_versions",
                        lambda args: (args[0].name, args[0].resources[0].title)),
    "search index": ("portal.publish.entries.searchable_row", lambda args: (args[0].name, args[0].resources[0].title)),
    "datasette metadata": ("portal.publish.entries.datasette_entry",
                           lambda args: (args[0].name, args[0].resources[0].title)),
}


def fail_describing(monkeypatch, part: str, package_name: str, title: str | None = None) -> None:
    """Make describing ``package_name`` (only its version whose first table has ``title``, if given) raise."""
    import importlib

    target, describes = DESCRIBING[part]
    module_name, function_name = target.rsplit(".", 1)
    module = importlib.import_module(module_name)
    real = getattr(module, function_name)

    def failing(*args, **kwargs):
        name, table_title = describes(args)
        if name == package_name and title in (None, table_title):
            raise RuntimeError("describing broke")
        return real(*args, **kwargs)

    monkeypatch.setattr(module, function_name, failing)


def release_mentions(build: Path, name: str, tables: tuple[str, ...]) -> list[str]:
    """Every place of the live release that refers to the package or its tables."""
    import sqlite3

    release = build / "current"
    found = [str(p.relative_to(release)) for p in release.rglob("*") if name in p.name]
    manifest = json.loads((release / "manifest.json").read_text())
    found += [path for path in manifest["files"] if name in path]
    with sqlite3.connect(release / "portal.db") as conn:
        found += [t for (t,) in conn.execute("select name from sqlite_master") if t.startswith(tables)]
    with sqlite3.connect(release / "search.db") as conn:
        found += [f"search.db:{n}" for (n,) in conn.execute("select name from datasets_fts") if n == name]
    datasette = json.loads((release / "datasette.json").read_text())["databases"]["portal"]
    found += [f"datasette:{t}" for t in datasette["tables"] if t in tables]
    found += [f"datasette:{q['sql']}" for q in datasette["queries"].values() if any(t in q["sql"] for t in tables)]
    catalog = json.loads((release / "catalog.json").read_text())
    found += [f"catalog:{d['name']}" for d in catalog["datasets"] if d["name"] == name]
    return found


def new_version(datasets: Path) -> None:
    """layanan-mini's next version: one more complaint, and its table retitled "Pengaduan v2"."""
    folder = datasets / "layanan-mini"
    descriptor = json.loads((folder / "datapackage.json").read_text())
    descriptor["resources"][0]["title"] = "Pengaduan v2"
    (folder / "datapackage.json").write_text(json.dumps(descriptor))
    with (folder / "data" / "pengaduan_mini.csv").open("a") as csv:
        csv.write("6,2024-04-01,35.73.02.1001,10,true\n")


@pytest.mark.parametrize("part", DESCRIBING)
def test_a_package_that_cannot_be_described_is_not_published(part, tmp_path, monkeypatch):
    """Never published before: it is left out, entirely, and the other package goes live."""
    from portal.publish.release import check_release

    fail_describing(monkeypatch, part, "layanan-mini")
    datasets = copy_datasets(tmp_path / "d", *FIXTURE_DATASETS.iterdir())
    build = tmp_path / "build"
    report = publish(datasets, FIXTURE_METADATA, build)
    outcomes = {o.name: o for o in report.datasets}
    assert report.release_id and not report.ok
    assert (outcomes["wilayah-mini"].status, outcomes["wilayah-mini"].issues) == ("published", [])
    assert outcomes["layanan-mini"].status == "failed"
    (issue,) = outcomes["layanan-mini"].issues
    assert issue.code == "portal-internal-error" and issue.file.endswith("layanan-mini/datapackage.json")
    assert "describe" in issue.message and "RuntimeError: describing broke" in issue.message
    assert release_mentions(build, "layanan-mini", ("pengaduan_mini",)) == []
    assert check_release(build / "current") == []
    client = create_app({"BUILD_DIR": str(build)}).test_client()
    assert client.get("/dataset/wilayah-mini").status_code == 200
    assert client.get("/download/wilayah-mini/kelurahan_mini.csv").status_code == 200
    assert client.get("/dataset/layanan-mini").status_code == 404
    assert client.get("/changes").status_code == 200


@pytest.mark.parametrize("part", DESCRIBING)
def test_a_new_version_that_cannot_be_described_keeps_the_live_one(part, tmp_path, monkeypatch):
    import sqlite3

    datasets = copy_datasets(tmp_path / "d", *FIXTURE_DATASETS.iterdir())
    build = tmp_path / "build"
    first = publish(datasets, FIXTURE_METADATA, build)
    live_csv = (build / "current" / "files" / "layanan-mini" / "data" / "pengaduan_mini.csv").read_bytes()
    new_version(datasets)
    fail_describing(monkeypatch, part, "layanan-mini", "Pengaduan v2")
    report = publish(datasets, FIXTURE_METADATA, build)
    outcomes = {o.name: o for o in report.datasets}
    assert report.release_id and report.release_id != first.release_id and not report.ok
    assert outcomes["layanan-mini"].status == "kept-previous"
    assert outcomes["layanan-mini"].previous_release == first.release_id
    (issue,) = outcomes["layanan-mini"].issues
    assert issue.code == "portal-internal-error" and "describe" in issue.message and "describing broke" in issue.message
    client = create_app({"BUILD_DIR": str(build)}).test_client()
    assert client.get("/download/layanan-mini/pengaduan_mini.csv").data == live_csv
    assert len(client.get("/download/layanan-mini/pengaduan_mini.json").get_json()) == 5
    assert "Pengaduan v2" not in client.get("/dataset/layanan-mini").get_data(as_text=True)
    with sqlite3.connect(build / "current" / "portal.db") as conn:
        assert conn.execute("select count(*) from pengaduan_mini").fetchone() == (5,)
    catalog = json.loads((build / "current" / "catalog.json").read_text())
    layanan = next(d for d in catalog["datasets"] if d["name"] == "layanan-mini")
    assert layanan["status"] == "kept-previous" and [v["number"] for v in layanan["versions"]] == [1]
    assert catalog["releases"][0]["kept_previous"] == ["layanan-mini"]


@pytest.mark.parametrize("changed", [False, True])
def test_when_the_live_version_cannot_be_described_either_the_package_fails(changed, tmp_path, monkeypatch):
    from portal.publish.release import check_release

    datasets = copy_datasets(tmp_path / "d", *FIXTURE_DATASETS.iterdir())
    build = tmp_path / "build"
    assert publish(datasets, FIXTURE_METADATA, build).ok
    if changed:
        new_version(datasets)
    fail_describing(monkeypatch, "catalog entry", "layanan-mini")
    report = publish(datasets, FIXTURE_METADATA, build)
    outcome = report.outcome("layanan-mini")
    # Unchanged, what fails is the live version itself; changed, the new version, then the live one.
    assert outcome.status == "failed"
    assert [i.code for i in outcome.issues] == ["portal-internal-error"] * (2 if changed else 1)
    assert report.outcome("wilayah-mini").status == "published" and report.release_id
    assert release_mentions(build, "layanan-mini", ("pengaduan_mini",)) == []
    assert check_release(build / "current") == []
    catalog = json.loads((build / "current" / "catalog.json").read_text())
    assert catalog["releases"][0]["failed"] == ["layanan-mini"] and catalog["releases"][0]["removed"] == ["layanan-mini"]


def test_packages_referring_to_one_that_cannot_be_described_are_refused(tmp_path, monkeypatch):
    from portal.publish.release import check_release

    fail_describing(monkeypatch, "catalog entry", "wilayah-mini")
    datasets = copy_datasets(tmp_path / "d", *FIXTURE_DATASETS.iterdir())
    package(datasets, "lain-sendiri", [{"name": "id", "type": "integer"}], "id\n1\n")
    build = tmp_path / "build"
    report = publish(datasets, FIXTURE_METADATA, build)
    outcomes = {o.name: o for o in report.datasets}
    assert {name: o.status for name, o in outcomes.items()} == {
        "wilayah-mini": "failed", "layanan-mini": "failed", "lain-sendiri": "published"}
    assert "portal-foreign-key" in {i.code for i in outcomes["layanan-mini"].issues}
    tables = ("pengaduan_mini", "kelurahan_mini", "kecamatan_mini")
    assert release_mentions(build, "wilayah-mini", tables) == []
    assert release_mentions(build, "layanan-mini", tables) == []
    assert check_release(build / "current") == []


def test_the_command_reports_a_package_that_cannot_be_described(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from portal.cli import cli

    datasets = copy_datasets(tmp_path / "d", *FIXTURE_DATASETS.iterdir())
    build = tmp_path / "build"
    assert publish(datasets, FIXTURE_METADATA, build).ok
    new_version(datasets)
    fail_describing(monkeypatch, "search index", "layanan-mini", "Pengaduan v2")
    result = CliRunner().invoke(cli, ["publish", "--datasets", str(datasets), "--metadata", str(FIXTURE_METADATA),
                                      "--build", str(build)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)  # not an exception caught by click
    assert "Traceback" not in result.output and "RuntimeError: describing broke" in result.output
    assert "portal-internal-error" in result.output
    assert "layanan-mini tidak valid: versinya dari rilis" in result.output


def test_a_key_figure_that_is_not_sql_is_reported_not_raised(tmp_path):
    import shutil

    import yaml

    metadata = tmp_path / "metadata"
    shutil.copytree(FIXTURE_METADATA, metadata)
    portal = yaml.safe_load((metadata / "portal.yaml").read_text())
    portal["key_figures"] += [{"label": "angka", "sql": 5}, {"label": "daftar", "sql": "select 1", "dataset": ["x"]}]
    (metadata / "portal.yaml").write_text(yaml.safe_dump(portal))
    report = publish(FIXTURE_DATASETS, metadata, tmp_path / "build")
    assert report.release_id and {o.status for o in report.datasets} == {"published"}
    assert [i.field for i in report.issues] == ["key_figures[1]", "key_figures[2]"]
