"""Publish a large generated resource three ways, each in its own process (for peak memory):

  (a) raw limit: csv.reader + sqlite3 executemany in one transaction, no validation
  (b) naive peer: frictionless validate + sqlite-utils insert_all
  (c) ours: the full publish (validate, load, describe, release)

Prints wall time, rows/s and peak memory of each, and the ratios c/a and b/c; for ours also when
each stage of publish began.

    python bench/bench_publish_large.py [--rows 1000000] [--contenders raw,ours] [--rounds 3]

With ``--rounds N`` the contenders run in turn N times and the ratios are the medians of the per-round
ratios (this machine's speed wanders by a third from minute to minute).

At 5,000,000 rows leave out the naive contender: it holds the whole table in memory (about 9 GB).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from generate_large import generate  # noqa: E402

CONTENDERS = {
    "raw": """
import csv, sqlite3, sys
conn = sqlite3.connect(sys.argv[2])
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    reader = csv.reader(f); header = next(reader)
    conn.execute("create table t (%s)" % ", ".join(header))
    with conn:
        conn.executemany("insert into t values (%s)" % ",".join("?" * len(header)), reader)
""",
    "naive": """
import sys, frictionless, sqlite_utils
resource = frictionless.Resource(sys.argv[1])
report = resource.validate()
db = sqlite_utils.Database(sys.argv[2])
with db.atomic():
    db["t"].insert_all(row.to_dict() for row in frictionless.Resource(sys.argv[1]).read_rows())
""",
    "ours": """
import sys, time
from pathlib import Path
from portal.publish import publish
started = time.perf_counter()
stage = lambda message: print(f"         {time.perf_counter() - started:6.2f} s  {message}", flush=True)
report = publish(Path(sys.argv[3]), Path(sys.argv[4]), Path(sys.argv[2]), log=stage)
assert report.ok, report.all_issues()[:3]
""",
}


def run(name: str, csv_path: Path, out: Path, datasets: Path) -> tuple[float, float]:
    """Wall time and peak memory (MB) of one contender, in a process of its own."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", CONTENDERS[name], str(csv_path), str(out), str(datasets),
                                str(ROOT / "metadata")], cwd=ROOT)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"{name} failed with exit code {process.returncode}")
    return time.perf_counter() - started, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--contenders", default="raw,naive,ours", help="comma-separated: raw, naive, ours")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    contenders = args.contenders.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        datasets = generate(Path(tmp), args.rows)
        csv_path = next(datasets.glob("besar-*/data/laporan.csv"))
        rounds = []
        for number in range(args.rounds):
            results = {}
            for name in contenders:
                out = Path(tmp) / f"{number}-{name}" / (f"{name}.db" if name != "ours" else "build")
                out.parent.mkdir()
                results[name] = run(name, csv_path, out, datasets)
                seconds, peak = results[name]
                print(f"{name:6} {seconds:8.2f} s  {args.rows / seconds:10,.0f} rows/s  peak {peak:,.0f} MB", flush=True)
                shutil.rmtree(out.parent)
            rounds.append(results)
        ratios = {"rows": args.rows, "rounds": args.rounds}
        if {"raw", "ours"} <= set(contenders):
            ratios["c/a"] = round(statistics.median(r["ours"][0] / r["raw"][0] for r in rounds), 1)
            ratios["c/a per round"] = [round(r["ours"][0] / r["raw"][0], 2) for r in rounds]
        if {"naive", "ours"} <= set(contenders):
            ratios["b/c"] = round(statistics.median(r["naive"][0] / r["ours"][0] for r in rounds), 2)
        ratios["peak MB"] = {name: round(max(r[name][1] for r in rounds)) for name in contenders}
        print(json.dumps(ratios))


if __name__ == "__main__":
    main()
