"""The portal (granian, Datasette mounted under /sql/) against bare Datasette (`datasette serve`, one
process) serving the same release database, both on 127.0.0.1, with the same bounded load
(bench/load_test.py). The portal runs one worker for the comparison, then --workers for its pages.

Prints req/s, p50 and p99 for Datasette table JSON on each and the ratio portal/bare, then the
portal's dataset page, search and a CSV download at 16 clients.

    python bench/bench_serve.py [--seconds 15] [--clients 16]
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
import load_test  # noqa: E402
from tests.servers import free_port, wait_until_up  # noqa: E402

from portal.publish import publish  # noqa: E402


def measure(base: str, urls: list[str], clients: int, seconds: float) -> load_test.Result:
    load_test.URLS[:] = urls
    return asyncio.run(load_test.run(base, clients, seconds))


def line(label: str, result: load_test.Result, seconds: float) -> str:
    times = sorted(result.times)
    return (f"{label:<48} {len(times) / seconds:8.0f} req/s  p50 {times[len(times) // 2] * 1000:6.1f} ms  "
            f"p99 {result.percentile(0.99) * 1000:6.1f} ms  errors {len(result.errors)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="portal workers for the page figures")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        build = Path(tmp) / "build"
        publish(ROOT / "datasets", ROOT / "metadata", build)
        db = (build / "current" / "portal.db").resolve()
        portal_port, bare_port, pages_port = free_port(), free_port(), free_port()

        def portal_server(port: int, workers: int):
            return subprocess.Popen([sys.executable, "-m", "portal", "serve", "--build", str(build), "--port", str(port),
                                     "--workers", str(workers)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        servers = [
            portal_server(portal_port, 1),
            portal_server(pages_port, args.workers),
            subprocess.Popen([sys.executable, "-m", "datasette", "serve", "-i", str(db), "--port", str(bare_port),
                              "--setting", "suggest_facets", "off"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
        ]
        try:
            portal, bare = f"http://127.0.0.1:{portal_port}", f"http://127.0.0.1:{bare_port}"
            pages = f"http://127.0.0.1:{pages_port}"
            for url in (portal + "/about", bare + "/", pages + "/about"):
                wait_until_up(url, seconds=60)
            table = "/portal/sampel_pengaduan_layanan.json?_shape=array"
            on_bare = measure(bare, [table], args.clients, args.seconds)
            on_portal = measure(portal, ["/sql" + table], args.clients, args.seconds)
            print(line("bare Datasette: table JSON", on_bare, args.seconds))
            print(line("portal /sql/ (1 worker): table JSON", on_portal, args.seconds))
            print(f"ratio portal/bare: {len(on_portal.times) / max(1, len(on_bare.times)):.2f}")
            for label, url in [("dataset page", "/dataset/sampel-pengaduan-layanan"),
                               ("catalog search", "/dataset?q=udara"),
                               ("CSV download", "/download/sampel-pengaduan-layanan/sampel_pengaduan_layanan.csv")]:
                result = measure(pages, [url], args.clients, args.seconds)
                print(line(f"portal ({args.workers} workers): {label}", result, args.seconds))
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=30)


if __name__ == "__main__":
    main()
