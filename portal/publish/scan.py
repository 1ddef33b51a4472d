"""Stage 2a: cheap checks of the data files before frictionless reads them, in bounded memory:
size caps, compression, encoding, NUL bytes, line and cell lengths, column counts, and
formula-looking cells. The caps are read when a check runs, so a deployment can change them."""

from __future__ import annotations

import codecs
import csv
import re

from .cast import looks_like_formula
from .descriptor import csv_dialect
from .discover import PackageSource
from ..messages import issue, text
from ..profile import N_
from .report import Issue

# Data files are untrusted: these caps are checked by a streaming scan (bounded memory) before
# frictionless or any other reader sees the file. Settings: read at call time, so they can be changed.
MAX_FILE_BYTES = 2 * 1024 ** 3
MAX_LINE_BYTES = 4_000_000  # one physical line; bounds what any line-based reader holds in memory
MAX_CELL_BYTES = 100_000  # the same as SQLITE_LIMIT_LENGTH on Datasette connections (portal/sql.py)
MAX_COLUMNS = 1_000
SCAN_CHUNK_BYTES = 1 << 20
MAX_FLAGGED_CELLS = 100  # formula-looking cells reported per file; the downloads neutralise all of them
COMPRESSED = ((b"\x1f\x8b", "gzip"), (b"PK\x03\x04", "zip"), (b"BZh", "bzip2"), (b"\xfd7zXZ\x00", "xz"),
              (b"\x28\xb5\x2f\xfd", "zstd"), (b"7z\xbc\xaf\x27\x1c", "7z"))
NON_ASCII = re.compile(rb"[\x80-\xff]")
COMPRESSED_SUFFIXES = (".gz", ".zip", ".bz2", ".xz", ".zst", ".7z", ".tgz", ".tar")


def scan_data_files(source: PackageSource) -> list[Issue]:
    """Cheap checks of each data file before anything parses it (see MAX_* above)."""
    issues = []
    for resource in source.descriptor["resources"]:
        issues += scan_data_file(source.resource_file(resource), resource)
    return issues


FORMULA_CELL = N_("diawali seperti rumus spreadsheet; diterbitkan apa adanya, tetapi unduhan Excel (.excel.csv, "
                  ".xlsx) menampilkannya sebagai teks (diawali ')")


def scan_data_file(path, resource: dict) -> list[Issue]:
    """File size, then one streaming pass over the bytes (compression, NUL bytes, UTF-8, line length),
    then one pass of the csv module with bounded lines (column count, cell size, formula-looking cells)."""
    try:
        size = path.stat().st_size
    except OSError:
        return []  # a missing file is reported by frictionless (scheme-error)
    if size > MAX_FILE_BYTES:
        return [issue(str(path), "portal-file-too-large",
                      N_("berkas berukuran %(size)s byte; portal menerima berkas data sampai %(limit)s byte"),
                      size=size, limit=MAX_FILE_BYTES)]
    return scan_bytes(path, declared_encoding(resource)) or _scan_cells(path, resource)


UTF8_NAMES = ("utf-8", "utf8", "utf-8-sig")


def declared_encoding(resource: dict) -> str | None:
    """The encoding a resource declares when it is not UTF-8 (read as UTF-8 anyway: see scan_bytes)."""
    encoding = str(resource.get("encoding", "utf-8")).lower().replace("_", "-")
    return None if encoding in UTF8_NAMES else str(resource.get("encoding"))


