"""Request bodies read whole, bounded in size and time, on the event loop before any app sees them.

A WSGI page holds one of a2wsgi's threads for as long as its request lasts, so a client sending its
body at a byte a second, or a 300 MB body, could tie up every thread (and the memory) for pages.
Read here, a slow or huge body costs a coroutine and at most ``limit`` bytes, and is answered 408 or
413; the app gets the complete body at once.
"""

from __future__ import annotations

import asyncio

TOO_LARGE, TOO_SLOW = 413, 408


def declared_length(scope: dict) -> int | None:
    for name, value in scope.get("headers", []):
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def has_body(scope: dict) -> bool:
    headers = {name.lower(): value for name, value in scope.get("headers", [])}
    return b"transfer-encoding" in headers or (declared_length(scope) or 0) > 0


async def read_body(receive, limit: int, seconds: float) -> tuple[bytes | None, int | None]:
    """(body, None), or (None, 413/408) when it is larger than ``limit`` or slower than ``seconds``,
    or (None, None) when the client went away."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    chunks, size = [], 0
    while True:
        try:
            message = await asyncio.wait_for(receive(), max(0.0, deadline - loop.time()))
        except asyncio.TimeoutError:
            return None, TOO_SLOW
        if message["type"] == "http.disconnect":
            return None, None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None, TOO_LARGE
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks), None


def replaying(body: bytes, receive):
    """A receive that gives the whole body first, then waits on the client as before (for a disconnect)."""
    pending = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive_again():
        return pending.pop() if pending else await receive()

    return receive_again
