"""Catalog facets: the values each dataset has, filtering by them, and counts for the page."""

from __future__ import annotations

from dataclasses import dataclass

from .catalog import DatasetInfo
from .profile import N_

# (URL parameter, label) in the order the page shows them.
FACETS = [
    ("theme", N_("Dimensi")),
    ("publisher", N_("Penerbit")),
    ("license", N_("Lisensi")),
    ("format", N_("Format")),
    ("year", N_("Tahun data")),
    ("frequency", N_("Frekuensi")),
    ("kind", N_("Jenis data")),
    ("quality", N_("Kualitas")),
]
FACET_KEYS = [key for key, _ in FACETS]
MAX_YEARS = 50  # a temporal range longer than this contributes its ends only


@dataclass
class FacetValue:
    value: str
    count: int
    selected: bool


def facet_values(dataset: DatasetInfo, quality_band: str) -> dict[str, set[str]]:
    return {
        "theme": set(dataset.themes),
        "publisher": {dataset.publisher},
        "license": {lic.get("name", "") for lic in dataset.licenses},
        "format": {"CSV"},
        "year": years(dataset.temporal),
        "frequency": {dataset.frequency},
        "kind": {"sample" if dataset.sample else "real"},
        "quality": {quality_band},
    }


def years(temporal: dict) -> set[str]:
    try:
        start, end = int(temporal["start"][:4]), int(temporal["end"][:4])
    except (KeyError, TypeError, ValueError):
        return set()
    if end - start > MAX_YEARS:
        return {str(start), str(end)}
    return {str(year) for year in range(start, end + 1)}


def matches(values: dict[str, set[str]], selected: dict[str, set[str]]) -> bool:
    """All selected facets must match (AND); within one facet any value may (OR)."""
    return all(values[key] & wanted for key, wanted in selected.items() if wanted)


def count_facets(rows: list[dict[str, set[str]]], selected: dict[str, set[str]]) -> dict[str, list[FacetValue]]:
    counts: dict[str, dict[str, int]] = {key: {} for key in FACET_KEYS}
    for values in rows:
        for key in FACET_KEYS:
            for value in values[key]:
                counts[key][value] = counts[key].get(value, 0) + 1
    for key, wanted in selected.items():
        for value in wanted:  # a selected value stays visible even when nothing matches it now
            counts[key].setdefault(value, 0)
    return {
        key: [FacetValue(value, count, value in selected.get(key, set()))
              for value, count in sorted(counts[key].items(), key=lambda item: (-item[1], item[0]))]
        for key in FACET_KEYS
    }
