"""Row-level diff of a table between two releases, at a million rows.

Builds two SQLite databases (the second with rows added, removed and changed), then times
ReleaseComparison.compare (what publish runs per table) against a baseline measured in the
same run: one full scan of both tables (SELECT count(*), sum(...)).

    python bench/bench_diff.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import tempfile
import time
from pathlib import Path

from portal.catalog import FieldInfo, ResourceInfo
from portal.publish.diff import ReleaseComparison


def build(path: Path, rows: int, drop: set[int], change: set[int], extra: int) -> None:
    conn = sqlite3.connect(path)
    conn.execute("create table t (id integer primary key, kode text, nilai real, catatan text)")
    data = ((i, f"K{i % 5000:05d}", (i % 977) * 1.5 + (1000 if i in change else 0), "x" * (i % 21))
            for i in range(rows) if i not in drop)
    conn.executemany("insert into t values (?, ?, ?, ?)", data)
    conn.executemany("insert into t values (?, 'BARU', 0, '')", ((rows + i,) for i in range(extra)))
    conn.commit()
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    n = args.rows
    rng = random.Random(1)
    drop, change = set(rng.sample(range(n), n // 1000)), set(rng.sample(range(n), n // 100))
    fields = [FieldInfo("id", "integer"), FieldInfo("kode"), FieldInfo("nilai", "number"), FieldInfo("catatan")]
    with tempfile.TemporaryDirectory() as tmp:
        old, new = Path(tmp) / "old.db", Path(tmp) / "new.db"
        build(old, n, set(), set(), 0)
        build(new, n, drop, change, n // 1000)
        comparison = ReleaseComparison(new, old)
        started = time.perf_counter()
        comparison.scalar("select count(*), sum(nilai) from main.t")
        comparison.scalar("select count(*), sum(nilai) from old.t")
        baseline = time.perf_counter() - started
        resource = ResourceInfo("t", rows=n, fields=fields, primary_key=["id"])
        started = time.perf_counter()
        change_found = comparison.compare(resource, resource)
        seconds = time.perf_counter() - started
        comparison.close()
    print(f"rows: {n:,}; expected +{n // 1000:,} −{len(drop):,} ~{len(change - drop):,}")
    print(f"found  +{change_found.added:,} −{change_found.removed:,} ~{change_found.changed:,}")
    print(f"baseline (full scan of both tables): {baseline:.2f} s")
    print(f"diff by primary key: {seconds:.2f} s  (ratio {seconds / baseline:.1f}x)")


if __name__ == "__main__":
    main()
