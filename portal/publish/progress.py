"""How far a publish has got, for whoever watches (the terminal's progress bars): packages started,
bytes of their data files read and rows loaded.

An observer only: nothing in the pipeline reads it back, and without one every call does nothing.
It is a context variable rather than a parameter so the readers deep in the loaders can report
without every stage between passing it along.
"""

from __future__ import annotations

import io
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Iterator, Protocol

READ_CHUNK = 1 << 20


class Watcher(Protocol):
    def package(self, name: str, total_bytes: int) -> None: ...
    def read(self, name: str, data_bytes: int, rows: int) -> None: ...
    def done(self, name: str) -> None: ...


_watcher: ContextVar[Watcher | None] = ContextVar("publish_watcher", default=None)
_package: ContextVar[str | None] = ContextVar("publish_package", default=None)


@contextmanager
def watched_by(watcher: Watcher) -> Iterator[None]:
    token = _watcher.set(watcher)
    try:
        yield
    finally:
        _watcher.reset(token)


@contextmanager
def package(name: str, files: list[Path]) -> Iterator[None]:
    """Reading and loading one package's data files: the rows read inside count for it."""
    watcher = _watcher.get()
    if watcher is None:
        yield
        return
    total = 0
    for file in files:
        try:
            total += file.stat().st_size
        except OSError:
            pass
    watcher.package(name, total)
    token = _package.set(name)
    try:
        yield
    finally:
        _package.reset(token)
        watcher.done(name)


def open_counted(path: Path, offset: int = 0, end: int | None = None, **text_options) -> io.TextIOBase:
    """The file opened as text, from byte ``offset`` (appended rows) up to byte ``end`` (the first half of
    a split load), if given, reporting the bytes read to the watcher, if any."""
    watcher, name = _watcher.get(), _package.get()
    watched = watcher is not None and name is not None
    if not (watched or offset or end is not None):
        return open(path, **text_options)
    raw = open(path, "rb")
    raw.seek(offset)
    if end is not None:
        raw = _Ending(raw, end - offset)
    if watched:
        raw = _Counting(raw, watcher, name)
    return io.TextIOWrapper(io.BufferedReader(raw, READ_CHUNK), **text_options)


def report_rows(rows: int, data_bytes: int = 0) -> None:
    """Rows (and bytes) loaded elsewhere, by a child process, for the watcher, if any."""
    watcher, name = _watcher.get(), _package.get()
    if watcher is not None and name is not None:
        watcher.read(name, data_bytes, rows)


ROWS_BATCH = 10_000


def counted_rows(rows: Iterator) -> Iterator:
    """The rows, reporting every ROWS_BATCH to the watcher; the rows unchanged when nobody watches
    (the fast loader's executemany keeps its speed)."""
    watcher, name = _watcher.get(), _package.get()
    if watcher is None or name is None:
        return rows

    def counting():
        count = 0
        for row in rows:
            count += 1
            if count == ROWS_BATCH:
                watcher.read(name, 0, count)
                count = 0
            yield row
        watcher.read(name, 0, count)

    return counting()


class _Counting(io.RawIOBase):
    def __init__(self, raw, watcher: Watcher, name: str):
        self.raw, self.watcher, self.name = raw, watcher, name

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = self.raw.readinto(buffer)
        if count:
            self.watcher.read(self.name, count, 0)
        return count

    def close(self) -> None:
        self.raw.close()
        super().close()


class _Ending(io.RawIOBase):
    """A file that ends at byte ``end``: the first half of a file split between two processes."""

    def __init__(self, raw, end: int):
        self.raw, self.left = raw, end

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.left <= 0:
            return 0
        view = memoryview(buffer)[:self.left]
        count = self.raw.readinto(view)
        self.left -= count or 0
        return count

    def close(self) -> None:
        self.raw.close()
        super().close()
