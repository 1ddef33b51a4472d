"""Releases in S3-compatible object storage, against a real SeaweedFS started by the test: `portal push`
uploads once and moves the pointer last, `portal serve --from` replicas serve the bucket's release, pick up
a new one without a restart or a failed request, and keep serving the old one when the new one is damaged."""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from portal import object_store
from portal.object_store import StorageError, client, parse_location
from portal.publish import publish
from portal.releases import current_release_id

from .conftest import FIXTURE_DATASETS, FIXTURE_METADATA
from .replicas import cli, endpoint, replica, wait_for  # noqa: F401 (endpoint: a fixture)
from .servers import free_port

@pytest.fixture
def build(tmp_path) -> Path:
    folder = tmp_path / "build"
    assert publish(FIXTURE_DATASETS, FIXTURE_METADATA, folder).ok
    return folder


def bucket_pointer(endpoint: str, location: str) -> str | None:
    return object_store.read_pointer(client(endpoint), parse_location(location))[0]


def test_push_uploads_each_object_once_and_moves_the_pointer_last(endpoint, build):
    location = "s3://portal/push-once"
    first = cli("push", "--build", str(build), "--to", location, "--endpoint-url", endpoint)
    assert first.returncode == 0, first.stderr
    assert bucket_pointer(endpoint, location) == current_release_id(build)
    manifest = json.loads((build / "current" / "manifest.json").read_text())
    assert f"{len(manifest['files'])} berkas diunggah" in first.stdout
    # Everything the release names is in the bucket, byte for byte.
    s3 = client(endpoint)
    for relative, info in list(manifest["files"].items())[:10]:
        body = s3.get_object(Bucket="portal", Key=f"push-once/objects/{info['sha256'][:2]}/{info['sha256']}")["Body"].read()
        assert body == (build / "current" / relative).read_bytes()
    again = cli("push", "--build", str(build), "--to", location, "--endpoint-url", endpoint, "--lang", "en")
    assert again.returncode == 0 and "0 files uploaded" in again.stdout, again.stdout + again.stderr

    # An unchanged republish: only what names the release (catalog, report…) is new; the data is not sent again.
    assert publish(FIXTURE_DATASETS, FIXTURE_METADATA, build).ok
    third = cli("push", "--build", str(build), "--to", location, "--endpoint-url", endpoint)
    assert third.returncode == 0 and bucket_pointer(endpoint, location) == current_release_id(build)
    old = {info["sha256"] for info in manifest["files"].values()}
    new = {info["sha256"] for info in json.loads((build / "current" / "manifest.json").read_text())["files"].values()}
    assert f"{len(new - old)} berkas diunggah" in third.stdout and f"{len(new & old)} sudah ada" in third.stdout
    assert len(new & old) > len(new - old), third.stdout


def test_the_pointer_never_goes_back_and_two_pushes_cannot_both_move_it(endpoint, build, monkeypatch):
    location = parse_location("s3://portal/race")
    s3 = client(endpoint)
    object_store.push(build, location, s3)
    older = current_release_id(build)
    assert publish(FIXTURE_DATASETS, FIXTURE_METADATA, build).ok
    newer = current_release_id(build)
    # Another push moves the pointer between this push's read and its write: the write is refused.
    stale = object_store.read_pointer(s3, location)
    object_store.move_pointer(s3, location, newer)
    monkeypatch.setattr(object_store, "read_pointer", lambda *_: (older, stale[1]))
    with pytest.raises(StorageError) as refused:
        object_store.move_pointer(s3, location, "99999999-999999")
    assert "push lain" in refused.value.template
    monkeypatch.undo()
    with pytest.raises(StorageError) as backwards:
        object_store.move_pointer(s3, location, older)
    assert "lebih baru" in backwards.value.template
    assert object_store.read_pointer(s3, location)[0] == newer


def test_push_says_what_went_wrong_without_a_traceback(build, tmp_path):
    unreachable = cli("push", "--build", str(build), "--to", "s3://portal/x", "--endpoint-url", f"http://127.0.0.1:{free_port()}")
    assert unreachable.returncode == 1 and "tidak dapat dihubungi" in unreachable.stderr
    assert "Traceback" not in unreachable.stderr
    for bad in ("portal", "s3://", "http://bucket/x"):
        answer = cli("push", "--build", str(build), "--to", bad, "--lang", "en")
        assert answer.returncode == 1 and "s3://BUCKET/PREFIX" in answer.stderr and "Traceback" not in answer.stderr
    empty = cli("push", "--build", str(tmp_path / "nothing"), "--to", "s3://portal/x")
    assert empty.returncode == 1 and "portal publish" in empty.stderr and "Traceback" not in empty.stderr


