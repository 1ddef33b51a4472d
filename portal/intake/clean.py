"""One spreadsheet export -> a clean table: named, typed and linked columns, the rows to publish, and
notes of everything assumed or changed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from frictionless import Field

from .cells import infer_column
from .codes import REFERENCE_KEY, Link, ReferenceTable, link_codes
from .keys import guess_primary_key
from .layout import Table, find_table
from .names import column_names
from .notes import N_, Note
from .numbers import file_decimal
from .text import read_text
from .workbook import is_workbook, read_workbook

TOTAL_LABEL = re.compile(r"^\s*(jumlah|total|grand total|jumlah total)\s*$", re.IGNORECASE)
UNIT_IN_HEADER = re.compile(r"\(([^()]{1,30})\)\s*$")
TYPED = ("integer", "number", "boolean", "date", "datetime")


@dataclass
class CleanTable:
    fields: list[dict]
    rows: list[list[str]]
    delimiter: str
    primary_key: list[str]
    foreign_keys: list[dict]
    missing_values: list[str]
    table: Table
    changed: bool  # False: the file's bytes are already the clean table
    notes: list[Note] = field(default_factory=list)


def clean_file(path: Path, references: list[ReferenceTable], header_row: int | None = None,
               no_header: bool = False, sheet: str | None = None) -> CleanTable:
    file = str(path)
    raw = read_workbook(path, sheet) if is_workbook(path) else read_text(path)
    table = find_table(raw.rows, file, header_row=header_row, no_header=no_header)
    notes = raw.notes + table.notes
    width = len(table.header) if table.header else max((len(r) for r in table.rows), default=0)
    header = table.header or [""] * width
    rows = [row + [""] * (width - len(row)) for row in table.rows]
    names = column_names(header)
    renamed = [(cell, name) for cell, name in zip(header, names) if cell != name]
    if renamed and not no_header:
        notes.append(Note(file, N_("Judul kolom diubah menjadi nama aman, judul aslinya disimpan sebagai title: "
                                   "%(names)s."), {"names": listing(f"«{c.strip()}» → {n}" for c, n in renamed)}))
    if no_header:
        notes.append(Note(file, N_("Berkas tanpa baris judul: kolom dinamai %(names)s; tulis judulnya di title.")
                          , {"names": listing(names)}))
    columns = [[row[i] for row in rows] for i in range(width)]
    locale_decimal = file_decimal(columns)
    fields, foreign_keys, missing, stripped, rewritten = [], [], set(), False, False
    for index, name in enumerate(names):
        inferred = infer_column(name, columns[index], locale_decimal)
        spec = {"name": name, **inferred.field}
        title = " ".join(header[index].split())
        spec["title"] = title if title and title != name else "ISI: judul kolom"
        spec["description"] = "ISI: definisi kolom"
        unit = UNIT_IN_HEADER.search(title)
        if unit and spec["type"] in ("integer", "number"):
            spec["unit"] = unit[1].strip()
        missing |= inferred.missing
        notes += [Note(file, message, values | {"column": name}, column=name) for message, values in inferred.notes]
        if spec["type"] in TYPED and any(cell != cell.strip() for cell in columns[index]):
            columns[index] = [cell.strip() for cell in columns[index]]
            stripped = True
        link = link_codes(name, columns[index], spec["type"] != "string", references)
        if link:
            stripped = stripped or any(cell != cell.strip() for cell in columns[index])
            rewritten = rewritten or bool(link.rewritten)
            spec, columns[index], linked_notes = linked_column(spec, columns[index], link, file)
            foreign_keys.append({"fields": [name], "reference": {
                "package": link.reference.package, "resource": link.reference.table, "fields": [REFERENCE_KEY]}})
            notes += linked_notes
        fields.append(spec)
    if missing:
        notes.append(Note(file, N_("Sel berisi %(marks)s dibaca sebagai kosong (missingValues)."),
                          {"marks": ", ".join(f"«{m}»" for m in sorted(missing))}))
    if stripped:
        notes.append(Note(file, N_("Spasi di awal/akhir sel angka, tanggal dan kode dibuang.")))
    rows = [list(row) for row in zip(*columns)] if columns else []
    empty = missing | {""}
    kept = [row for row in rows if any(cell.strip() not in empty for cell in row)]
    if len(kept) < len(rows):  # "-" in every cell: a blank row once the marks are read as missing
        notes.append(Note(file, N_("%(count)s baris yang hanya berisi tanda kosong dibuang."),
                          {"count": len(rows) - len(kept)}))
        rows = kept
    total = totals_row(fields, rows, sorted(empty))
    if total is not None:
        notes.append(Note(file, N_("Baris terakhir «%(label)s» adalah jumlah baris di atasnya: dibuang (jumlahnya "
                                   "dapat dihitung dengan SQL, dan baris jumlah menggandakan SUM)."),
                          {"label": " ".join(c.strip() for c in rows[total] if c.strip())[:80]}))
        rows = rows[:total]
    keys = guess_primary_key(fields, [[row[i] for row in rows] for i in range(width)], empty)
    if len(keys) > 1:
        notes.append(Note(file, N_("Kunci utama gabungan ditebak: %(keys)s (unik bersama-sama)."),
                          {"keys": " + ".join(keys)}))
    changed = (raw.encoding not in ("utf-8", "utf-8-sig") or bool(table.titles or table.footnotes) or
               no_header or bool(renamed) or stripped or rewritten or total is not None or
               len(raw.rows) != len(rows) + 1 or any(len(r) != width for r in raw.rows))
    return CleanTable(fields, rows, raw.delimiter, keys, foreign_keys, sorted(empty), table, changed, notes)


def linked_column(spec: dict, cells: list[str], link: Link, file: str) -> tuple[dict, list[str], list[Note]]:
    """A column of region codes: text referring to the reference table, its cells trimmed (a code is
    matched as its trimmed text) and, where Excel dropped the dots, written with them again."""
    name = spec["name"]
    spec = {k: v for k, v in spec.items() if k not in ("decimalChar", "groupChar", "bareNumber")}
    spec.update(type="string", referenceCodeList=f"{link.reference.package}/{link.reference.table}")
    cells = [link.rewritten.get(cell.strip(), cell.strip()) if link.rewritten else cell.strip() for cell in cells]
    notes = []
    if link.rewritten:
        written, code = next(iter(link.rewritten.items()))
        notes.append(Note(file, N_("Kolom %(column)s: kode wilayah tanpa titik (Excel membuangnya, mis. "
                                   "«%(written)s»): ditulis ulang dengan titik («%(code)s») agar tertaut ke "
                                   "%(table)s."), {"column": name, "written": written, "code": code,
                                                  "table": spec["referenceCodeList"]}, column=name))
    return spec, cells, notes


def listing(items, shown: int = 8) -> str:
    """The first few items of a long list (a 1,000-column header), and how many more."""
    items = list(items)
    more = f" … (+{len(items) - shown})" if len(items) > shown else ""
    return ", ".join(items[:shown]) + more


def totals_row(fields: list[dict], rows: list[list[str]], missing: list[str]) -> int | None:
    """The index of a last row labelled Jumlah/Total whose every number is the sum of the rows above."""
    if len(rows) < 3:
        return None
    last = rows[-1]
    labels = [c for c, f in zip(last, fields) if f["type"] == "string" and c.strip()]
    numeric = [i for i, f in enumerate(fields) if f["type"] in ("integer", "number")]
    if len(labels) != 1 or not TOTAL_LABEL.match(labels[0]) or not numeric:
        return None
    summed = False
    for index in numeric:
        read = Field.from_descriptor({k: v for k, v in fields[index].items()
                                      if k not in ("title", "description", "unit")}).read_cell
        values = [read(row[index])[0] if row[index] not in missing else None for row in rows]
        if values[-1] is None:
            continue  # no total for this column (a row number, a percentage left as "-")
        if any(not isinstance(v, (int, Decimal)) for v in values if v is not None):
            return None
        above = sum(v for v in values[:-1] if v is not None)
        if abs(Decimal(above) - Decimal(values[-1])) > Decimal("0.011") * len(rows):
            return None
        summed = True
    return len(rows) - 1 if summed else None
