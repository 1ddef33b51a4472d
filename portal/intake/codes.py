"""Region codes linked to the portal's reference tables (kode-wilayah-indonesia), also when Excel
has dropped their dots (3573011001 for 35.73.01.1001)."""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path

REFERENCE_PACKAGE = "kode-wilayah-indonesia"
# Most specific first: a kelurahan code is never mistaken for a shorter one.
REFERENCE_TABLES = ("kota_malang_kelurahan", "kota_malang_kecamatan", "kabupaten_kota", "provinsi")
REFERENCE_KEY = "kode"
# A column of numbers is linked only when its name says it holds codes: otherwise a count such as
# jumlah_kelurahan = 11, 12, 35 would "match" province codes.
CODE_LIKE_NAME = re.compile(r"kode|wilayah")


@dataclass(frozen=True)
class ReferenceTable:
    package: str
    table: str
    codes: frozenset[str]

    def undotted(self) -> dict[str, str]:
        return {code.replace(".", ""): code for code in self.codes}


@dataclass
class Link:
    reference: ReferenceTable
    rewritten: dict[str, str] | None = None  # cell as written -> the code with its dots, when they were dropped


def read_reference_codes(reference_dir: Path) -> list[ReferenceTable]:
    """The reference tables, most specific first; empty when the package is absent or unreadable."""
    descriptor_file = Path(reference_dir) / "datapackage.json"
    try:
        descriptor = json.loads(descriptor_file.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return []
    if not isinstance(descriptor, dict):
        return []
    package = descriptor.get("name") or REFERENCE_PACKAGE
    paths = {r.get("name"): r.get("path") for r in descriptor.get("resources", []) if isinstance(r, dict)}
    tables = []
    for table in REFERENCE_TABLES:
        relative = paths.get(table)
        path = Path(reference_dir) / (relative if isinstance(relative, str) and relative else f"data/{table}.csv")
        try:
            with open(path, newline="", encoding="utf-8-sig") as file:
                codes = frozenset(row[REFERENCE_KEY] for row in csv.DictReader(file) if row.get(REFERENCE_KEY))
        except (OSError, UnicodeDecodeError, csv.Error, KeyError):
            continue
        if codes:
            tables.append(ReferenceTable(package, table, codes))
    return tables


def link_codes(name: str, cells: list[str], numeric: bool, references: list[ReferenceTable]) -> Link | None:
    """The reference table holding every code of the column, as written or with the dots put back."""
    present = {cell.strip() for cell in cells if cell.strip()}
    if not present or (numeric and not CODE_LIKE_NAME.search(name)):
        return None
    for reference in references:
        if present <= reference.codes:
            return Link(reference)
    if not all(cell.isdigit() for cell in present):
        return None
    for reference in references:
        undotted = reference.undotted()
        if present <= undotted.keys():
            return Link(reference, {cell: undotted[cell] for cell in present})
    return None
