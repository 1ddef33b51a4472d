"""gzip at the ASGI edge (portal/compression.py): a whole response sent again with the same bytes is
compressed once per worker, a page that arrives in pieces is gathered first, and the store of compressed
bodies stays within its bound."""

from __future__ import annotations

import asyncio
import gzip
import os

import pytest

from portal import compression
from portal.compression import CompressedBodies, with_compression

SCOPE = {"type": "http", "method": "GET", "headers": [(b"accept-encoding", b"gzip")]}


def respond(body: bytes, pieces: int = 1) -> tuple[dict, bytes]:
    """The response with_compression sends for ``body`` given in ``pieces`` messages: (start, whole body)."""
    sent = []

    async def send(message):
        sent.append(message)

    async def run():
        send_compressed = with_compression(send, SCOPE)
        await send_compressed({"type": "http.response.start", "status": 200,
                               "headers": [(b"content-type", b"text/html; charset=utf-8"),
                                           (b"content-length", str(len(body)).encode())]})
        size = -(-len(body) // pieces)
        for start in range(0, len(body), size):
            await send_compressed({"type": "http.response.body", "body": body[start:start + size],
                                   "more_body": start + size < len(body)})

    asyncio.run(run())
    return sent[0], b"".join(message.get("body", b"") for message in sent[1:])


@pytest.fixture
def counted(monkeypatch):
    monkeypatch.setattr(compression, "BODIES", CompressedBodies(16 * 1024 * 1024))
    calls = []
    real = compression.compress
    monkeypatch.setattr(compression, "compress", lambda *args: calls.append(1) or real(*args))
    return calls


def page(seed: int) -> bytes:
    return b"".join(b"<tr><td>%d</td><td>kelurahan %d</td></tr>\n" % (i * seed, i) for i in range(3000))


def test_the_same_page_is_compressed_once_and_arrives_whole(counted):
    body = page(1)
    first_start, first = respond(body, pieces=3)  # a2wsgi sends a page in pieces
    second_start, second = respond(body, pieces=2)
    assert gzip.decompress(first) == gzip.decompress(second) == body
    assert len(counted) == 1  # the second time from the store
    for start, packed in ((first_start, first), (second_start, second)):
        headers = dict(start["headers"])
        assert headers[b"content-encoding"] == b"gzip" and int(headers[b"content-length"]) == len(packed)


def test_different_pages_are_each_compressed(counted):
    assert gzip.decompress(respond(page(1))[1]) == page(1) and gzip.decompress(respond(page(2))[1]) == page(2)
    assert len(counted) == 2


def test_large_or_small_bodies_are_not_kept(counted):
    small = b"x" * (compression.CACHED_FROM_BYTES - 1)
    large = os.urandom(compression.FAST_FROM_BYTES // 2).hex().encode()  # over FAST_FROM_BYTES: streamed
    for body in (small, small, large, large):
        assert gzip.decompress(respond(body, pieces=2)[1]) == body
    assert not compression.BODIES.entries


def test_the_store_keeps_the_most_recently_used_within_its_bound():
    store = CompressedBodies(max_bytes=100)
    for name in (b"a", b"b", b"c"):
        store.put(name, name * 40)
    assert list(store.entries) == [b"b", b"c"] and store.bytes == 80
    assert store.get(b"b") == b"b" * 40  # now the most recent
    store.put(b"d", b"d" * 40)
    assert list(store.entries) == [b"b", b"d"] and store.get(b"c") is None
    store.put(b"e", b"e" * 101)  # larger than the whole store: not kept
    assert b"e" not in store.entries
