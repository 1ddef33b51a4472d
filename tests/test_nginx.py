"""deploy/nginx.conf, as shipped, in front of a real `portal serve`: limits, the security headers on
responses the portal never saw, the cache, the client's identity. The nginx.conf composed here holds
only what differs per machine (ports, temporary folders, the upstream's port) and includes the shipped
deploy/nginx/http.conf and server.conf unchanged; the whole shipped file is run too, over TLS."""

from __future__ import annotations

import os
import re
import select
import socket
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from portal.asgi import CSP_PAGES

from .nginx_server import DEPLOY, NGINX, NOT_INSTALLED, nginx
from .servers import free_port, portal_server

pytestmark = pytest.mark.skipif(NGINX is None, reason=NOT_INSTALLED)
SECURITY_HEADERS = ("x-content-type-options", "referrer-policy", "content-security-policy", "x-frame-options")
EVIL = "evil.example"
SLOW_SQL = "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c"


@contextmanager
def proxy_to(prefix: Path, upstream_port: int):
    """The shipped snippets in a plain-HTTP server on 127.0.0.1 in front of ``upstream_port``."""
    port = free_port()
    with nginx(prefix, f"""
    proxy_cache_path {prefix / 'cache'} levels=1:2 keys_zone=portal:1m max_size=64m;
    upstream portal {{ server 127.0.0.1:{upstream_port}; keepalive 8; }}
    include portal/http.conf;
    server {{ listen 127.0.0.1:{port}; server_name portal.test; include portal/server.conf; }}""", port) as base:
        yield base


@pytest.fixture(scope="module")
def portal(published_build):
    # A slow query holds a client's slot for 2 s (test_a_client_cannot_choose_its_identity…).
    env = {**os.environ, "PORTAL_TRUSTED_PROXIES": "127.0.0.1", "PORTAL_SQL_TIME_LIMIT_MS": "2000"}
    with portal_server(published_build, workers=1, env=env) as base:
        yield int(base.rsplit(":", 1)[1])


@pytest.fixture(scope="module")
def proxy(portal, tmp_path_factory):
    with proxy_to(tmp_path_factory.mktemp("nginx") / "prefix", portal) as base:
        yield base


class Reflector(BaseHTTPRequestHandler):
    """An upstream that writes into its body the headers some software takes the host, scheme, path
    or client from, as an app that trusted them would."""

    protocol_version = "HTTP/1.1"
    REFLECTED = ("host", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port", "x-forwarded-prefix",
                 "x-forwarded-server", "x-forwarded-for", "forwarded", "x-real-ip", "x-original-url", "x-rewrite-url")

    def do_GET(self):
        body = "".join(f"{name}: {self.headers[name]}\n" for name in self.REFLECTED if name in self.headers).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        if self.path.startswith("/cookie"):
            self.send_header("Set-Cookie", "session=someone")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def reflecting_proxy(tmp_path_factory):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Reflector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with proxy_to(tmp_path_factory.mktemp("nginx") / "prefix", server.server_address[1]) as base:
            yield base
    finally:
        server.shutdown()
        server.server_close()


def client(base: str, address: str = "127.0.0.1") -> httpx.Client:
    """A client whose connections come from ``address`` (any 127.0.0.0/8 address is this machine)."""
    return httpx.Client(base_url=base, timeout=10, transport=httpx.HTTPTransport(local_address=address))


def get(base: str, path: str, address: str = "127.0.0.1", **kwargs) -> httpx.Response:
    with client(base, address) as c:
        return c.get(path, **kwargs)


def assert_headers_once(response: httpx.Response, frameable: bool = False) -> None:
    for name in SECURITY_HEADERS:
        expected = 0 if frameable and name == "x-frame-options" else 1
        assert len(response.headers.get_list(name)) == expected, (response.url, name, response.headers.get_list(name))


def assert_nginx_headers(response: httpx.Response) -> None:
    """A response the portal did not write carries its headers, added by nginx, with the portal's values."""
    assert_headers_once(response)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert response.headers["content-security-policy"] == CSP_PAGES + "; frame-ancestors 'self'"
    assert response.headers["x-frame-options"] == "SAMEORIGIN"


