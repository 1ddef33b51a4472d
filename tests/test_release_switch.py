"""A running application picks up a newly switched release without a restart."""

import os
import subprocess
import sys
import time

import httpx

from portal import create_app
from portal.asgi import PortalApplication
from portal.publish import publish

from .conftest import FIXTURE_DATASETS, FIXTURE_METADATA, SyncASGIClient, copy_datasets
from .html import parse, text
from .replicas import wait_for
from .servers import free_port, wait_until_up


def rename_klojen(datasets, new_name):
    path = datasets / "wilayah-mini" / "data" / "kecamatan_mini.csv"
    path.write_text(path.read_text().replace("Klojen", new_name))


def test_pages_and_sql_follow_the_new_release(tmp_path):
    build = tmp_path / "build"
    datasets = copy_datasets(tmp_path / "d", *FIXTURE_DATASETS.iterdir())
    first = publish(datasets, FIXTURE_METADATA, build)
    client = SyncASGIClient(PortalApplication(create_app({"BUILD_DIR": str(build)})))
    try:
        assert client.get("/sql/portal/kecamatan_mini.json?_shape=array").json()[1]["nama"] == "Klojen"
        assert text(parse(client.get("/about")), "#release-id") == first.release_id

        rename_klojen(datasets, "Klojen Baru")
        second = publish(datasets, FIXTURE_METADATA, build)
        assert second.ok
        # The new release is checked in the background (a request waits 0.25 s for it, then gets the old one):
        # served within a few seconds even on a busy machine, with no restart.
        deadline = time.monotonic() + 10
        while client.get("/sql/portal/kecamatan_mini.json?_shape=array").json()[1]["nama"] != "Klojen Baru":
            assert time.monotonic() < deadline, "the new release was not served"
            time.sleep(0.1)
        assert text(parse(client.get("/about")), "#release-id") == second.release_id
        preview = parse(client.get("/dataset/wilayah-mini")).css("table.preview[data-table=kecamatan_mini] td")
        assert "Klojen Baru" in [td.text(strip=True) for td in preview]
    finally:
        client.close()


def test_portal_serve_runs_a_real_server_with_workers(tmp_path):
    """`portal serve` publishes first when no release exists, then serves pages and SQL."""
    build, port = tmp_path / "build", free_port()
    datasets = copy_datasets(tmp_path / "d", *FIXTURE_DATASETS.iterdir())
    command = [sys.executable, "-m", "portal", "serve", "--build", str(build), "--datasets", str(datasets),
               "--metadata", str(FIXTURE_METADATA), "--port", str(port), "--workers", "2"]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=os.environ.copy())
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/about")
        assert httpx.get(base + "/").status_code == 200
        rows = httpx.get(base + "/sql/portal/kecamatan_mini.json?_shape=array").json()
        assert [row["nama"] for row in rows] == ["Blimbing", "Klojen"]

        rename_klojen(datasets, "Klojen Baru")
        second = publish(datasets, FIXTURE_METADATA, build)

        def switched() -> bool:  # a page and a query, on a new connection each: either worker answers
            rows = httpx.get(base + "/sql/portal/kecamatan_mini.json?_shape=array").json()
            return rows[1]["nama"] == "Klojen Baru" and \
                text(parse(httpx.get(base + "/about")), "#release-id") == second.release_id

        # Each worker checks the new release and renders its pages before serving it (portal/page_warming.py),
        # a second or two; from then on every request, to either worker, sees the new release.
        assert wait_for(lambda: all(switched() for _ in range(12)), seconds=30)
        assert all(switched() for _ in range(12))
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0].decode(errors="replace")
    assert "Listening at" in output and "worker-2" in output, output


def test_old_datasette_instances_are_closed(tmp_path):
    """Each release gets its own Datasette; instances two releases old release their threads."""
    build = tmp_path / "build"
    datasets = copy_datasets(tmp_path / "d", *FIXTURE_DATASETS.iterdir())
    application = PortalApplication(create_app({"BUILD_DIR": str(build)}))
    client = SyncASGIClient(application)
    try:
        kecamatan = datasets / "wilayah-mini" / "data" / "kecamatan_mini.csv"
        for n in range(4):
            kecamatan.write_text(f"kode,nama\n35.73.01,Blimbing\n35.73.02,Klojen {n}\n")
            publish(datasets, FIXTURE_METADATA, build)
            assert client.get("/sql/portal/kecamatan_mini.json?_shape=array").json()[1]["nama"] == f"Klojen {n}"
        assert len(application.sql._instances) == 2
    finally:
        client.close()
