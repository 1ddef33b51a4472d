"""Rebuilds, from this package's GeoJSON files (verbatim copies of the compiler's data, see datapackage.json):
its CSV tables, one row per feature with the kecamatan/kota/provinsi above each area from its Kemendagri
code; and the portal's places reference metadata/wilayah.geojson (city, kecamatan, kelurahan), so the
outlines have one source. tests/test_boundaries.py checks both are what this script writes.
Run: python datasets/batas-wilayah-kota-malang/build_tables.py"""

import csv
import io
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
PLACES = HERE.parent.parent / "metadata" / "wilayah.geojson"
NAMES = {"35": "Jawa Timur", "35.73": "Kota Malang"}
COMMON = ["luas_km2_dihitung", "lintang_centroid", "bujur_centroid", "geometri_valid_di_sumber"]
TABLES = {  # CSV -> (GeoJSON, columns)
    "batas_kelurahan_kota_malang": ("kota_malang_kelurahan", ["kode", "nama", "kode_kecamatan", "nama_kecamatan"]),
    "batas_kecamatan_kota_malang": ("kota_malang_kecamatan", ["kode", "nama", "kode_kabupaten_kota",
                                                              "nama_kabupaten_kota"]),
    "batas_kota_malang": ("kota_malang_batas_kota", ["kode", "nama", "kode_provinsi", "nama_provinsi"]),
    "batas_kabupaten_kota_jawa_timur": ("jawa_timur_kabkota", ["kode", "nama", "jenis", "kode_provinsi",
                                                               "nama_provinsi"]),
}
COMMIT = "3c5a7960f4d227a38489094d84252bdbb3f978a5"
PLACES_SOURCE = (f"cahyadsn/wilayah_boundaries (https://github.com/cahyadsn/wilayah_boundaries), commit {COMMIT}, "
                 "db/kab/wilayah_boundaries_kab_35.sql, db/kec/wilayah_boundaries_kec_35.sql, "
                 "db/kel/35/wilayah_boundaries_kel_35.73.sql (city, 5 kecamatan, 57 kelurahan); simplified polygons; "
                 "origin of the geometry not stated by the compiler")
PLACES_LICENSE = "MIT, Copyright (c) 2024 Cahya DSN (LICENSE-wilayah-boundaries-cahyadsn.txt)"


def features(name: str) -> list[dict]:
    return json.loads((HERE / "data" / f"{name}.geojson").read_text("utf-8"))["features"]


def table_text(table: str) -> str:
    geojson, columns = TABLES[table]
    kecamatan = {f["properties"]["kode"]: f["properties"]["nama"] for f in features("kota_malang_kecamatan")}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns + COMMON)
    for feature in features(geojson):
        p = feature["properties"]
        parent = p["kode"].rsplit(".", 1)[0]
        values = {"kode_kecamatan": parent, "nama_kecamatan": kecamatan.get(parent, ""),
                  "kode_kabupaten_kota": parent, "nama_kabupaten_kota": NAMES.get(parent, ""),
                  "kode_provinsi": parent, "nama_provinsi": NAMES.get(parent, ""),
                  # Kemendagri numbering: KK 01-69 kabupaten, 71-99 kota
                  "jenis": "kota" if int(p["kode"].split(".")[1]) >= 71 else "kabupaten",
                  "kode": p["kode"], "nama": p["nama"], "luas_km2_dihitung": p["area_km2"],
                  "lintang_centroid": p["lat"], "bujur_centroid": p["lng"],
                  "geometri_valid_di_sumber": str(p["geom_valid_in_source"]).lower()}
        writer.writerow([values[c] for c in columns + COMMON])
    return out.getvalue()


def places_text() -> str:
    """metadata/wilayah.geojson: the city, its kecamatan and kelurahan (portal/publish/places.py reads it)."""
    found = [{"type": "Feature",
              "properties": {k: v for k, v in f["properties"].items() if k != "geom_valid_in_source"},
              "geometry": f["geometry"]}
             for name in ("kota_malang_batas_kota", "kota_malang_kecamatan", "kota_malang_kelurahan")
             for f in features(name)]
    places = {"type": "FeatureCollection", "name": "wilayah", "source": PLACES_SOURCE, "license": PLACES_LICENSE,
              "features": found}
    return json.dumps(places, separators=(",", ":"), ensure_ascii=False) + "\n"


def main() -> None:
    for table in TABLES:
        (HERE / "data" / f"{table}.csv").write_text(table_text(table), encoding="utf-8")
    if HERE.parent.name == "datasets" and PLACES.parent.is_dir():  # in the portal's repository, not a download
        PLACES.write_text(places_text(), encoding="utf-8")


if __name__ == "__main__":
    main()
