"""Every absolute URL comes from PORTAL_BASE_URL, never from the request: a real `portal serve` is asked
for every page family with a hostile Host header (and forwarded headers from an untrusted client),
and the hostile host appears nowhere in any answer."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
import pytest

from .servers import free_port, portal_server

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
    # `portal serve` sets PORTAL_BASE_URL to its own address: the one every URL must name.
    with portal_server(published_build, workers=1, env={k: v for k, v in os.environ.items()
                                                        if k != "PORTAL_BASE_URL"}) as base:
        yield base


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
        # The next page is the same release's, so paging never mixes two releases.
        release = client.get("/api/v1/releases").json()["current"]
        assert table["next_url"].startswith(f"{served}/r/{release}/sql/portal/kelurahan_mini.json")
        redirect = client.get("/sql/portal/kelurahan_mini/", headers=HOSTILE_HEADERS, follow_redirects=False)
        assert redirect.status_code == 302 and redirect.headers["location"] == "/sql/portal/kelurahan_mini"
        assert f"Sitemap: {served}/sitemap.xml" in client.get("/robots.txt", headers=HOSTILE_HEADERS).text


def test_forwarded_for_is_believed_only_from_trusted_proxies():
    from portal.urls import TrustedProxies

    def scope(peer: str, *forwarded: str) -> dict:
        return {"client": (peer, 5000), "headers": [(b"x-forwarded-for", value.encode()) for value in forwarded]}

    proxies = TrustedProxies("127.0.0.1, 10.0.0.0/8")
    assert proxies.client(scope("203.0.113.7", "198.51.100.1")) == "203.0.113.7"  # not a proxy: ignored
    assert proxies.client(scope("127.0.0.1", "198.51.100.1")) == "198.51.100.1"
    assert proxies.client(scope("127.0.0.1", "6.6.6.6, 198.51.100.1, 10.1.2.3")) == "198.51.100.1"  # spoofed left
    assert proxies.client(scope("127.0.0.1", "6.6.6.6", "198.51.100.1")) == "198.51.100.1"  # two headers, one list
    assert proxies.client(scope("127.0.0.1", "not-an-address")) == "not-an-address"
    assert proxies.client(scope("127.0.0.1")) == "127.0.0.1"
    assert TrustedProxies("").client(scope("127.0.0.1", "198.51.100.1")) == "127.0.0.1"


def test_the_application_hands_on_the_client_and_the_base_url(published_build):
    import asyncio

    from portal import create_app
    from portal.asgi import PortalApplication

    application = PortalApplication(create_app({"BUILD_DIR": str(published_build), "BASE_URL": "https://data.example.go.id",
                                                "TRUSTED_PROXIES": "127.0.0.1"}))
    seen = {}

    async def pages(scope, receive, send):  # stands in for the Flask pages: records what they would get
        seen.update(scope)
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    application.pages = pages

    async def call():
        async def receive():
            return {"type": "http.request", "body": b""}

        async def send(message):
            pass

        await application({"type": "http", "method": "GET", "path": "/about", "raw_path": b"/about",
                           "query_string": b"", "scheme": "http", "client": ("127.0.0.1", 4000),
                           "server": ("127.0.0.1", 8000),
                           "headers": [(b"host", EVIL.encode()), (b"x-forwarded-for", b"6.6.6.6, 198.51.100.1"),
                                       (b"x-forwarded-host", EVIL.encode())]}, receive, send)

    asyncio.new_event_loop().run_until_complete(call())
    assert seen["client"][0] == "198.51.100.1" and seen["scheme"] == "https"
    assert dict(seen["headers"])[b"host"] == b"data.example.go.id"
    assert not any(name.startswith(b"x-forwarded") for name, _ in seen["headers"])


@pytest.mark.parametrize("value", ["data.example.go.id", "ftp://x", "https://x/portal", "https://x?a=1",
                                   "https://user:pw@x", "https://"])
def test_a_base_url_that_is_not_an_origin_is_refused(value, published_build):
    from portal import create_app
    from portal.urls import parse_base_url

    with pytest.raises(ValueError, match="PORTAL_BASE_URL"):
        parse_base_url(value)
    env = dict(os.environ, PORTAL_BASE_URL=value)
    result = subprocess.run([sys.executable, "-m", "portal", "serve", "--build", str(published_build),
                             "--port", str(free_port())], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "PORTAL_BASE_URL" in result.stderr and "Traceback" not in result.stderr
    with pytest.raises(ValueError):
        create_app({"BUILD_DIR": str(published_build), "BASE_URL": value})
