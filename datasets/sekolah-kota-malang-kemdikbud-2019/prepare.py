"""Prepare data/sekolah_kota_malang_2019.csv from the tidy file in source/ (see PROVENANCE.md).

Each school's kelurahan is derived from its coordinates: the kelurahan polygon of metadata/wilayah.geojson
(the portal's own outlines) that covers the point, found with shapely. Polygons are tried in order of
their kode, so a point exactly on a shared border always gets the same (lowest) kode. A school without
coordinates, or whose point lies in no kelurahan, gets an empty kode_kelurahan: never a guess. A point in
no kelurahan is outside the city (the one in the source is in South Sumatra): its coordinates are moved
from lintang/bujur to the catatan column, so maps do not draw it and the source value stays readable. The
source's own spatial columns (computed the same way by the researcher) are left out and only compared.

Deterministic (no randomness, no clock): ``python datasets/sekolah-kota-malang-kemdikbud-2019/prepare.py``
rewrites the same bytes; tests/test_real_datasets.py checks that.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

from shapely.geometry import Point, shape
from shapely.prepared import prep

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "source" / "sekolah_kota_malang_2019.csv"
OUTLINES = HERE.parent.parent / "metadata" / "wilayah.geojson"
TARGET = HERE / "data" / "sekolah_kota_malang_2019.csv"

KEPT = ["npsn", "nama_sekolah", "bentuk", "status", "alamat_jalan", "kecamatan", "kode_kecamatan_kemdikbud"]


def kelurahan_outlines(path: Path = OUTLINES) -> list[tuple[str, object]]:
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    found = [(f["properties"]["kode"], prep(shape(f["geometry"]))) for f in features
             if f["properties"].get("level") == "kelurahan"]
    return sorted(found, key=lambda item: item[0])


def kelurahan_of(latitude: str, longitude: str, outlines) -> str:
    if not latitude or not longitude:
        return ""
    point = Point(float(longitude), float(latitude))
    return next((kode for kode, polygon in outlines if polygon.covers(point)), "")


def prepare(source: Path = SOURCE, outlines_path: Path = OUTLINES) -> tuple[str, dict]:
    """The published CSV's text, and counts for the methodology (matched, empty, other kecamatan…)."""
    outlines = kelurahan_outlines(outlines_path)
    with open(source, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    out = io.StringIO()
    fields = KEPT + ["kode_kecamatan", "lintang", "bujur", "kode_kelurahan", "titik_di_kecamatan_lain", "catatan"]
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    counts = {"rows": 0, "matched": 0, "no_coordinates": 0, "outside": 0, "other_kecamatan": 0,
              "differs_from_source": 0}
    for row in rows:
        kode = kelurahan_of(row["lintang"], row["bujur"], outlines)
        kecamatan = row["kode_kecamatan_kemendagri"]
        other = "" if not kode else ("true" if kode.rsplit(".", 1)[0] != kecamatan else "false")
        latitude, longitude, note = row["lintang"], row["bujur"], ""
        if not (latitude and longitude):
            note = "sumber tanpa koordinat"
        elif not kode:
            note = f"koordinat sumber ({latitude}, {longitude}) di luar Kota Malang; dikosongkan"
            latitude = longitude = ""
        writer.writerow({**{k: row[k] for k in KEPT}, "kode_kecamatan": kecamatan, "lintang": latitude,
                         "bujur": longitude, "kode_kelurahan": kode, "titik_di_kecamatan_lain": other,
                         "catatan": note})
        counts["rows"] += 1
        counts["matched"] += bool(kode)
        counts["no_coordinates"] += not (row["lintang"] and row["bujur"])
        counts["outside"] += bool(row["lintang"] and row["bujur"] and not kode)
        counts["other_kecamatan"] += other == "true"
        counts["differs_from_source"] += kode != row["kode_kelurahan_kemendagri_spasial"]
    return out.getvalue(), counts


if __name__ == "__main__":
    text, counts = prepare()
    TARGET.write_text(text, encoding="utf-8")
    print(f"{TARGET.relative_to(HERE)}: {counts}", file=sys.stderr)
