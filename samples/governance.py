"""Governance: a log of citizen complaints (sampel-pengaduan-layanan)."""

from __future__ import annotations

import random
from datetime import date

from .common import OPD_LIST, csv_bytes, days, field, kelurahan_fk, kode_kelurahan_field, package, query, resource
from .places import Kelurahan

SCRIPT = "samples/governance.py"


def pengaduan(seed: int, kelurahan: list[str], places: Kelurahan):
    """The package descriptor and its CSV files (resource name -> bytes)."""
    rng = random.Random(seed)
    categories = [  # (kategori, weight, OPD choices)
        ("infrastruktur", 26, ["dpuprpkp"]),
        ("transportasi", 22, ["dishub"]),
        ("ketertiban", 12, ["satpolpp"]),
        ("administrasi kependudukan", 10, ["dispendukcapil"]),
        ("kebersihan", 10, ["dlh"]),
        ("kesehatan", 6, ["dinkes"]),
        ("pendidikan", 5, ["dikbud"]),
        ("layanan digital", 4, ["diskominfo"]),
        ("perdagangan", 3, ["diskopindag"]),
        ("lainnya", 2, ["diskominfo", "bappeda"]),
    ]
    weights = [c[1] for c in categories]
    every_day = days(date(2024, 1, 1), date(2025, 12, 31))
    n = 5000
    dates = sorted(rng.choice(every_day) for _ in range(n))
    rows = []
    for i, tanggal in enumerate(dates, start=1):
        kategori, _, opds = rng.choices(categories, weights=weights)[0]
        kanal = rng.choices(["web", "sms", "aplikasi"], weights=[30, 25, 45])[0]
        age = (date(2025, 12, 31) - tanggal).days
        p_open = 0.6 if age < 14 else (0.15 if age < 60 else 0.02)
        r = rng.random()
        if r < p_open:
            status, hari = "diproses", None
        elif r < p_open + 0.07:
            status, hari = "ditolak", rng.randint(0, 5)
        else:
            status, hari = "selesai", min(age, max(0, int(rng.expovariate(1 / 6.0))))
        rows.append([f"ADU-{i:05d}", tanggal.isoformat(), rng.choice(kelurahan), kategori, rng.choice(opds),
                     kanal, status, hari])
    fields = [
        field("id", "string", "ID pengaduan", "Pengenal pengaduan sintetis.", concept="pengenal pengaduan",
              required=True, unique=True, pattern="^ADU-[0-9]{5}$"),
        field("tanggal", "date", "Tanggal", "Tanggal pengaduan masuk.", concept="tanggal pengaduan", required=True,
              minimum="2024-01-01", maximum="2025-12-31"),
        kode_kelurahan_field(),
        field("kategori", "string", "Kategori", "Kategori masalah yang diadukan.", concept="kategori pengaduan",
              classification="Kategori pengaduan (contoh)", required=True, enum=[c[0] for c in categories]),
        field("opd_tujuan", "string", "OPD tujuan", "Perangkat daerah yang ditugasi menangani pengaduan "
              "(id penerbit dari metadata/publishers.yaml).", concept="perangkat daerah penanggung jawab",
              classification=OPD_LIST, required=True, enum=sorted({o for c in categories for o in c[2]})),
        field("kanal", "string", "Kanal", "Kanal masuknya pengaduan.", concept="kanal pengaduan",
              classification="Kanal pengaduan (contoh)", required=True, enum=["web", "sms", "aplikasi"]),
        field("status", "string", "Status", "Status tindak lanjut pada akhir periode data.",
              concept="status tindak lanjut pengaduan", classification="Status tindak lanjut (contoh)", required=True,
              enum=["selesai", "diproses", "ditolak"]),
        field("hari_penyelesaian", "integer", "Hari penyelesaian", "Jumlah hari dari pengaduan masuk sampai "
              "diselesaikan atau ditolak; kosong bila masih diproses.", unit="hari",
              concept="lama penyelesaian pengaduan", minimum=0),
    ]
    name = "sampel_pengaduan_layanan"
    res = resource(name, "Pengaduan layanan publik",
                   "Satu baris per pengaduan warga, bergaya aplikasi pengaduan SAMBAT Online.",
                   fields, ["id"], [kelurahan_fk()])
    header = [f["name"] for f in fields]
    pkg = package(
        seed, "sampel-pengaduan-layanan", "Pengaduan Layanan Publik 2024-2025", "Public Service Complaints 2024-2025",
        "Contoh log pengaduan warga bergaya SAMBAT Online (Sistem Aplikasi Masyarakat Bertanya Terpadu): tanggal, "
        "kelurahan, kategori, OPD tujuan, kanal, status, dan lama penyelesaian.",
        "Example log of citizen complaints in the style of SAMBAT Online: date, kelurahan, category, handling agency, "
        "channel, status and days to resolution.",
        "diskominfo", "governance", "daily",
        ["pengaduan", "sambat", "layanan publik", "aduan warga"],
        {"start": "2024-01-01", "end": "2025-12-31"}, [res],
        script=SCRIPT, author="diskominfo",
        sdi={
            "konsep": "Pengaduan warga tentang layanan publik yang masuk melalui kanal pengaduan pemerintah kota, "
                      "beserta tindak lanjutnya.",
            "definisi": "Satu record adalah satu pengaduan warga dengan tanggal masuk, kelurahan, kategori, OPD tujuan, "
                        "kanal, status tindak lanjut, dan lama penyelesaian.",
            "satuan": "pengaduan",
            "ukuran": "daftar",
            "metodologi": "Tanggal, kelurahan, kategori, kanal, status, dan lama penyelesaian diundi dengan bobot "
                          "rekaan; hanya kode kelurahan yang nyata (dari dataset kode-wilayah-indonesia).",
        },
        queries=[
            query("pengaduan_per_kecamatan", "Jumlah pengaduan per kecamatan",
                  "Menggabungkan log pengaduan dengan tabel kelurahan rujukan lewat kode kelurahan.",
                  """select k.nama_kecamatan, count(*) as jumlah_pengaduan
                      from sampel_pengaduan_layanan p join kota_malang_kelurahan k on k.kode = p.kode_kelurahan
                      group by k.nama_kecamatan order by jumlah_pengaduan desc"""),
            query("pengaduan_bulanan_per_status", "Pengaduan per bulan menurut status tindak lanjut",
                  "Menghitung pengaduan yang masuk setiap bulan, dipisah menurut status selesai, diproses, dan "
                  "ditolak.",
                  """select substr(tanggal, 1, 7) as bulan, count(*) as jumlah_pengaduan,
                      sum(status = 'selesai') as selesai, sum(status = 'diproses') as diproses,
                      sum(status = 'ditolak') as ditolak
                      from sampel_pengaduan_layanan group by bulan order by bulan"""),
            query("penyelesaian_pengaduan_per_opd", "Kinerja penyelesaian pengaduan per OPD tujuan",
                  "Membandingkan jumlah pengaduan, persentase yang selesai, dan rata-rata hari penyelesaian "
                  "antar perangkat daerah tujuan.",
                  """select opd_tujuan as opd, count(*) as jumlah_pengaduan,
                      round(100.0 * sum(status = 'selesai') / count(*), 1) as persen_selesai,
                      round(avg(case when status = 'selesai' then hari_penyelesaian end), 1) as rata2_hari_selesai
                      from sampel_pengaduan_layanan group by opd_tujuan order by jumlah_pengaduan desc"""),
        ])
    return pkg, {name: csv_bytes(header, rows)}
