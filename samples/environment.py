"""Environment: air-quality stations and daily readings (sampel-kualitas-udara); each station lies inside
the kelurahan it names."""

from __future__ import annotations

import random
from datetime import date

from .common import csv_bytes, days, field, kelurahan_fk, kode_kelurahan_field, package, query, resource
from .places import Kelurahan, lat_lon_fields

SCRIPT = "samples/environment.py"


def udara(seed: int, kelurahan: list[str], places: Kelurahan):
    """The package descriptor and its CSV files (resource name -> bytes)."""
    rng = random.Random(seed)
    stations = []
    for letter in "ABCDEF":
        kode = rng.choice(kelurahan)
        lat, lon = places.point(rng, kode)
        stations.append([f"ST-{letter}", f"Stasiun contoh {letter}", kode, lat, lon,
                         rng.uniform(0.8, 1.3)])
    readings = []
    for sid, _, _, _, _, factor in stations:
        pm25 = 25.0 * factor
        for d in days(date(2024, 1, 1), date(2025, 6, 30)):
            dry = 1.25 if d.month in (6, 7, 8, 9, 10) else 0.85   # illustrative dry/wet season pattern
            pm25 = max(3.0, 0.7 * pm25 + 0.3 * 25.0 * factor * dry + rng.gauss(0, 5))
            pm10 = pm25 * rng.uniform(1.4, 2.0)
            no2 = max(2.0, rng.gauss(22 * factor, 7) * (0.85 if d.weekday() >= 5 else 1.0))
            o3 = max(5.0, rng.gauss(55 * dry, 15))
            readings.append([sid, d.isoformat(), f"{pm25:.1f}", f"{pm10:.1f}", f"{no2:.1f}", f"{o3:.1f}"])
    st_fields = [
        field("stasiun_id", "string", "ID stasiun", "Pengenal stasiun contoh.", concept="pengenal stasiun pemantau",
              required=True, unique=True),
        field("nama", "string", "Nama stasiun", "Nama generik stasiun contoh; bukan stasiun pemantau nyata.",
              concept="nama stasiun pemantau", required=True),
        kode_kelurahan_field(),
        *lat_lon_fields(places),
    ]

    def conc(name, title, what):
        return field(name, "number", title, f"Konsentrasi rata-rata harian {what}.", unit="µg/m³",
                     concept=f"konsentrasi {title} di udara ambien", required=True, minimum=0)

    rd_fields = [
        field("stasiun_id", "string", "ID stasiun", "Stasiun pengukur, merujuk ke sampel_stasiun_udara.stasiun_id.",
              concept="pengenal stasiun pemantau", required=True),
        field("tanggal", "date", "Tanggal", "Tanggal pengukuran.", concept="tanggal pengukuran", required=True,
              minimum="2024-01-01", maximum="2025-06-30"),
        conc("pm25", "PM2.5", "partikulat berdiameter ≤ 2,5 µm"),
        conc("pm10", "PM10", "partikulat berdiameter ≤ 10 µm"),
        conc("no2", "NO₂", "nitrogen dioksida"),
        conc("o3", "O₃", "ozon"),
    ]
    r1 = resource("sampel_stasiun_udara", "Stasiun pemantau kualitas udara contoh",
                  "Enam stasiun generik dengan kelurahan acak dan koordinat acak di dalam batas kelurahannya.",
                  st_fields, ["stasiun_id"], [kelurahan_fk()])
    r2 = resource("sampel_pembacaan_udara", "Pembacaan kualitas udara harian",
                  "Rata-rata harian PM2.5, PM10, NO₂, dan O₃ per stasiun, 1 Januari 2024 sampai 30 Juni 2025.",
                  rd_fields, ["stasiun_id", "tanggal"],
                  [{"fields": ["stasiun_id"],
                     "reference": {"resource": "sampel_stasiun_udara", "fields": ["stasiun_id"]}}])
    # Concentrations are averaged, never summed: the chart is declared, not guessed.
    r2["views"] = [
        {"title": "Rata-rata PM2.5 bulanan, semua stasiun (µg/m³)", "type": "line", "x": "tanggal", "y": "pm25",
         "aggregate": "avg"},
        {"title": "Rata-rata PM2.5 per stasiun (µg/m³)", "type": "bar", "x": "stasiun_id", "y": "pm25",
         "aggregate": "avg"},
    ]
    pkg = package(
        seed, "sampel-kualitas-udara", "Kualitas Udara Harian 2024-2025", "Daily Air Quality 2024-2025",
        "Contoh pembacaan harian kualitas udara (PM2.5, PM10, NO₂, O₃ dalam µg/m³) dari enam stasiun generik.",
        "Example daily air-quality readings (PM2.5, PM10, NO₂, O₃ in µg/m³) from six generic stations.",
        "dlh", "environment", "daily",
        ["kualitas udara", "polusi udara", "pm2.5", "pm10", "lingkungan"],
        {"start": "2024-01-01", "end": "2025-06-30"}, [r1, r2],
        script=SCRIPT, points=True, author="dlh",
        sdi={
            "konsep": "Kualitas udara ambien yang diukur oleh stasiun pemantau.",
            "definisi": "Konsentrasi rata-rata harian PM2.5, PM10, NO₂, dan O₃ di satu stasiun pemantau pada satu hari.",
            "satuan": "µg/m³",
            "ukuran": "nilai rata-rata harian",
            "metodologi": "Stasiun generik diberi kelurahan acak dan titik acak di dalam batas kelurahan itu; "
                          "konsentrasi harian dibangkitkan dari proses acak dengan pola musim kemarau dan akhir pekan "
                          "rekaan, bukan hasil pengukuran. Yang nyata hanya kode kelurahan (dari dataset "
                          "kode-wilayah-indonesia) dan batas kelurahan (metadata/wilayah.geojson).",
        },
        queries=[
            query("kualitas_udara_bulanan", "Rata-rata PM2.5 dan PM10 bulanan, semua stasiun",
                  "Menghitung rata-rata dan maksimum konsentrasi harian PM2.5 serta rata-rata PM10 per bulan "
                  "dari semua stasiun.",
                  """select substr(tanggal, 1, 7) as bulan, round(avg(pm25), 1) as rata2_pm25,
                      max(pm25) as pm25_harian_tertinggi, round(avg(pm10), 1) as rata2_pm10
                      from sampel_pembacaan_udara group by bulan order by bulan"""),
            query("hari_melebihi_baku_mutu_per_stasiun", "Hari melebihi baku mutu udara ambien per stasiun",
                  "Menggabungkan pembacaan harian dengan stasiun dan tabel kelurahan rujukan lewat kode kelurahan "
                  "untuk menghitung hari dengan PM2.5 di atas 55 µg/m³ atau PM10 di atas 75 µg/m³ (baku mutu "
                  "24 jam PP 22/2021).",
                  """select s.stasiun_id, s.nama as stasiun, k.nama as kelurahan, k.nama_kecamatan,
                      count(*) as jumlah_hari, sum(r.pm25 > 55) as hari_pm25_di_atas_55,
                      sum(r.pm10 > 75) as hari_pm10_di_atas_75, round(avg(r.pm25), 1) as rata2_pm25
                      from sampel_pembacaan_udara r
                      join sampel_stasiun_udara s on s.stasiun_id = r.stasiun_id
                      join kota_malang_kelurahan k on k.kode = s.kode_kelurahan
                      group by s.stasiun_id, s.nama, k.nama, k.nama_kecamatan order by hari_pm10_di_atas_75 desc"""),
            query("no2_hari_kerja_dan_akhir_pekan", "NO₂ pada hari kerja dan akhir pekan per stasiun",
                  "Membandingkan rata-rata konsentrasi NO₂ pada hari kerja dan pada akhir pekan (Sabtu dan "
                  "Minggu) di setiap stasiun.",
                  """select stasiun_id,
                      round(avg(case when strftime('%w', tanggal) in ('0', '6') then null else no2 end), 1)
                          as rata2_no2_hari_kerja,
                      round(avg(case when strftime('%w', tanggal) in ('0', '6') then no2 end), 1)
                          as rata2_no2_akhir_pekan
                      from sampel_pembacaan_udara group by stasiun_id order by stasiun_id"""),
        ])
    files = {
        "sampel_stasiun_udara": csv_bytes([f["name"] for f in st_fields], [s[:5] for s in stations]),
        "sampel_pembacaan_udara": csv_bytes([f["name"] for f in rd_fields], readings),
    }
    return pkg, files
