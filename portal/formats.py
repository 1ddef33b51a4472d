"""The download formats of a table: one list for publish (which files to build) and pages (links)."""

from __future__ import annotations

from dataclasses import dataclass

from .profile import N_

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Format:
    key: str
    suffix: str  # <resource><suffix> is the file name
    mimetype: str
    label: str
    short: str  # the format in a few words, for names of downloads (CKAN resources)


ORIGINAL = Format("csv", ".csv", "text/csv", N_("CSV asli (persis yang divalidasi)"), "CSV")
GENERATED = [
    Format("excel.csv", ".excel.csv", "text/csv", N_("CSV untuk Excel (UTF-8 dengan BOM)"), "CSV untuk Excel"),
    Format("xlsx", ".xlsx", XLSX, N_("Excel (XLSX): data, kamus data, metadata"), "XLSX"),
    Format("json", ".json", "application/json", N_("JSON (larik objek)"), "JSON"),
    # Only for tables with latitude and longitude columns (publish/charts.py find_geo).
    Format("geojson", ".geojson", "application/geo+json", N_("GeoJSON (titik dengan semua kolom)"), "GeoJSON"),
]
FORMATS = [ORIGINAL] + GENERATED


def split_file_name(file_name: str) -> tuple[str, Format] | None:
    """"sampel.excel.csv" -> ("sampel", the Excel CSV format); longest suffix first."""
    for fmt in sorted(FORMATS, key=lambda f: -len(f.suffix)):
        if file_name.endswith(fmt.suffix) and len(file_name) > len(fmt.suffix):
            return file_name[: -len(fmt.suffix)], fmt
    return None
