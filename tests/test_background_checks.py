"""A new release is checked in the background while the previous one is served, and the release
being served is checked again periodically: damage on disk while running is found without a restart."""

import time

import portal.store
from portal import create_app
from portal.publish import publish
from portal.releases import current_release_id, releases_dir
from portal.store import ReleaseStore

from .conftest import FIXTURE_DATASETS, FIXTURE_METADATA, copy_datasets


def two_releases(tmp_path):
    datasets = copy_datasets(tmp_path / "d", *FIXTURE_DATASETS.iterdir())
    build = tmp_path / "build"
    first = publish(datasets, FIXTURE_METADATA, build).release_id
    (datasets / "wilayah-mini" / "data" / "kecamatan_mini.csv").write_text("kode,nama\n35.73.01,Blimbing\n35.73.02,Klojen Baru\n")
    return build, datasets, first


def checked_slowly(release_id: str, monkeypatch) -> None:
    """The release's check takes 2 s, as hashing a large release does."""
    real_check = portal.store.check_release
    monkeypatch.setattr(portal.store, "check_release",
                        lambda path, **options: time.sleep(2 if path.name == release_id else 0) or real_check(path, **options))


def test_a_new_release_is_checked_while_the_previous_one_is_served(tmp_path, monkeypatch):
    build, datasets, first = two_releases(tmp_path)
    store = ReleaseStore(build)
    assert store.current().id == first
    second = publish(datasets, FIXTURE_METADATA, build).release_id
    checked_slowly(second, monkeypatch)
    started = time.perf_counter()
    assert store.current().id == first  # not held up by the check
    assert time.perf_counter() - started < 1.0
    assert store.health()["checking"] == [second] and store.health()["status"] == "degraded"
    assert store.current(wait=True).id == second
    assert store.current().id == second and store.health()["status"] == "ok"


def test_only_the_first_request_waits_for_a_new_releases_check(tmp_path, monkeypatch):
    """Every request waiting SWITCH_WAIT_SECONDS while a release was checked made p90 0.5 s after a switch."""
    build, datasets, first = two_releases(tmp_path)
    store = ReleaseStore(build)
    assert store.current().id == first
    checked_slowly(publish(datasets, FIXTURE_METADATA, build).release_id, monkeypatch)
    times = []
    for _ in range(5):
        started = time.perf_counter()
        assert store.current().id == first
        times.append(time.perf_counter() - started)
    assert times[0] >= portal.store.SWITCH_WAIT_SECONDS * 0.9 and max(times[1:]) < portal.store.SWITCH_WAIT_SECONDS / 2
    assert store.current(wait=True).id == current_release_id(build)


def test_a_small_new_release_is_served_by_the_next_request(tmp_path):
    build, datasets, first = two_releases(tmp_path)
    store = ReleaseStore(build)
    assert store.current().id == first
    second = publish(datasets, FIXTURE_METADATA, build).release_id
    assert store.current().id == second


def test_damage_while_running_is_found_by_the_periodic_check(tmp_path):
    build, datasets, first = two_releases(tmp_path)
    second = publish(datasets, FIXTURE_METADATA, build).release_id
    app = create_app({"BUILD_DIR": str(build), "BASE_URL": "http://localhost", "RECHECK_RELEASE_SECONDS": 1})
    client = app.test_client()
    assert client.get("/-/health").get_json()["serving"] == second
    # The file that changed: the second release's own (unchanged files are hard links shared with the first).
    damaged = releases_dir(build) / second / "files/wilayah-mini/data/kecamatan_mini.csv"
    assert damaged.stat().st_ino != (releases_dir(build) / first / "files/wilayah-mini/data/kecamatan_mini.csv").stat().st_ino
    damaged.write_bytes(b"X" + damaged.read_bytes()[1:])  # one byte, same size: only the hash tells
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and client.get("/-/health").get_json()["serving"] != first:
        time.sleep(0.2)
    health = client.get("/-/health").get_json()
    assert health["serving"] == first and health["status"] == "degraded" and second in health["refused"]
    assert client.get("/about").status_code == 200
