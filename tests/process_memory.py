"""Memory of a running `portal serve` from /proc: the total RSS of its process tree (master and
workers), sampled in a thread. Used by tests and benchmarks that report server memory."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path


def proc_children(pid: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            children += [int(c) for c in task.read_text().split()]
        except OSError:
            pass
    return children


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        for child in proc_children(todo.pop()):
            found.append(child)
            todo.append(child)
    return found


def memory_kb(pid: int) -> tuple[int, int]:
    """VmRSS and RssAnon of one process in kB (0, 0 once it has gone)."""
    rss = anon = 0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("RssAnon:"):
                anon = int(line.split()[1])
    except OSError:
        pass
    return rss, anon


def server_root() -> int:
    """The `portal serve` process this script started (its only child running `portal serve`)."""
    for child in proc_children(os.getpid()):
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        # `portal serve` replaces itself with granian's own command, serving portal.asgi:app
        if b"portal.asgi:app" in cmdline or (b"portal" in cmdline and b"serve" in cmdline):
            return child
    raise RuntimeError("portal serve process not found among this process's children")


class Sampler(threading.Thread):
    """Total RSS (and anonymous RSS) of a process tree every ``interval`` seconds."""

    def __init__(self, root: int, interval: float = 0.05):
        super().__init__(daemon=True)
        self.root, self.interval = root, interval
        self.samples: list[tuple[float, int, int]] = []  # (monotonic time, rss kB, anon kB)
        self.processes: set[int] = set()
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            pids = [self.root] + descendants(self.root)
            self.processes.update(pids)
            rss = anon = 0
            for pid in pids:
                r, a = memory_kb(pid)
                rss, anon = rss + r, anon + a
            self.samples.append((time.monotonic(), rss, anon))
            self.stopped.wait(self.interval)

    def between(self, start: float, end: float) -> list[tuple[float, int, int]]:
        return [s for s in self.samples if start <= s[0] <= end]

    def settle(self, seconds: float) -> tuple[float, float]:
        """Median RSS and anonymous RSS (MB) over the next ``seconds``."""
        start = time.monotonic()
        time.sleep(seconds)
        window = self.between(start, time.monotonic())
        rss = sorted(s[1] for s in window)[len(window) // 2]
        anon = sorted(s[2] for s in window)[len(window) // 2]
        return rss / 1024, anon / 1024