PAGES = ["/", "/dataset/wilayah-mini", "/about", "/nope", "/download/wilayah-mini.zip", "/download/wilayah-mini/v1.zip",
         "/static/portal.css", "/sql/portal", "/sql/portal/kelurahan_mini", "/sql/portal.json?sql=select+1", "/-/health"]


def test_pages_carry_the_security_headers_exactly_once(proxy):
    with client(proxy) as c:
        for _ in range(2):  # fetched from the portal, then (where cacheable) from the cache
            for path in PAGES:
                response = c.get(path)
                assert response.status_code == (404 if path == "/nope" else 200), path
                assert_headers_once(response)
                assert "strict-transport-security" not in response.headers  # plain HTTP here
        assert c.get("/").headers["x-cache-status"] == "HIT"
        versioned = c.get("/download/wilayah-mini/v1.zip")  # never changes: kept here and by browsers
        assert versioned.headers["x-cache-status"] == "HIT"
        assert versioned.headers.get_list("cache-control") == ["public, max-age=31536000, immutable"]  # the portal's
        # Datasette's own policy, with the hashes of its inline scripts, is the one that arrives.
        assert "'sha256-" in c.get("/sql/portal").headers["content-security-policy"]


def test_embed_pages_stay_frameable(proxy):
    for _ in range(2):
        response = get(proxy, "/embed/layanan-mini/pengaduan_mini/chart/0")
        assert response.status_code == 200
        assert_headers_once(response, frameable=True)
        assert response.headers["content-security-policy"].endswith("frame-ancestors *")


def flood(base: str, address: str, path: str, params: dict | None, most: int) -> list[httpx.Response]:
    """Requests as fast as one client can send them, until nginx has refused 5 (at most ``most``)."""
    responses = []
    with client(base, address) as c:
        while len(responses) < most and sum(r.status_code == 429 for r in responses) < 5:
            responses.append(c.get(path, params=params))
    return responses


def test_a_flood_of_adhoc_sql_is_refused_by_nginx_while_another_client_is_served(proxy):
    responses = flood(proxy, "127.0.0.2", "/sql/portal.json", {"sql": "select 1"}, 100)
    statuses = [r.status_code for r in responses]
    assert statuses[:15] == [200] * 15, statuses  # a person at the SQL editor is not limited
    refused = [r for r in responses if r.status_code == 429]
    assert len(refused) == 5, statuses
    for response in refused:
        assert "429 Too Many Requests" in response.text  # nginx's answer: the portal was not asked
        assert_nginx_headers(response)
    assert get(proxy, "/sql/portal.json", "127.0.0.3", params={"sql": "select 1"}).status_code == 200
    # Pages have their own, looser limit: the flooder still gets them.
    assert get(proxy, "/about", "127.0.0.2").status_code == 200


def test_a_flood_of_pages_is_refused_by_nginx(proxy):
    statuses = [r.status_code for r in flood(proxy, "127.0.0.7", "/about", None, 1000)]  # from the cache: quick
    assert statuses[:150] == [200] * 150 and statuses.count(429) == 5, statuses


def test_a_client_cannot_choose_its_identity_with_x_forwarded_for(proxy):
    """127.0.0.1 is a trusted proxy's address: were the client's X-Forwarded-For passed on or appended
    to, it could name any identity. The portal runs one ad-hoc query per client at a time."""
    sql = {"sql": "select 1"}
    with ThreadPoolExecutor(1) as pool:
        slow = pool.submit(get, proxy, "/sql/portal.json", params={"sql": SLOW_SQL})
        for _ in range(10):  # until the slow query holds this client's slot (for PORTAL_SQL_TIME_LIMIT_MS)
            time.sleep(0.1)
            if get(proxy, "/sql/portal.json", params=sql).status_code == 429:
                break
        else:
            pytest.fail("the slow query never held the slot")
        spoofed = get(proxy, "/sql/portal.json", params=sql, headers={"X-Forwarded-For": "1.2.3.4"})
        other = get(proxy, "/sql/portal.json", "127.0.0.5", params=sql)
        assert slow.result(timeout=10).status_code != 429
    assert spoofed.status_code == 429 and "running at once" in spoofed.text, spoofed.text[:200]  # the portal's gate
    assert other.status_code == 200


