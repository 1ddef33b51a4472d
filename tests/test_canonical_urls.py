"""Every absolute URL comes from PORTAL_BASE_URL, never from the request: a real `portal serve` is asked
for every page family with a hostile Host header (and forwarded headers from an untrusted client),
and the hostile host appears nowhere in any answer."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
import pytest

from .servers import free_port, wait_until_up

EVIL = "evil.example"
HOSTILE_HEADERS = {"Host": EVIL, "X-Forwarded-Host": EVIL, "X-Forwarded-Proto": "https",
                   "X-Forwarded-For": "203.0.113.9", "Forwarded": f"host={EVIL};proto=https"}
PATHS = [
    "/", "/?lang=en", "/dataset", "/dataset?q=wilayah", "/dataset/wilayah-mini", "/dataset/wilayah-mini?lang=en",
    "/dataset/wilayah-mini/validation", "/dataset/wilayah-mini/changes", "/dataset/layanan-mini/data/pengaduan_mini",
    "/theme", "/theme/governance", "/publisher", "/publisher/diskominfo", "/changes", "/about", "/wilayah/35.73",
    "/embed/wilayah-mini/kelurahan_mini/table", "/dataset/wilayah-mini/cite.bib", "/dataset/wilayah-mini/cite.ris",
    "/dataset/wilayah-mini/cite.csl.json", "/feed.atom", "/sitemap.xml", "/robots.txt",
    "/api", "/api/openapi.json", "/api/v1/datasets", "/api/v1/datasets/wilayah-mini", "/api/v1/search?q=wilayah",
    "/api/v1/releases", "/api/3/action/status_show", "/api/3/action/package_show?id=wilayah-mini",
    "/api/3/action/package_search?fq=groups:governance", "/api/3/action/organization_show?id=dlh",
    "/api/3/action/current_package_list_with_resources", "/api/3/action/no_such_action",
    "/catalog.ttl", "/catalog.jsonld", "/catalog.ttl?page=1", "/ns/sdi",
    "/dataset/wilayah-mini.ttl", "/dataset/wilayah-mini.jsonld", "/dataset/wilayah-mini.rdf",
    "/dataset/wilayah-mini/croissant.jsonld", "/catalog.rdf", "/catalog.jsonld?page=1",
    "/download/wilayah-mini/SHA256SUMS", "/download/release/SHA256SUMS",
    "/sql/portal", "/sql/portal.json?sql=select+1", "/sql/portal/kelurahan_mini.json?_size=1",
    "/sql/portal/kelurahan_mini", "/sql/portal/kelurahan_mini/", "/sql/-/versions.json",
    "/theme/", "/no-such-page",
]


@pytest.fixture(scope="module")
def served(published_build):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, PORTAL_BASE_URL=base)
    server = subprocess.Popen([sys.executable, "-m", "portal", "serve", "--build", str(published_build),
                               "--port", str(port), "--workers", "1"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(base + "/about", server)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.parametrize("path", PATHS)
def test_hostile_host_is_never_echoed(served, path):
    with httpx.Client(base_url=served, follow_redirects=False) as client:
        response = client.get(path, headers=HOSTILE_HEADERS)
    assert response.status_code < 500, path
    assert EVIL not in response.text, path
    for name, value in response.headers.items():
        assert EVIL not in value, (path, name)


def test_absolute_urls_name_the_base_url(served):
    with httpx.Client(base_url=served) as client:
        package = client.get("/api/3/action/package_show?id=wilayah-mini", headers=HOSTILE_HEADERS).json()["result"]
        assert package["url"] == f"{served}/dataset/wilayah-mini"
        assert all(resource["url"].startswith(f"{served}/download/") for resource in package["resources"])
        table = client.get("/sql/portal/kelurahan_mini.json?_size=1", headers=HOSTILE_HEADERS).json()
        assert table["next_url"].startswith(f"{served}/sql/portal/kelurahan_mini.json")
        redirect = client.get("/sql/portal/kelurahan_mini/", headers=HOSTILE_HEADERS, follow_redirects=False)
        assert redirect.status_code == 302 and redirect.headers["location"] == "/sql/portal/kelurahan_mini"
        assert f"Sitemap: {served}/sitemap.xml" in client.get("/robots.txt", headers=HOSTILE_HEADERS).text
