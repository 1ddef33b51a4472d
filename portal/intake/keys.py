"""A primary key guessed from the values: one column, else two (kode_kelurahan + tahun)."""

from __future__ import annotations

from itertools import combinations

MAX_PAIR_COLUMNS = 40  # pairs among the first key-like columns: enough for real tables, bounded for 1,000
UNKEYABLE = ("number", "boolean")


def preference(column: str) -> int:
    if column in ("id", "kode"):
        return 0
    if column.endswith("_id") or column.startswith("id_"):
        return 1
    if column.startswith("kode") or column.startswith("npsn"):
        return 2
    if column in ("tahun", "bulan", "tanggal", "periode", "triwulan", "semester") or column.startswith("tahun"):
        return 3
    return 4


def guess_primary_key(fields: list[dict], columns: list[list[str]], missing: set[str] = frozenset({""})) -> list[str]:
    """Columns whose values are all present and unique together: an id or code column alone, else a code
    with a period (kode_kelurahan + tahun), else any unique column, else any unique pair, preferring
    id, kode, *_id, kode_*, periods, then column order. Nothing for decimal numbers and booleans."""
    usable = [i for i, f in enumerate(fields)
              if columns[i] and f["type"] not in UNKEYABLE and all(v.strip() not in missing | {""} for v in columns[i])]
    singles = sorted((preference(fields[i]["name"]), i) for i in usable if len(set(columns[i])) == len(columns[i]))
    if singles and singles[0][0] <= 2:
        return [fields[singles[0][1]]["name"]]
    pairs = unique_pairs(fields, columns, usable)
    if pairs and pairs[0][0] <= 2 + 3:  # a code and a period: unique by construction, not by coincidence
        return [fields[pairs[0][1]]["name"], fields[pairs[0][2]]["name"]]
    if singles:
        return [fields[singles[0][1]]["name"]]
    return [fields[pairs[0][1]]["name"], fields[pairs[0][2]]["name"]] if pairs else []


def unique_pairs(fields: list[dict], columns: list[list[str]], usable: list[int]) -> list[tuple[int, int, int]]:
    """(preference, first, second) of the column pairs unique together, best first."""
    ranked = sorted(usable, key=lambda i: (preference(fields[i]["name"]), i))[:MAX_PAIR_COLUMNS]
    pairs = []
    for a, b in combinations(ranked, 2):
        if len(set(zip(columns[a], columns[b]))) == len(columns[a]):
            first, second = sorted((a, b))
            pairs.append((preference(fields[a]["name"]) + preference(fields[b]["name"]), first, second))
    return sorted(pairs)
