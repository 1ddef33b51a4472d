"""The catalog format: the one description of a release that pages read.

publish writes it (``Catalog.dump``), the web application reads it (``Catalog.load``).
Pages never parse ``datapackage.json``; everything they show is here.
Bump ``CATALOG_VERSION`` whenever a field changes meaning or is removed.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .catalog_drawings import ChartInfo, ChoroplethInfo, GeoInfo  # noqa: F401 (part of the catalog's API)

CATALOG_VERSION = 4


class CatalogVersionError(Exception):
    "The catalog was written by an incompatible version of the portal"


@dataclass
class Issue:
    """One problem found by publish: where it is and what it is."""

    file: str  # path as the publisher knows it, e.g. datasets/x/data/y.csv
    code: str  # frictionless error type (type-error, foreign-key, ...) or a portal-* code
    message: str
    row: int | None = None  # line in the file, header = 1 (frictionless' row number)
    field: str | None = None  # column name, or descriptor property
    cell: str | None = None  # the offending value, when there is one
    # The message for people: an Indonesian gettext msgid with %(name)s slots and their values
    # (portal/messages.py); message above is its English rendering, or frictionless' own text.
    template: str = ""
    params: dict[str, Any] = dataclasses.field(default_factory=dict)  # (the field above shadows field())

    def location(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.field:
            parts.append(f"field {self.field}")
        return ", ".join(parts)


@dataclass
class FileInfo:
    path: str  # relative to the release folder
    bytes: int
    sha256: str


@dataclass
class ColumnStats:
    nulls: int = 0
    distinct: int | None = 0  # None: more than publish/load.py's DISTINCT_COUNT_LIMIT
    min: Any = None
    max: Any = None


@dataclass
class FieldInfo:
    name: str
    type: str = "string"
    title: str = ""
    description: str = ""
    title_en: str = ""
    description_en: str = ""
    unit: str = ""
    concept: str = ""
    classification: str = ""
    reference_code_list: str = ""  # <package>/<resource> of a reference table, or a URL
    constraints: dict = field(default_factory=dict)
    stats: ColumnStats | None = None

    @property
    def documented(self) -> bool:
        return bool(self.title and self.description)


@dataclass
class ForeignKey:
    fields: list[str]
    table: str  # the referenced table (= resource name)
    columns: list[str]
    package: str  # the package holding the referenced table


@dataclass
class ResourceInfo:
    name: str  # also the SQLite table name
    title: str = ""
    description: str = ""
    title_en: str = ""
    description_en: str = ""
    path: str = ""  # path inside the data package, e.g. data/provinsi.csv
    file: FileInfo | None = None
    rows: int = 0
    fields: list[FieldInfo] = field(default_factory=list)
    primary_key: list[str] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    charts: list[ChartInfo] = field(default_factory=list)
    geo: GeoInfo | None = None
    choropleth: ChoroplethInfo | None = None
    downloads: dict[str, FileInfo] = field(default_factory=dict)  # generated formats by key (xlsx, json, …)

    @property
    def download_name(self) -> str:
        return f"{self.name}.csv"


@dataclass
class QueryInfo:
    """An example SQL query declared by the publisher; Datasette serves it as a canned query."""

    name: str
    title: str
    sql: str
    description: str = ""


@dataclass
class ValidationInfo:
    passed: bool
    checked_at: str  # ISO 8601, UTC
    frictionless_version: str
    checks: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


@dataclass
class ResourceChange:
    name: str
    status: str  # added | removed | changed | unchanged
    compared_by: str = ""  # "primary key" or "whole rows"
    rows_before: int = 0
    rows_after: int = 0
    added: int = 0
    removed: int = 0
    changed: int | None = None  # None when rows have no key to match them by
    sample_added: list[str] = field(default_factory=list)
    sample_removed: list[str] = field(default_factory=list)
    sample_changed: list[str] = field(default_factory=list)
    fields_added: list[str] = field(default_factory=list)
    fields_removed: list[str] = field(default_factory=list)
    fields_retyped: list[str] = field(default_factory=list)


@dataclass
class DatasetChanges:
    first: bool = False  # the first published version: nothing to compare with
    metadata: list[str] = field(default_factory=list)  # descriptor properties that changed
    resources: list[ResourceChange] = field(default_factory=list)


@dataclass
class VersionInfo:
    number: int
    release_id: str
    date: str  # ISO 8601, UTC
    content_hash: str
    files: dict[str, FileInfo] = field(default_factory=dict)  # resource name (and "zip") -> stored object
    changes: DatasetChanges | None = None


@dataclass
class DatasetInfo:
    name: str
    title: str
    description: str = ""
    title_en: str = ""
    description_en: str = ""
    publisher: str = ""
    author: str = ""  # Produsen Data
    maintainer: str = ""  # Walidata
    access_rights: str = ""
    themes: list[str] = field(default_factory=list)
    licenses: list[dict] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)
    # What a reader must know before quoting the data: {"text": Indonesian, "text_en": English}
    caveats: list[dict] = field(default_factory=list)
    sample: bool = False
    frequency: str = ""
    keywords: list[str] = field(default_factory=list)
    temporal: dict = field(default_factory=dict)
    version: str = ""
    citation: str = ""
    konsep: str = ""
    definisi: str = ""
    satuan: str = ""
    ukuran: str = ""
    modified: str = ""
    spatial: dict = field(default_factory=dict)
    dasar_hukum: list[str] = field(default_factory=list)
    metodologi: str = ""
    data_prioritas: bool | None = None
    missing_recommended: list[str] = field(default_factory=list)
    queries: list[QueryInfo] = field(default_factory=list)
    resources: list[ResourceInfo] = field(default_factory=list)
    package_file: FileInfo | None = None  # datapackage.json as published
    zip_file: FileInfo | None = None
    content_hash: str = ""  # changes whenever descriptor or data change
    # "published": validated in this release; "kept-previous": this release's
    # publish found it invalid, so the previously published version was kept.
    status: str = "published"
    validation: ValidationInfo | None = None
    versions: list[VersionInfo] = field(default_factory=list)  # oldest first

    @property
    def total_rows(self) -> int:
        return sum(resource.rows for resource in self.resources)

    def resource(self, name: str) -> ResourceInfo | None:
        return next((r for r in self.resources if r.name == name), None)

    @property
    def current_version(self) -> VersionInfo | None:
        return self.versions[-1] if self.versions else None

    def version_number(self, number: int) -> VersionInfo | None:
        return next((v for v in self.versions if v.number == number), None)


@dataclass
class Theme:
    id: str
    title: str
    title_en: str = ""
    description: str = ""
    description_en: str = ""
    elements: list[str] = field(default_factory=list)
    eu_themes: list[str] = field(default_factory=list)  # EU data-theme codes (GOVE…); empty: portal/dcat defaults


@dataclass
class Publisher:
    id: str
    name: str
    name_en: str = ""
    description: str = ""
    url: str = ""
    kind: str = "opd"  # opd: a Kota Malang perangkat daerah; external: another producer
    contact_url: str = ""
    email: str = ""  # contact address (CKAN author_email / maintainer_email, DCAT vcard:hasEmail)
    phone: str = ""  # only as the office publishes it; empty pages say "belum tersedia"
    address: str = ""
    adms_type: str = ""  # ADMS publisher type (NationalAuthority…); an OPD is a LocalAuthority


@dataclass
class License:
    id: str
    title: str
    title_en: str = ""
    url: str = ""
    open: bool = True
    ckan_id: str = ""  # its id in CKAN's licence register (portal/ckan/licenses.py)


@dataclass
class Place:
    """An area a dataset covers, by its Kemendagri kode wilayah, with its outline (metadata/wilayah.geojson)."""

    code: str
    name: str
    geometry: dict  # GeoJSON geometry, longitude/latitude (WGS 84)
    bbox: list[float] = field(default_factory=list)  # west, south, east, north
    centroid: list[float] = field(default_factory=list)  # longitude, latitude
    source: str = ""  # where the outline comes from, with its licence


@dataclass
class KeyFigure:
    """A number on the home page, computed by publish from a dataset it links to."""

    label: str
    value: float | int | None
    dataset: str
    label_en: str = ""
    unit: str = ""


@dataclass
class ReleaseEntry:
    """One line of the portal-wide release log."""

    id: str
    date: str
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept_previous: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


@dataclass
class Catalog:
    release_id: str
    created: str  # ISO 8601, UTC
    portal: dict = field(default_factory=dict)
    themes: list[Theme] = field(default_factory=list)
    publishers: list[Publisher] = field(default_factory=list)
    licenses: list[License] = field(default_factory=list)
    datasets: list[DatasetInfo] = field(default_factory=list)
    database: FileInfo | None = None
    releases: list[ReleaseEntry] = field(default_factory=list)  # newest first
    key_figures: list[KeyFigure] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    version: int = CATALOG_VERSION

    def dataset(self, name: str) -> DatasetInfo | None:
        return next((d for d in self.datasets if d.name == name), None)

    def theme(self, theme_id: str) -> Theme | None:
        return next((t for t in self.themes if t.id == theme_id), None)

    def publisher(self, publisher_id: str) -> Publisher | None:
        return next((p for p in self.publishers if p.id == publisher_id), None)

    def license(self, license_id: str) -> License | None:
        return next((lic for lic in self.licenses if lic.id == license_id), None)

    def place(self, code: str) -> Place | None:
        return next((p for p in self.places if p.code == code), None)

    def datasets_of_theme(self, theme_id: str) -> list[DatasetInfo]:
        return [d for d in self.datasets if theme_id in d.themes]

    def datasets_of_publisher(self, publisher_id: str) -> list[DatasetInfo]:
        return [d for d in self.datasets if d.publisher == publisher_id]

    def table_owner(self, table: str) -> DatasetInfo | None:
        return next((d for d in self.datasets if d.resource(table)), None)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def dump(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def from_dict(cls, data: dict) -> Catalog:
        if data.get("version") != CATALOG_VERSION:
            raise CatalogVersionError(f"catalog version {data.get('version')!r}, expected {CATALOG_VERSION}")
        return _build(cls, data)

    @classmethod
    def load(cls, path: Path) -> Catalog:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


def _build(cls, data: dict):
    """Turn nested dicts back into the dataclasses above, guided by the type hints."""
    return cls(**{name: _convert(hint, data[name]) for name, hint in _field_hints(cls) if name in data})


@functools.cache
def _field_hints(cls) -> tuple:
    """(field name, type hint) of a dataclass, worked out once per class: get_type_hints compiles every
    string annotation again on each call, which was most of reading a catalog (0.2 s for 610 objects)."""
    hints = typing.get_type_hints(cls)
    return tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls))


def _convert(hint, value):
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return _convert(inner[0], value)
    if origin is list:
        (item_hint,) = typing.get_args(hint)
        return [_convert(item_hint, item) for item in value]
    if origin is dict:
        _, value_hint = typing.get_args(hint)
        return {key: _convert(value_hint, item) for key, item in value.items()}
    if dataclasses.is_dataclass(hint):
        return _build(hint, value)
    return value
