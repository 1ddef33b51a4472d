"""A large CSV file loaded on both cores: while the parent inserts the rows of the file's first half, a
child process (tail_worker.py) inserts the second half's into a scratch database through the same checked
INSERT; the parent then copies those rows in after its own, which SQLite does in C. On 2 cores this took a
1M-row insert from 8.0 to 4.6 s (bench/RESULTS.md).

The file is cut only where a row certainly ends: after a line break, in a file without the quote character
(a quoted cell may hold line breaks). Anything the child could not insert makes the table Unvouched, so
frictionless reads the whole file and its errors are reported as ever, with their row numbers.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

SPLIT_MIN_BYTES = 8 * 1024 ** 2  # smaller files load faster than a child process starts and its rows are copied
MAX_SPLIT_TABLES = 4  # scratch databases attached per package (SQLite attaches 10 at most; publish uses one)
WORKER = Path(__file__).with_name("tail_worker.py")
SCAN_CHUNK = 8 * 1024 ** 2


def may_split(path: Path) -> bool:
    return (os.cpu_count() or 1) > 1 and path.is_file() and path.stat().st_size >= SPLIT_MIN_BYTES


def split_offset(path: Path, quotechar: str) -> int | None:
    """Where the second half starts (the byte after the first line break past the middle), or None."""
    quote, size = quotechar.encode("utf-8"), path.stat().st_size
    with open(path, "rb") as file:
        while chunk := file.read(SCAN_CHUNK):  # read, not mmap: mapped pages would count as this process's memory
            if quote in chunk:
                return None
        file.seek(size // 2)
        rest = file.read(SCAN_CHUNK)
    newline = rest.find(b"\n")
    if newline == -1 or size // 2 + newline + 1 >= size:
        return None
    return size // 2 + newline + 1


class Scratch:
    """One package's scratch databases, one per split table. A child writes its file alone; the parent
    attaches it only to copy the rows in (inside the package's transaction, which SQLite allows), and
    detaches it after the transaction has ended (which SQLite requires)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn, self.folder = conn, tempfile.TemporaryDirectory(prefix="portal-tail-")
        self.files: list[Path] = []
        self.attached: list[str] = []

    def new_file(self) -> Path | None:
        """A path for the next child's database, or None when the package has had its share."""
        if len(self.files) >= MAX_SPLIT_TABLES:
            return None
        self.files.append(Path(self.folder.name) / f"tail{len(self.files)}.db")
        return self.files[-1]

    def attach(self, file: Path) -> str:
        name = f"portal_tail{len(self.attached)}"
        self.conn.execute(f"ATTACH DATABASE ? AS {name}", [str(file)])
        self.attached.append(name)
        return name

    def close(self) -> None:
        for name in self.attached:
            try:
                self.conn.execute(f"DETACH DATABASE {name}")
            except sqlite3.Error:  # the connection is gone or still in a transaction: it goes with it
                pass
        self.folder.cleanup()


@contextmanager
def scratch_databases(conn: sqlite3.Connection) -> Iterator[Scratch]:
    scratch = Scratch(conn)
    try:
        yield scratch
    finally:
        scratch.close()


class TailLoad:
    """The child inserting rows from ``offset`` on into table ``table`` of a scratch database."""

    def __init__(self, conn: sqlite3.Connection, scratch: Scratch, file: Path, table: str, path: Path, offset: int,
                 insert: str, dialect: dict, max_cell_bytes: int):
        self.scratch, self.file, self.table = scratch, file, table
        create = conn.execute("SELECT sql FROM main.sqlite_master WHERE type = 'table' AND name = ?", [table]).fetchone()[0]
        self.errors = tempfile.TemporaryFile()  # a file, not a pipe: nobody reads it until the child ends
        self.worker = subprocess.Popen([sys.executable, str(WORKER)], stdin=subprocess.PIPE, stderr=self.errors)
        job = {"db": str(file), "path": str(path), "offset": offset, "create": create, "insert": insert,
               "dialect": dialect, "max_cell_bytes": max_cell_bytes}
        self.worker.stdin.write(json.dumps(job).encode("utf-8"))
        self.worker.stdin.close()

    def merge(self, conn: sqlite3.Connection) -> int:
        """Wait for the child and copy its rows after the parent's; the number of rows, or an exception
        naming what the child could not insert (the caller makes it Unvouched)."""
        if self.worker.wait():
            self.errors.seek(0)
            raise ValueError(f"second half: {self.errors.read().decode('utf-8', 'replace').strip()[-300:]}")
        schema, quoted = self.scratch.attach(self.file), '"' + self.table.replace('"', '""') + '"'
        return conn.execute(f"INSERT INTO main.{quoted} SELECT * FROM {schema}.{quoted} ORDER BY rowid").rowcount

    def stop(self) -> None:
        if self.worker.poll() is None:
            self.worker.kill()
        self.worker.wait()
        self.errors.close()