def test_replicas_serve_the_bucket_and_pick_up_a_new_release_without_failing_a_request(endpoint, build, tmp_path):
    location = "s3://portal/replicas"
    assert cli("push", "--build", str(build), "--to", location, "--endpoint-url", endpoint).returncode == 0
    first = current_release_id(build)
    with replica(endpoint, location, tmp_path / "a") as a, replica(endpoint, location, tmp_path / "b") as b:
        for base in (a, b):
            health = httpx.get(base + "/-/health").json()
            assert health["serving"] == first and health["replica"]["ok"], health
        answers, stop = Counter(), threading.Event()

        def visitor(base):
            with httpx.Client(base_url=base, timeout=10) as http:
                while not stop.is_set():
                    for path in ("/", "/dataset", "/sql/portal.json?sql=select+1"):
                        try:
                            answers[http.get(path).status_code] += 1
                        except httpx.HTTPError as error:
                            answers[type(error).__name__] += 1

        visitors = [threading.Thread(target=visitor, args=(base,)) for base in (a, b)]
        [v.start() for v in visitors]
        assert publish(FIXTURE_DATASETS, FIXTURE_METADATA, build).ok
        second = current_release_id(build)
        pushed = time.monotonic()
        assert cli("push", "--build", str(build), "--to", location, "--endpoint-url", endpoint).returncode == 0
        assert wait_for(lambda: all(httpx.get(base + "/-/health").json()["serving"] == second for base in (a, b)))
        picked_up = time.monotonic() - pushed
        time.sleep(1)
        stop.set()
        [v.join() for v in visitors]
        assert set(answers) == {200}, answers  # no failed request while both switched
        assert picked_up < 30  # 5-8 s on a quiet machine; bounded, not timed (bench/ measures speed)
        print(f"both replicas served {second} {picked_up:.1f} s after the push; {sum(answers.values())} requests, all 200")


def test_a_damaged_release_in_the_bucket_is_not_served(endpoint, build, tmp_path, monkeypatch):
    location = "s3://portal/damaged"
    assert cli("push", "--build", str(build), "--to", location, "--endpoint-url", endpoint).returncode == 0
    first = current_release_id(build)
    with replica(endpoint, location, tmp_path / "cache") as base:
        # A new release whose database is damaged in the bucket (a disk fault, a broken copy tool) by the
        # time the pointer names it.
        extra = tmp_path / "datasets"
        shutil.copytree(FIXTURE_DATASETS, extra)
        csv = next((extra / "layanan-mini").rglob("*.csv"))
        lines = csv.read_text(encoding="utf-8").splitlines(keepends=True)
        csv.write_text("".join(lines[:-1]), encoding="utf-8")  # one row fewer: a new database
        assert publish(extra, FIXTURE_METADATA, build).ok
        sha = json.loads((build / "current" / "manifest.json").read_text())["files"]["portal.db"]["sha256"]
        s3, move_pointer = client(endpoint), object_store.move_pointer

        def damage_then_move(*args):
            s3.put_object(Bucket="portal", Key=f"damaged/objects/{sha[:2]}/{sha}", Body=b"not a database")
            return move_pointer(*args)

        monkeypatch.setattr(object_store, "move_pointer", damage_then_move)
        object_store.push(build, parse_location(location), s3)
        health = wait_for(lambda: (h := httpx.get(base + "/-/health").json()) and not h["replica"]["ok"] and h)
        assert health and health["serving"] == first and health["status"] == "degraded", health
        assert "sha256" in health["replica"]["error"]
        assert httpx.get(base + "/dataset").status_code == 200


def test_downloads_are_redirected_to_the_public_bucket_with_their_names(endpoint, build, tmp_path):
    location = "s3://portal/public"
    assert cli("push", "--build", str(build), "--to", location, "--endpoint-url", endpoint).returncode == 0
    public = f"{endpoint}/portal/public"  # the bucket prefix's public URL (a CDN's, in production)
    with replica(endpoint, location, tmp_path / "cache", workers=1, env={"PORTAL_DOWNLOAD_BASE_URL": public + "/"}) as base:
        dataset = httpx.get(f"{base}/api/v1/datasets/layanan-mini").json()
        number = dataset["versions"][-1]["number"]
        for path, status, name in [("/download/layanan-mini/pengaduan_mini.csv", 302, "pengaduan_mini.csv"),
                                   (f"/download/layanan-mini/v{number}/pengaduan_mini.xlsx", 301, "pengaduan_mini.xlsx"),
                                   ("/download/layanan-mini.zip", 302, "layanan-mini.zip"),
                                   ("/download/portal.db", 302, "portal.db")]:
            redirect = httpx.get(base + path)
            sha = redirect.headers["x-content-sha256"]
            assert redirect.status_code == status and redirect.headers["location"] == f"{public}/objects/{sha[:2]}/{sha}"
            if status == 301:
                assert "immutable" in redirect.headers["cache-control"]  # a version's file never moves
            got = httpx.get(redirect.headers["location"])  # unsigned, as a browser follows it
            assert got.status_code == 200 and hashlib.sha256(got.content).hexdigest() == sha
            assert got.headers["content-disposition"] == f'attachment; filename="{name}"', path
        assert httpx.get(f"{base}/download/layanan-mini/pengaduan_mini.csv", follow_redirects=True).headers[
            "content-type"].startswith("text/csv")
        assert httpx.get(f"{base}/download/layanan-mini/SHA256SUMS").status_code == 200  # written by the portal


def test_a_download_base_url_that_is_not_a_url_is_refused_at_start(build):
    refused = cli("serve", "--build", str(build), "--port", str(free_port()),
                  env={"PORTAL_DOWNLOAD_BASE_URL": "cdn.example.go.id/portal"})
    assert refused.returncode != 0 and "PORTAL_DOWNLOAD_BASE_URL" in refused.stderr and "Traceback" not in refused.stderr
