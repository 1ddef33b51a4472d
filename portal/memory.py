"""Giving freed memory back to the system after costly SQL.

glibc keeps what Datasette's SQL threads free in per-thread arenas: a few large results left a worker
100 MB bigger for good (bench/bench_attack.py). Capping the arenas or fixing the mmap threshold made
every request slower (−20 % throughput in tests/test_traffic.py's mix); malloc_trim after the requests
that can allocate a lot (ad-hoc SQL, at most once a second) returns it at no cost to the others. A request
ending less than a second after a trim schedules one for later: otherwise the last queries of a burst
would leave their memory held until the next ad-hoc query, however long that takes.

Allocations of 1 MiB and more (a response body, a large result's JSON) are mapped on their own and
unmapped when freed (``use_own_mappings_above``). glibc's default threshold rises to the largest block
freed so far, after which such blocks land in the heaps and stay: the peak under three concurrent
8 MB results fell from ~320 to ~230 MB per worker, with no loss of throughput in bench/load_test.py.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import time

TRIM_EVERY_SECONDS = 1.0

try:
    _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    _malloc_trim = _libc.malloc_trim
    _mallopt = _libc.mallopt
except (OSError, AttributeError):  # not glibc: nothing to give back this way
    _malloc_trim = _mallopt = None

M_MMAP_THRESHOLD = -3  # glibc's malloc.h
OWN_MAPPING_BYTES = 1 << 20


def use_own_mappings_above(size: int = OWN_MAPPING_BYTES) -> bool:
    """mallopt(M_MMAP_THRESHOLD, size) for this process (it also stops the threshold's growth)."""
    return bool(_mallopt and _mallopt(M_MMAP_THRESHOLD, size))

_last_trim = 0.0
_pending: asyncio.TimerHandle | None = None


def give_back_memory() -> bool:
    """malloc_trim(0) now, or, if it ran less than TRIM_EVERY_SECONDS ago, once that second is over
    (on the running event loop, one pending trim at most); whether it ran now."""
    global _last_trim, _pending
    if _malloc_trim is None:
        return False
    wait = _last_trim + TRIM_EVERY_SECONDS - time.monotonic()
    if wait <= 0:
        _last_trim = time.monotonic()
        _malloc_trim(0)
        return True
    if _pending is None:
        try:
            _pending = asyncio.get_running_loop().call_later(wait, _trim_later)
        except RuntimeError:  # no event loop in this thread: the next call trims
            pass
    return False


def _trim_later() -> None:
    global _pending
    _pending = None
    give_back_memory()
