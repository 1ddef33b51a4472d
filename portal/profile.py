"""The portal's metadata profile, after Satu Data Indonesia (Perpres 39/2019) and the national
CKAN catalog: which descriptor properties exist, which are required, and their labels.

One list serves publish (validation, completeness), the pages (labels) and the README.
Names follow the national catalog where it has them (author = Produsen Data,
maintainer = Walidata, accrualPeriodicity, accessRights, satuan, ukuran).
"""

from __future__ import annotations

from dataclasses import dataclass


def N_(text: str) -> str:
    """Marks a label for translation (babel extracts it); pages translate it with _()."""
    return text


@dataclass(frozen=True)
class Property:
    key: str
    label: str  # Indonesian; translated on the page
    required: bool
    help: str  # English, for the README


DATASET_PROPERTIES = [
    Property("title", N_("Judul"), True, "Indonesian title (`title_en` for English)"),
    Property("description", N_("Deskripsi"), True, "what the data is, where it comes from, caveats"),
    Property("publisher", N_("Penerbit"), True, "id in `metadata/publishers.yaml`: the organisation publishing it"),
    Property("author", N_("Produsen data"), True, "id in `metadata/publishers.yaml`: who produced the data"),
    Property("maintainer", N_("Walidata"), True, "id in `metadata/publishers.yaml`: the data steward"),
    Property("themes", N_("Dimensi smart city"), True, "ids in `metadata/themes.yaml`"),
    Property("licenses", N_("Lisensi"), True, "`name` = an id in `metadata/licenses.yaml`"),
    Property("accrualPeriodicity", N_("Frekuensi pembaruan"), True,
             "`once`, `daily`, `weekly`, `monthly`, `quarterly`, `annual` or `irregular`"),
    Property("accessRights", N_("Akses"), True, "`terbuka` (only open data is published on this portal)"),
    Property("title_en", N_("Judul (Inggris)"), False, "English title"),
    Property("description_en", N_("Deskripsi (Inggris)"), False, "English description"),
    Property("konsep", N_("Konsep"), False, "the concept measured"),
    Property("definisi", N_("Definisi"), False, "definition of the main quantity or record"),
    Property("satuan", N_("Satuan"), False, "unit of the main measure"),
    Property("ukuran", N_("Ukuran"), False, "the measure (jumlah, persentase, daftar…)"),
    Property("temporal", N_("Periode data"), False, "`{start, end}` dates the data covers"),
    Property("modified", N_("Terakhir diubah produsen"), False, "date the producer last changed the data"),
    Property("spatial", N_("Cakupan wilayah"), False, "`{kode_wilayah, nama}` (Kemendagri code)"),
    Property("dasar_hukum", N_("Dasar hukum"), False, "list of the legal or programme basis"),
    Property("metodologi", N_("Metodologi"), False, "how the data was produced or compiled"),
    Property("data_prioritas", N_("Data prioritas"), False, "`true` when declared Data Prioritas"),
    Property("keywords", N_("Kata kunci"), False, "list of keywords"),
]

FIELD_PROPERTIES = [
    Property("title", N_("Judul kolom"), False, "column title"),
    Property("description", N_("Definisi"), False, "definition of the column"),
    Property("unit", N_("Satuan"), False, "unit of the values"),
    Property("concept", N_("Konsep"), False, "the concept the column measures"),
    Property("classification", N_("Klasifikasi"), False, "the classification its values follow"),
    Property("referenceCodeList", N_("Kode referensi"), False,
             "`<package>/<resource>` of the reference table whose codes it uses"),
]

# The files a package's descriptor may be: what they hold are properties, a data file's are columns.
DESCRIPTOR_NAMES = ("datapackage.json", "datapackage.yaml", "datapackage.yml")

RECOMMENDED = [p.key for p in DATASET_PROPERTIES if not p.required]
ACCESS_LABELS = {"terbuka": N_("Terbuka (data terbuka)"), "terbatas": N_("Terbatas"), "tertutup": N_("Tertutup")}
ACCESS_RIGHTS = tuple(ACCESS_LABELS)
PUBLISHABLE_ACCESS = "terbuka"
# Declared update periods and the longest gap (days) before an update counts as overdue.
FREQUENCY_DAYS = {"once": None, "irregular": None, "daily": 1, "weekly": 7, "monthly": 31, "quarterly": 92,
                  "annual": 366}
FREQUENCIES = tuple(FREQUENCY_DAYS)
FREQUENCY_LABELS = {"once": N_("Sekali terbit"), "daily": N_("Harian"), "weekly": N_("Mingguan"),
                    "monthly": N_("Bulanan"), "quarterly": N_("Triwulanan"), "annual": N_("Tahunan"),
                    "irregular": N_("Tidak tentu")}


def is_filled(value) -> bool:
    if isinstance(value, bool):
        return True
    if isinstance(value, dict):
        return any(is_filled(v) for v in value.values())
    return bool(value)


def missing_recommended(descriptor: dict) -> list[str]:
    return [key for key in RECOMMENDED if not is_filled(descriptor.get(key))]
