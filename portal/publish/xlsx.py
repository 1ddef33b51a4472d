"""The XLSX download of a table: three sheets, the data (typed cells), the data dictionary and the
dataset's metadata, written by rustpy-xlsxwriter (Rust, on jmcnamara's rust_xlsxwriter).

It replaced openpyxl, which wrote about 5,000 rows/s of a 12-column table where this writes about
30,000 (bench/bench_xlsx.py, bench/RESULTS.md). Rows stream from SQLite through a generator into the
writer's constant-memory mode, so memory stays flat whatever the table's size. What readers see:
- text stays text, never a formula (every string is an inline string; formula-looking text also
  gets a leading "'", as in the CSV for Excel), dates are the ISO text the CSV has;
- numbers are numbers, with every float's shortest round-trip digits (openpyxl wrote 16 digits);
  whole numbers are written as "5.0": a spreadsheet keeps every number as a double and shows 5,
  pandas reads 5, openpyxl reads 5.0;
- an infinite number (SQLite can hold one) is an empty cell: Excel has no such value.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from pathlib import Path

import rustpy_xlsxwriter

from .cast import neutralise_formula

MAX_ROWS = 1_048_575  # Excel's limit, less the header row
MAX_TEXT = 32_767  # Excel's limit for one cell; the writer refuses a longer string, so it is cut there
# Control characters XML cannot hold (a \x1f in a CSV cell) become U+FFFD: the CSV and JSON keep them.
ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")
# Only text starting with one of these can look like a formula (cast.looks_like_formula): the rest
# skips that check, which is most of a sheet's cells.
RISKY_FIRST = frozenset("=+-@\t\r \u00a0")
# The Rust writer's I/O errors are OSErrors without an errno, their number only in the message.
OS_ERROR = re.compile(r"\(os error (\d+)\)")


def xlsx_cell(value):
    """A cell a spreadsheet shows as the value, text as text."""
    if value.__class__ is not str:
        return value
    if value[:1] in RISKY_FIRST:
        value = neutralise_formula(value)
    if ILLEGAL.search(value):
        value = ILLEGAL.sub("\ufffd", value)
    return value if len(value) <= MAX_TEXT else value[:MAX_TEXT]


def records(columns: list[str], rows):
    """The writer's records, one dict a row. A sheet without rows still gets its header row: a record
    of empty cells writes only the header."""
    empty = True
    for row in rows:
        empty = False
        yield dict(zip(columns, [xlsx_cell(value) for value in row]))
    if empty:
        yield dict.fromkeys(columns)


def write_xlsx(conn: sqlite3.Connection, descriptor: dict, resource: dict, path: Path) -> None:
    fields = resource["schema"]["fields"]
    columns = [f["name"] for f in fields]
    cursor = conn.execute(f'select {", ".join(quoted(c) for c in columns)} from {quoted(resource["name"])} '
                          f'order by rowid limit {MAX_ROWS}')
    dictionary = [(f["name"], f.get("type", "string"), f.get("title", ""), f.get("description", ""),
                   f.get("unit", ""), f.get("concept", ""), f.get("classification", ""),
                   f.get("referenceCodeList", "")) for f in fields]
    about = [(key, value if isinstance(value, (str, int, float, bool)) else json.dumps(value, ensure_ascii=False))
             for key, value in descriptor.items() if key not in ("resources", "queries")]
    about += [("tabel", resource["name"]), ("judul tabel", resource.get("title", ""))]
    sheets = [("data", records(columns, cursor)),
              ("kamus_data", records(["kolom", "tipe", "judul", "definisi", "satuan", "konsep", "klasifikasi",
                                      "kode_referensi"], dictionary)),
              ("metadata", records(["properti", "nilai"], about))]
    try:
        rustpy_xlsxwriter.write_worksheets(sheets, str(path))
    except Exception as error:
        found = OS_ERROR.search(str(error)) if getattr(error, "errno", None) is None else None
        if found:  # as an errno, so disk_full.writing sees a full disk (ENOSPC) for what it is
            number = int(found[1])
            raise OSError(number, os.strerror(number), str(path)) from error
        raise


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'

