"""Branding: tourist visits per destination and month (sampel-kunjungan-wisata)."""

from __future__ import annotations

import random

from .common import csv_bytes, field, kelurahan_fk, kode_kelurahan_field, months, package, query, resource
from .places import Kelurahan

SCRIPT = "samples/branding.py"


def wisata(seed: int, kelurahan: list[str], places: Kelurahan):
    """The package descriptor and its CSV files (resource name -> bytes)."""
    rng = random.Random(seed)
    jenis_list = ["wisata budaya", "wisata sejarah", "museum", "taman kota", "wisata kuliner", "wisata belanja",
                  "wisata buatan", "wisata religi"]
    dest_rows, dest_params = [], []
    for i in range(1, 41):
        did = f"D{i:02d}"
        dest_rows.append([did, f"Destinasi {i:02d} (contoh)", rng.choice(jenis_list), rng.choice(kelurahan)])
        base = rng.lognormvariate(8.3, 0.8)          # domestic visits per month in a normal month
        foreign_share = rng.uniform(0.002, 0.06)
        growth = rng.uniform(-0.03, 0.12)
        dest_params.append((did, base, foreign_share, growth))
    season = {1: 1.05, 2: 0.85, 3: 0.9, 4: 0.95, 5: 1.0, 6: 1.2, 7: 1.3, 8: 1.1, 9: 0.9, 10: 0.95, 11: 0.9, 12: 1.35}
    # illustrative recovery factor for the early months of the series (not measured)
    recovery = {2021: 0.45, 2022: 0.75, 2023: 0.95, 2024: 1.0, 2025: 1.0}
    visit_rows = []
    for did, base, share, growth in dest_params:
        for bulan in months(2021, 2025):
            level = base * season[bulan.month] * recovery[bulan.year] * (1 + growth) ** (bulan.year - 2021)
            dom = max(0, int(level * rng.uniform(0.8, 1.2)))
            intl = max(0, int(dom * share * rng.uniform(0.5, 1.5)))
            visit_rows.append([did, bulan.isoformat(), dom, intl])
    dest_fields = [
        field("destinasi_id", "string", "ID destinasi", "Pengenal destinasi contoh.", concept="pengenal destinasi",
              required=True, unique=True, pattern="^D[0-9]{2}$"),
        field("nama", "string", "Nama destinasi", "Nama generik destinasi contoh; bukan nama objek wisata nyata.",
              concept="nama destinasi wisata", required=True),
        field("jenis_destinasi", "string", "Jenis destinasi", "Jenis daya tarik wisata.",
              concept="jenis daya tarik wisata", classification="Jenis destinasi wisata (contoh)", required=True,
              enum=jenis_list),
        kode_kelurahan_field(),
    ]
    visit_fields = [
        field("destinasi_id", "string", "ID destinasi", "Destinasi yang dikunjungi, merujuk ke "
              "sampel_destinasi_wisata.destinasi_id.", concept="pengenal destinasi", required=True),
        field("bulan", "date", "Bulan", "Hari pertama bulan pencatatan.", concept="periode bulan pencatatan",
              required=True, minimum="2021-01-01", maximum="2025-12-01"),
        field("wisatawan_domestik", "integer", "Wisatawan domestik", "Jumlah kunjungan wisatawan nusantara dalam "
              "bulan itu.", unit="kunjungan", concept="jumlah kunjungan wisatawan nusantara", required=True,
              minimum=0),
        field("wisatawan_mancanegara", "integer", "Wisatawan mancanegara", "Jumlah kunjungan wisatawan "
              "mancanegara dalam bulan itu.", unit="kunjungan", concept="jumlah kunjungan wisatawan mancanegara",
              required=True, minimum=0),
    ]
    r1 = resource("sampel_destinasi_wisata", "Destinasi wisata contoh",
                  "40 destinasi generik dengan jenis dan kelurahan lokasi.",
                  dest_fields, ["destinasi_id"], [kelurahan_fk()])
    r2 = resource("sampel_kunjungan_wisata_bulanan", "Kunjungan wisata bulanan per destinasi",
                  "Jumlah kunjungan per destinasi per bulan, Januari 2021 sampai Desember 2025.",
                  visit_fields, ["destinasi_id", "bulan"],
                  [{"fields": ["destinasi_id"],
                     "reference": {"resource": "sampel_destinasi_wisata", "fields": ["destinasi_id"]}}])
    pkg = package(
        seed, "sampel-kunjungan-wisata", "Kunjungan Wisata Bulanan per Destinasi 2021-2025",
        "Monthly Tourist Visits per Destination 2021-2025",
        "Contoh data kunjungan wisatawan domestik dan mancanegara per bulan pada 40 destinasi generik "
        "('Destinasi 01 (contoh)' dan seterusnya; bukan objek wisata nyata).",
        "Example monthly domestic and foreign tourist visits to 40 generic destinations "
        "('Destinasi 01 (contoh)' and so on; not real attractions).",
        "disporapar", "branding", "monthly",
        ["pariwisata", "wisatawan", "kunjungan wisata", "destinasi"],
        {"start": "2021-01-01", "end": "2025-12-31"}, [r1, r2],
        script=SCRIPT, author="disporapar",
        sdi={
            "konsep": "Kunjungan wisatawan nusantara dan mancanegara ke destinasi wisata di kota.",
            "definisi": "Jumlah kunjungan wisatawan per destinasi per bulan, dipisah menurut wisatawan nusantara dan "
                        "mancanegara.",
            "satuan": "kunjungan",
            "ukuran": "jumlah",
            "metodologi": "Destinasi generik diberi jenis dan kelurahan acak; kunjungan bulanan dibentuk dari tingkat "
                          "dasar acak dengan pola musiman, faktor pemulihan, dan pertumbuhan yang semuanya rekaan. "
                          "Hanya kode kelurahan yang nyata (dari dataset kode-wilayah-indonesia).",
        },
        queries=[
            query("kunjungan_wisata_tahunan", "Jumlah kunjungan wisata per tahun",
                  "Menjumlahkan kunjungan wisatawan domestik dan mancanegara ke semua destinasi per tahun.",
                  """select substr(bulan, 1, 4) as tahun, sum(wisatawan_domestik) as wisatawan_domestik,
                      sum(wisatawan_mancanegara) as wisatawan_mancanegara,
                      sum(wisatawan_domestik + wisatawan_mancanegara) as total_kunjungan
                      from sampel_kunjungan_wisata_bulanan group by tahun order by tahun"""),
            query("kunjungan_wisata_per_kecamatan_2025", "Kunjungan wisata 2025 per kecamatan",
                  "Menggabungkan kunjungan bulanan dengan destinasi dan tabel kelurahan rujukan lewat kode "
                  "kelurahan untuk menjumlahkan kunjungan tahun 2025 per kecamatan.",
                  """select k.nama_kecamatan, count(distinct d.destinasi_id) as jumlah_destinasi,
                      sum(v.wisatawan_domestik) as wisatawan_domestik,
                      sum(v.wisatawan_mancanegara) as wisatawan_mancanegara
                      from sampel_kunjungan_wisata_bulanan v
                      join sampel_destinasi_wisata d on d.destinasi_id = v.destinasi_id
                      join kota_malang_kelurahan k on k.kode = d.kode_kelurahan
                      where v.bulan between '2025-01-01' and '2025-12-31'
                      group by k.nama_kecamatan order by wisatawan_domestik desc"""),
            query("kunjungan_wisata_per_jenis_destinasi", "Kunjungan wisata menurut jenis destinasi",
                  "Membandingkan jenis destinasi menurut jumlah destinasi, rata-rata kunjungan per destinasi per "
                  "bulan, dan porsi wisatawan mancanegara selama 2021-2025.",
                  """select d.jenis_destinasi, count(distinct d.destinasi_id) as jumlah_destinasi,
                      round(avg(v.wisatawan_domestik + v.wisatawan_mancanegara)) as rata2_kunjungan_per_bulan,
                      round(100.0 * sum(v.wisatawan_mancanegara)
                            / sum(v.wisatawan_domestik + v.wisatawan_mancanegara), 2) as persen_mancanegara
                      from sampel_kunjungan_wisata_bulanan v
                      join sampel_destinasi_wisata d on d.destinasi_id = v.destinasi_id
                      group by d.jenis_destinasi order by rata2_kunjungan_per_bulan desc"""),
        ])
    files = {
        "sampel_destinasi_wisata": csv_bytes([f["name"] for f in dest_fields], dest_rows),
        "sampel_kunjungan_wisata_bulanan": csv_bytes([f["name"] for f in visit_fields], visit_rows),
    }
    return pkg, files
