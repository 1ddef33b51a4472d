"""Rebuilds the CSV tables of this package from its GeoJSON files (verbatim copies of the compiler's
data, see datapackage.json): one row per feature, codes and names as in the features' properties, the
kecamatan/kota/provinsi above each area from its Kemendagri code. Run: python build_tables.py"""

import csv
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
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


def features(name: str) -> list[dict]:
    return [f["properties"] for f in json.loads((HERE / "data" / f"{name}.geojson").read_text("utf-8"))["features"]]


def main() -> None:
    kecamatan = {p["kode"]: p["nama"] for p in features("kota_malang_kecamatan")}
    for table, (geojson, columns) in TABLES.items():
        with open(HERE / "data" / f"{table}.csv", "w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(columns + COMMON)
            for p in features(geojson):
                parent = p["kode"].rsplit(".", 1)[0]
                above = {"kode_kecamatan": parent, "nama_kecamatan": kecamatan.get(parent, ""),
                         "kode_kabupaten_kota": parent, "nama_kabupaten_kota": NAMES.get(parent, ""),
                         "kode_provinsi": parent, "nama_provinsi": NAMES.get(parent, ""),
                         # Kemendagri numbering: KK 01-69 kabupaten, 71-99 kota
                         "jenis": "kota" if int(p["kode"].split(".")[1]) >= 71 else "kabupaten"}
                values = {**above, "kode": p["kode"], "nama": p["nama"], "luas_km2_dihitung": p["area_km2"],
                          "lintang_centroid": p["lat"], "bujur_centroid": p["lng"],
                          "geometri_valid_di_sumber": str(p["geom_valid_in_source"]).lower()}
                writer.writerow([values[c] for c in columns + COMMON])


if __name__ == "__main__":
    main()
