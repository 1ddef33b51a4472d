"""A seeded generator of a realistic large resource, written to a folder given on the command line
(never committed): ids, timestamps, enum categories, kode kelurahan foreign keys, numbers, free text.

    python bench/generate_large.py OUT_DIR [--rows 1000000]

Writes OUT_DIR/datasets/kode-wilayah-indonesia (copied) and OUT_DIR/datasets/besar-<rows>/.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CATEGORIES = ["infrastruktur", "transportasi", "kebersihan", "ketertiban", "kependudukan", "kesehatan", "pendidikan"]
STATUSES = ["selesai", "diproses", "ditolak"]
WORDS = "jalan rusak lampu mati sampah menumpuk saluran tersumbat parkir liar pohon tumbang banjir antrian".split()


def kelurahan_codes() -> list[str]:
    with open(ROOT / "datasets/kode-wilayah-indonesia/data/kota_malang_kelurahan.csv", newline="") as file:
        return [row["kode"] for row in csv.DictReader(file)]


def generate(out: Path, rows: int, seed: int = 7) -> Path:
    datasets = out / "datasets"
    shutil.copytree(ROOT / "datasets/kode-wilayah-indonesia", datasets / "kode-wilayah-indonesia", dirs_exist_ok=True)
    write_package(datasets / f"besar-{rows}", f"laporan_besar_{rows}", f"Data besar {rows}", rows, random.Random(seed))
    return datasets


def write_package(folder: Path, table: str, title: str, rows: int, rng: random.Random) -> None:
    """One package: a ``rows``-row laporan table with a foreign key into kode-wilayah-indonesia."""
    (folder / "data").mkdir(parents=True, exist_ok=True)
    with open(folder / "data" / "laporan.csv", "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(["id", "waktu", "kategori", "kode_kelurahan", "status", "jumlah", "nilai", "keterangan"])
        write_rows(writer, 1, rows, rng)
    field = lambda name, kind, **extra: {"name": name, "type": kind, "title": name, "description": name, **extra}  # noqa: E731
    descriptor = {
        "name": folder.name, "title": f"{title} (Data sampel sintetis)", "description": "Benchmark.",
        "publisher": "diskominfo", "author": "diskominfo", "maintainer": "diskominfo", "themes": ["governance"],
        "licenses": [{"name": "CC0-1.0"}], "sample": True, "accrualPeriodicity": "daily", "accessRights": "terbuka",
        "resources": [{"name": table, "path": "data/laporan.csv", "title": "Laporan", "schema": {
            "fields": [field("id", "integer", constraints={"required": True}), field("waktu", "datetime"),
                       field("kategori", "string", constraints={"enum": CATEGORIES}),
                       field("kode_kelurahan", "string"), field("status", "string", constraints={"enum": STATUSES}),
                       field("jumlah", "integer", constraints={"minimum": 0}), field("nilai", "number"),
                       field("keterangan", "string")],
            "primaryKey": ["id"],
            "foreignKeys": [{"fields": ["kode_kelurahan"], "reference": {
                "package": "kode-wilayah-indonesia", "resource": "kota_malang_kelurahan", "fields": ["kode"]}}]}}],
    }
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2))


def write_rows(writer, first: int, rows: int, rng: random.Random) -> None:
    """``rows`` laporan rows with ids from ``first`` on."""
    codes, start = kelurahan_codes(), datetime(2024, 1, 1)
    for i in range(first, first + rows):
        writer.writerow([i, (start + timedelta(seconds=rng.randrange(63_000_000))).isoformat(timespec="seconds"),
                         rng.choice(CATEGORIES), rng.choice(codes), rng.choice(STATUSES), rng.randrange(1, 500),
                         round(rng.uniform(0, 10_000), 2), " ".join(rng.choices(WORDS, k=rng.randrange(2, 9)))])


def append_rows(folder: Path, first: int, rows: int, rng: random.Random) -> None:
    """Append ``rows`` new rows (ids from ``first``) to the package's laporan.csv; older rows untouched."""
    with open(folder / "data" / "laporan.csv", "a", newline="", encoding="utf-8") as file:
        write_rows(csv.writer(file, lineterminator="\n"), first, rows, rng)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    print(generate(args.out, args.rows))
