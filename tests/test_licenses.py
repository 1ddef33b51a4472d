"""Licences as publishers write them (issue 13): the SPDX id in any case, only the URL, Data Package
v0's id key, CKAN's id. Each is published under the canonical id, so every client sees the same;
one that does not resolve is refused with the valid ids and how to add one."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from portal import create_app
from portal.cli import cli
from portal.publish import publish

from .conftest import FIXTURE_DATASETS, FIXTURE_METADATA, ROOT

WILAYAH = json.loads((FIXTURE_DATASETS / "wilayah-mini" / "datapackage.json").read_text())

# (how the package writes its licence, the canonical id it is published under, CKAN's license_id)
ACCEPTED = {
    "spdx-lower": ({"name": "cc-by-4.0"}, "CC-BY-4.0", "cc-by"),
    "url-only": ({"path": "http://www.creativecommons.org/licenses/by-sa/4.0"}, "CC-BY-SA-4.0", "cc-by-sa"),
    "v0-id": ({"id": "odc-by"}, "ODC-BY-1.0", "odc-by"),
    "ckan-id": ({"name": "odc-odbl"}, "ODbL-1.0", "odc-odbl"),
    "ckan-cc-by": ({"name": "cc-by"}, "CC-BY-4.0", "cc-by"),
    "pddl": ({"name": "ODC-PDDL-1.0"}, "ODC-PDDL-1.0", "odc-pddl"),
    "canonical": ({"name": "CC0-1.0", "title": "Domain publik"}, "CC0-1.0", "cc-zero"),
}


def metadata_with_bundled_licences(folder: Path, extra: list[dict] = ()) -> Path:
    """The fixture metadata with the portal's own licence register (plus ``extra`` entries)."""
    shutil.copytree(FIXTURE_METADATA, folder)
    licences = yaml.safe_load((ROOT / "metadata" / "licenses.yaml").read_text()) + list(extra)
    (folder / "licenses.yaml").write_text(yaml.safe_dump(licences, allow_unicode=True))
    return folder


def package(datasets: Path, name: str, licence) -> None:
    """A one-table package shaped like wilayah-mini, with the given licence entry."""
    folder = datasets / name
    (folder / "data").mkdir(parents=True)
    table = name.replace("-", "_")
    descriptor = {key: value for key, value in WILAYAH.items() if key not in ("resources", "queries")}
    descriptor.update(name=name, title=name, licenses=[licence],
                      resources=[{"name": table, "path": f"data/{table}.csv",
                                  "schema": {"fields": [{"name": "id", "type": "integer"}]}}])
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=1))
    (folder / "data" / f"{table}.csv").write_text("id\n1\n")


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    root = tmp_path_factory.mktemp("licences")
    metadata = metadata_with_bundled_licences(root / "metadata")
    datasets = root / "datasets"
    for case, (licence, _, _) in ACCEPTED.items():
        package(datasets, f"lisensi-{case}", licence)
    build = root / "build"
    report = publish(datasets, metadata, build)
    assert report.ok, report.all_issues()
    return datasets, metadata, build


@pytest.mark.parametrize("case", ACCEPTED)
def test_an_accepted_licence_is_published_under_its_canonical_id(case, published):
    _, _, build = published
    written, canonical, ckan_id = ACCEPTED[case]
    name = f"lisensi-{case}"
    client = create_app({"BUILD_DIR": str(build), "BASE_URL": "http://localhost"}).test_client()
    metadata = {lic["id"]: lic for lic in yaml.safe_load((ROOT / "metadata" / "licenses.yaml").read_text())}
    (descriptor_licence,) = client.get(f"/download/{name}/datapackage.json").get_json()["licenses"]
    assert descriptor_licence["name"] == canonical and "id" not in descriptor_licence
    assert descriptor_licence["path"] == written.get("path", metadata[canonical]["url"])
    assert descriptor_licence["title"] == written.get("title", metadata[canonical]["title"])
    catalog = json.loads((build / "current" / "catalog.json").read_text())
    (dataset,) = [d for d in catalog["datasets"] if d["name"] == name]
    assert dataset["licenses"] == [descriptor_licence]
    ckan = client.get(f"/api/3/action/package_show?id={name}").get_json()["result"]
    assert (ckan["license_id"], ckan["isopen"]) == (ckan_id, True)
    assert {"key": "license_spdx", "value": canonical} in ckan["extras"]
    turtle = client.get(f"/dataset/{name}.ttl").get_data(as_text=True)
    assert f"<{metadata[canonical]['url']}>" in turtle and f'"{canonical}"' in turtle
    readme = zipfile.ZipFile(io.BytesIO(client.get(f"/download/{name}.zip").data)).read("README.md").decode()
    assert descriptor_licence["title"] in readme


