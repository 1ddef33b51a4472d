"""The download formats of a table: one list for publish (which files to build) and pages (links)."""

from __future__ import annotations

from dataclasses import dataclass

from .catalog import FileInfo, ResourceInfo
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
    # Only for tables with latitude and longitude columns (publish/charts.py find_geo): a point per row; or
    # with declared boundaries (publish/geometry.py): their outlines.
    Format("geojson", ".geojson", "application/geo+json", N_("GeoJSON (titik atau batas wilayah, dengan semua kolom)"),
           "GeoJSON"),
    # Every table, typed (publish/parquet_downloads.py); with declared boundaries GeoParquet 1.1, the outline
    # as WKB (publish/geo_downloads.py).
    Format("parquet", ".parquet", "application/vnd.apache.parquet",
           N_("Parquet bertipe, untuk DuckDB, pandas, R (arrow); GeoParquet bila ada batas wilayah"), "Parquet"),
]
FORMATS = [ORIGINAL] + GENERATED


def split_file_name(file_name: str) -> tuple[str, Format] | None:
    """"sampel.excel.csv" -> ("sampel", the Excel CSV format); longest suffix first."""
    for fmt in sorted(FORMATS, key=lambda f: -len(f.suffix)):
        if file_name.endswith(fmt.suffix) and len(file_name) > len(fmt.suffix):
            return file_name[: -len(fmt.suffix)], fmt
    return None


@dataclass(frozen=True)
class TableFile:
    """One built download of a table: its format and file."""

    table: str  # the resource (table) name
    format: Format
    info: FileInfo

    @property
    def original(self) -> bool:
        return self.format is ORIGINAL

    @property
    def file_name(self) -> str:
        return self.table + self.format.suffix

    @property
    def history_key(self) -> str:
        """Its key in a version's files (VersionInfo.files): the table name for the original CSV."""
        return self.table if self.original else self.file_name


def table_files(resource: ResourceInfo) -> list[TableFile]:
    """The table's downloads that exist, in FORMATS order (no XLSX for large tables, GeoJSON only with coordinates
    or boundaries, GeoParquet only with boundaries)."""
    found = []
    for fmt in FORMATS:
        info = resource.file if fmt is ORIGINAL else resource.downloads.get(fmt.key)
        if info is not None:
            found.append(TableFile(resource.name, fmt, info))
    return found


def history_file_name(key: str) -> str:
    """The file name of a version's file from its key in VersionInfo.files (the inverse of
    TableFile.history_key): "t" -> "t.csv", "t.xlsx" -> "t.xlsx", "t.excel.csv" -> "t.excel.csv"."""
    return key if split_file_name(key) else key + ORIGINAL.suffix
