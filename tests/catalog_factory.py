"""Many small, valid data packages for search tests and the search benchmark."""

from __future__ import annotations

import json
import random
from pathlib import Path

THEMES = ["governance", "branding", "economy", "living", "environment", "society"]
WORDS = ["anggaran", "sekolah", "puskesmas", "sampah", "air", "jalan", "pasar", "wisata", "udara", "pengaduan",
         "taman", "parkir", "listrik", "banjir", "kesehatan", "pendidikan", "transportasi", "pajak", "umkm", "budaya"]


def make_packages(datasets_dir: Path, count: int, seed: int = 1, publishers=("diskominfo", "dlh")) -> list[str]:
    """``count`` packages named paket-0001…, each one small table, varied words, themes and years."""
    rng = random.Random(seed)
    names = []
    for n in range(1, count + 1):
        name = f"paket-{n:04d}"
        words = rng.sample(WORDS, 3)
        year = 2015 + n % 10
        folder = datasets_dir / name
        (folder / "data").mkdir(parents=True)
        (folder / "data" / "tabel.csv").write_text("id,nilai,kategori\n" + "".join(
            f"{i},{rng.randint(0, 999)},{rng.choice(words)}\n" for i in range(1, 6)))
        descriptor = {
            "name": name, "title": f"Data {words[0]} dan {words[1]} {year}",
            "description": f"Contoh {words[2]} untuk uji pencarian nomor {n}.",
            "publisher": publishers[n % len(publishers)], "author": publishers[n % len(publishers)],
            "maintainer": publishers[0], "themes": [THEMES[n % len(THEMES)]],
            "licenses": [{"name": "CC0-1.0"}], "sample": True, "accessRights": "terbuka",
            "accrualPeriodicity": "annual", "keywords": words, "temporal": {"start": f"{year}-01-01", "end": f"{year}-12-31"},
            "resources": [{"name": f"tabel_{n:04d}", "path": "data/tabel.csv", "schema": {
                "fields": [{"name": "id", "type": "integer"}, {"name": "nilai", "type": "integer"},
                           {"name": "kategori", "type": "string", "title": "Kategori"}],
                "primaryKey": ["id"]}}],
        }
        (folder / "datapackage.json").write_text(json.dumps(descriptor))
        names.append(name)
    return names
