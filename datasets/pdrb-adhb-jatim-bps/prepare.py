"""Prepare data/pdrb_adhb_kabkota_jatim.csv from the tidy file in source/ (see PROVENANCE.md).

Every row and value of the source is kept. One column is added: kode_kabupaten_kota, the Kemendagri
code of a kabupaten or kota (a foreign key to kode-wilayah-indonesia/kabupaten_kota), empty on the row of
the province's own total (kode 35), which is no kabupaten/kota. Deterministic (no randomness, no clock):
``python datasets/pdrb-adhb-jatim-bps/prepare.py`` rewrites the same bytes; tests/test_real_datasets.py
checks that.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "source" / "pdrb_adhb_kabkota_jatim_2022_2023.csv"
TARGET = HERE / "data" / "pdrb_adhb_kabkota_jatim.csv"
PROVINCE = "35"


def prepare(source: Path = SOURCE) -> str:
    with open(source, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    out = io.StringIO()
    fields = ["kode_wilayah_kemendagri", "kode_kabupaten_kota"] + list(rows[0])[1:]
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        code = row["kode_wilayah_kemendagri"]
        writer.writerow({**row, "kode_kabupaten_kota": "" if code == PROVINCE else code})
    return out.getvalue()


if __name__ == "__main__":
    text = prepare()
    TARGET.write_text(text, encoding="utf-8")
    print(f"{TARGET.relative_to(HERE)}: {text.count(chr(10)) - 1} baris", file=sys.stderr)