def test_a_licence_made_canonical_is_carried_over_unchanged(published):
    """What publish compares is the descriptor as published, so the next publish finds nothing changed."""
    datasets, metadata, build = published
    report = publish(datasets, metadata, build)
    assert report.ok and all(outcome.reused_from for outcome in report.datasets)


@pytest.mark.parametrize("licence, says", [
    ({"name": "GPL-3.0"}, "licence 'GPL-3.0' is not in metadata/licenses.yaml (valid ids: MIT, CC-BY-4.0, "),
    ({"title": "Bebas dipakai"}, "a licence needs name (an id from metadata/licenses.yaml) or path (its URL); "
                                 "this one has neither"),
    ({"path": "https://example.org/lisensi-kami"}, "path 'https://example.org/lisensi-kami' is not the url of any "
                                                   "licence in metadata/licenses.yaml (valid ids: MIT, "),
    ({"name": "other-open"}, "licence 'other-open' is not in metadata/licenses.yaml"),  # CKAN's generic "other"
    ({"name": "CC-BY-4.0", "path": "https://opendatacommons.org/licenses/odbl/1-0/"},
     "name 'CC-BY-4.0' is CC-BY-4.0 but path 'https://opendatacommons.org/licenses/odbl/1-0/' is ODbL-1.0"),
    ("CC-BY-4.0", "a licence must be an object with name or path, not 'CC-BY-4.0'"),
    ({"name": "cc-by"}, "licence 'cc-by' could be any of CC-BY-4.0, CC-BY-3.0: name one of those ids"),
])
def test_a_licence_that_does_not_resolve_is_refused(licence, says, tmp_path):
    metadata = metadata_with_bundled_licences(tmp_path / "metadata", [
        {"id": "CC-BY-3.0", "title": "Creative Commons Attribution 3.0", "open": True, "ckan_id": "cc-by",
         "url": "https://creativecommons.org/licenses/by/3.0/"}])
    package(tmp_path / "datasets", "lisensi-asing", licence)
    report = publish(tmp_path / "datasets", metadata, tmp_path / "build")
    (outcome,) = report.datasets
    assert outcome.status == "failed"
    (issue,) = outcome.issues
    assert issue.code == "portal-license" and issue.field.startswith("licenses[0]") and says in issue.message
    if "valid ids" in says:
        assert "add an entry to metadata/licenses.yaml with id, title, url, open and ckan_id" in issue.message
        assert "ODC-PDDL-1.0" in issue.message


def test_the_command_says_how_to_fix_a_licence_in_indonesian(tmp_path):
    package(tmp_path / "datasets", "lisensi-asing", {"name": "GPL-3.0"})
    result = CliRunner().invoke(cli, ["publish", "--datasets", str(tmp_path / "datasets"), "--metadata",
                                      str(FIXTURE_METADATA), "--build", str(tmp_path / "build")])
    output = " ".join(result.output.split())
    assert result.exit_code == 1
    assert "properti licenses[0].name: Lisensi tidak dapat dikenali." in output
    assert "tambahkan entri ke metadata/licenses.yaml dengan id, title, url, open dan ckan_id" in output
    assert "id yang sah: MIT, CC0-1.0" in output
