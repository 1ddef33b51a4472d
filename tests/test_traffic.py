"""A bounded load test against `portal serve` on 127.0.0.1 with the bundled datasets:
60 s, 32 concurrent clients, mixed pages, searches, SQL and downloads: no errors, p99 under 1 s."""

import asyncio
import subprocess
import sys
import tempfile
from pathlib import Path

from portal.publish import publish

from .conftest import ROOT
from .test_release_switch import free_port, wait_until_up

sys.path.insert(0, str(ROOT / "bench"))
from load_test import run  # noqa: E402

SECONDS = 60
CLIENTS = 32


def test_sixty_seconds_of_32_clients_without_an_error():
    with tempfile.TemporaryDirectory() as tmp:
        build, port = Path(tmp) / "build", free_port()
        assert publish(ROOT / "datasets", ROOT / "metadata", build).ok
        server = subprocess.Popen([sys.executable, "-m", "portal", "serve", "--build", str(build), "--port", str(port),
                                   "--workers", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_up(base + "/about")
            result = asyncio.new_event_loop().run_until_complete(run(base, CLIENTS, SECONDS))
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"{len(result.times)} requests, p99 {result.percentile(0.99) * 1000:.0f} ms")
    assert result.errors == []
    assert len(result.times) > 1000
    assert result.percentile(0.99) < 1.0
