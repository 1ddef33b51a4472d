"""A memory limit for each SQL query Datasette runs, next to its time limit.

PRAGMA hard_heap_limit caps SQLite's memory for the whole process: when one query's aggregate
(json_group_array over large values grows one string row by row, and is checked against
SQLITE_LIMIT_LENGTH only at the end) fills it, whichever query allocates next fails, often a
visitor's table page. So Datasette's progress handler, which already stops a query at its time
limit, also stops a query using such an aggregate (json_group_array, json_group_object: a trace
callback notes it per statement, cached ones too) that grows:

- by more than ``limit_bytes`` since the lowest point of SQLite's memory during the query (the counter,
  sqlite3_memory_used from the same libsqlite3 Python's sqlite3 module uses, is the process's: another
  query freeing memory would hide this one's growth from a fixed starting point);
- by more than GROWING_BYTES while SQLite's memory is above ``ceiling_bytes`` (three-quarters of the
  heap limit): when several growing queries together near the heap limit, they are stopped, and the
  short queries beside them keep the last quarter.

The counter is the process's, so it also moves with every other query's memory: applied to every query,
the rules stopped visitors' table pages while an attacker's aggregate grew and shrank beside them (9 failed
normal requests in bench/bench_attack.py). Other queries are bounded otherwise: values by
SQLITE_LIMIT_LENGTH (group_concat included), results by the result budget (portal/sql.py), sorts spill
to disk past the page cache.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import re
import sqlite3
import time
from contextlib import contextmanager

import datasette.database
from datasette.database import QueryInterrupted

# SQLite VM instructions between checks. Datasette checks its time limit every 1,000 (≈0.08 ms), but an
# aggregate takes only a few instructions per row: json_group_array added 19 MB of 64 kB values between
# two checks. Every 100 it adds at most ~3 MB (values are at most 100 kB, SQLITE_LIMIT_LENGTH); at 250
# (~8 MB) three growing queries beside a visitor's still made it fail now and then under load.
CHECK_EVERY = 100
# A statement without such an aggregate needs only its time limit checked: after its first check, every
# TIME_CHECK_EVERY instructions (≈1 ms at most). Checking every 250 throughout took a canned query from
# 0.97 to 0.69 of bare Datasette's requests/s (bench/bench_mount.py: a Python call each time).
TIME_CHECK_EVERY = 10_000
GROWING_BYTES = 1_000_000
CEILING_SHARE = 0.75


def _sqlite_memory_used():
    """sqlite3_memory_used of the libsqlite3 this process's sqlite3 module uses, or None where
    that library cannot be reached (a statically linked Python): the time limit then works alone."""
    try:
        library = ctypes.CDLL(ctypes.util.find_library("sqlite3") or "libsqlite3.so.0")
        function = library.sqlite3_memory_used
    except (OSError, AttributeError):
        return None
    function.restype = ctypes.c_int64
    with sqlite3.connect(":memory:") as probe:  # is it the same library? its counter must move
        before = function()
        probe.execute("create table t(x)")
        probe.executemany("insert into t values (?)", [("x" * 1000,)] * 100)
        if function() == before:
            return None
    return function


memory_used = _sqlite_memory_used()


class QueryNeedsTooMuchMemory(sqlite3.OperationalError):
    pass


GROWING_AGGREGATES = ("json_group_array", "json_group_object")
GROWING_SQL = re.compile("|".join(GROWING_AGGREGATES), re.IGNORECASE)  # runs for every statement: no lower() copy
_growing_statement: dict[int, bool] = {}  # id(connection) -> whether its running statement uses one
_limited: dict[int, object] = {}  # id(connection) -> the progress handler of the limited query running on it


def watch_statements(conn: sqlite3.Connection) -> None:
    """Note, as each statement starts (SQLite's trace, called for cached statements too), whether it uses
    an aggregate that grows one value without SQLite's length check. One that does not is then checked
    every TIME_CHECK_EVERY instructions: SQLite set this statement's first check at CHECK_EVERY when it
    began (before the trace, which runs as its first instruction), and takes the new interval after it."""
    key = id(conn)

    def traced(sql: str) -> None:
        growing = _growing_statement[key] = GROWING_SQL.search(sql) is not None
        handler = _limited.get(key)
        if handler is not None and not growing:
            conn.set_progress_handler(handler, TIME_CHECK_EVERY)

    conn.set_trace_callback(traced)


MESSAGE = "Query needs more memory than a query may use ({mb} MB); select fewer or smaller rows"


def limited_by(limit_bytes: int, ceiling_bytes: int = 0):
    """A replacement for Datasette's sqlite_timelimit(conn, ms) that also enforces ``limit_bytes``
    and, if given, ``ceiling_bytes``."""

    @contextmanager
    def sqlite_limits(conn, ms):
        deadline = time.perf_counter() + ms / 1000
        low = memory_used() if memory_used else 0
        grew = []

        def handler():
            nonlocal low
            if time.perf_counter() >= deadline:
                return 1
            if memory_used and _growing_statement.get(id(conn)):
                used = memory_used()
                low = min(low, used)
                if used - low > limit_bytes or (ceiling_bytes and used > ceiling_bytes and used - low > GROWING_BYTES):
                    grew.append(True)
                    return 1
            return 0

        conn.set_progress_handler(handler, 1 if ms <= 20 else CHECK_EVERY)
        if ms > 20:  # a limit of a few ms keeps its check at every instruction, as Datasette's does
            _limited[id(conn)] = handler
        try:
            yield
        except QueryInterrupted as error:
            if grew:
                raise QueryNeedsTooMuchMemory(MESSAGE.format(mb=limit_bytes // 1_000_000)) from error
            raise
        finally:
            _limited.pop(id(conn), None)
            conn.set_progress_handler(None, CHECK_EVERY)

    return sqlite_limits


def install(limit_bytes: int, heap_limit_bytes: int) -> None:
    """Every query Datasette runs in this process gets the memory limits (``limit_bytes`` 0 = the time
    limit only; ``heap_limit_bytes``: the process's PRAGMA hard_heap_limit, 0 = none)."""
    if limit_bytes > 0:
        datasette.database.sqlite_timelimit = limited_by(limit_bytes, int(heap_limit_bytes * CEILING_SHARE))
