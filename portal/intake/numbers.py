"""Numbers as Indonesian spreadsheets write them: 9.829.164,82 · 53,4 · Rp 1.000 · 12,5% · 2.076,98 M.

A column's separators are decided from all its cells together: a cell such as 1.234 could be
a thousand (Indonesian grouping) or one and a bit (decimal point); the other cells, then the
rest of the file, then the Indonesian convention decide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Prefixes and suffixes a cell may carry around its number; one column uses one of them at most,
# since "2,5 M" and "300 jt" side by side are different magnitudes.
PREFIXES = ("Rp.", "Rp", "IDR", "$")
SUFFIXES = ("%", "M", "T", "jt", "juta", "miliar", "milyar", "triliun", "rb", "ribu")
CELL = re.compile(r"^(?P<sign>[-+]?)\s*(?P<prefix>Rp\.?|IDR|\$)?\s*(?P<body>\d[\d.,]*)\s*"
                  r"(?P<suffix>%|[A-Za-z]{1,8})?$")
GROUPED = re.compile(r"^\d{1,3}(?:[.,]\d{3})+$")


@dataclass
class NumberShape:
    """What one cell says about its separators."""

    decimal: str | None = None  # definitely the decimal mark
    group: str | None = None  # definitely the grouping mark
    ambiguous: str | None = None  # one '.' or ',' followed by exactly three digits
    fraction: bool = False
    affix: str = ""  # prefix or suffix written around the number


def shape(cell: str) -> NumberShape | None:
    """The separators one cell shows, or None when it is not a number in any of the known forms."""
    match = CELL.match(cell.strip())
    if not match:
        return None
    suffix = match["suffix"] or ""
    if suffix and suffix.lower() not in {s.lower() for s in SUFFIXES}:
        return None
    affix = (match["prefix"] or "") + suffix
    body = match["body"]
    if body[-1] in ".,":
        return None
    dots, commas = body.count("."), body.count(",")
    if dots and commas:
        decimal = "." if body.rfind(".") > body.rfind(",") else ","
        group = "," if decimal == "." else "."
        integer_part = body[:body.rfind(decimal)]
        if body.count(decimal) != 1 or not GROUPED.match(integer_part):
            return None
        return NumberShape(decimal=decimal, group=group, fraction=True, affix=affix)
    mark = "." if dots else "," if commas else None
    if mark is None:
        if len(body) > 1 and body[0] == "0":
            return None  # a leading zero: a code, not a number
        return NumberShape(affix=affix)
    if body.count(mark) > 1:
        return NumberShape(group=mark, affix=affix) if GROUPED.match(body) else None
    head, tail = body.split(mark)
    if len(tail) == 3 and head != "0" and len(head) <= 3 and not head.startswith("0"):
        return NumberShape(ambiguous=mark, affix=affix)
    return NumberShape(decimal=mark, fraction=True, affix=affix)


@dataclass
class NumberFormat:
    """The Table Schema number options one column needs."""

    kind: str  # integer or number
    decimal: str = "."
    group: str = ""
    affix: str = ""
    assumed: str = ""  # which reading of an ambiguous cell was chosen: "group" or "decimal"


def column_format(cells: list[str], locale_decimal: str) -> NumberFormat | None:
    """The format reading every cell as a number, or None when no single one does.

    ``locale_decimal`` is the decimal mark the rest of the file suggests, used only when every
    separator in the column could be either."""
    shapes = [shape(cell) for cell in cells]
    if not shapes or any(s is None for s in shapes):
        return None
    affixes = {s.affix for s in shapes} - {""}
    if len(affixes) > 1:
        return None
    decimals = {s.decimal for s in shapes if s.decimal}
    groups = {s.group for s in shapes if s.group}
    if len(decimals) > 1 or len(groups) > 1 or decimals & groups:
        return None
    decimal = next(iter(decimals), None) or ({".": ",", ",": "."}[next(iter(groups))] if groups else None)
    ambiguous = {s.ambiguous for s in shapes if s.ambiguous}
    assumed = ""
    if decimal is None and ambiguous:
        if len(ambiguous) > 1:  # 1.234 and 1,234 in one column: one is grouping, the other decimal
            return None
        mark = next(iter(ambiguous))
        decimal = "," if mark == "." else "."
        money = affixes & {"Rp", "Rp.", "IDR"}  # rupiah amounts have no decimals worth three digits
        if locale_decimal == mark and not money:
            decimal = mark
        assumed = "decimal" if decimal == mark else "group"
    decimal = decimal or "."
    group = next(iter(groups), "")
    if any(s.ambiguous and s.ambiguous != decimal for s in shapes):
        group = group or ({".": ",", ",": "."}[decimal])
    fraction = any(s.fraction or (s.ambiguous and s.ambiguous == decimal) for s in shapes)
    kind = "number" if fraction or group or affixes else "integer"
    return NumberFormat(kind, decimal, group, next(iter(affixes), ""), assumed)


def file_decimal(columns: list[list[str]]) -> str:
    """The decimal mark a file's unambiguous numbers use; Indonesian (',') unless they say '.'."""
    votes = {".": 0, ",": 0}
    for cells in columns:
        for cell in cells[:1000]:
            found = shape(cell)
            if found and found.decimal:
                votes[found.decimal] += 1
            elif found and found.group:
                votes["," if found.group == "." else "."] += 1
    if votes["."] > votes[","]:
        return "."
    return ","
