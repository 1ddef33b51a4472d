"""Hostile traffic against a real `portal serve` (granian, 2 workers) on 127.0.0.1: do normal users
stay served, and does the server's memory stay bounded?

Publishes the bundled datasets plus a generated table (generate_large.py, --rows rows). Then, while
4 normal clients cycle through the pages of bench/load_test.py, runs each attack for --seconds:
3 attackers (from 127.0.0.2-4, 4 connections each) plus, throughout, 50 slow clients (trickled
headers, POST bodies at a byte a second, downloads never read). Before each attack a short phase
without attackers is that attack's baseline (interleaved, so drift on the machine shows in both).

Prints, per phase: normal requests, p50, p99, p99 over the baseline's, failed normal requests, and
the peak total RSS of every server process (/proc, sampled every 50 ms). Targets (issue 14): normal
p99 < 1 s during every attack, no failed normal request, peak RSS < 500 MB.

    python bench/bench_attack.py [--rows 1000000] [--seconds 30] [--only NAME,...]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote_plus

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
from generate_large import generate  # noqa: E402
from load_test import Result, client as normal_user  # noqa: E402
from tests.process_memory import Sampler, server_root  # noqa: E402
from tests.servers import portal_server  # noqa: E402

from portal.config import resolve_settings  # noqa: E402
from portal.publish import publish  # noqa: E402

ENDLESS = "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c"
WIDE = ("with recursive s(x, n) as (select 'ab', 0 union all select x || x, n + 1 from s where n < 15), "
        "big(x) as (select x from s order by n desc limit 1), c(i) as (select 1 union all select i + 1 from c "
        "limit {rows}) select {columns} from big, c")
CROSS = ", ".join(f"kota_malang_kelurahan t{i}" for i in range(6))
# Rows of one 64 kB value that stay just under the result budget the server runs with.
UNDER_BUDGET = int(resolve_settings()["MAX_RESULT_MB"] * 1_000_000 * 0.95 // 65_536)


def attacks(table: str) -> dict[str, callable]:
    """Name -> a function giving one attacking request (method, path, params, body)."""
    big = f"/sql/portal/{table}"
    return {
        "encoded sql= (%73ql), endless CTE": lambda: ("GET", "/sql/portal.json?%73ql=" + quote_plus(ENDLESS), None, None),
        "_where subquery over a cross join": lambda: ("GET", big + ".json", {"_where": f"id in (select count(*) from {CROSS})"}, None),
        "_facet on a high-cardinality column": lambda: ("GET", big + ".json", {"_facet": "keterangan"}, None),
        "_sort on an unindexed column": lambda: ("GET", big + ".json", {"_sort_desc": "nilai"}, None),
        "_stream=on CSV of the big table": lambda: ("GET", big + ".csv", {"_stream": "on", "_size": "max"}, None),
        "_size=1000 pages of the big table": lambda: ("GET", big + ".json", {"_size": "1000", "_next": str(random.randrange(900_000))}, None),
        "8 x 64 kB columns x 1000 rows": lambda: ("GET", "/sql/portal.json", {"sql": WIDE.format(rows=1000, columns=", ".join(["x"] * 8))}, None),
        "results just under the budget": lambda: ("GET", "/sql/portal.json", {"sql": WIDE.format(rows=UNDER_BUDGET, columns="x")}, None),
        "json_group_array of large values": lambda: ("GET", "/sql/portal.json", {"sql": WIDE.format(rows=1000, columns="json_group_array(x)")}, None),
        "POSTed SQL near the body limit": lambda: ("POST", "/sql/portal.json", None, {"sql": "select 1 " + " " * 90_000}),
        "search flood, random words": lambda: ("GET", "/dataset", {"q": "".join(random.choices("abcdefghijklmnop", k=6))}, None),
        "request bodies over the limit (2 MB)": lambda: ("POST", "/api/3/action/package_search", None, b"x" * 2_000_000),
    }


async def attacker(base: str, address: str, make, deadline: float, statuses: Counter, connections: int = 4) -> None:
    transport = httpx.AsyncHTTPTransport(local_address=address)
    async with httpx.AsyncClient(base_url=base, transport=transport, timeout=30) as http:
        async def loop():
            while time.monotonic() < deadline:
                method, path, params, body = make()
                try:
                    if isinstance(body, bytes):
                        response = await http.request(method, path, content=body)
                    else:
                        response = await http.request(method, path, params=params, data=body)
                    statuses[response.status_code] += 1
                except httpx.HTTPError as error:
                    statuses[type(error).__name__] += 1
        await asyncio.gather(*(loop() for _ in range(connections)))


async def slow_client(port: int, kind: int, download: str, stop: asyncio.Event) -> None:
    """Holds a connection the slow way until ``stop``; reconnects when the server closes it."""
    while not stop.is_set():
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            if kind == 0:  # headers at a byte a second
                writer.write(b"GET /about HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                while not stop.is_set() and not reader.at_eof():
                    writer.write(b"a")
                    await writer.drain()
                    await asyncio.sleep(1)
            elif kind == 1:  # a POST body at a byte a second
                writer.write(b"POST /sql/portal.json HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                             b"Content-Length: 100000\r\n\r\nsql=")
                while not stop.is_set() and not reader.at_eof():
                    writer.write(b"1")
                    await writer.drain()
                    await asyncio.sleep(1)
            else:  # a large download, never read
                writer.write(f"GET {download} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
                await writer.drain()
                while not stop.is_set() and not reader.at_eof():
                    await asyncio.sleep(1)
            writer.close()
        except (OSError, asyncio.TimeoutError):
            await asyncio.sleep(0.5)


async def phase(base: str, seconds: float, make=None) -> tuple[Result, Counter]:
    result, statuses = Result(), Counter()
    deadline = time.monotonic() + seconds
    tasks = [normal_user(base, deadline, n * 3, result) for n in range(4)]
    if make is not None:
        tasks += [attacker(base, f"127.0.0.{2 + n}", make, deadline, statuses) for n in range(3)]
    await asyncio.gather(*tasks)
    return result, statuses


def prepare(tmp: Path, rows: int) -> tuple[Path, str, str]:
    datasets = generate(tmp, rows)
    for package in (ROOT / "datasets").iterdir():
        if package.is_dir() and not (datasets / package.name).exists():
            shutil.copytree(package, datasets / package.name)
    build = tmp / "build"
    report = publish(datasets, ROOT / "metadata", build)
    assert report.ok, report.all_issues()[:3]
    table = f"laporan_besar_{rows}"
    return build, table, f"/download/besar-{rows}/{table}.csv"


async def run(base: str, port: int, table: str, download: str, seconds: float, only: list[str], sampler: Sampler):
    chosen = {name: make for name, make in attacks(table).items() if not only or any(o in name for o in only)}
    stop = asyncio.Event()
    print(f"{'phase':<38} {'normal':>7} {'p50 ms':>7} {'p99 ms':>7} {'p99/base':>8} {'failed':>6} {'peak MB':>8}  attackers' answers")

    def report(label, result, statuses, start, base_p99=None):
        peak = max((s[1] for s in sampler.between(start, time.monotonic())), default=0) / 1024
        p99 = result.percentile(0.99) * 1000
        ratio = f"{p99 / base_p99:8.2f}" if base_p99 else f"{'':>8}"
        answers = " ".join(f"{k}:{v}" for k, v in sorted(statuses.items(), key=str))
        print(f"{label:<38} {len(result.times):7d} {result.percentile(0.5) * 1000:7.0f} {p99:7.0f} {ratio} "
              f"{len(result.errors):6d} {peak:8.0f}  {answers}", flush=True)
        return p99, peak, len(result.errors)

    start = time.monotonic()
    report("idle (no slow clients)", *await phase(base, min(10, seconds)), start)
    slow = [asyncio.create_task(slow_client(port, n % 3, download, stop)) for n in range(50)]
    worst = {"p99": 0.0, "peak": 0.0, "failed": 0}
    for name, make in chosen.items():
        start = time.monotonic()
        base_p99, _, _ = report("  baseline: 50 slow clients", *await phase(base, min(5, seconds)), start)
        start = time.monotonic()
        p99, peak, failed = report(name, *await phase(base, seconds, make), start, base_p99)
        worst = {"p99": max(worst["p99"], p99), "peak": max(worst["peak"], peak), "failed": worst["failed"] + failed}
    stop.set()
    await asyncio.gather(*slow, return_exceptions=True)
    ok = worst["p99"] < 1000 and worst["failed"] == 0 and worst["peak"] < 500
    print(f"worst over all attacks: p99 {worst['p99']:.0f} ms (< 1000), failed normal requests {worst['failed']} (0), "
          f"peak RSS {worst['peak']:.0f} MB (< 500) -> {'targets met' if ok else 'TARGETS MISSED'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--only", default="", help="comma-separated parts of attack names")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        build, table, download = prepare(Path(tmp), args.rows)
        print(f"published the bundled datasets and {args.rows:,} generated rows in {time.perf_counter() - started:.0f} s",
              flush=True)
        with portal_server(build, workers=2) as base:
            sampler = Sampler(server_root())
            sampler.start()
            port = int(base.rsplit(":", 1)[1])
            asyncio.run(run(base, port, table, download, args.seconds, [o for o in args.only.split(",") if o], sampler))
            sampler.stopped.set()
            sampler.join()


if __name__ == "__main__":
    main()