def test_x_forwarded_for_is_the_connection_s_address(reflecting_proxy):
    body = get(reflecting_proxy, "/identity", headers={"X-Forwarded-For": "1.2.3.4", "X-Real-IP": "1.2.3.4"}).text
    assert "x-forwarded-for: 127.0.0.1\n" in body and "1.2.3.4" not in body


@pytest.mark.parametrize("size", [1_000_001, 2_000_000])
def test_a_body_over_portal_max_request_bytes_gets_413_from_nginx(proxy, size):
    response = httpx.post(proxy + "/api/3/action/package_search", content=b"{" + b" " * (size - 1), timeout=10,
                          headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and "Request Entity Too Large" in response.text  # nginx's, not the portal's
    assert_nginx_headers(response)


def test_a_body_of_portal_max_request_bytes_reaches_the_portal(proxy):
    response = httpx.post(proxy + "/api/3/action/package_search", content=b"{}" + b" " * 999_998, timeout=10,
                          headers={"Content-Type": "application/json"})
    assert response.status_code != 413, response.text[:200]


def test_long_urls_and_large_headers_get_errors_with_the_security_headers(proxy):
    assert get(proxy, "/dataset", params={"q": "a" * 12_000}).status_code == 200  # long SQL in the URL passes
    too_long = get(proxy, "/dataset", params={"q": "a" * 20_000})
    assert too_long.status_code == 414
    assert_nginx_headers(too_long)
    large_header = get(proxy, "/about", headers={"X-Large": "a" * 20_000})
    assert large_header.status_code == 400 and "Request Header Or Cookie Too Large" in large_header.text
    assert_nginx_headers(large_header)
    # Small enough for nginx, too many for granian, which answers 431 itself, before the app.
    many = get(proxy, "/-/health", headers={f"X-Header-{n}": "a" for n in range(120)})
    assert many.status_code == 431
    assert_nginx_headers(many)


def test_nginx_s_502_when_the_portal_is_down_has_the_security_headers(tmp_path):
    with proxy_to(tmp_path / "prefix", free_port()) as base:
        response = get(base, "/about")
    assert response.status_code == 502
    assert_nginx_headers(response)


def test_connections_per_client_are_limited(proxy):
    """Bodies that never come hold their requests in nginx; the 33rd at once from one address is refused."""
    host, port = proxy.removeprefix("http://").split(":")
    held = []
    try:
        for _ in range(40):
            conn = socket.create_connection((host, int(port)), timeout=5, source_address=("127.0.0.4", 0))
            conn.sendall(b"POST /api/3/action/package_search HTTP/1.1\r\nHost: portal.test\r\nContent-Length: 10\r\n\r\n")
            held.append(conn)
        answered, deadline = [], time.monotonic() + 1.5
        while time.monotonic() < deadline and len(answered) < len(held):
            readable, _, _ = select.select([c for c in held if c not in answered], [], [], 0.1)
            answered += readable
        assert len(answered) == 8
        assert all(conn.recv(100).startswith(b"HTTP/1.1 429") for conn in answered)
    finally:
        for conn in held:
            conn.close()


@pytest.mark.parametrize("hostile", [{"Host": EVIL}, {"X-Forwarded-Host": EVIL}, {"Forwarded": f"host={EVIL}"},
                                     {"X-Forwarded-Proto": EVIL, "X-Forwarded-Port": EVIL, "X-Forwarded-Prefix": EVIL,
                                      "X-Forwarded-Server": EVIL, "X-Original-URL": EVIL, "X-Rewrite-URL": EVIL}],
                         ids=["host", "x-forwarded-host", "forwarded", "others"])
def test_the_cache_cannot_be_poisoned(proxy, reflecting_proxy, hostile):
    """The attacker's request fills the entry a later visitor gets (so no header it chose is in the key),
    and nothing it chose is in it: not from the portal, and not even from an upstream that would
    reflect those headers."""
    for base in (proxy, reflecting_proxy):
        path = f"/dataset?q=poison-{'-'.join(hostile).lower()}" if base == proxy else f"/poison/{'-'.join(hostile)}"
        attack = get(base, path, headers=hostile)
        assert attack.status_code == 200 and attack.headers["x-cache-status"] == "MISS"
        visitor = get(base, path)
        assert visitor.headers["x-cache-status"] == "HIT"
        assert EVIL not in visitor.text and EVIL not in str(visitor.headers)


def test_the_cache_keeps_one_entry_per_variant(proxy):
    """The portal's Vary (Accept, Accept-Encoding) is honoured: one client's format is not another's."""
    turtle = get(proxy, "/dataset/layanan-mini", headers={"Accept": "text/turtle"})
    assert turtle.headers["content-type"].startswith("text/turtle")
    html = get(proxy, "/dataset/layanan-mini", headers={"Accept": "text/html"})
    assert html.headers["content-type"].startswith("text/html") and html.headers["x-cache-status"] == "MISS"
    assert get(proxy, "/dataset/layanan-mini", headers={"Accept": "text/turtle"}).headers["x-cache-status"] == "HIT"
    get(proxy, "/about?variant", headers={"Accept-Encoding": "gzip"})
    plain = get(proxy, "/about?variant", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.headers["x-cache-status"] == "MISS"


def test_adhoc_sql_is_never_cached(proxy):
    with client(proxy, "127.0.0.6") as c:
        first, second = (c.get("/sql/portal.json", params={"sql": "select random() as r", "_shape": "array"})
                         for _ in range(2))
    assert first.headers["x-cache-status"] == second.headers["x-cache-status"] == "BYPASS"
    assert first.json() != second.json()
    # Datasette's plain table pages (max-age=5) may be.
    assert [get(proxy, "/sql/portal/kelurahan_mini").headers["x-cache-status"] for _ in range(2)][1] == "HIT"


def test_responses_that_set_a_cookie_are_not_cached(reflecting_proxy):
    statuses = [get(reflecting_proxy, "/cookie").headers["x-cache-status"] for _ in range(2)]
    assert statuses == ["MISS", "MISS"]


def test_the_shipped_nginx_conf_over_tls(portal, tmp_path):
    """deploy/nginx.conf itself, with only its machine-specific values replaced: a self-signed certificate,
    a temporary cache, local ports, the test's portal. `nginx -t` passes (in nginx()), TLS responses carry
    HSTS, nginx's own errors included, and plain HTTP redirects to the configured name."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-days", "1", "-subj", "/CN=data.example.go.id", "-keyout", str(tmp_path / "key.pem"),
                    "-out", str(tmp_path / "cert.pem")], check=True, capture_output=True, timeout=30)
    tls_port, plain_port = free_port(), free_port()
    site = (DEPLOY / "nginx.conf").read_text()
    for pattern, replacement in [(r"/etc/letsencrypt/\S+/fullchain\.pem", tmp_path / "cert.pem"),
                                 (r"/etc/letsencrypt/\S+/privkey\.pem", tmp_path / "key.pem"),
                                 (r"/var/cache/nginx/portal", tmp_path / "cache"),
                                 (r"server 127\.0\.0\.1:8000 ", f"server 127.0.0.1:{portal} "),
                                 (r"listen 443 ssl http2;", f"listen 127.0.0.1:{tls_port} ssl http2;"),
                                 (r"listen 80;", f"listen 127.0.0.1:{plain_port};"),
                                 (r"\n *listen \[::\]:\d+[^;]*;", "")]:
        site, count = re.subn(pattern, str(replacement), site)
        assert count >= 1, pattern  # the shipped file still has what this test replaces
    (tmp_path / "site.conf").write_text(site)
    with nginx(tmp_path / "prefix", f"include {tmp_path / 'site.conf'};", tls_port):
        with httpx.Client(base_url=f"https://127.0.0.1:{tls_port}", verify=False, timeout=10) as c:
            page, too_large = c.get("/about"), c.post("/about", content=b" " * 1_000_001)
        redirect = httpx.get(f"http://127.0.0.1:{plain_port}/about?lang=en", timeout=10)
    assert page.status_code == 200 and too_large.status_code == 413
    for response in (page, too_large):
        assert_headers_once(response)
        assert response.headers.get_list("strict-transport-security") == ["max-age=31536000"]
    assert redirect.status_code == 301 and redirect.headers["location"] == "https://data.example.go.id/about?lang=en"
