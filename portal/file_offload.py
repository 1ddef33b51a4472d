"""Downloads streamed by the event loop, not by a page thread.

A WSGI response holds one of a2wsgi's threads until its last byte is sent, so clients that never
read a large download could hold every thread the pages are served from. The download view (Flask)
still decides everything — which file, status, ETag, 304, Range — but leaves the body out and names
the file in a private header; once the page thread is free, the event loop sends the bytes, where
a slow reader costs only a coroutine.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

OFFLOAD_SCOPE_KEY = "portal.file_offload"  # in the ASGI scope: the server sends offloaded files
HEADER = "X-Portal-File"  # start:length:path, set by the download view, never sent to the client
CHUNK_BYTES = 256 * 1024


def offload_header(path: Path, start: int, length: int) -> str:
    return f"{start}:{length}:{path}"


class FileOffload:
    """A send for the pages that holds back a named file's body, and ``finish`` to send it."""

    def __init__(self, send):
        self._send = send
        self.pending: tuple[str, int, int] | None = None

    async def send(self, message) -> None:
        if message["type"] == "http.response.start":
            headers = message.get("headers", [])
            named = [value for name, value in headers if name.lower() == HEADER.lower().encode()]
            if named:
                start, length, path = named[0].decode("utf-8").split(":", 2)
                self.pending = (path, int(start), int(length))
                message = dict(message, headers=[(n, v) for n, v in headers if n.lower() != HEADER.lower().encode()])
        elif message["type"] == "http.response.body" and self.pending is not None:
            return  # the view's empty body: the file is sent by finish()
        await self._send(message)

    async def finish(self) -> None:
        if self.pending is None:
            return
        path, start, length = self.pending
        loop = asyncio.get_running_loop()
        with open(path, "rb") as file:
            file.seek(start)
            left = length
            while left > 0:
                chunk = await loop.run_in_executor(None, file.read, min(CHUNK_BYTES, left))
                if not chunk:
                    break  # the file is shorter than its headers said: end the body rather than wait
                left -= len(chunk)
                await self._send({"type": "http.response.body", "body": chunk, "more_body": left > 0})
        if left > 0 or length == 0:
            await self._send({"type": "http.response.body", "body": b"", "more_body": False})
