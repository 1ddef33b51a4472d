import datetime
import json
import os
import shutil
import subprocess

from portal.publish import publish
from portal.publish.release import KEEP_RELEASES, check_release, new_release_id
from portal.releases import current_link, current_release_id, release_ids, releases_dir

from .conftest import BROKEN, FIXTURE_DATASETS, FIXTURE_METADATA, copy_datasets


def live_dir(build):
    return releases_dir(build) / current_release_id(build)


def test_release_folder_has_database_catalog_manifest_and_files(published_build):
    release = live_dir(published_build)
    for name in ("portal.db", "catalog.json", "manifest.json", "SHA256SUMS", "datasette.json", "report.json",
                 "files/layanan-mini/data/pengaduan_mini.csv", "files/wilayah-mini/datapackage.json",
                 "downloads/wilayah-mini.zip"):
        assert (release / name).is_file(), name
    assert os.readlink(current_link(published_build)) == f"releases/{release.name}"


def test_manifest_lists_every_file_with_sha256_and_size(published_build):
    release = live_dir(published_build)
    manifest = json.loads((release / "manifest.json").read_text())
    on_disk = {p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file()}
    assert set(manifest["files"]) == on_disk - {"manifest.json", "SHA256SUMS"}
    assert manifest["files"]["portal.db"]["bytes"] == (release / "portal.db").stat().st_size
    # The checksum file verifies with the standard tool.
    result = subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=release, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_release_detects_a_changed_file(published_build, tmp_path):
    copy = tmp_path / "release"
    shutil.copytree(live_dir(published_build), copy)
    assert check_release(copy) == []
    (copy / "files" / "wilayah-mini" / "data" / "kecamatan_mini.csv").write_text("kode,nama\n")
    (problem,) = check_release(copy)
    assert problem.code == "portal-integrity" and problem.file.endswith("kecamatan_mini.csv")


def test_broken_package_keeps_the_previous_version_live(tmp_path):
    build = tmp_path / "build"
    first = publish(FIXTURE_DATASETS, FIXTURE_METADATA, build)
    first_catalog = json.loads((live_dir(build) / "catalog.json").read_text())
    datasets = copy_datasets(tmp_path / "d", FIXTURE_DATASETS / "wilayah-mini", BROKEN / "layanan-mini",
                             BROKEN / "rusak-baru")
    second = publish(datasets, FIXTURE_METADATA, build)
    assert not second.ok and second.release_id != first.release_id
    assert {d.name: d.status for d in second.datasets} == {
        "layanan-mini": "kept-previous", "rusak-baru": "failed", "wilayah-mini": "published"}
    assert second.outcome("layanan-mini").previous_release == first.release_id
    catalog = json.loads((live_dir(build) / "catalog.json").read_text())
    kept = next(d for d in catalog["datasets"] if d["name"] == "layanan-mini")
    before = next(d for d in first_catalog["datasets"] if d["name"] == "layanan-mini")
    assert kept["status"] == "kept-previous" and kept["content_hash"] == before["content_hash"]
    assert not (live_dir(build) / "files" / "rusak-baru").exists()


def test_failed_release_check_changes_nothing_live(tmp_path, monkeypatch):
    build = tmp_path / "build"
    first = publish(FIXTURE_DATASETS, FIXTURE_METADATA, build)
    import portal.publish.pipeline as pipeline
    from portal.publish.report import Issue

    monkeypatch.setattr(pipeline, "check_release", lambda staging, **options: [Issue("portal.db", "portal-integrity", "bad")])
    second = publish(FIXTURE_DATASETS, FIXTURE_METADATA, build)
    assert second.release_id is None and [i.code for i in second.issues] == ["portal-integrity"]
    assert current_release_id(build) == first.release_id
    assert release_ids(build) == [first.release_id]
    assert not any(p.name.startswith(".staging") for p in releases_dir(build).iterdir())


def test_interrupted_publish_leaves_the_live_release(tmp_path, monkeypatch):
    build = tmp_path / "build"
    first = publish(FIXTURE_DATASETS, FIXTURE_METADATA, build)
    import portal.publish.pipeline as pipeline

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "write_release", interrupted)
    try:
        publish(FIXTURE_DATASETS, FIXTURE_METADATA, build)
    except KeyboardInterrupt:
        pass
    assert current_release_id(build) == first.release_id
    assert (live_dir(build) / "portal.db").is_file()


def test_keeps_the_last_five_releases(tmp_path):
    build = tmp_path / "build"
    ids = [publish(FIXTURE_DATASETS, FIXTURE_METADATA, build).release_id for _ in range(KEEP_RELEASES + 2)]
    assert len(set(ids)) == KEEP_RELEASES + 2
    assert release_ids(build) == sorted(ids)[-KEEP_RELEASES:]
    assert current_release_id(build) == ids[-1]


def test_release_ids_sort_by_time_and_never_collide(tmp_path):
    now = datetime.datetime(2026, 1, 2, 3, 4, 5)
    (releases_dir(tmp_path) / "20260102-030405").mkdir(parents=True)
    assert new_release_id(tmp_path, now) == "20260102-030405-002"
    (releases_dir(tmp_path) / "20260102-030405-002").mkdir()
    assert new_release_id(tmp_path, now) == "20260102-030405-003"
    # A clock that went backwards still gives an id that sorts last.
    assert new_release_id(tmp_path, now - datetime.timedelta(days=1)) == "20260102-030405-003"
    assert new_release_id(tmp_path / "empty", now) == "20260102-030405"


def test_a_release_from_an_older_portal_version_is_not_served_until_republished(tmp_path):
    from portal import create_app

    build = tmp_path / "build"
    publish(FIXTURE_DATASETS, FIXTURE_METADATA, build)
    catalog_file = live_dir(build) / "catalog.json"
    catalog_file.write_text(json.dumps({**json.loads(catalog_file.read_text()), "version": 0}))
    response = create_app({"BUILD_DIR": str(build)}).test_client().get("/")
    assert response.status_code == 503 and "publish.py" in response.get_data(as_text=True)
