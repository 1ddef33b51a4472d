"""Page latency of the running portal (uvicorn, 2 workers) on the bundled datasets.

Baseline, measured in the same run: the static stylesheet, the cheapest response the
same server gives. Prints median and 95th percentile per URL and the ratio of each
median to the baseline. Bounded: --requests per URL (default 200), loopback only.

    python bench/bench_pages.py [--requests 200]
"""

from __future__ import annotations

import argparse
import http.client
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.servers import free_port  # noqa: E402
URLS = ["/static/portal.css", "/", "/dataset", "/dataset?q=kelurahan", "/dataset/sampel-pengaduan-layanan",
        "/theme/governance", "/sql/portal/sampel_pengaduan_layanan", "/sql/portal/sampel_pengaduan_layanan.json",
        "/sql/portal.json?sql=select+kategori,count(*)+from+sampel_pengaduan_layanan+group+by+kategori",
        "/download/sampel-pengaduan-layanan/sampel_pengaduan_layanan.csv"]


class Client:
    """Keep-alive HTTP client with TCP_NODELAY, as browsers use: httpx's sync client
    without it measures a 40 ms delayed-ACK stall instead of the server."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.connection.connect()
        self.connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def get(self, url: str) -> int:
        self.connection.request("GET", url)
        response = self.connection.getresponse()
        response.read()
        return response.status


def wait_until_up(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            Client(port).get("/about")
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        server = subprocess.Popen([sys.executable, "-m", "portal", "serve", "--build", tmp, "--port", str(port),
                                   "--workers", "2"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_until_up(port)
            client = Client(port)
            results = {}
            for url in URLS:
                for _ in range(10):  # warm up both workers
                    client.get(url)
                times = []
                for _ in range(args.requests):
                    started = time.perf_counter()
                    status = client.get(url)
                    times.append((time.perf_counter() - started) * 1000)
                    assert status == 200, (url, status)
                results[url] = (statistics.median(times), statistics.quantiles(times, n=20)[-1])
        finally:
            server.terminate()
            server.wait(timeout=20)
    baseline = results[URLS[0]][0]
    print(f"{'URL':<90} {'median ms':>10} {'p95 ms':>8} {'x base':>7}")
    for url, (median, p95) in results.items():
        print(f"{url:<90} {median:>10.2f} {p95:>8.2f} {median / baseline:>7.1f}")


if __name__ == "__main__":
    main()
