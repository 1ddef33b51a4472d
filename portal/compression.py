"""gzip for text responses when the client asks (Accept-Encoding), at the ASGI edge, for pages,
APIs, linked data, CSV downloads and Datasette alike.

What it leaves as it is: requests with a Range header (ranges are ranges of the stored bytes, so they
get the identity encoding), HEAD, statuses other than 200, responses already encoded or marked
no-transform, small ones, and files over MAX_BYTES (compressing those would tie up a core for seconds;
a proxy can serve them precompressed). A compressed response has a weak ETag, so If-None-Match still
answers 304 and no cache mistakes it for the stored bytes; every compressible response says
``Vary: Accept-Encoding``. It runs after the CSP hashing of Datasette's pages, on the final HTML.
"""

from __future__ import annotations

import asyncio
import hashlib
import zlib
from collections import OrderedDict

COMPRESSIBLE = (b"text/", b"application/json", b"application/ld+json", b"application/geo+json",
                b"application/xml", b"application/atom+xml", b"application/rdf+xml", b"application/javascript",
                b"application/vnd.citationstyles.csl+json", b"application/x-bibtex",
                b"application/x-research-info-systems", b"image/svg+xml")
MIN_BYTES = 512  # below this gzip's header costs more than it saves
MAX_BYTES = 32 * 1024 * 1024
FAST_FROM_BYTES = 1024 * 1024  # larger (or of unknown length): level 1, several times faster than 6
THREAD_FROM_BYTES = 128 * 1024  # larger bodies are compressed in a thread (zlib lets go of the GIL), not
# on the event loop: 8 MB of Datasette JSON took the loop for ~100 ms, and every request in the worker waited


def accepts_gzip(scope: dict) -> bool:
    headers = {name.lower(): value for name, value in scope.get("headers", [])}
    if scope.get("method") != "GET" or b"range" in headers:
        return False
    for part in headers.get(b"accept-encoding", b"").lower().split(b","):
        coding, *params = [item.strip() for item in part.split(b";")]
        if coding in (b"gzip", b"*") and not any(p.replace(b" ", b"") in (b"q=0", b"q=0.0", b"q=0.00", b"q=0.000")
                                                for p in params):
            return True
    return False


def with_compression(send, scope: dict):
    wanted = accepts_gzip(scope)
    compressor, start, whole = None, None, None

    async def send_compressed(message):
        nonlocal compressor, start, whole
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            found = {name.lower(): value for name, value in headers}
            if not found.get(b"content-type", b"").lower().startswith(COMPRESSIBLE):
                return await send(message)
            headers = vary(headers)
            length = int(found[b"content-length"]) if found.get(b"content-length", b"").isdigit() else None
            if wanted and message.get("status", 200) == 200 and b"content-encoding" not in found \
                    and b"no-transform" not in found.get(b"cache-control", b"") \
                    and (length is None or MIN_BYTES <= length <= MAX_BYTES):
                level = 6 if length is not None and length < FAST_FROM_BYTES else 1
                compressor = zlib.compressobj(level, zlib.DEFLATED, 31)  # 31: gzip framing
                whole = [] if length is not None and CACHED_FROM_BYTES <= length < FAST_FROM_BYTES else None
                headers = [(name, weak(value) if name.lower() == b"etag" else value) for name, value in headers
                           if name.lower() != b"content-length"] + [(b"content-encoding", b"gzip")]
                start = dict(message, headers=headers)  # sent with the first body: its length may be known then
                return None
            return await send(dict(message, headers=headers))
        if compressor is None or message["type"] != "http.response.body":
            return await send(message)
        more = message.get("more_body", False)
        body = message.get("body", b"")
        if whole is not None:  # gathered (a2wsgi sends a page in pieces), then compressed once per content
            whole.append(body)
            if more:
                return None
            body, whole = await compressed_once(compressor, b"".join(whole)), None
        elif len(body) >= THREAD_FROM_BYTES:
            body = await asyncio.to_thread(compress, compressor, body, more)
        else:
            body = compress(compressor, body, more)
        if start is not None:  # the first body: a response in one piece keeps its Content-Length
            if not more:
                start["headers"].append((b"content-length", str(len(body)).encode()))
            await send(start)
            start = None
        if body or not more:
            await send({"type": "http.response.body", "body": body, "more_body": more})

    return send_compressed


class CompressedBodies:
    """Whole responses sent again with the same bytes (a dataset page rendered once per release and day, the
    APIs' JSON, stylesheets) are gzipped once per worker: a 168 kB dataset page took 12 ms to compress, and
    the hash that finds it again a fraction of one. The least recently used go first past ``max_bytes``."""

    def __init__(self, max_bytes: int):
        self.max_bytes, self.bytes = max_bytes, 0
        self.entries: OrderedDict[bytes, bytes] = OrderedDict()  # only touched on the event loop

    @staticmethod
    def key(body: bytes) -> bytes:
        return hashlib.blake2b(body, digest_size=20).digest()  # the level follows from the length

    def get(self, key: bytes) -> bytes | None:
        packed = self.entries.get(key)
        if packed is not None:
            self.entries.move_to_end(key)
        return packed

    def put(self, key: bytes, packed: bytes) -> None:
        if key in self.entries or len(packed) > self.max_bytes:
            return
        self.entries[key] = packed
        self.bytes += len(packed)
        while self.bytes > self.max_bytes:
            self.bytes -= len(self.entries.popitem(last=False)[1])


CACHED_FROM_BYTES = 16 * 1024  # smaller bodies compress in well under a millisecond
BODIES = CompressedBodies(16 * 1024 * 1024)


async def compressed_once(compressor, body: bytes) -> bytes:
    key = BODIES.key(body)
    packed = BODIES.get(key)
    if packed is None:
        packed = await asyncio.to_thread(compress, compressor, body, False) if len(body) >= THREAD_FROM_BYTES \
            else compress(compressor, body, False)
        BODIES.put(key, packed)
    return packed


def compress(compressor, body: bytes, more: bool) -> bytes:
    return compressor.compress(body) if more else compressor.compress(body) + compressor.flush()


def vary(headers: list) -> list:
    for index, (name, value) in enumerate(headers):
        if name.lower() == b"vary":
            if b"accept-encoding" not in value.lower():
                headers[index] = (name, value + b", Accept-Encoding")
            return headers
    return headers + [(b"vary", b"Accept-Encoding")]


def weak(etag: bytes) -> bytes:
    return etag if etag.startswith(b"W/") else b"W/" + etag
