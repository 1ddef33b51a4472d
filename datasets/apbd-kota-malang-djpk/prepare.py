"""Prepare data/apbd_kota_malang.csv from the tidy file in source/ (see PROVENANCE.md).

The published table is the source file, every row and value unchanged, with two columns added so that a
reader (and the portal's budget view) can tell totals from their parts: ``tingkat`` (1 = total of a
bagian, 2 = kelompok akun, 3 = rincian) and ``induk`` (the account a row is part of). The levels are the
ones DJPK's summary shows by indentation; the script checks that the parts add up to their totals and
prints where the source's own figures do not.

Deterministic (no randomness, no clock): ``python datasets/apbd-kota-malang-djpk/prepare.py`` rewrites the
same bytes; tests/test_real_datasets.py checks that.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "source" / "apbd_kota_malang_2021_2024.csv"
TARGET = HERE / "data" / "apbd_kota_malang.csv"

TOTALS = ("Pendapatan Daerah", "Belanja Daerah", "Pembiayaan Daerah", "Surplus/(Defisit)")
PARENT = {
    "PAD": "Pendapatan Daerah", "TKDD": "Pendapatan Daerah", "Pendapatan Lainnya": "Pendapatan Daerah",
    "Pajak Daerah": "PAD", "Retribusi Daerah": "PAD", "Hasil Pengelolaan Kekayaan Daerah yang Dipisahkan": "PAD",
    "Lain-Lain PAD yang Sah": "PAD",
    "Pendapatan Transfer Pemerintah Pusat": "TKDD",
    "Pendapatan Transfer Antar Daerah": "Pendapatan Lainnya", "Pendapatan Hibah": "Pendapatan Lainnya",
    "Lain-lain Pendapatan Sesuai dengan Ketentuan Peraturan Perundang-Undangan": "Pendapatan Lainnya",
    "Belanja Pegawai": "Belanja Daerah", "Belanja Barang dan Jasa": "Belanja Daerah", "Belanja Modal": "Belanja Daerah",
    "Belanja Lainnya": "Belanja Daerah",
    "Belanja Hibah": "Belanja Lainnya", "Belanja Bantuan Sosial": "Belanja Lainnya",
    "Belanja Tidak Terduga": "Belanja Lainnya",
    "Penerimaan Pembiayaan Daerah": "Pembiayaan Daerah", "Pengeluaran Pembiayaan Daerah": "Pembiayaan Daerah",
    "Sisa Lebih Perhitungan Anggaran Tahun Sebelumnya": "Penerimaan Pembiayaan Daerah",
    "Penyertaan Modal Daerah": "Pengeluaran Pembiayaan Daerah", "Pembentukan Dana Cadangan": "Pengeluaran Pembiayaan Daerah",
    "Penyertaan Modal": "Pengeluaran Pembiayaan Daerah",
}
# Pembiayaan is receipts minus spending, not a sum of its parts: only these totals are sums.
SUMMED = {"Pendapatan Daerah", "Belanja Daerah", "PAD", "TKDD", "Pendapatan Lainnya", "Belanja Lainnya"}
TOLERANCE = 0.05  # miliar rupiah: each part is rounded to 0.01 in the source


def level(account: str) -> int:
    if account in TOTALS:
        return 1
    return 2 if PARENT[account] in TOTALS else 3


def prepare(source: Path = SOURCE) -> tuple[str, list[str]]:
    """The published CSV's text, and the totals whose parts do not add up (for the methodology)."""
    with open(source, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    unknown = sorted({r["akun"] for r in rows} - set(TOTALS) - set(PARENT))
    if unknown:
        raise SystemExit(f"{source}: akun tanpa tingkat: {', '.join(unknown)}")
    out = io.StringIO()
    fields = list(rows[0]) + ["tingkat", "induk"]
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "tingkat": level(row["akun"]), "induk": PARENT.get(row["akun"], "")})
    return out.getvalue(), mismatches(rows)


def mismatches(rows: list[dict]) -> list[str]:
    found = []
    for year in sorted({r["tahun_anggaran"] for r in rows}):
        of_year = [r for r in rows if r["tahun_anggaran"] == year]
        for total in (r for r in of_year if r["akun"] in SUMMED):
            for column in ("anggaran_miliar_rp", "realisasi_miliar_rp"):
                parts = sum(float(r[column]) for r in of_year if PARENT.get(r["akun"]) == total["akun"])
                if abs(parts - float(total[column])) > TOLERANCE:
                    found.append(f"{year} {total['akun']} {column}: {total[column]} vs jumlah rincian {parts:.2f}")
    return found


if __name__ == "__main__":
    text, problems = prepare()
    TARGET.write_text(text, encoding="utf-8")
    print(f"{TARGET.relative_to(HERE)}: {text.count(chr(10)) - 1} baris", file=sys.stderr)
    for problem in problems:
        print("tidak sama:", problem, file=sys.stderr)
