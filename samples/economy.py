"""Economy: smart city budget lines (sampel-anggaran-smart-city)."""

from __future__ import annotations

import random

from .common import OPD_LIST, csv_bytes, field, package, query, resource
from .places import Kelurahan

SCRIPT = "samples/economy.py"


def anggaran(seed: int, kelurahan: list[str], places: Kelurahan):
    """The package descriptor and its CSV files (resource name -> bytes)."""
    rng = random.Random(seed)
    opd_by_dim = {
        "governance": ["diskominfo", "bappeda", "bkad", "dispendukcapil"],
        "branding": ["disporapar", "dpuprpkp", "diskopindag"],
        "economy": ["diskopindag", "bkad", "bappeda"],
        "living": ["dinkes", "dishub", "dpuprpkp"],
        "environment": ["dlh", "dpuprpkp"],
        "society": ["dikbud", "satpolpp", "diskominfo"],
    }
    dims = list(opd_by_dim)
    rows = []
    n = 0
    for tahun in range(2021, 2026):
        for _ in range(500):
            n += 1
            dim = rng.choice(dims)
            opd = rng.choice(opd_by_dim[dim])
            p = rng.randint(1, 12)
            k = rng.randint(1, 30)
            pagu = int(rng.lognormvariate(19.3, 1.0)) // 1000 * 1000 + 10_000_000
            realisasi = int(pagu * min(1.0, rng.betavariate(8, 1.3))) // 1000 * 1000
            rows.append([f"ANG-{tahun}-{n:05d}", tahun, opd, dim,
                         f"Program contoh {p:02d} ({dim})", f"Kegiatan contoh {p:02d}.{k:02d}",
                         pagu, min(realisasi, pagu)])
    fields = [
        field("id", "string", "ID baris anggaran", "Pengenal baris anggaran sintetis.", concept="pengenal baris anggaran",
              required=True, unique=True),
        field("tahun", "year", "Tahun anggaran", "Tahun anggaran.", concept="tahun anggaran", required=True,
              minimum=2021, maximum=2025),
        field("opd", "string", "OPD", "Perangkat daerah pelaksana (id penerbit dari metadata/publishers.yaml).",
              concept="perangkat daerah pelaksana", classification=OPD_LIST, required=True,
              enum=sorted({o for v in opd_by_dim.values() for o in v})),
        field("dimensi", "string", "Dimensi smart city", "Dimensi smart city (id tema dari metadata/themes.yaml).",
              concept="dimensi smart city", classification="Dimensi smart city portal (id di metadata/themes.yaml)",
              required=True, enum=dims),
        field("program", "string", "Program", "Nama program generik.", concept="program anggaran", required=True),
        field("kegiatan", "string", "Kegiatan", "Nama kegiatan generik.", concept="kegiatan anggaran", required=True),
        field("pagu", "integer", "Pagu", "Pagu anggaran kegiatan.", unit="rupiah", concept="pagu anggaran",
              required=True, minimum=0),
        field("realisasi", "integer", "Realisasi", "Realisasi belanja kegiatan; tidak melebihi pagu.",
              unit="rupiah", concept="realisasi belanja", required=True, minimum=0),
    ]
    name = "sampel_anggaran_smart_city"
    res = resource(name, "Baris anggaran kegiatan smart city",
                   "Satu baris per kegiatan per tahun dengan pagu dan realisasi.", fields, ["id"])
    pkg = package(
        seed, "sampel-anggaran-smart-city", "Anggaran Kegiatan Smart City 2021-2025",
        "Smart City Activity Budget 2021-2025",
        "Contoh baris anggaran kegiatan smart city per tahun, OPD, dan dimensi: program, kegiatan, pagu, dan "
        "realisasi dalam rupiah. Nama program dan kegiatan generik.",
        "Example smart city budget lines per year, agency and dimension: programme, activity, allocation and "
        "spending in rupiah. Programme and activity names are generic.",
        "bkad", "economy", "annual",
        ["anggaran", "apbd", "pagu", "realisasi", "keuangan daerah"],
        {"start": "2021-01-01", "end": "2025-12-31"}, [res],
        script=SCRIPT, author="bkad",
        sdi={
            "konsep": "Anggaran belanja kegiatan perangkat daerah yang dikelompokkan menurut dimensi smart city.",
            "definisi": "Pagu dan realisasi belanja satu kegiatan dalam satu tahun anggaran, dengan OPD pelaksana dan "
                        "dimensi smart city.",
            "satuan": "rupiah",
            "ukuran": "jumlah",
            "metodologi": "OPD, dimensi, nama program dan kegiatan generik, pagu, dan rasio realisasi diundi; tidak ada "
                          "angka dari APBD Kota Malang yang sebenarnya.",
        },
        queries=[
            query("serapan_anggaran_per_tahun", "Pagu, realisasi, dan serapan anggaran smart city per tahun",
                  "Menjumlahkan pagu dan realisasi semua kegiatan per tahun anggaran dan menghitung persentase "
                  "serapannya.",
                  """select tahun, count(*) as jumlah_kegiatan, sum(pagu) as total_pagu,
                      sum(realisasi) as total_realisasi,
                      round(100.0 * sum(realisasi) / sum(pagu), 1) as persen_serapan
                      from sampel_anggaran_smart_city group by tahun order by tahun"""),
            query("serapan_anggaran_per_dimensi", "Serapan anggaran per dimensi smart city",
                  "Membandingkan total pagu, realisasi, dan persentase serapan 2021-2025 antar dimensi smart city.",
                  """select dimensi, sum(pagu) as total_pagu, sum(realisasi) as total_realisasi,
                      round(100.0 * sum(realisasi) / sum(pagu), 1) as persen_serapan
                      from sampel_anggaran_smart_city group by dimensi order by total_pagu desc"""),
            query("anggaran_per_opd_tahun_terakhir", "Anggaran smart city per OPD pada tahun terakhir",
                  "Mengurutkan perangkat daerah menurut pagu kegiatan smart city pada tahun anggaran terakhir "
                  "dalam data, beserta realisasi dan serapannya.",
                  """select opd, count(*) as jumlah_kegiatan, sum(pagu) as total_pagu,
                      sum(realisasi) as total_realisasi,
                      round(100.0 * sum(realisasi) / sum(pagu), 1) as persen_serapan
                      from sampel_anggaran_smart_city
                      where tahun = (select max(tahun) from sampel_anggaran_smart_city)
                      group by opd order by total_pagu desc"""),
        ])
    return pkg, {name: csv_bytes([f["name"] for f in fields], rows)}
