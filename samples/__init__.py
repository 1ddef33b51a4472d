"""Seeded generator of the synthetic sample datasets ("Data sampel sintetis") in datasets/sampel-*.

Kota Malang has no public record-level source for service complaints, tourist visits per destination,
budget lines, facility counts per kelurahan, air-quality readings or Wi-Fi hotspots. To show what such
datasets look like on the portal, this package generates one sample package per smart city dimension
(governance.py, branding.py, economy.py, living.py, environment.py, society.py). Every number in them is
invented by a pseudo-random generator: they are NOT facts about Malang.

Only real reference data is read: the kelurahan codes (from the bundled package
``kode-wilayah-indonesia``), so that the samples point to the reference keys, and the kelurahan
boundaries (``metadata/wilayah.geojson``), so that every invented point lies inside the kelurahan its row
names (places.py).

The output is byte-for-byte deterministic for a given seed: each dataset uses its own
``random.Random(seed)``, dates are computed from fixed constants, and nothing depends on the clock, on set
order or on ``hash()``. It lives outside the ``portal`` package: the portal never runs it, and the
publish pipeline only sees the packages it writes. ``python -m samples`` (re)writes them; see __main__.py.
"""

from __future__ import annotations

import json
from pathlib import Path

from .branding import wisata
from .common import SEED, read_kelurahan
from .economy import anggaran
from .environment import udara
from .governance import pengaduan
from .living import fasilitas
from .places import Kelurahan
from .society import wifi

ROOT = Path(__file__).resolve().parent.parent
WILAYAH = ROOT / "metadata" / "wilayah.geojson"
GENERATORS = [pengaduan, wisata, anggaran, fasilitas, udara, wifi]

__all__ = ["GENERATORS", "SEED", "WILAYAH", "generate_samples"]


def generate_samples(datasets_dir: Path, seed: int = SEED, wilayah: Path = WILAYAH) -> list[Path]:
    """(Re)write the six synthetic sample packages under ``datasets_dir``; return the written files."""
    datasets_dir = Path(datasets_dir)
    kelurahan = read_kelurahan(datasets_dir)
    places = Kelurahan.load(wilayah)
    written: list[Path] = []
    for generate in GENERATORS:
        descriptor, files = generate(seed, kelurahan, places)
        pkg_dir = datasets_dir / descriptor["name"]
        data_dir = pkg_dir / "data"
        data_dir.mkdir(parents=True, exist_ok=True)
        expected = {f"{name}.csv" for name in files}
        for stale in sorted(data_dir.glob("*.csv")):
            if stale.name not in expected:
                stale.unlink()
        for name, content in files.items():
            path = data_dir / f"{name}.csv"
            path.write_bytes(content)
            written.append(path)
        path = pkg_dir / "datapackage.json"
        path.write_bytes((json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
        written.append(path)
    return written