def known_encoding(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


def scan_bytes(path, declared: str | None = None, offset: int = 0) -> list[Issue]:
    """``declared``: a non-UTF-8 encoding the descriptor states. Plain ASCII reads the same in every
    encoding a CSV is written in, so such a file is accepted; any other byte is refused. ``offset``:
    scan only the bytes from there, the start of a line (rows appended to a file scanned before)."""
    file, line, line_bytes, first = str(path), 1, 0, not offset
    max_line = MAX_LINE_BYTES
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as data:
        data.seek(offset)
        while True:
            chunk = data.read(SCAN_CHUNK_BYTES)
            if first:
                first = False
                kind = next((name for magic, name in COMPRESSED if chunk.startswith(magic)), None)
                if kind:
                    return [issue(file, "portal-compression", N_("berkas berisi data terkompresi %(kind)s, bukan CSV "
                                                                 "biasa; terbitkan tanpa kompresi"), kind=kind)]
            nul = chunk.find(b"\0")
            if nul >= 0:
                row = line + chunk.count(b"\n", 0, nul)
                return [issue(file, "portal-nul-byte", N_("baris %(row)s memuat byte NUL (\\x00): ini bukan berkas CSV "
                                                          "teks"), row=row)]
            high = NON_ASCII.search(chunk) if declared else None
            if high:
                row = line + chunk.count(b"\n", 0, high.start())
                return [issue(file, "portal-encoding", N_("baris %(row)s memuat byte %(byte)s yang bukan ASCII, dan "
                                                          "descriptor menyatakan encoding %(encoding)s: portal hanya "
                                                          "menerbitkan UTF-8. Simpan berkas sebagai CSV UTF-8 (`portal "
                                                          "new` mengonversi berkas Windows-1252 dan Latin-1)"),
                              row=row, byte=high.group().hex(), encoding=declared)]
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as error:
                at = max(0, error.start - pending)
                row = line + chunk.count(b"\n", 0, at)
                bad = (decoder.getstate()[0] + chunk)[error.start:error.start + 1] if chunk else b""
                byte = bad.hex() if bad else text(N_("di akhir berkas"))
                return [issue(file, "portal-encoding", N_("baris %(row)s bukan UTF-8 (byte %(byte)s): simpan berkas "
                                                          "sebagai CSV UTF-8 (`portal new` mengonversi berkas "
                                                          "Windows-1252 dan Latin-1)"), row=row, byte=byte)]
            if not chunk:
                return []
            lines = chunk.replace(b"\r", b"\n").split(b"\n")
            longest = max(line_bytes + len(lines[0]), max((len(part) for part in lines[1:]), default=0))
            if longest > max_line:
                row = line + _long_line_offset(chunk, line_bytes, max_line)
                return [issue(file, "portal-line-too-long", N_("baris %(row)s lebih panjang dari %(limit)s byte"),
                              row=row, limit=max_line)]
            line_bytes = line_bytes + len(lines[0]) if len(lines) == 1 else len(lines[-1])
            line += chunk.count(b"\n")


def _long_line_offset(chunk: bytes, carried: int, max_line: int) -> int:
    """How many line feeds precede the first line of ``chunk`` longer than ``max_line``."""
    normalized, start = chunk.replace(b"\r", b"\n"), 0
    while True:
        end = normalized.find(b"\n", start)
        end = len(chunk) if end < 0 else end
        if end - start + (carried if start == 0 else 0) > max_line or end == len(chunk):
            return chunk.count(b"\n", 0, start)
        start = end + 1


def _scan_cells(path, resource: dict) -> list[Issue]:
    file, issues, flagged = str(path), [], 0
    max_cell, max_columns = MAX_CELL_BYTES, MAX_COLUMNS
    previous_limit = csv.field_size_limit(MAX_LINE_BYTES)
    row = 1
    try:
        with open(path, newline="", encoding="utf-8-sig") as data:
            reader = csv.reader(data, **csv_dialect(resource))
            header = next(reader, [])
            if len(header) > max_columns:
                return [issue(file, "portal-too-many-columns", N_("header punya %(columns)s kolom; batasnya "
                                                                  "%(limit)s"), row=1, columns=len(header),
                              limit=max_columns)]
            for row, cells in enumerate(reader, start=2):
                if len(cells) > max_columns:
                    return [issue(file, "portal-too-many-columns", N_("baris %(row)s punya %(cells)s sel; batasnya "
                                                                      "%(limit)s"), row=row, cells=len(cells),
                                  limit=max_columns)]
                for index, cell in enumerate(cells):
                    column = header[index] if index < len(header) else None
                    if len(cell) * 4 > max_cell and len(cell.encode("utf-8")) > max_cell:
                        return [issue(file, "portal-cell-too-large", N_("sebuah sel berukuran %(size)s byte; batasnya "
                                                                        "%(limit)s byte per sel"), row=row, field=column,
                                      size=len(cell.encode("utf-8")), limit=max_cell)]
                    if looks_like_formula(cell):
                        flagged += 1
                        if flagged <= MAX_FLAGGED_CELLS:
                            issues.append(issue(file, "portal-formula-cell", FORMULA_CELL, row=row, field=column,
                                                cell=cell[:200]))
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            return [issue(file, "portal-cell-too-large", N_("sebuah sel setelah baris %(after)s lebih besar dari "
                                                            "%(limit)s karakter"), row=row + 1, after=row,
                          limit=MAX_LINE_BYTES)]
        return issues  # other CSV syntax problems are reported by frictionless with their row
    finally:
        csv.field_size_limit(previous_limit)
    return issues


# Properties frictionless would dereference (fetch): the portal validates with its own profile.
