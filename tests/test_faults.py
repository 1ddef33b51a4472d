"""Faults: publish killed at random moments, a full disk, a damaged live release, a release switch
under load. After each, what was live is still live and served."""

import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time

import httpx

from portal import create_app
from portal.publish import publish
from portal.releases import current_release_id, release_ids, releases_dir

from .conftest import FIXTURE_DATASETS, FIXTURE_METADATA, ROOT, copy_datasets
from .html import parse, text
from .servers import portal_server

KILL_TRIALS = 30


def served_release(build) -> str:
    page = parse(create_app({"BUILD_DIR": str(build)}).test_client().get("/about"))
    return text(page, "#release-id")


def publish_command(datasets, build):
    return [sys.executable, "publish.py", "--datasets", str(datasets), "--metadata", str(FIXTURE_METADATA),
            "--build", str(build), "--quiet"]


def test_publish_killed_at_random_moments_never_changes_what_is_live(tmp_path):
    datasets = copy_datasets(tmp_path / "d", *FIXTURE_DATASETS.iterdir())
    build = tmp_path / "build"
    first = publish(datasets, FIXTURE_METADATA, build)
    rng = random.Random(8)
    live = first.release_id
    for trial in range(KILL_TRIALS):
        # A changed file each time, so every publish has real work to do (no carry-over).
        (datasets / "wilayah-mini" / "data" / "kecamatan_mini.csv").write_text(
            f"kode,nama\n35.73.01,Blimbing\n35.73.02,Klojen {trial}\n")
        process = subprocess.Popen(publish_command(datasets, build), cwd=ROOT, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, 1.2))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=20)
        now_live = current_release_id(build)
        # Either the kill came first (nothing changed) or the publish had already switched.
        assert now_live == live or now_live in release_ids(build)
        assert served_release(build) == now_live
        live = now_live
    final = subprocess.run(publish_command(datasets, build), cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert final.returncode == 0, final.stdout + final.stderr
    assert not [p for p in releases_dir(build).iterdir() if p.name.startswith(".staging")]
    assert served_release(build) == current_release_id(build)


def test_full_disk_gives_a_clear_error_and_keeps_what_is_live(tmp_path):
    datasets = copy_datasets(tmp_path / "d", *FIXTURE_DATASETS.iterdir())
    build = tmp_path / "build"
    first = publish(datasets, FIXTURE_METADATA, build)
    (datasets / "wilayah-mini" / "data" / "kecamatan_mini.csv").write_text("kode,nama\n35.73.01,Blimbing Baru\n")

    def small_disk():  # files may not grow past 20 kB: writes fail with EFBIG instead of a signal
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))

    result = subprocess.run(publish_command(datasets, build), cwd=ROOT, capture_output=True, text=True,
                            timeout=120, preexec_fn=small_disk)
    assert result.returncode == 1
    assert "penerbitan gagal" in result.stderr and "Traceback" not in result.stderr + result.stdout
    assert current_release_id(build) == first.release_id and served_release(build) == first.release_id
    assert not [p for p in releases_dir(build).iterdir() if p.name.startswith(".staging")]


def test_damaged_live_release_is_refused_and_the_newest_good_one_served(tmp_path):
    datasets = copy_datasets(tmp_path / "d", *FIXTURE_DATASETS.iterdir())
    build = tmp_path / "build"
    good = publish(datasets, FIXTURE_METADATA, build).release_id
    (datasets / "wilayah-mini" / "data" / "kecamatan_mini.csv").write_text("kode,nama\n35.73.01,Blimbing\n35.73.02,K\n")
    damaged = publish(datasets, FIXTURE_METADATA, build).release_id
    db_file = releases_dir(build) / damaged / "portal.db"
    data = bytearray(db_file.read_bytes())
    data[5000] ^= 0xFF  # flip bits in the live release's database
    db_file.write_bytes(bytes(data))

    client = create_app({"BUILD_DIR": str(build)}).test_client()
    assert text(parse(client.get("/about")), "#release-id") == good
    health = client.get("/-/health")
    assert health.status_code == 200
    report = health.get_json()
    assert report["status"] == "degraded" and report["live"] == damaged and report["serving"] == good
    assert damaged in report["refused"]

    shutil.rmtree(releases_dir(build) / good)  # no good release left
    unavailable = create_app({"BUILD_DIR": str(build)}).test_client()
    assert unavailable.get("/-/health").status_code == 503
    assert unavailable.get("/").status_code == 503


def test_health_of_a_good_release(client, published_build):
    report = client.get("/-/health").get_json()
    assert report == {"status": "ok", "live": current_release_id(published_build),
                      "serving": current_release_id(published_build), "checking": [], "refused": {}}


def test_release_switch_under_load_fails_no_request(tmp_path):
    datasets = copy_datasets(tmp_path / "d", *FIXTURE_DATASETS.iterdir())
    build = tmp_path / "build"
    publish(datasets, FIXTURE_METADATA, build)
    failures, seen, stop = [], set(), threading.Event()

    def visitor(base: str):
        with httpx.Client(base_url=base, timeout=10) as client:
            while not stop.is_set():
                page = client.get("/dataset/wilayah-mini")
                if page.status_code != 200:
                    failures.append(page.status_code)
                    continue
                # One release per request: the footer and the BibTeX note name the same release.
                html = parse(page)
                ids = {text(html, ".release-note code"),
                       re.search(r"Rilis (\S+?)[}\s;]", text(html, "#cite-bibtex")).group(1)}
                if len(ids) != 1:
                    failures.append(ids)
                seen.update(ids)

    with portal_server(build) as base:
        threads = [threading.Thread(target=visitor, args=(base,)) for _ in range(4)]
        for thread in threads:
            thread.start()
        try:
            for n in range(3):
                (datasets / "wilayah-mini" / "data" / "kecamatan_mini.csv").write_text(
                    f"kode,nama\n35.73.01,Blimbing\n35.73.02,Klojen {n}\n")
                publish(datasets, FIXTURE_METADATA, build)
                time.sleep(0.5)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=20)
    assert failures == []
    assert len(seen) >= 2  # the visitors really crossed release switches
