"""How long republishing a large table takes after 1 % new rows were appended, against a full publish.

Generates, in a temporary folder, kode-wilayah-indonesia (copied) and one seeded package of ``--rows``
rows (generate_large.write_package), then, in one run:

  (1) full publish into an empty build folder
  (2) ``--percent`` % new rows appended (ids continuing, older rows untouched), publish again: the
      append path (portal/publish/append.py) loads only the new rows
  (3) the same appended data published with ``full=True`` (the baseline) into a copy of the build
      folder as (1) left it, so that it too compares with, and builds on, the same live release

Prints seconds for each, the time between the stages the publish log names for (2) and (3), and the
ratio append / full (target: about the share of new rows).

    python bench/bench_append.py [--rows 1000000] [--percent 1] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
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
from generate_large import append_rows, write_package  # noqa: E402

TABLE = "laporan_tambah"


class StageClock:
    """The publish log, each line with the seconds since the one before (what the previous stage took)."""

    def __init__(self):
        self.lines, self.last = [], time.perf_counter()

    def __call__(self, line: str) -> None:
        now = time.perf_counter()
        self.lines.append((round(now - self.last, 2), line))
        self.last = now


def timed_publish(datasets: Path, build: Path, **options):
    clock = StageClock()
    started = time.perf_counter()
    report = publish(datasets, ROOT / "metadata", build, log=clock, **options)
    seconds = time.perf_counter() - started
    assert report.ok, report.all_issues()[:3]
    clock("done")
    return report, seconds, clock.lines


def stages(lines) -> str:
    """'stage: seconds' for each stage, the seconds being those until the next log line."""
    return "\n".join(f"    {seconds:6.2f} s  before: {line}" for seconds, line in lines[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--percent", type=float, default=1.0, help="rows appended, in percent of --rows")
    parser.add_argument("--profile", action="store_true", help="profile the append publish instead of timing stages")
    args = parser.parse_args()
    new_rows = max(1, round(args.rows * args.percent / 100))
    with tempfile.TemporaryDirectory() as tmp:
        datasets, build = Path(tmp) / "datasets", Path(tmp) / "build"
        shutil.copytree(ROOT / "datasets/kode-wilayah-indonesia", datasets / "kode-wilayah-indonesia")
        write_package(datasets / "tambah", TABLE, "Tambah", args.rows, random.Random(7))
        _, first, _ = timed_publish(datasets, build)
        baseline = Path(tmp) / "baseline"
        shutil.copytree(build, baseline, symlinks=True)

        append_rows(datasets / "tambah", args.rows + 1, new_rows, random.Random(8))
        if args.profile:
            profiler = cProfile.Profile()
            report = profiler.runcall(publish, datasets, ROOT / "metadata", build)
            assert report.ok
            pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(45)
            return
        report, appended, append_lines = timed_publish(datasets, build)
        expected = f"tambah: {TABLE}: appended {new_rows} rows ({args.rows} live rows copied, not read)"
        assert any(line == expected for _, line in append_lines), [line for _, line in append_lines]
        assert report.outcome("tambah").rows == args.rows + new_rows

        report, full, full_lines = timed_publish(datasets, baseline, full=True)
        assert not any("appended" in line for _, line in full_lines)

        ratio = appended / full
        print(f"table: {args.rows:,} rows, then {new_rows:,} appended ({args.percent:g} %)")
        print(f"first full publish: {first:.2f} s")
        print(f"append publish:     {appended:.2f} s")
        print(stages(append_lines))
        print(f"full publish (full=True) of the appended data: {full:.2f} s")
        print(stages(full_lines))
        print(f"ratio append/full: {ratio:.1%}  (new rows: {new_rows / (args.rows + new_rows):.1%} of the table)")
        print(json.dumps({"rows": args.rows, "appended_rows": new_rows, "first_full_s": round(first, 2),
                          "append_s": round(appended, 2), "full_s": round(full, 2), "append/full": round(ratio, 3)}))


if __name__ == "__main__":
    main()
