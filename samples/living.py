"""Living: education and health facilities per kelurahan (sampel-fasilitas-layanan-dasar)."""

from __future__ import annotations

import random

from .common import csv_bytes, field, kelurahan_fk, kode_kelurahan_field, package, query, resource
from .places import Kelurahan

SCRIPT = "samples/living.py"


def fasilitas(seed: int, kelurahan: list[str], places: Kelurahan):
    """The package descriptor and its CSV files (resource name -> bytes)."""
    rng = random.Random(seed)
    types = [  # (jenis, mean count per kelurahan)
        ("TK/PAUD", 6.0), ("SD/MI", 4.0), ("SMP/MTs", 1.5), ("SMA/SMK/MA", 1.0),
        ("puskesmas", 0.3), ("puskesmas pembantu", 0.6), ("posyandu", 9.0), ("klinik pratama", 1.5),
    ]
    rows = []
    for kode in kelurahan:
        for jenis, mean in types:
            count = max(0, int(round(rng.gauss(mean, max(0.5, mean * 0.4)))))
            for tahun in range(2021, 2026):
                if tahun > 2021:
                    count = max(0, count + rng.choices([-1, 0, 0, 0, 0, 0, 0, 1, 1], k=1)[0])
                rows.append([kode, tahun, jenis, count])
    fields = [
        kode_kelurahan_field(),
        field("tahun", "year", "Tahun", "Tahun pendataan.", concept="tahun pendataan", required=True,
              minimum=2021, maximum=2025),
        field("jenis_fasilitas", "string", "Jenis fasilitas", "Jenis fasilitas pendidikan atau kesehatan.",
              concept="jenis fasilitas layanan dasar",
              classification="Jenis fasilitas pendidikan dan kesehatan (contoh)", required=True,
              enum=[t[0] for t in types]),
        field("jumlah", "integer", "Jumlah", "Jumlah fasilitas jenis itu di kelurahan pada tahun itu.",
              unit="unit", concept="jumlah fasilitas", required=True, minimum=0),
    ]
    name = "sampel_fasilitas_layanan_dasar"
    res = resource(name, "Jumlah fasilitas pendidikan dan kesehatan per kelurahan",
                   "Satu baris per kelurahan, tahun, dan jenis fasilitas.",
                   fields, ["kode_kelurahan", "tahun", "jenis_fasilitas"], [kelurahan_fk()])
    pkg = package(
        seed, "sampel-fasilitas-layanan-dasar", "Fasilitas Pendidikan dan Kesehatan per Kelurahan 2021-2025",
        "Education and Health Facilities per Kelurahan 2021-2025",
        "Contoh jumlah fasilitas layanan dasar (sekolah, PAUD, puskesmas, pustu, posyandu, klinik) per kelurahan "
        "per tahun.",
        "Example counts of basic service facilities (schools, pre-schools, community health centres, posyandu, "
        "clinics) per kelurahan per year.",
        "bappeda", "living", "annual",
        ["fasilitas", "sekolah", "kesehatan", "puskesmas", "posyandu", "layanan dasar"],
        {"start": "2021-01-01", "end": "2025-12-31"}, [res],
        script=SCRIPT, author="bappeda",
        sdi={
            "konsep": "Ketersediaan fasilitas layanan dasar pendidikan dan kesehatan per kelurahan.",
            "definisi": "Jumlah fasilitas satu jenis di satu kelurahan pada satu tahun pendataan.",
            "satuan": "unit",
            "ukuran": "jumlah",
            "metodologi": "Jumlah awal per kelurahan dan jenis diundi dari sebaran normal dengan rata-rata rekaan, "
                          "lalu berubah acak dari tahun ke tahun. Hanya kode kelurahan yang nyata (dari dataset "
                          "kode-wilayah-indonesia).",
        },
        queries=[
            query("fasilitas_per_kecamatan_2025", "Jumlah fasilitas per kecamatan dan jenis, 2025",
                  "Menggabungkan jumlah fasilitas dengan tabel kelurahan rujukan lewat kode kelurahan lalu "
                  "menjumlahkannya per kecamatan dan jenis fasilitas untuk tahun 2025.",
                  """select k.nama_kecamatan, f.jenis_fasilitas, sum(f.jumlah) as jumlah_fasilitas
                      from sampel_fasilitas_layanan_dasar f join kota_malang_kelurahan k on k.kode = f.kode_kelurahan
                      where f.tahun = 2025 group by k.nama_kecamatan, f.jenis_fasilitas
                      order by k.nama_kecamatan, f.jenis_fasilitas"""),
            query("fasilitas_kesehatan_per_penduduk", "Fasilitas kesehatan per 10.000 penduduk per kecamatan, 2025",
                  "Menggabungkan fasilitas kesehatan sampel tahun 2025 lewat kode kelurahan dan kode kecamatan "
                  "dengan jumlah penduduk nyata KDA 2023 untuk menghitung rasio per 10.000 penduduk.",
                  """select k.nama_kecamatan, sum(f.jumlah) as fasilitas_kesehatan, p.penduduk_kda2023,
                      round(10000.0 * sum(f.jumlah) / p.penduduk_kda2023, 2) as per_10000_penduduk
                      from sampel_fasilitas_layanan_dasar f
                      join kota_malang_kelurahan k on k.kode = f.kode_kelurahan
                      join kota_malang_penduduk_kecamatan p on p.kode = k.kode_kecamatan
                      where f.tahun = 2025
                      and f.jenis_fasilitas in ('puskesmas', 'puskesmas pembantu', 'posyandu', 'klinik pratama')
                      group by k.nama_kecamatan, p.penduduk_kda2023 order by per_10000_penduduk desc"""),
            query("tren_fasilitas_tahunan", "Tren jumlah fasilitas pendidikan dan kesehatan per tahun",
                  "Menjumlahkan fasilitas pendidikan dan fasilitas kesehatan di seluruh kota untuk setiap tahun "
                  "pendataan.",
                  """select tahun,
                      sum(case when jenis_fasilitas in ('TK/PAUD', 'SD/MI', 'SMP/MTs', 'SMA/SMK/MA')
                          then jumlah else 0 end) as fasilitas_pendidikan,
                      sum(case when jenis_fasilitas in ('puskesmas', 'puskesmas pembantu', 'posyandu',
                          'klinik pratama') then jumlah else 0 end) as fasilitas_kesehatan,
                      sum(jumlah) as total_fasilitas
                      from sampel_fasilitas_layanan_dasar group by tahun order by tahun"""),
        ])
    return pkg, {name: csv_bytes([f["name"] for f in fields], rows)}
