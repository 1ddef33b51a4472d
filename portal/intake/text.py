"""A spreadsheet export as rows of text: its encoding and delimiter found, whatever Excel chose."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .notes import N_, Note

DELIMITERS = (",", ";", "\t", "|")
# Excel's "CSV (MS-DOS)" and "CSV" exports on Indonesian Windows are Windows-1252; Latin-1 reads any byte.
FALLBACK_ENCODINGS = (("cp1252", "Windows-1252"), ("latin-1", "ISO-8859-1"))
MAX_CELL_CHARS = 1_000_000


class IntakeError(Exception):
    """The file cannot be turned into a table; the message says why and what to do."""


@dataclass
class RawText:
    rows: list[list[str]]
    encoding: str  # as read: utf-8, utf-8-sig, utf-16, cp1252, latin-1
    delimiter: str
    notes: list[Note] = field(default_factory=list)


def read_text(path: Path) -> RawText:
    """Decode the file (UTF-8 with or without BOM, UTF-16, else Windows-1252 or Latin-1) and split it."""
    data = Path(path).read_bytes()
    file = str(path)
    if data.startswith(b"PK\x03\x04"):
        raise IntakeError(f"{file}: berkas ini buku kerja Excel (.xlsx), bukan CSV; simpan dengan nama .xlsx "
                          "atau ekspor lembarnya sebagai CSV")
    notes = []
    text, encoding = decode(data)
    if encoding in ("cp1252", "latin-1"):
        label = dict(FALLBACK_ENCODINGS)[encoding]
        notes.append(Note(file, N_("Berkas bukan UTF-8: dibaca sebagai %(encoding)s dan disimpan sebagai UTF-8 "
                                   "(periksa huruf beraksen, mis. «é»)."), {"encoding": label}))
    elif encoding == "utf-16":
        notes.append(Note(file, N_("Berkas UTF-16 (\"Teks Unicode\" Excel) disimpan sebagai UTF-8.")))
    if "\x00" in text:
        raise IntakeError(f"{file}: berkas berisi byte NUL, jadi bukan teks CSV; ekspor ulang dari Excel "
                          "sebagai 'CSV UTF-8'")
    delimiter = guess_delimiter(text)
    rows = split(text, delimiter, file)
    if delimiter != ",":
        notes.append(Note(file, N_("Pemisah kolom «%(delimiter)s» (dicatat di dialect.delimiter)."),
                          {"delimiter": "TAB" if delimiter == "\t" else delimiter}))
    return RawText(rows, encoding, delimiter, notes)


def decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data, "utf-8-sig"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    for encoding, _label in FALLBACK_ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise IntakeError(f"berkas ditandai {encoding} (BOM) tetapi byte {error.start} tidak sah: {error.reason}; "
                          "ekspor ulang sebagai 'CSV UTF-8'") from error


def guess_delimiter(text: str) -> str:
    """The delimiter giving the most rows of the same width above one column (ties: the listed order)."""
    sample = text[:200_000]
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        try:
            widths = Counter(len(row) for row in csv.reader(io.StringIO(sample), delimiter=delimiter) if any(row))
        except csv.Error:
            continue
        width, count = max(widths.items(), key=lambda item: (item[1], item[0]), default=(1, 0))
        score = (count, width) if width > 1 else (0, 0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def split(text: str, delimiter: str, file: str) -> list[list[str]]:
    previous = csv.field_size_limit(MAX_CELL_CHARS)
    try:
        return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as error:
        raise IntakeError(f"{file}: tidak dapat dibaca sebagai CSV ({error}); periksa tanda petik yang tidak "
                          "ditutup") from error
    finally:
        csv.field_size_limit(previous)
