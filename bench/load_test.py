"""A bounded load test: N concurrent clients for S seconds against a running portal on 127.0.0.1,
mixing pages, search, Datasette JSON, SQL and downloads. Prints requests/s, p50, p99 and errors.

    python bench/load_test.py http://127.0.0.1:8000 [--clients 32] [--seconds 60]

Used by tests/test_traffic.py; loopback only, stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from dataclasses import dataclass, field

import httpx

URLS = ["/", "/dataset", "/dataset?q=pengaduan", "/dataset/sampel-pengaduan-layanan", "/dataset/kode-wilayah-indonesia",
        "/theme/governance", "/sql/portal/sampel_pengaduan_layanan.json?_shape=array",
        "/sql/portal/kota_malang_kelurahan", "/sql/portal/pengaduan_per_kecamatan.json",
        "/download/sampel-pengaduan-layanan/sampel_pengaduan_layanan.csv", "/download/kode-wilayah-indonesia.zip",
        "/api/v1/search?q=udara", "/feed.atom"]


@dataclass
class Result:
    times: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def percentile(self, share: float) -> float:
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else 0.0


async def client(base: str, deadline: float, offset: int, result: Result) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        n = offset
        while time.monotonic() < deadline:
            url = URLS[n % len(URLS)]
            n += 1
            started = time.perf_counter()
            try:
                response = await http.get(url)
                await response.aread()
                if response.status_code != 200:
                    result.errors.append(f"{response.status_code} {url}")
            except httpx.HTTPError as error:
                result.errors.append(f"{type(error).__name__} {url}")
            result.times.append(time.perf_counter() - started)


async def run(base: str, clients: int, seconds: float) -> Result:
    result = Result()
    deadline = time.monotonic() + seconds
    await asyncio.gather(*(client(base, deadline, n, result) for n in range(clients)))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    result = asyncio.run(run(args.base, args.clients, args.seconds))
    print(f"{len(result.times)} requests in {args.seconds:.0f} s with {args.clients} clients: "
          f"{len(result.times) / args.seconds:.0f} req/s, p50 {statistics.median(result.times) * 1000:.0f} ms, "
          f"p99 {result.percentile(0.99) * 1000:.0f} ms, errors {len(result.errors)}")


if __name__ == "__main__":
    main()
