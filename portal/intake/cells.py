"""The Table Schema type of a column from all its cells, in the forms Indonesian spreadsheets use:
numbers with decimal commas, DD/MM/YYYY dates, Ya/Tidak, "-" or "..." for no data.

The cells are never rewritten to fit a type: the schema declares how they are written
(decimalChar, groupChar, bareNumber, format, trueValues, missingValues), so the published CSV
is the publisher's own and frictionless reads it the same way everywhere.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from .notes import N_
from .numbers import column_format, shape

# Marks spreadsheets use for "no data"; declared as missingValues when a typed column uses them.
MISSING_MARKS = ("-", "–", "—", "..", "...", "…")
TRUE_WORDS, FALSE_WORDS = {"ya", "y", "true", "benar"}, {"tidak", "t", "false", "salah"}
DEFAULT_BOOLEANS = {"true", "false", "True", "False", "TRUE", "FALSE"}
# Columns holding identifiers written with digits: kept as text so "007" or "35.73" stay as written.
CODE_NAME = re.compile(r"^kode|^(nik|nip|npwp|npsn|nomor|no_telp|telepon|hp|rt|rw|kode_pos)(_|$)|_kode$")
SCIENTIFIC = re.compile(r"^\d[.,]\d+E\+\d+$", re.IGNORECASE)
DAY_FIRST = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?: (\d{1,2}):(\d{2})(:\d{2})?)?$")
YEAR_FIRST = re.compile(r"^(\d{4})([/-])(\d{1,2})\2(\d{1,2})(?:([ T])(\d{1,2}):(\d{2})(:\d{2})?)?$")


@dataclass
class ColumnType:
    field: dict  # type and its reading options, without the name
    missing: set[str] = field(default_factory=set)  # the no-data marks this typed column uses
    notes: list[tuple[str, dict]] = field(default_factory=list)  # (message, values) to tell the publisher


def infer_column(name: str, cells: list[str], locale_decimal: str) -> ColumnType:
    values = [cell.strip() for cell in cells]
    marks = {v for v in values if v in MISSING_MARKS}
    present = [v for v in values if v and v not in MISSING_MARKS]
    if not present:
        return ColumnType({"type": "string"}, notes=[(N_("Kolom %(column)s kosong di semua baris."), {})])
    if CODE_NAME.search(name):
        return code_column(present)
    for infer in (boolean_column, number_column, date_column):
        found = infer(present, locale_decimal)
        if found:
            found.missing = marks
            return found
    return ColumnType({"type": "string"})


def code_column(present: list[str]) -> ColumnType:
    column = ColumnType({"type": "string"})
    scientific = next((v for v in present if SCIENTIFIC.match(v)), None)
    if scientific:
        column.notes.append((N_("Kolom %(column)s: «%(example)s» adalah notasi ilmiah Excel, digit kodenya sudah "
                                "hilang. Ekspor ulang dengan sel kode berformat Teks."), {"example": scientific}))
    return column


def boolean_column(present: list[str], _locale: str) -> ColumnType | None:
    distinct = set(present)
    if distinct <= DEFAULT_BOOLEANS:
        return ColumnType({"type": "boolean"})
    lowered = {v.lower() for v in distinct}
    # Y/T alone are letters, not yet booleans: they also need the words or both letters in the column
    if not lowered <= TRUE_WORDS | FALSE_WORDS or not (lowered & TRUE_WORDS and lowered & FALSE_WORDS):
        return None
    true = sorted(v for v in distinct if v.lower() in TRUE_WORDS)
    false = sorted(v for v in distinct if v.lower() in FALSE_WORDS)
    return ColumnType({"type": "boolean", "trueValues": true, "falseValues": false},
                      notes=[(N_("Kolom %(column)s: «%(true)s» dibaca benar dan «%(false)s» salah (trueValues, "
                                 "falseValues)."), {"true": ", ".join(true), "false": ", ".join(false)})])


def number_column(present: list[str], locale_decimal: str) -> ColumnType | None:
    found = column_format(present, locale_decimal)
    if found is None:
        return None
    options: dict = {"type": found.kind}
    if found.decimal != ".":
        options["decimalChar"] = found.decimal
    if found.group:
        options["groupChar"] = found.group
    if found.affix:
        options["bareNumber"] = False
    notes = []
    if found.decimal != "." or found.group:
        example = next((v for v in present if {".", ","} & set(v)), present[0])
        if found.group:
            notes.append((N_("Kolom %(column)s: angka seperti «%(example)s» dibaca dengan desimal «%(decimal)s» dan "
                             "pemisah ribuan «%(group)s» (decimalChar, groupChar)."),
                          {"example": example, "decimal": found.decimal, "group": found.group}))
        else:
            notes.append((N_("Kolom %(column)s: angka seperti «%(example)s» dibaca dengan desimal «%(decimal)s» "
                             "(decimalChar)."), {"example": example, "decimal": found.decimal}))
    if found.assumed:
        mark = next(s.ambiguous for s in map(shape, present) if s and s.ambiguous)
        example = next(v for v in present if mark in v)
        if found.assumed == "decimal":
            message = N_("Kolom %(column)s: «%(mark)s» dalam «%(example)s» bisa desimal atau pemisah ribuan; dianggap "
                         "desimal. Bila salah, ubah decimalChar/groupChar kolom ini di datapackage.json.")
        else:
            message = N_("Kolom %(column)s: «%(mark)s» dalam «%(example)s» bisa desimal atau pemisah ribuan; dianggap "
                         "pemisah ribuan. Bila salah, ubah decimalChar/groupChar kolom ini di datapackage.json.")
        notes.append((message, {"mark": mark, "example": example}))
    if found.affix:
        notes.append((N_("Kolom %(column)s: sel menulis «%(affix)s» di samping angka; dibaca sebagai angka "
                         "(bareNumber: false). Tulis satuannya di properti unit kolom."), {"affix": found.affix}))
    return ColumnType(options, notes=notes)


def date_column(present: list[str], _locale: str) -> ColumnType | None:
    first = present[0]
    day_first, year_first = DAY_FIRST.match(first), YEAR_FIRST.match(first)
    if day_first:
        fmt, other = day_first_format(present, day_first)
    elif year_first:
        separator, clock = year_first[2], year_first[5]
        if separator == "-" and clock in (None, "T"):
            fmt = other = None  # ISO 8601: Table Schema's default format
        else:
            fmt = f"%Y{separator}%m{separator}%d" + (f"{clock}%H:%M" + (":%S" if year_first[8] else "")
                                                      if clock else "")
            other = None
    else:
        return None
    if fmt is False:
        return None
    kind = "datetime" if ":" in first else "date"
    if fmt is None:
        return ColumnType({"type": kind}) if all(parses_iso(v, kind) for v in present) else None
    if not all(parses(v, fmt) for v in present):
        return None
    notes = [(N_("Kolom %(column)s: tanggal seperti «%(example)s», dicatat dengan format «%(format)s»."),
              {"example": first, "format": fmt})]
    if other:
        notes.append((N_("Kolom %(column)s: hari dan bulan tidak dapat dibedakan dari isinya; dianggap hari dulu "
                         "(DD/MM/YYYY). Bila bulan dulu, ubah format menjadi «%(other)s»."), {"other": other}))
    return ColumnType({"type": kind, "format": fmt}, notes=notes)


def day_first_format(present: list[str], match: re.Match) -> tuple[str | bool, str | None]:
    """DD/MM/YYYY unless a second part above 12 says MM/DD/YYYY; False when the cells disagree.
    The second value is the other reading, when the cells cannot tell."""
    separator, clock, seconds = match[2], match[5] is not None, match[7] is not None
    parts = [DAY_FIRST.match(v) for v in present]
    if any(p is None or p[2] != separator or (p[5] is not None) != clock or (p[7] is not None) != seconds
           for p in parts):
        return False, None
    time_part = (" %H:%M" + (":%S" if seconds else "")) if clock else ""
    day_month = f"%d{separator}%m{separator}%Y{time_part}"
    month_day = f"%m{separator}%d{separator}%Y{time_part}"
    if any(int(p[1]) > 12 for p in parts):
        return day_month, None
    if any(int(p[3]) > 12 for p in parts):
        return month_day, None
    return day_month, month_day


def parses(value: str, fmt: str) -> bool:
    try:
        datetime.datetime.strptime(value, fmt)
    except ValueError:
        return False
    return True


def parses_iso(value: str, kind: str) -> bool:
    try:
        if kind == "date":
            datetime.date.fromisoformat(value)
        else:
            datetime.datetime.strptime(value[:19], "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return False
    return kind == "date" and len(value) == 10 or kind == "datetime"
