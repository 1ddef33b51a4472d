"""Server memory while large files download: "downloading a 1M-row CSV keeps server memory flat".

Publishes a generated table (generate_large.py, --rows rows), starts `portal serve` (granian, one
worker) on 127.0.0.1 and samples the total RSS of its process tree (master and workers) every 50 ms
while the table's prebuilt downloads stream to a client that reads and discards them: the original
CSV three times in a row, four at once and once by a client that stops reading for 5 s after 1 MB,
the Excel CSV and the JSON once each, then Datasette's streaming CSV export
(/sql/portal/<table>.csv?_stream=on&_size=max; MAX_CSV_MB caps it).

For each download prints bytes, seconds, MB/s, peak RSS, its growth over the idle RSS measured
after warm-up requests, and peak/idle. Flat = growth small and unrelated to the file size
(well under 50 MB for a ~90 MB file).

    python bench/bench_download_memory.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
from generate_large import generate  # noqa: E402
from tests.process_memory import Sampler, server_root  # noqa: E402
from tests.servers import portal_server  # noqa: E402

from portal.catalog import Catalog  # noqa: E402
from portal.publish import publish  # noqa: E402

MB = 1024 * 1024
CHUNK = 64 * 1024


def download(base: str, path: str, pause: float = 0) -> tuple[int, int, int | None, str, int]:
    """Stream one URL, discarding the bytes: (status, bytes read, Content-Length, end of the body, line breaks).
    ``pause``: stop reading for that many seconds after the first MB (a slow client: does the server
    then hold the rest of the file in memory?)."""
    received, tail, lines, paused = 0, b"", 0, not pause
    with httpx.Client(timeout=httpx.Timeout(120)) as client:
        with client.stream("GET", base + path) as response:
            for chunk in response.iter_raw(CHUNK):
                received += len(chunk)
                lines += chunk.count(b"\n")
                if not paused and received >= MB:
                    time.sleep(pause)
                    paused = True
                tail = (tail + chunk)[-200:]
            length = response.headers.get("content-length")
            return (response.status_code, received, int(length) if length else None, tail.decode("utf-8", "replace"),
                    lines)


def measure(sampler: Sampler, idle: float, label: str, base: str, paths: list[str], pause: float = 0) -> dict:
    """Download ``paths`` at once (one thread each) while sampling; print one line of figures."""
    before = sampler.settle(0.5)[0]
    start = time.monotonic()
    with ThreadPoolExecutor(len(paths)) as pool:
        results = list(pool.map(lambda p: download(base, p, pause), paths))
    end = time.monotonic()
    time.sleep(0.15)  # a sample or two after the last byte
    window = sampler.between(start, time.monotonic())
    peak = max(s[1] for s in window) / 1024
    peak_anon = max(s[2] for s in window) / 1024
    after = sampler.settle(1.0)[0]
    seconds = end - start
    total = sum(r[1] for r in results)
    statuses = sorted({r[0] for r in results})
    complete = all(r[2] is None or r[1] == r[2] for r in results)
    print(f"{label:<34} {total / MB:8.1f} MB {seconds:7.2f} s {total / MB / seconds:7.1f} MB/s  "
          f"before {before:6.1f}  peak {peak:6.1f} MB (anon {peak_anon:6.1f})  growth {peak - idle:+6.1f} MB  "
          f"peak/idle {peak / idle:4.2f}  after {after:6.1f}  status {statuses} "
          f"{'complete' if complete else 'INCOMPLETE'}  samples {len(window)}", flush=True)
    return {"label": label, "results": results, "peak": peak, "growth": peak - idle, "bytes": total}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        datasets = generate(Path(tmp), args.rows)
        build = Path(tmp) / "build"
        report = publish(datasets, ROOT / "metadata", build)
        assert report.ok, report.all_issues()[:3]
        print(f"generated and published {args.rows:,} rows in {time.perf_counter() - started:.1f} s", flush=True)

        catalog = Catalog.load(build / "current" / "catalog.json")
        dataset = next(d for d in catalog.datasets if d.name.startswith("besar-"))
        resource = dataset.resources[0]
        small = catalog.dataset("kode-wilayah-indonesia")
        files = {"csv": (f"/download/{dataset.name}/{resource.name}.csv", resource.file.bytes)}
        for key in ("excel.csv", "json"):
            if key in resource.downloads:
                files[key] = (f"/download/{dataset.name}/{resource.name}.{key}", resource.downloads[key].bytes)
        for key, (url, size) in files.items():
            print(f"  {key:<10} {size / MB:7.1f} MB  {url}")

        with portal_server(build, workers=1) as base:
            sampler = Sampler(server_root())
            sampler.start()
            # Warm-up: a page, a small download and Datasette (built on first use), so that the idle
            # figure already includes everything a first request loads.
            small_resource = small.resources[0].name
            for path in ("/about", f"/dataset/{dataset.name}", f"/download/{small.name}/{small_resource}.csv",
                         f"/sql/portal/{resource.name}.json?_size=1", f"/sql/portal/{small_resource}.csv"):
                response = httpx.get(base + path, timeout=60)
                assert response.status_code == 200, (path, response.status_code)
            time.sleep(1)
            idle, idle_anon = sampler.settle(2.0)
            processes = sorted(sampler.processes)
            print(f"server processes {processes}; idle RSS {idle:.1f} MB (anon {idle_anon:.1f} MB)", flush=True)

            csv_url = files["csv"][0]
            figures = [measure(sampler, idle, f"CSV, download {i} of 3", base, [csv_url]) for i in range(1, 4)]
            figures.append(measure(sampler, idle, "CSV, 4 concurrent", base, [csv_url] * 4))
            figures.append(measure(sampler, idle, "CSV, client stalls 5 s after 1 MB", base, [csv_url], pause=5))
            for key in ("excel.csv", "json"):
                if key in files:
                    figures.append(measure(sampler, idle, f"{key}, once", base, [files[key][0]]))
            stream = f"/sql/portal/{resource.name}.csv?_stream=on&_size=max"
            figures = [measure(sampler, idle, "Datasette CSV _stream=on", base, [stream])] + figures
            status, received, _, tail, lines = figures[0]["results"][0]
            print(f"Datasette stream: status {status}, {received:,} bytes "
                  f"({received / max(1, files['csv'][1]):.0%} of the original CSV), {lines - 1:,} of {resource.rows:,} "
                  f"rows; ends with: {tail[-120:]!r}")
            growth = max(f["growth"] for f in figures[1:])
            largest = max(size for _, size in files.values()) / MB
            print(f"prebuilt downloads (up to {largest:.0f} MB a file): largest growth over idle {growth:+.1f} MB -> "
                  f"{'flat' if growth < 50 else 'NOT flat'} (< 50 MB)")
            sampler.stopped.set()
            sampler.join()


if __name__ == "__main__":
    main()
