"""How long publishing again takes after one dataset of many changed, against a full publish.

Generates, in a temporary folder, kode-wilayah-indonesia (copied) and 20 seeded data packages
of 50,000 rows each (the shape of generate_large.py, with a cross-package foreign key), then:

  (1) full publish into an empty build folder (the baseline, measured in the same run)
  (2) a few rows of ONE package rewritten, publish again (incremental, the default)
  (3) publish again with nothing changed

Prints seconds for each and incremental / full as a percentage (target <= 15 %).
``--profile`` then changes the same package once more and prints a cProfile of that publish.

    python bench/bench_incremental.py [--datasets 20] [--rows 50000] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import json
import pstats
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from portal.publish import publish

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from generate_large import STATUSES, write_package  # noqa: E402

TARGET = 0.15
def generate(datasets: Path, count: int, rows: int, seed: int = 11) -> list[str]:
    """kode-wilayah-indonesia plus ``count`` seeded packages; returns the generated package names."""
    shutil.copytree(ROOT / "datasets/kode-wilayah-indonesia", datasets / "kode-wilayah-indonesia")
    rng, names = random.Random(seed), [f"sintetis-{n:02d}" for n in range(1, count + 1)]
    for n, name in enumerate(names, start=1):
        write_package(datasets / name, f"laporan_sintetis_{n:02d}", f"Laporan sintetis {n}", rows, rng)
    return names


def change_rows(csv_path: Path, rng: random.Random, count: int = 5) -> None:
    """Give ``count`` random rows new (still valid) jumlah, nilai and status values."""
    with open(csv_path, newline="", encoding="utf-8") as file:
        rows = list(csv.reader(file))
    for index in rng.sample(range(1, len(rows)), count):
        rows[index][4], rows[index][5] = rng.choice(STATUSES), str(rng.randrange(500, 1000))
        rows[index][6] = f"{rng.uniform(10_000, 20_000):.2f}"
    with open(csv_path, "w", newline="", encoding="utf-8") as file:
        csv.writer(file, lineterminator="\n").writerows(rows)


def timed_publish(datasets: Path, build: Path):
    started = time.perf_counter()
    report = publish(datasets, ROOT / "metadata", build)
    seconds = time.perf_counter() - started
    assert report.ok, report.all_issues()[:3]
    return report, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=20)
    parser.add_argument("--rows", type=int, default=50_000, help="rows per generated dataset")
    parser.add_argument("--profile", action="store_true", help="then profile one more incremental publish")
    args = parser.parse_args()
    rng = random.Random(5)
    with tempfile.TemporaryDirectory() as tmp:
        datasets, build = Path(tmp) / "datasets", Path(tmp) / "build"
        names = generate(datasets, args.datasets, args.rows)
        changed = rng.choice(names)
        total = len(names) + 1

        report, full = timed_publish(datasets, build)
        assert not any(d.reused_from for d in report.datasets)
        rows = sum(d.rows for d in report.datasets)

        change_rows(datasets / changed / "data/laporan.csv", rng)
        report, incremental = timed_publish(datasets, build)
        reused = {d.name for d in report.datasets if d.reused_from}
        assert reused == {d.name for d in report.datasets} - {changed}, (changed, sorted(reused))
        assert len(reused) == total - 1

        report, unchanged = timed_publish(datasets, build)
        assert len([d for d in report.datasets if d.reused_from]) == total

        print(f"datasets: {total} (kode-wilayah-indonesia + {len(names)} x {args.rows:,} rows), {rows:,} rows in all")
        print(f"full publish: {full:.2f} s  ({rows / full:,.0f} rows/s)")
        print(f"one dataset changed ({changed}), {len(reused)} carried over: {incremental:.2f} s")
        print(f"nothing changed, {total} carried over: {unchanged:.2f} s  ({unchanged / full:.1%} of a full publish)")
        ratio = incremental / full
        print(f"ratio incremental/full: {ratio:.1%}  (target <= {TARGET:.0%}: {'met' if ratio <= TARGET else 'not met'})")
        print(json.dumps({"datasets": total, "rows_per_dataset": args.rows, "full_s": round(full, 2),
                          "incremental_s": round(incremental, 2), "unchanged_s": round(unchanged, 2),
                          "incremental/full": round(ratio, 3), "unchanged/full": round(unchanged / full, 3)}))

        if args.profile:
            change_rows(datasets / changed / "data/laporan.csv", rng)
            profiler = cProfile.Profile()
            report = profiler.runcall(publish, datasets, ROOT / "metadata", build)
            assert report.ok and len([d for d in report.datasets if d.reused_from]) == total - 1
            pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()
