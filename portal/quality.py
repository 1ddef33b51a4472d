"""The quality score (0–100) of a dataset.

It depends on today's date (freshness, portal/freshness.py), so it is computed when a page asks,
from the catalog alone. The criteria list is the documentation: /about renders it. A synthetic
sample's score is capped below "Tinggi": it measures how well the package is made, and a sample's
numbers are no data about Malang however complete its metadata.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from .catalog import Catalog, DatasetInfo
from .freshness import update_schedule
from .profile import N_, RECOMMENDED


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    points: int
    explanation: str


CRITERIA = [
    Criterion("validation", N_("Lolos validasi"), 20,
              N_("Versi terbaru lolos semua pemeriksaan saat diterbitkan.")),
    Criterion("metadata", N_("Kelengkapan metadata SDI"), 20,
              N_("Bagian isian metadata anjuran (konsep, definisi, satuan, periode, dasar hukum, …) yang terisi.")),
    Criterion("columns", N_("Kolom terdokumentasi"), 15, N_("Bagian kolom yang punya judul dan definisi.")),
    Criterion("license", N_("Lisensi terbuka"), 10, N_("Semua lisensinya adalah lisensi data terbuka.")),
    Criterion("format", N_("Format terbuka"), 5, N_("Data tersedia sebagai CSV (UTF-8), dapat dibaca mesin.")),
    Criterion("primary_key", N_("Kunci primer"), 10, N_("Bagian tabel yang punya kunci primer.")),
    Criterion("reference_codes", N_("Memakai kode referensi"), 10,
              N_("Ada kolom yang memakai tabel kode referensi portal (misalnya kode wilayah).")),
    Criterion("freshness", N_("Mutakhir"), 10,
              N_("Periode data diketahui dan belum melewati jadwal pembaruan yang dinyatakan; "
                 "tidak berlaku untuk data sampel.")),
]
BANDS = ((80, N_("Tinggi")), (50, N_("Sedang")), (0, N_("Rendah")))
SAMPLE_CAP = 79  # the top of "Sedang": a synthetic sample is never rated "Tinggi"


@dataclass(frozen=True)
class Part:
    criterion: Criterion
    share: float  # 0..1 of the criterion's points

    @property
    def points(self) -> float:
        return round(self.criterion.points * self.share, 1)


@dataclass(frozen=True)
class Score:
    parts: list[Part]
    cap: int | None = None  # SAMPLE_CAP for synthetic samples

    @property
    def earned(self) -> int:
        """The criteria's points before any cap."""
        return round(sum(part.points for part in self.parts))

    @property
    def total(self) -> int:
        return self.earned if self.cap is None else min(self.earned, self.cap)

    @property
    def capped_by(self) -> int:
        """Points the sample cap took off (0 when it did not apply)."""
        return self.earned - self.total

    @property
    def band(self) -> str:
        return next(label for floor, label in BANDS if self.total >= floor)


def quality_score(dataset: DatasetInfo, catalog: Catalog, today: datetime.date) -> Score:
    fields = [f for r in dataset.resources for f in r.fields]
    licenses = [catalog.license(lic.get("name")) for lic in dataset.licenses]
    uses_codes = any(f.reference_code_list for f in fields) or any(
        fk.package != dataset.name for r in dataset.resources for fk in r.foreign_keys)
    shares = {
        "validation": 1.0 if dataset.validation is None or dataset.validation.passed else 0.0,
        "metadata": 1 - len(dataset.missing_recommended) / len(RECOMMENDED),
        "columns": _share(sum(f.documented for f in fields), len(fields)),
        "license": 1.0 if licenses and all(lic is not None and lic.open for lic in licenses) else 0.0,
        "format": 1.0,  # publish accepts CSV only
        "primary_key": _share(sum(bool(r.primary_key) for r in dataset.resources), len(dataset.resources)),
        "reference_codes": 1.0 if uses_codes else 0.0,
        "freshness": fresh_share(dataset, today),
    }
    return Score([Part(criterion, shares[criterion.key]) for criterion in CRITERIA],
                 SAMPLE_CAP if dataset.sample else None)


def fresh_share(dataset: DatasetInfo, today: datetime.date) -> float:
    """Full points only for real data whose period is known and not overdue: a sample covers no period,
    and data of unknown date earns nothing for being current."""
    plan = update_schedule(dataset, today)
    return 1.0 if plan.applicable and plan.known and not plan.overdue else 0.0


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def publisher_average(datasets: list[DatasetInfo], catalog: Catalog, today: datetime.date) -> int | None:
    if not datasets:
        return None
    return round(sum(quality_score(d, catalog, today).total for d in datasets) / len(datasets))
