"""How long publish takes on the bundled datasets, against the bare minimum.

Baseline, measured in the same run: read every CSV with the csv module and insert it
into SQLite with executemany in one transaction (no validation, no metadata).
Prints seconds and the ratio publish / baseline.

    python bench/bench_publish.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import csv
import json
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from portal.publish import publish

ROOT = Path(__file__).resolve().parent.parent


def baseline(datasets: Path, db_path: Path) -> int:
    conn = sqlite3.connect(db_path)
    rows = 0
    with conn:
        for descriptor_file in sorted(datasets.glob("*/datapackage.json")):
            for resource in json.loads(descriptor_file.read_text())["resources"]:
                with open(descriptor_file.parent / resource["path"], newline="", encoding="utf-8") as file:
                    reader = csv.reader(file)
                    header = next(reader)
                    columns = ", ".join(f'"{c}"' for c in header)
                    conn.execute(f'create table "{resource["name"]}" ({columns})')
                    marks = ", ".join("?" * len(header))
                    data = list(reader)
                    conn.executemany(f'insert into "{resource["name"]}" values ({marks})', data)
                    rows += len(data)
    conn.close()
    return rows


def timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    datasets, metadata = ROOT / "datasets", ROOT / "metadata"
    base_times, publish_times = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(args.repeat):
            rows = 0

            def run_baseline():
                nonlocal rows
                rows = baseline(datasets, Path(tmp) / f"baseline-{n}.db")

            base_times.append(timed(run_baseline))
            # A fresh build folder each time: a full publish, nothing carried over.
            publish_times.append(timed(lambda: publish(datasets, metadata, Path(tmp) / f"build-{n}")))
        # Publishing again with nothing changed: every package is carried over.
        again = statistics.median(timed(lambda: publish(datasets, metadata, Path(tmp) / "build-0"))
                                  for _ in range(args.repeat))
    base, full = statistics.median(base_times), statistics.median(publish_times)
    print(f"rows: {rows}")
    print(f"baseline (csv + executemany): {base:.3f} s  ({rows / base:,.0f} rows/s)")
    print(f"full publish (validate + load + describe + release): {full:.3f} s  ({rows / full:,.0f} rows/s)")
    print(f"ratio full publish/baseline: {full / base:.1f}x")
    print(f"publish again, nothing changed (incremental): {again:.3f} s  ({again / full:.0%} of a full publish)")


if __name__ == "__main__":
    main()
