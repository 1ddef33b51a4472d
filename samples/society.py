"""Society: public Wi-Fi hotspots (sampel-hotspot-wifi); each hotspot lies inside the kelurahan it names."""

from __future__ import annotations

import random

from .common import csv_bytes, field, kelurahan_fk, kode_kelurahan_field, package, query, resource
from .places import Kelurahan, lat_lon_fields

SCRIPT = "samples/society.py"


def wifi(seed: int, kelurahan: list[str], places: Kelurahan):
    """The package descriptor and its CSV files (resource name -> bytes)."""
    rng = random.Random(seed)
    jenis = [("balai RW", 70), ("kantor kelurahan", 6), ("puskesmas", 4), ("pasar", 5), ("taman", 6),
             ("sekolah", 5), ("kantor pemerintahan", 4)]
    rows = []
    for i in range(1, 2001):
        j = rng.choices([x[0] for x in jenis], weights=[x[1] for x in jenis])[0]
        kode = rng.choice(kelurahan)
        lat, lon = places.point(rng, kode)
        aktif = rng.random() < 0.8
        users = int(rng.lognormvariate(3.2, 0.7)) if aktif else 0
        rows.append([f"HS-{i:04d}", f"Hotspot contoh {i:04d}", j, kode, lat, lon,
                     "true" if aktif else "false", users])
    fields = [
        field("id", "string", "ID hotspot", "Pengenal hotspot contoh.", concept="pengenal hotspot", required=True,
              unique=True),
        field("nama", "string", "Nama hotspot", "Nama generik hotspot contoh.", concept="nama hotspot",
              required=True),
        field("jenis_lokasi", "string", "Jenis lokasi", "Jenis tempat hotspot dipasang.",
              concept="jenis lokasi hotspot", classification="Jenis lokasi hotspot (contoh)", required=True,
              enum=[x[0] for x in jenis]),
        kode_kelurahan_field(),
        *lat_lon_fields(places),
        field("aktif", "boolean", "Aktif", "Apakah hotspot aktif pada akhir periode data.",
              concept="status aktif hotspot", required=True),
        field("pengguna_harian_rata2", "integer", "Rata-rata pengguna harian", "Rata-rata jumlah perangkat "
              "pengguna per hari; 0 bila tidak aktif.", unit="pengguna/hari", concept="rata-rata pengguna harian",
              required=True, minimum=0),
    ]
    name = "sampel_hotspot_wifi"
    res = resource(name, "Hotspot Wi-Fi publik", "Satu baris per hotspot dengan lokasi, status, dan pemakaian.",
                   fields, ["id"], [kelurahan_fk()])
    pkg = package(
        seed, "sampel-hotspot-wifi", "Hotspot Wi-Fi Publik", "Public Wi-Fi Hotspots",
        "Contoh daftar hotspot Wi-Fi publik (balai RW, kantor kelurahan, puskesmas, pasar, taman, dan lain-lain) "
        "dengan kelurahan, koordinat acak di dalam batas kelurahan itu, status aktif, dan rata-rata pengguna "
        "harian. Jumlah dan lokasi hotspot tidak mencerminkan program Wi-Fi gratis Kota Malang yang sebenarnya.",
        "Example list of public Wi-Fi hotspots (RW halls, kelurahan offices, health centres, markets, parks, etc.) "
        "with kelurahan, random coordinates inside that kelurahan's boundary, active status and average daily users. "
        "The number and location of hotspots do not reflect Kota Malang's actual free Wi-Fi programme.",
        "diskominfo", "society", "irregular",
        ["wifi", "hotspot", "internet publik", "infrastruktur digital"],
        {"start": "2025-12-31", "end": "2025-12-31"}, [res],
        script=SCRIPT, points=True, author="diskominfo",
        sdi={
            "konsep": "Titik akses Wi-Fi publik yang disediakan pemerintah kota dan pemakaiannya.",
            "definisi": "Satu record adalah satu hotspot Wi-Fi publik dengan jenis lokasi, kelurahan, koordinat, "
                        "status aktif, dan rata-rata pengguna harian.",
            "satuan": "hotspot",
            "ukuran": "daftar",
            "metodologi": "Jenis lokasi, kelurahan, status aktif, dan jumlah pengguna diundi, dan titik koordinat "
                          "diundi di dalam batas kelurahan itu; jumlah dan letak hotspot tidak mencerminkan program "
                          "Wi-Fi Kota Malang. Yang nyata hanya kode kelurahan (dari dataset kode-wilayah-indonesia) "
                          "dan batas kelurahan (metadata/wilayah.geojson).",
        },
        queries=[
            query("hotspot_wifi_per_kelurahan", "Hotspot Wi-Fi per kelurahan",
                  "Menggabungkan daftar hotspot dengan tabel kelurahan rujukan lewat kode kelurahan untuk "
                  "menghitung hotspot, hotspot aktif, dan rata-rata pengguna harian per kelurahan.",
                  """select k.kode as kode_kelurahan, k.nama as kelurahan, k.nama_kecamatan,
                      count(h.id) as jumlah_hotspot, coalesce(sum(h.aktif), 0) as hotspot_aktif,
                      round(avg(case when h.aktif then h.pengguna_harian_rata2 end), 1)
                          as rata2_pengguna_harian_per_hotspot_aktif
                      from kota_malang_kelurahan k left join sampel_hotspot_wifi h on h.kode_kelurahan = k.kode
                      group by k.kode, k.nama, k.nama_kecamatan order by jumlah_hotspot desc, k.kode"""),
            query("hotspot_wifi_aktif_per_penduduk", "Hotspot Wi-Fi aktif per 10.000 penduduk per kecamatan",
                  "Menggabungkan hotspot aktif lewat kode kelurahan dan kode kecamatan dengan jumlah penduduk "
                  "nyata KDA 2023 untuk menghitung rasio per 10.000 penduduk.",
                  """select k.nama_kecamatan, count(*) as hotspot_aktif, p.penduduk_kda2023,
                      round(10000.0 * count(*) / p.penduduk_kda2023, 2) as per_10000_penduduk
                      from sampel_hotspot_wifi h
                      join kota_malang_kelurahan k on k.kode = h.kode_kelurahan
                      join kota_malang_penduduk_kecamatan p on p.kode = k.kode_kecamatan
                      where h.aktif group by k.nama_kecamatan, p.penduduk_kda2023
                      order by per_10000_penduduk desc"""),
            query("hotspot_wifi_per_jenis_lokasi", "Hotspot Wi-Fi menurut jenis lokasi",
                  "Menghitung jumlah hotspot, persentase yang aktif, dan total pengguna harian per jenis lokasi.",
                  """select jenis_lokasi, count(*) as jumlah_hotspot,
                      round(100.0 * sum(aktif) / count(*), 1) as persen_aktif,
                      sum(pengguna_harian_rata2) as total_pengguna_harian
                      from sampel_hotspot_wifi group by jenis_lokasi order by jumlah_hotspot desc"""),
        ])
    return pkg, {name: csv_bytes([f["name"] for f in fields], rows)}
