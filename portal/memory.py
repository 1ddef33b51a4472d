"""Giving freed memory back to the system after costly SQL.

glibc keeps what Datasette's SQL threads free in per-thread arenas: a few large results left a worker
100 MB bigger for good (bench/bench_attack.py). Capping the arenas or fixing the mmap threshold made
every request slower (−20 % throughput in tests/test_traffic.py's mix); malloc_trim after the requests
that can allocate a lot (ad-hoc SQL, at most once a second) returns it at no cost to the others.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import time

TRIM_EVERY_SECONDS = 1.0

try:
    _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    _malloc_trim = _libc.malloc_trim
except (OSError, AttributeError):  # not glibc: nothing to give back this way
    _malloc_trim = None

_last_trim = 0.0


def give_back_memory() -> bool:
    """malloc_trim(0), unless it ran less than TRIM_EVERY_SECONDS ago; whether it ran."""
    global _last_trim
    now = time.monotonic()
    if _malloc_trim is None or now - _last_trim < TRIM_EVERY_SECONDS:
        return False
    _last_trim = now
    _malloc_trim(0)
    return True
