"""`portal push` and `portal serve --from` as separate processes, as an operator runs them, against the
SeaweedFS of tests/seaweedfs.py (the test's credentials are the server's one identity)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from .seaweedfs import seaweedfs
from .servers import free_port, wait_until_up

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "portal-test", "AWS_SECRET_ACCESS_KEY": "portal-test-secret"}


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    """A SeaweedFS for the test module, its bucket readable by anyone (as one behind a CDN); yields its S3
    endpoint URL."""
    os.environ.update(CREDENTIALS)  # this process's boto3 signs with the server's one identity
    with seaweedfs(tmp_path_factory.mktemp("seaweedfs"), CREDENTIALS, public_read=True) as url:
        yield url


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "portal", *args], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, **CREDENTIALS, **(env or {})))


@contextmanager
def replica(endpoint: str, location: str, cache: Path, workers: int = 2, env: dict | None = None):
    """A replica on a free port of 127.0.0.1; yields its base URL."""
    with replica_process(endpoint, location, cache, workers, env) as (base, _):
        yield base


@contextmanager
def replica_process(endpoint: str, location: str, cache: Path, workers: int = 2, env: dict | None = None):
    """Yields (base URL, the server process), for tests that kill it. Its log goes to a file beside the
    cache (a pipe nobody reads would fill and stall the server)."""
    port = free_port()
    log = open(cache.parent / f"{cache.name}.log", "wb")  # noqa: SIM115 - closed below, after the server
    server = subprocess.Popen([sys.executable, "-m", "portal", "serve", "--from", location, "--cache", str(cache),
                               "--endpoint-url", endpoint, "--port", str(port), "--workers", str(workers)],
                              stdout=subprocess.DEVNULL, stderr=log,
                              env=dict(os.environ, **CREDENTIALS, PORTAL_SYNC_SECONDS="0.5", **(env or {})),
                              start_new_session=True)  # its own process group: granian's workers die with it
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/about", server, seconds=90)
        yield base, server
    finally:
        if server.poll() is None:
            server.terminate()
        server.wait(timeout=30)
        log.close()


def wait_for(condition, seconds: float = 20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    return condition()
