"""Real servers on 127.0.0.1 for tests and benchmarks: a free port, `portal serve`, waiting for it."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, server: subprocess.Popen | None = None, seconds: float = 30) -> None:
    """Until ``url`` answers (bounded); fails early when the server process has exited."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server is not None and server.poll() is not None:
            raise RuntimeError(f"server exited with {server.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError(f"server at {url} did not start within {seconds} s")


@contextmanager
def portal_server(build: Path, workers: int = 2, env: dict | None = None):
    """`portal serve` on a free port of 127.0.0.1 (``env``: its environment); yields its base URL, stops it
    afterwards."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "portal", "serve", "--build", str(build), "--port", str(port),
                               "--workers", str(workers)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/about", server)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # granian drains open connections first; a test's server must end
            server.kill()
            server.wait(timeout=30)
