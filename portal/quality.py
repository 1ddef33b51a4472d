"""The quality score (0–100) and the update schedule of a dataset.

Both depend on today's date (freshness), so they are computed when a page asks, from the
catalog alone. The criteria list is the documentation: /about renders it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from .catalog import Catalog, DatasetInfo
from .profile import FREQUENCY_DAYS, N_, RECOMMENDED


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
    Criterion("freshness", N_("Mutakhir"), 10, N_("Belum melewati jadwal pembaruan yang dinyatakan.")),
]
BANDS = ((80, N_("Tinggi")), (50, N_("Sedang")), (0, N_("Rendah")))


@dataclass(frozen=True)
class Schedule:
    last_updated: datetime.date | None
    next_due: datetime.date | None  # None: no regular updates declared
    overdue: bool


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

    @property
    def total(self) -> int:
        return round(sum(part.points for part in self.parts))

    @property
    def band(self) -> str:
        return next(label for floor, label in BANDS if self.total >= floor)


def update_schedule(dataset: DatasetInfo, today: datetime.date) -> Schedule:
    """Last update: the producer's declared `modified` date, else when this content was first published."""
    last = dataset.modified or (dataset.current_version.date if dataset.current_version else "")
    last_updated = datetime.date.fromisoformat(last[:10]) if last else None
    days = FREQUENCY_DAYS.get(dataset.frequency)
    if last_updated is None or days is None:
        return Schedule(last_updated, None, False)
    next_due = last_updated + datetime.timedelta(days=days)
    return Schedule(last_updated, next_due, today > next_due)


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
        "freshness": 0.0 if update_schedule(dataset, today).overdue else 1.0,
    }
    return Score([Part(criterion, shares[criterion.key]) for criterion in CRITERIA])


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def publisher_average(datasets: list[DatasetInfo], catalog: Catalog, today: datetime.date) -> int | None:
    if not datasets:
        return None
    return round(sum(quality_score(d, catalog, today).total for d in datasets) / len(datasets))
