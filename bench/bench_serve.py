"""The portal (granian, Datasette mounted under /sql/) against bare Datasette (`datasette serve`, one
process) serving the same release database, both on 127.0.0.1, with the same bounded load
(bench/load_test.py). The portal runs one worker for the comparison, then --workers for its pages.

Prints req/s, p50 and p99 for Datasette table JSON on each and the ratio portal/bare, then the
portal's dataset page, search and a CSV download at 16 clients.

    python bench/bench_serve.py [--seconds 15] [--clients 16] [--client wrk [--switch]]

The Python client takes about one of this machine's two cores for itself; ``--client wrk`` (Debian's wrk,
``apt-get install wrk``, as .ci/run installs it) loads the server from C instead, one thread, keep-alive,
asking for gzip as browsers do.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

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
    return figures(label, len(times) / seconds, times[len(times) // 2] * 1000, result.percentile(0.99) * 1000,
                   len(result.errors))


def figures(label: str, rate: float, p50: float, p99: float, errors: int) -> str:
    return f"{label:<48} {rate:8.0f} req/s  p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  errors {errors}"


WRK_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def measure_wrk(label: str, base: str, url: str, clients: int, seconds: float, warm: bool = True) -> str:
    """wrk's own figures for one URL: requests/s, p50 and p99 (its latency distribution), non-2xx and errors,
    after 2 s of the same load (each worker's first pages are rendered and compressed then)."""
    if warm:
        subprocess.run(["wrk", "-t1", f"-c{clients}", "-d2s", base + url], capture_output=True, check=True)
    output = subprocess.run(["wrk", "-t1", f"-c{clients}", f"-d{seconds:.0f}s", "--latency", "-H",
                             "Accept-Encoding: gzip", base + url], capture_output=True, text=True, check=True).stdout
    latency = {p: float(v) * WRK_UNITS[u] for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)}
    if set(latency) != {"50", "99"}:
        raise SystemExit(f"{label}: wrk printed no latency distribution:\n{output}")
    errors = sum(int(n) for n in re.findall(r"(?:Non-2xx or 3xx responses|Socket errors:.*?):\s*(\d+)", output))
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    return figures(label, rate, latency["50"], latency["99"], errors)


PAGES = [("dataset page", "/dataset/sampel-pengaduan-layanan"), ("catalog search", "/dataset?q=udara"),
         ("CSV download", "/download/sampel-pengaduan-layanan/sampel_pengaduan_layanan.csv")]


class SwitchWatch:
    """Asks /-/health every 0.1 s, on a new connection each time (so any worker answers), which release is
    served: the time until the new one was served by every worker asked (each prepares it first)."""

    def __init__(self, base: str):
        self.base, self.started, self.last_old = base, time.monotonic(), None
        self.stop, self.thread = threading.Event(), threading.Thread(target=self.watch, daemon=True)

    def watch(self) -> None:
        while not self.stop.wait(0.1):
            try:
                health = httpx.get(self.base + "/-/health", timeout=5).json()
            except (httpx.HTTPError, ValueError):
                continue
            if health.get("serving") != health.get("live"):
                self.last_old = time.monotonic()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()

    def report(self) -> str:
        after = 0.0 if self.last_old is None else self.last_old - self.started
        return f"the new release was served by every worker asked within {after:.1f} s of the switch"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="portal workers for the page figures")
    parser.add_argument("--client", choices=("python", "wrk"), default="python")
    parser.add_argument("--switch", action="store_true", help="with wrk: publish a new release, then measure the pages cold")
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
            if args.client == "wrk":
                for label, base, url in [("bare Datasette: table JSON", bare, table),
                                         ("portal /sql/ (1 worker): table JSON", portal, "/sql" + table)] + [
                        (f"portal ({args.workers} workers): {label}", pages, url) for label, url in PAGES]:
                    print(measure_wrk(label, base, url, args.clients, args.seconds), flush=True)
                if args.switch:  # a new release goes live: its first requests, cold, are measured too
                    publish(ROOT / "datasets", ROOT / "metadata", build, full=True)
                    with SwitchWatch(pages) as watch:
                        for label, url in PAGES:
                            print(measure_wrk(f"after a release switch: {label}", pages, url, args.clients,
                                              args.seconds, warm=False), flush=True)
                    print(watch.report(), flush=True)
                return
            on_bare = measure(bare, [table], args.clients, args.seconds)
            on_portal = measure(portal, ["/sql" + table], args.clients, args.seconds)
            print(line("bare Datasette: table JSON", on_bare, args.seconds))
            print(line("portal /sql/ (1 worker): table JSON", on_portal, args.seconds))
            print(f"ratio portal/bare: {len(on_portal.times) / max(1, len(on_bare.times)):.2f}")
            for label, url in PAGES:
                result = measure(pages, [url], args.clients, args.seconds)
                print(line(f"portal ({args.workers} workers): {label}", result, args.seconds))
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=30)


if __name__ == "__main__":
    main()
