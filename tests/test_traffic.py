"""A bounded load test against `portal serve` on 127.0.0.1 with the bundled datasets:
60 s, 32 concurrent clients, mixed pages, searches, SQL and downloads: no errors, p99 under 1 s."""

import asyncio
import sys

from portal.publish import publish

from .conftest import ROOT
from .servers import portal_server

sys.path.insert(0, str(ROOT / "bench"))
from load_test import run  # noqa: E402

SECONDS = 60
CLIENTS = 32


def test_sixty_seconds_of_32_clients_without_an_error(tmp_path):
    assert publish(ROOT / "datasets", ROOT / "metadata", tmp_path / "build").ok
    with portal_server(tmp_path / "build") as base:
        result = asyncio.new_event_loop().run_until_complete(run(base, CLIENTS, SECONDS))
    print(f"{len(result.times)} requests, p99 {result.percentile(0.99) * 1000:.0f} ms")
    assert result.errors == []
    assert len(result.times) > 1000
    assert result.percentile(0.99) < 1.0
