"""Catalog search with 1,000 datasets: median time of /dataset?q=… with facets, sorting and paging.

Generates 1,000 small packages (tests/catalog_factory.py), publishes them, then times search
requests through the Flask app in-process (with metadata/synonyms.yaml, so synonyms expand the
queries as they do on the portal). Baseline, measured in the same run: /about, a page that renders
the same layout without searching. Target: median under 50 ms.

    python bench/bench_search.py [--datasets 1000] [--requests 50]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal import create_app  # noqa: E402
from portal.publish import publish  # noqa: E402
from tests.catalog_factory import make_packages  # noqa: E402

QUERIES = ["/dataset?q=sekolah", "/dataset?q=pend", "/dataset?q=air+pasar", "/dataset?theme=living&sort=quality",
           "/dataset?q=anggaran&kind=sample&page=2", "/dataset",
           # The forgiving paths: a synonym, a stem, a hyphen, a typo corrected, "did you mean".
           "/dataset?q=keluhan", "/dataset?q=berpendidikan", "/dataset?q=wi-fi", "/dataset?q=sekolh",
           "/dataset?q=pengadun+zzzqx"]


def median_ms(client, url: str, requests: int) -> float:
    client.get(url)  # warm the caches of this release
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        datasets = Path(tmp) / "datasets"
        shutil.copytree(ROOT / "tests" / "fixtures" / "datasets", datasets)
        make_packages(datasets, args.datasets)
        metadata = Path(tmp) / "metadata"
        shutil.copytree(ROOT / "tests" / "fixtures" / "metadata", metadata)
        shutil.copy(ROOT / "metadata" / "synonyms.yaml", metadata)
        started = time.perf_counter()
        report = publish(datasets, metadata, Path(tmp) / "build")
        print(f"published {len(report.datasets)} datasets in {time.perf_counter() - started:.1f} s (ok={report.ok})")
        client = create_app({"BUILD_DIR": str(Path(tmp) / "build")}).test_client()
        baseline = median_ms(client, "/about", args.requests)
        print(f"baseline /about: {baseline:.1f} ms")
        for url in QUERIES:
            ms = median_ms(client, url, args.requests)
            print(f"{url:<45} median {ms:6.1f} ms  ({ms / baseline:.1f}x baseline){'  OVER 50 ms' if ms > 50 else ''}")


if __name__ == "__main__":
    main()
