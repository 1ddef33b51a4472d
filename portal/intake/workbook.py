"""An Excel workbook (.xlsx) as rows of text, so `portal new` takes the file staff actually have.

Cells become the text a CSV export would hold in its plainest form: numbers as Python prints them
(17.89, 182356), dates as ISO 8601, so no separator or date order has to be guessed. A merged cell
keeps its value in its first cell only, as in a CSV export.
"""

from __future__ import annotations

import datetime
import zipfile
from pathlib import Path

from .notes import N_, Note
from .text import IntakeError, RawText

MAX_CELLS = 20_000_000


def is_workbook(path: Path) -> bool:
    return zipfile.is_zipfile(path) and Path(path).suffix.lower() in (".xlsx", ".xlsm")


def read_workbook(path: Path, sheet: str | None = None) -> RawText:
    from openpyxl import load_workbook  # only for workbooks: CSV intake does not pay for it

    file = str(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        raise IntakeError(f"{file}: buku kerja tidak dapat dibaca ({type(error).__name__}: {error}); simpan ulang "
                          "di Excel, atau ekspor lembarnya sebagai CSV") from None
    try:
        names = workbook.sheetnames
        if sheet is not None and sheet not in names:
            raise IntakeError(f"{file}: tidak ada lembar {sheet!r}; lembar yang ada: {', '.join(names)}")
        chosen = sheet or names[0]
        rows, cells = [], 0
        for values in workbook[chosen].iter_rows(values_only=True):
            cells += len(values)
            if cells > MAX_CELLS:
                raise IntakeError(f"{file}: lembar {chosen!r} lebih dari {MAX_CELLS:,} sel")
            rows.append([cell_text(value) for value in values])
    finally:
        workbook.close()
    notes = [Note(file, N_("Lembar «%(sheet)s» dari buku kerja dibaca (lembar lain: %(others)s; pilih dengan "
                           "--sheet)."), {"sheet": chosen, "others": ", ".join(n for n in names if n != chosen) or "-"})]
    return RawText(rows, "xlsx", ",", notes)


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 53:
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(timespec="seconds")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return str(value)
