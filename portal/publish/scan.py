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


def scan_data_file(path, resource: dict) -> list[Issue]:
    """File size, then one streaming pass over the bytes (compression, NUL bytes, UTF-8, line length),
    then one pass of the csv module with bounded lines (column count, cell size, formula-looking cells)."""
    try:
        size = path.stat().st_size
    except OSError:
        return []  # a missing file is reported by frictionless (scheme-error)
    if size > MAX_FILE_BYTES:
        return [Issue(str(path), "portal-file-too-large",
                      f"the file is {size:,} bytes; the portal accepts data files up to {MAX_FILE_BYTES:,} bytes")]
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


def scan_bytes(path, declared: str | None = None) -> list[Issue]:
    """``declared``: a non-UTF-8 encoding the descriptor states. Plain ASCII reads the same in every
    encoding a CSV is written in, so such a file is accepted; any other byte is refused."""
    file, line, line_bytes, first = str(path), 1, 0, True
    max_line = MAX_LINE_BYTES
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as data:
        while True:
            chunk = data.read(SCAN_CHUNK_BYTES)
            if first:
                first = False
                kind = next((name for magic, name in COMPRESSED if chunk.startswith(magic)), None)
                if kind:
                    return [Issue(file, "portal-compression",
                                  f"the file is {kind}-compressed data, not a plain CSV file; publish it uncompressed")]
            nul = chunk.find(b"\0")
            if nul >= 0:
                row = line + chunk.count(b"\n", 0, nul)
                return [Issue(file, "portal-nul-byte", f"line {row} holds a NUL byte (\\x00): this is not a text CSV file",
                              row=row)]
            high = NON_ASCII.search(chunk) if declared else None
            if high:
                row = line + chunk.count(b"\n", 0, high.start())
                return [Issue(file, "portal-encoding", f"line {row} holds byte {high.group().hex()}, which is not ASCII, "
                              f"and the descriptor declares encoding {declared!r}: the portal publishes UTF-8 only. "
                              "Save the file as CSV UTF-8 (`portal new` converts Windows-1252 and Latin-1 files)",
                              row=row)]
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as error:
                at = max(0, error.start - pending)
                row = line + chunk.count(b"\n", 0, at)
                bad = (decoder.getstate()[0] + chunk)[error.start:error.start + 1] if chunk else b""
                return [Issue(file, "portal-encoding", f"line {row} is not UTF-8 (byte {bad.hex() or 'at the end'}): "
                              "save the file as CSV UTF-8 (`portal new` converts Windows-1252 and Latin-1 files)",
                              row=row)]
            if not chunk:
                return []
            lines = chunk.replace(b"\r", b"\n").split(b"\n")
            longest = max(line_bytes + len(lines[0]), max((len(part) for part in lines[1:]), default=0))
            if longest > max_line:
                row = line + _long_line_offset(chunk, line_bytes, max_line)
                return [Issue(file, "portal-line-too-long", f"line {row} is longer than {max_line:,} bytes", row=row)]
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
                return [Issue(file, "portal-too-many-columns", f"the header has {len(header):,} columns; the limit is "
                              f"{max_columns:,}", row=1)]
            for row, cells in enumerate(reader, start=2):
                if len(cells) > max_columns:
                    return [Issue(file, "portal-too-many-columns", f"row {row} has {len(cells):,} cells; the limit is "
                                  f"{max_columns:,}", row=row)]
                for index, cell in enumerate(cells):
                    column = header[index] if index < len(header) else None
                    if len(cell) * 4 > max_cell and len(cell.encode("utf-8")) > max_cell:
                        return [Issue(file, "portal-cell-too-large", f"a cell of {len(cell.encode('utf-8')):,} bytes; "
                                      f"the limit is {max_cell:,} bytes per cell", row=row, field=column)]
                    if looks_like_formula(cell):
                        flagged += 1
                        if flagged <= MAX_FLAGGED_CELLS:
                            issues.append(Issue(file, "portal-formula-cell", "starts like a spreadsheet formula; "
                                                "published as it is, but the Excel downloads (.excel.csv, .xlsx) show it "
                                                "as text (prefixed with ')", row=row, field=column, cell=cell[:200]))
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            return [Issue(file, "portal-cell-too-large", f"a cell after row {row} is larger than {MAX_LINE_BYTES:,} "
                          "characters", row=row + 1)]
        return issues  # other CSV syntax problems are reported by frictionless with their row
    finally:
        csv.field_size_limit(previous_limit)
    return issues


# Properties frictionless would dereference (fetch): the portal validates with its own profile.
