"""Versions and changes: a new version whenever content changes, with exact row-level diffs."""

import json
import os

import pytest

from portal import create_app
from portal.catalog import Catalog
from portal.publish import publish
from portal.publish.release import KEEP_RELEASES
from portal.releases import current_release_id, release_ids, releases_dir

from .conftest import FIXTURE_DATASETS, FIXTURE_METADATA, copy_datasets
from .html import parse, text, texts

COMPLAINTS = "layanan-mini/data/pengaduan_mini.csv"


def live_catalog(build):
    return Catalog.load(releases_dir(build) / current_release_id(build) / "catalog.json")


@pytest.fixture()
def workspace(tmp_path):
    datasets = copy_datasets(tmp_path / "d", *FIXTURE_DATASETS.iterdir())
    build = tmp_path / "build"
    assert publish(datasets, FIXTURE_METADATA, build).ok
    return datasets, build


def edit_descriptor(datasets, name, change):
    path = datasets / name / "datapackage.json"
    descriptor = json.loads(path.read_text())
    change(descriptor)
    path.write_text(json.dumps(descriptor))


def test_changed_csv_gives_exact_counts_for_that_dataset_only(workspace):
    datasets, build = workspace
    path = datasets / COMPLAINTS
    lines = path.read_text().splitlines()
    lines[2] = lines[2].replace(",,false", ",99,false")  # id 2: biaya filled in -> changed
    del lines[4]  # id 4 removed
    lines.append("6,2024-04-01,35.73.02.1001,10,true")  # id 6 added
    path.write_text("\n".join(lines) + "\n")
    second = publish(datasets, FIXTURE_METADATA, build)
    catalog = live_catalog(build)
    complaints = catalog.dataset("layanan-mini")
    assert [v.number for v in complaints.versions] == [1, 2]
    (change,) = complaints.current_version.changes.resources
    assert (change.status, change.compared_by) == ("changed", "primary key")
    assert (change.added, change.removed, change.changed) == (1, 1, 1)
    assert (change.sample_added, change.sample_removed, change.sample_changed) == (["6"], ["4"], ["2"])
    assert (change.rows_before, change.rows_after) == (5, 5)
    assert complaints.current_version.changes.metadata == []
    # The other dataset did not change, so it has no new version.
    assert [v.number for v in catalog.dataset("wilayah-mini").versions] == [1]
    entry = catalog.releases[0]
    assert (entry.id, entry.changed, entry.added) == (second.release_id, ["layanan-mini"], [])
    assert catalog.releases[1].added == ["layanan-mini", "wilayah-mini"]


def test_schema_and_metadata_changes_are_recorded(workspace):
    datasets, build = workspace

    def add_column_and_retitle(descriptor):
        descriptor["title"] = "Wilayah mini (diperbarui)"
        descriptor["resources"][0]["schema"]["fields"].append({"name": "catatan", "type": "string"})
        descriptor["resources"][0]["schema"]["fields"][1]["type"] = "string"

    edit_descriptor(datasets, "wilayah-mini", add_column_and_retitle)
    path = datasets / "wilayah-mini" / "data" / "kecamatan_mini.csv"
    path.write_text("kode,nama,catatan\n35.73.01,Blimbing,\n35.73.02,Klojen,pusat kota\n")
    publish(datasets, FIXTURE_METADATA, build)
    changes = live_catalog(build).dataset("wilayah-mini").current_version.changes
    kecamatan = next(r for r in changes.resources if r.name == "kecamatan_mini")
    assert kecamatan.fields_added == ["catatan"] and kecamatan.status == "changed"
    assert (kecamatan.added, kecamatan.removed, kecamatan.changed) == (0, 0, 0)
    assert next(r for r in changes.resources if r.name == "kelurahan_mini").status == "unchanged"
    assert "title" in changes.metadata


def test_metadata_only_change_is_a_new_version(workspace):
    datasets, build = workspace
    edit_descriptor(datasets, "layanan-mini", lambda d: d.update(description="Deskripsi baru."))
    publish(datasets, FIXTURE_METADATA, build)
    version = live_catalog(build).dataset("layanan-mini").current_version
    assert version.number == 2 and version.changes.metadata == ["description"]
    assert [r.status for r in version.changes.resources] == ["unchanged"]


def test_rows_without_a_primary_key_are_compared_whole(workspace):
    datasets, build = workspace
    edit_descriptor(datasets, "layanan-mini", lambda d: d["resources"][0]["schema"].pop("primaryKey"))
    publish(datasets, FIXTURE_METADATA, build)
    path = datasets / COMPLAINTS
    path.write_text(path.read_text().replace("1500.5", "1600") + "6,2024-04-01,35.73.02.1001,10,true\n")
    publish(datasets, FIXTURE_METADATA, build)
    change = live_catalog(build).dataset("layanan-mini").current_version.changes.resources[0]
    assert (change.compared_by, change.added, change.removed, change.changed) == ("whole rows", 2, 1, None)


def test_versions_stay_downloadable_after_their_release_is_pruned(workspace):
    datasets, build = workspace
    first_bytes = (datasets / COMPLAINTS).read_bytes()
    (datasets / COMPLAINTS).write_text(first_bytes.decode().replace("1500.5", "1600"))
    for _ in range(KEEP_RELEASES + 1):
        publish(datasets, FIXTURE_METADATA, build)
    assert len(release_ids(build)) == KEEP_RELEASES  # the release that made version 1 is gone
    client = create_app({"BUILD_DIR": str(build)}).test_client()
    old = client.get("/download/layanan-mini/v1/pengaduan_mini.csv")
    assert old.status_code == 200 and old.data == first_bytes
    assert client.get("/download/layanan-mini/v2/pengaduan_mini.csv").data == (datasets / COMPLAINTS).read_bytes()
    assert client.get("/download/layanan-mini/v1.zip").status_code == 200
    assert client.get("/download/layanan-mini/v3/pengaduan_mini.csv").status_code == 404


def test_unchanged_files_are_stored_once(workspace):
    datasets, build = workspace
    publish(datasets, FIXTURE_METADATA, build)
    first, second = (releases_dir(build) / rid for rid in release_ids(build))
    relative = "files/wilayah-mini/data/kecamatan_mini.csv"
    assert os.stat(first / relative).st_ino == os.stat(second / relative).st_ino
    assert os.stat(second / relative).st_mode & 0o222 == 0  # shared objects are read-only


def test_changes_pages(workspace):
    datasets, build = workspace
    (datasets / COMPLAINTS).write_text((datasets / COMPLAINTS).read_text().replace("1500.5", "1600"))
    publish(datasets, FIXTURE_METADATA, build)
    client = create_app({"BUILD_DIR": str(build)}).test_client()
    page = parse(client.get("/dataset/layanan-mini/changes"))
    assert [v.attributes["data-version"] for v in page.css(".version")] == ["2", "1"]
    v2 = page.css_first("#v2 li[data-resource=pengaduan_mini]")
    assert [n.attributes["data-count"] for n in v2.css("[data-count]")] == ["0", "0", "1"]
    assert "/download/layanan-mini/v1/pengaduan_mini.csv" in [a.attributes["href"] for a in page.css("#v1 a")]
    log = parse(client.get("/changes"))
    entries = log.css("li[data-release]")
    assert len(entries) == 2
    assert texts(entries[0], "li[data-kind=changed] a") == ["layanan-mini"]
    assert texts(entries[1], "li[data-kind=added] a") == ["layanan-mini", "wilayah-mini"]
    panel = parse(client.get("/dataset/layanan-mini"))
    assert text(panel, "[data-answer=changes]").startswith("Versi 2, terbit")
