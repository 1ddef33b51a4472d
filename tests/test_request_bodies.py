"""Request bodies are read whole on the event loop, bounded in size and time: a huge body is 413, a
slow one 408, and clients trickling bodies never hold the threads the pages are served from."""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import time

import httpx
import pytest

from portal.asgi import create_asgi_app

from .servers import portal_server


@pytest.fixture(scope="module")
def app(published_build):
    return create_asgi_app({"BUILD_DIR": str(published_build), "MAX_REQUEST_BYTES": 100_000,
                            "REQUEST_BODY_SECONDS": 0.5})


def call(app, method: str, path: str, chunks: list[bytes], headers: list[tuple[bytes, bytes]], pause: float = 0):
    """The app called as a server would, the body arriving in ``chunks`` (``pause`` seconds apart)."""
    sent = []
    messages = [{"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1}
                for i, chunk in enumerate(chunks)]

    async def receive():
        if messages:
            await asyncio.sleep(pause)
            return messages.pop(0)
        await asyncio.sleep(3600)

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "raw_path": path.encode(), "query_string": b"",
             "headers": [(b"host", b"portal.test"), *headers], "client": ("10.0.0.1", 5000), "scheme": "http",
             "server": ("portal.test", 80), "http_version": "1.1", "root_path": ""}
    asyncio.new_event_loop().run_until_complete(asyncio.wait_for(app(scope, receive, send), 10))
    start = next(m for m in sent if m["type"] == "http.response.start")
    return start["status"], b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


ACTION = "/api/3/action/package_search"
JSON = [(b"content-type", b"application/json")]


def test_a_declared_body_over_the_limit_is_413_before_it_is_read(app):
    status, body = call(app, "POST", ACTION, [b"{}"], JSON + [(b"content-length", b"300000000")])
    assert (status, body) == (413, b"Request body too large")


def test_a_chunked_body_over_the_limit_is_413(app):
    status, _ = call(app, "POST", ACTION, [b"x" * 60_000, b"x" * 60_000], JSON + [(b"transfer-encoding", b"chunked")])
    assert status == 413


def test_a_body_sent_too_slowly_is_408(app):
    started = time.perf_counter()
    status, _ = call(app, "POST", ACTION, [b'{"q"', b': "x"}'], JSON + [(b"content-length", b"10")], pause=0.4)
    assert status == 408 and time.perf_counter() - started < 2


def test_bodies_within_the_limits_reach_the_app(app):
    body = json.dumps({"q": "kelurahan", "rows": 1}).encode()
    status, answer = call(app, "POST", ACTION, [body[:5], body[5:]], JSON + [(b"content-length", str(len(body)).encode())])
    assert status == 200 and json.loads(answer)["success"] is True


def test_trickling_bodies_do_not_starve_the_pages(published_build):
    """24 connections sending a POST body at a byte a second, against a real `portal serve`: pages answer."""
    with portal_server(published_build) as base:
        port = int(base.rsplit(":", 1)[1])
        trickling = []
        for _ in range(24):
            conn = socket.create_connection(("127.0.0.1", port))
            conn.sendall(f"POST {ACTION} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                         f"Content-Length: 1000\r\n\r\n{{".encode())
            trickling.append(conn)
        try:
            timings = []
            for second in range(3):
                for conn in trickling:
                    conn.sendall(b" ")
                for path in ("/about", "/dataset", ACTION + "?q=x"):
                    started = time.perf_counter()
                    assert httpx.get(base + path, timeout=5).status_code == 200
                    timings.append(time.perf_counter() - started)
                time.sleep(1)
            assert max(timings) < 1.0, timings
        finally:
            for conn in trickling:
                conn.close()


def test_clients_that_never_read_a_large_download_do_not_starve_the_pages(tmp_path):
    """24 connections asking for a 6 MB download and never reading it, against a real `portal serve`."""
    from portal.publish import publish

    from .conftest import FIXTURE_DATASETS, ROOT
    from .test_declared_encodings import package

    datasets = tmp_path / "datasets"
    shutil.copytree(FIXTURE_DATASETS / "wilayah-mini", datasets / "wilayah-mini")
    package(datasets, "besar", b"nama\n" + b"".join(b"baris %07d %s\n" % (i, b"x" * 85) for i in range(60_000)), None)
    report = publish(datasets, ROOT / "metadata", tmp_path / "build")
    assert report.outcome("besar").status == "published", report.outcome("besar").issues
    with portal_server(tmp_path / "build") as base:
        port = int(base.rsplit(":", 1)[1])
        stuck = []
        for _ in range(24):
            conn = socket.socket()
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # a reader that does not read
            conn.connect(("127.0.0.1", port))
            conn.sendall(b"GET /download/besar/besar.csv HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         b"Accept-Encoding: identity\r\n\r\n")
            stuck.append(conn)
        try:
            time.sleep(1)
            timings = []
            for path in ("/about", "/dataset", "/dataset/besar", "/download/wilayah-mini.zip") * 3:
                started = time.perf_counter()
                assert httpx.get(base + path, timeout=5).status_code == 200
                timings.append(time.perf_counter() - started)
            assert max(timings) < 1.0, timings
            whole = httpx.get(base + "/download/besar/besar.csv", headers={"accept-encoding": "identity"}, timeout=30)
            assert len(whole.content) == int(whole.headers["content-length"]) > 6_000_000
        finally:
            for conn in stuck:
                conn.close()
