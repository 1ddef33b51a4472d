"""Where the table is in a spreadsheet export: title rows above the header, a second header row
under merged cells, footnotes below, empty rows and columns around it.

The header is the first row about as wide as the table's rows. A header that reads like data
(numbers where its column holds numbers) is refused with a question rather than taken silently.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from .notes import N_, Note
from .numbers import shape
from .text import IntakeError

FOOTNOTE_START = re.compile(r"^\s*(sumber|source|catatan|keterangan|ket\.|note|\*|\(\d\)|¹|\d\))", re.IGNORECASE)
YEAR = re.compile(r"^(19|20)\d\d$")


@dataclass
class Table:
    header: list[str]  # as written, blank where the file has no name
    rows: list[list[str]]
    header_row: int | None  # 1-based row in the file, None without one
    titles: list[str] = field(default_factory=list)  # text of the title rows above the header
    footnotes: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


def find_table(rows: list[list[str]], file: str, header_row: int | None = None, no_header: bool = False) -> Table:
    numbered = [(number, row) for number, row in enumerate(rows, start=1) if any(cell.strip() for cell in row)]
    if not numbered:
        raise IntakeError(f"{file}: berkas kosong, tidak ada baris berisi")
    width = table_width([row for _, row in numbered])
    notes: list[Note] = []
    if header_row is not None:
        start = next((i for i, (number, _) in enumerate(numbered) if number == header_row), None)
        if start is None:
            raise IntakeError(f"{file}: baris {header_row} kosong atau tidak ada (berkas punya {len(rows)} baris)")
    else:
        wide = max(2, math.ceil(width / 2)) if width > 1 else 1
        start = next(i for i, (_, row) in enumerate(numbered) if filled(row) >= wide)
    titles = [" ".join(c.strip() for c in row if c.strip()) for _, row in numbered[:start]]
    if titles:
        notes.append(Note(file, N_("%(count)s baris judul di atas tabel dilewati: «%(text)s»."),
                          {"count": len(titles), "text": " / ".join(titles)}))
    if no_header:
        header, body, number = [], numbered[start:], None
    else:
        number, header = numbered[start]
        header = fill_from_above(header, [row for _, row in numbered[:start]])
        body = numbered[start + 1:]
        merged = merged_header(header, [row for _, row in body])
        if merged:
            header = merged
            notes.append(Note(file, N_("Judul kolom dua baris (sel digabung) digabungkan: %(names)s."),
                              {"names": ", ".join(f"«{h}»" for h in header if h)}))
            body = body[1:]
        refuse_data_as_header(header, [row for _, row in body], file, number)
    body, footnotes = split_footnotes(body, width)
    if footnotes:
        notes.append(Note(file, N_("%(count)s catatan kaki di bawah tabel dipindah ke deskripsi tabel: «%(text)s»."),
                          {"count": len(footnotes), "text": " / ".join(footnotes)}))
    blank_rows = len(rows) - len(numbered)
    if blank_rows:
        notes.append(Note(file, N_("%(count)s baris kosong dibuang."), {"count": blank_rows}))
    header, data = drop_empty_columns(header, [row for _, row in body], file, notes)
    if not header:  # every row was a title or a footnote: there is no table to describe
        raise IntakeError(f"{file}: tidak ada tabel: setiap baris berisi judul atau catatan, tidak ada kolom data")
    return Table(header, data, number, titles, footnotes, notes)


def filled(row: list[str]) -> int:
    return sum(1 for cell in row if cell.strip())


def table_width(rows: list[list[str]]) -> int:
    """The most common number of filled cells among rows with more than one (ties: the wider)."""
    counts = Counter(filled(row) for row in rows if filled(row) > 1)
    if not counts:
        return 1
    return max(counts.items(), key=lambda item: (item[1], item[0]))[0]


def fill_from_above(header: list[str], above: list[list[str]]) -> list[str]:
    """A blank header cell takes the nearest text above it: Excel writes a vertically merged header once."""
    filled_header = list(header)
    for index, cell in enumerate(header):
        if cell.strip():
            continue
        for row in reversed(above):
            if index < len(row) and row[index].strip():
                filled_header[index] = row[index]
                break
    return filled_header


def merged_header(header: list[str], body: list[list[str]]) -> list[str] | None:
    """The two header rows as one, when the row under the header is a second header row: text only,
    sitting under blank or horizontally merged cells above columns of numbers."""
    if len(body) < 2:
        return None
    second, data = body[0], body[1:]
    cells = [(i, c.strip()) for i, c in enumerate(second) if c.strip()]
    if not cells or any(looks_numeric(c) for _, c in cells):
        return None
    under_blank = [i for i, _ in cells if i >= len(header) or not header[i].strip()]
    numeric_below = [i for i, _ in cells if column_is_numeric([row[i] if i < len(row) else "" for row in data])]
    if not under_blank or len(numeric_below) < len(cells) / 2:
        return None
    width = max(len(header), len(second))
    combined, above = [], ""
    for i in range(width):
        top = header[i].strip() if i < len(header) else ""
        below = second[i].strip() if i < len(second) else ""
        above = top or (above if below else "")  # a horizontally merged cell spans the blanks to its right
        combined.append(" ".join(part for part in (above, below) if part) if below else top)
    return combined


def looks_numeric(cell: str) -> bool:
    return shape(cell) is not None


def column_is_numeric(cells: list[str]) -> bool:
    present = [c.strip() for c in cells if c.strip() and c.strip() not in ("-", "...", "…")]
    return bool(present) and sum(looks_numeric(c) for c in present) >= 0.9 * len(present)


def refuse_data_as_header(header: list[str], body: list[list[str]], file: str, number: int) -> None:
    """Numbers in the header over columns of numbers mean the file has no header row: ask."""
    data_like = []
    for index, cell in enumerate(header):
        cell = cell.strip()
        if not cell or not looks_numeric(cell):
            continue
        column = [row[index] if index < len(row) else "" for row in body]
        if YEAR.match(cell) and not all(YEAR.match(c.strip()) for c in column if c.strip()):
            continue  # years as column names above figures: a wide table's header
        if column_is_numeric(column):
            data_like.append(cell)
    if data_like and len(data_like) * 2 >= filled(header):
        raise IntakeError(
            f"{file}: baris {number} tampak seperti data ({'; '.join(c for c in header if c.strip())}), bukan judul "
            "kolom. Bila berkas tidak punya baris judul kolom, jalankan lagi dengan --no-header (kolom dinamai "
            "kolom_1, kolom_2, ...), atau tunjuk baris judulnya dengan --header-row N")


def split_footnotes(body: list[tuple[int, list[str]]], width: int):
    """Trailing rows that are notes: starting like "Sumber:" or "*)", or, in a table of three or more
    columns, rows of one filled cell set apart by a blank row (rows of one cell right under the table
    are data with empty cells: an account line without amounts)."""
    end = len(body)
    while end > 0:
        row = body[end - 1][1]
        if filled(row) == 1 or FOOTNOTE_START.match(next((c for c in row if c.strip()), "")):
            end -= 1
        else:
            break
    block = body[end:]
    keyword = any(FOOTNOTE_START.match(next((c for c in row if c.strip()), "")) for _, row in block)
    set_apart = block and end > 0 and width >= 3 and block[0][0] > body[end - 1][0] + 1
    if not (keyword or set_apart):
        return body, []
    if not set_apart:  # only from the first row that starts like a note
        end += next(i for i, (_, row) in enumerate(block)
                    if FOOTNOTE_START.match(next((c for c in row if c.strip()), "")))
    footnotes = [" ".join(c.strip() for c in row if c.strip()) for _, row in body[end:]]
    return body[:end], footnotes


def drop_empty_columns(header: list[str], rows: list[list[str]], file: str, notes: list[Note]):
    """Rows padded to one width; columns without a name and without a value dropped."""
    width = max([len(header)] + [len(row) for row in rows])
    header = list(header) + [""] * (width - len(header))
    rows = [list(row) + [""] * (width - len(row)) for row in rows]
    keep = [i for i in range(width) if header[i].strip() or any(row[i].strip() for row in rows)]
    dropped = width - len(keep)
    if dropped:
        notes.append(Note(file, N_("%(count)s kolom tanpa judul dan tanpa isi dibuang."), {"count": dropped}))
    return [header[i] for i in keep], [[row[i] for i in keep] for row in rows]
