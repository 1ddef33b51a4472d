"""Rows/s of the XLSX download writer: openpyxl's write-only workbook (the writer before
portal/publish/xlsx.py, kept here as it was) against rustpy-xlsxwriter (xlsx.write_xlsx), on the same
generated table, old and new in turn (ABAB...) in one process, so a drift of the machine hits both.

The table: --rows rows x 12 columns shaped as publish loads them: ids, kode kelurahan, dates as ISO
text, Indonesian names and free text (some empty), integers, money and percentages (some empty),
coordinates, years.

    python bench/bench_xlsx.py [--rows 100000] [--rounds 3]
    python bench/bench_xlsx.py --db /tmp/t.db --only old   # one writer once, to time whole processes
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal.publish.cast import neutralise_formula  # noqa: E402
from portal.publish.xlsx import MAX_ROWS, quoted, write_xlsx  # noqa: E402

WORDS = ("jalan kelurahan kecamatan sekolah dasar negeri puskesmas pasar taman sungai jembatan rumah sakit "
         "umum daerah kantor dinas pendidikan kesehatan perhubungan lingkungan hidup").split()
KECAMATAN = ["Blimbing", "Klojen", "Kedungkandang", "Sukun", "Lowokwaru"]
COLUMNS = {"id": "integer", "kode_kelurahan": "string", "tanggal": "date", "nama": "string", "jumlah": "integer",
           "biaya": "number", "persen": "number", "kecamatan": "string", "keterangan": "string",
           "lat": "number", "lon": "number", "tahun": "integer"}


def generate(path: Path, rows: int) -> None:
    rnd = random.Random(7)
    maybe = lambda value, share: value if rnd.random() > share else None  # noqa: E731
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("create table t (id integer, kode_kelurahan text, tanggal text, nama text, jumlah integer, "
                     "biaya real, persen real, kecamatan text, keterangan text, lat real, lon real, tahun integer)")
        conn.executemany("insert into t values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (
            (i, f"35.73.0{rnd.randint(1, 5)}.{1000 + rnd.randint(1, 60)}",
             f"20{rnd.randint(15, 25)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
             " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(2, 6))).title(), maybe(rnd.randint(0, 5000), .05),
             maybe(round(rnd.uniform(0, 1e7), 2), .1), round(rnd.random() * 100, 3), rnd.choice(KECAMATAN),
             " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(0, 12))) or None,
             round(-7.98 + rnd.uniform(-.05, .05), 6), round(112.63 + rnd.uniform(-.05, .05), 6),
             rnd.randint(2015, 2025)) for i in range(1, rows + 1)))
        conn.commit()


def openpyxl_write_xlsx(conn, descriptor, resource, path) -> None:
    """portal/publish/downloads.py's write_xlsx before rustpy-xlsxwriter (commit b3c3506)."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def xlsx_cell(value):
        value = neutralise_formula(value)
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value) if isinstance(value, str) else value

    book = Workbook(write_only=True)
    fields = resource["schema"]["fields"]
    data = book.create_sheet("data")
    data.append([f["name"] for f in fields])
    for row in conn.execute(f'select {", ".join(quoted(f["name"]) for f in fields)} from {quoted(resource["name"])} '
                            f'order by rowid limit {MAX_ROWS}'):
        data.append([xlsx_cell(value) for value in row])
    dictionary = book.create_sheet("kamus_data")
    dictionary.append(["kolom", "tipe", "judul", "definisi", "satuan", "konsep", "klasifikasi", "kode_referensi"])
    for f in fields:
        dictionary.append([xlsx_cell(f.get(key, "")) for key in ("name", "type", "title", "description", "unit",
                                                                 "concept", "classification", "referenceCodeList")])
    about = book.create_sheet("metadata")
    about.append(["properti", "nilai"])
    for key, value in descriptor.items():
        if key not in ("resources", "queries"):
            value = value if isinstance(value, (str, int, float, bool)) else json.dumps(value, ensure_ascii=False)
            about.append([xlsx_cell(key), xlsx_cell(value)])
    about.append(["tabel", resource["name"]])
    about.append(["judul tabel", xlsx_cell(resource.get("title", ""))])
    book.save(path)


WRITERS = {"old": ("openpyxl", openpyxl_write_xlsx), "new": ("rustpy-xlsxwriter", write_xlsx)}
DESCRIPTOR = {"name": "bench", "title": "Tabel uji", "licenses": [{"name": "CC-BY-4.0"}]}
RESOURCE = {"name": "t", "title": "Tabel uji", "schema": {"fields": [{"name": n, "type": t} for n, t in COLUMNS.items()]}}


def run(writer: str, db: Path, out: Path) -> tuple[float, int]:
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        started = time.perf_counter()
        WRITERS[writer][1](conn, DESCRIPTOR, RESOURCE, out)
        return time.perf_counter() - started, out.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--db", type=Path, help="the table's SQLite file (generated there when missing)")
    parser.add_argument("--only", choices=WRITERS, help="one writer, --rounds times")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "t.db"
        if not db.exists():
            generate(db, args.rows)
        with closing(sqlite3.connect(db)) as conn:
            rows = conn.execute("select count(*) from t").fetchone()[0]
        print(f"{rows:,} rows x {len(COLUMNS)} columns, {args.rounds} round(s), old and new in turn")
        speeds: dict[str, list[float]] = {name: [] for name in WRITERS}
        sizes = {}
        for round_ in range(args.rounds):
            for writer in [args.only] if args.only else WRITERS:
                seconds, sizes[writer] = run(writer, db, Path(tmp) / f"{writer}.xlsx")
                speeds[writer].append(rows / seconds)
                print(f"  round {round_ + 1} {WRITERS[writer][0]:<18} {rows / seconds:>9,.0f} rows/s  {seconds:6.2f} s")
        print(f"{'writer':<20}{'median rows/s':>14}{'min':>10}{'max':>10}{'file MB':>9}")
        for writer, got in speeds.items():
            if got:
                print(f"{WRITERS[writer][0]:<20}{statistics.median(got):>14,.0f}{min(got):>10,.0f}{max(got):>10,.0f}"
                      f"{sizes[writer] / 1e6:>9.2f}")
        if all(speeds.values()):
            ratios = [new / old for old, new in zip(speeds["old"], speeds["new"])]
            print(f"new/old rows/s, round by round: median {statistics.median(ratios):.2f}x "
                  f"(min {min(ratios):.2f}, max {max(ratios):.2f})")


if __name__ == "__main__":
    main()
