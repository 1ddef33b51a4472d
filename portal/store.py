"""The web side's view of the build folder: which release is live, and its catalog.

Every request pins one ``Release`` at its start, so a page never mixes two releases;
a newly switched ``current`` is picked up without a restart, once it is checked (and, under
``portal serve``, prepared: portal/page_warming.py).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .catalog import Catalog, CatalogVersionError
from .publish.release import check_release
from .releases import current_release_id, release_ids, releases_dir

log = logging.getLogger("portal")

CACHED_RELEASES = 3


@dataclass(frozen=True)
class Release:
    id: str
    path: Path
    catalog: Catalog
    cache: dict = field(default_factory=dict, compare=False)  # derived values, valid for this release

    def file(self, relative: str) -> Path:
        return self.path / relative

    def stored_object(self, relative: str) -> Path:
        """A file of the object store (paths like objects/ab/abcd…, relative to the build folder)."""
        return self.path.parent.parent / relative


SWITCH_WAIT_SECONDS = 0.25  # a request waits this long for a new release's check, then gets the old one


class ReleaseStore:
    """Finds the release to serve. Each release is checked once per process before it is served
    (every file against the manifest's sha256, PRAGMA quick_check): a damaged live release is
    refused and the newest good one is served instead, and /-/health says so.

    A new live release is checked in a background thread while the previous one goes on being served
    (hashing 700 MB took 1.1 s, and every request waited); without ``before_switch``, small releases are
    checked within SWITCH_WAIT_SECONDS, so the next request already sees them. With ``recheck_seconds``
    the release being served is checked again that often: damage on disk while running is found without
    a restart."""

    def __init__(self, build_dir: Path, verify: bool = True, recheck_seconds: float = 0):
        self.build_dir = Path(build_dir)
        self.verify, self.recheck_seconds = verify, recheck_seconds
        self._cache: dict[str, Release] = {}
        self._refused: dict[str, str] = {}  # release id -> why it is not served
        self._choices: dict[str, Choice] = {}  # live release id -> the (background) choice of what to serve
        self._verified: set[str] = set()  # checked once: reopened after eviction without hashing again
        self._served: str | None = None  # the release this process served last
        self._lock = threading.Lock()  # guards the dicts above, never held while hashing
        self._checking = threading.Lock()  # one release hashed at a time
        self._rechecks: threading.Thread | None = None
        # Called with a new live release and the previous one once the new one is checked, before it is
        # served instead (portal.asgi renders its pages meanwhile: portal/page_warming.py); not for the first.
        self.before_switch = None

    def current(self, wait: bool = False) -> Release | None:
        """The release to serve, or None when there is none this version of the portal can read
        (never published, published by an older version, or damaged beyond fallback). ``wait``: for
        the check of a new live release, however long it takes (scripts and tests)."""
        # Without a `current` link (removed by hand, say) the newest good release is served.
        live = current_release_id(self.build_dir) or next(iter(reversed(release_ids(self.build_dir))), None)
        if live is None:
            return None
        self._start_rechecks()
        with self._lock:
            choice = self._choices.get(live)
            if choice is None:
                choice = self._choices[live] = Choice(live, self._choose_and_prepare)
            previous = self._served
        # The first request to see a new release waits a moment for its check; the others meanwhile get the
        # previous one at once (each waiting too made every request after a switch 0.25 s slower, p90 0.5 s).
        # Not where the release is prepared before it is served: that takes longer than the moment anyway.
        if not wait and previous is not None and previous != live and not choice.done.is_set() and \
                not (self.before_switch is None and choice.first_asked() and choice.done.wait(SWITCH_WAIT_SECONDS)):
            release = self._open(previous)  # the new one is still being checked
            if release is not None:
                return release
        choice.done.wait()
        self._served = choice.served
        return self._open(choice.served) if choice.served else None

    def release(self, release_id: str) -> Release | None:
        """A release by id (for release-scoped URLs), checked like any other; None for one that is not
        here, is damaged, or is not a release's name at all (the id never becomes a path unless listed)."""
        with self._lock:
            if release_id in self._cache:
                return self._cache[release_id]
        return self._open(release_id) if release_id in release_ids(self.build_dir) else None

    def newest_id(self) -> str | None:
        ids = release_ids(self.build_dir)
        return ids[-1] if ids else None

    def health(self) -> dict:
        release = self.current()
        live = current_release_id(self.build_dir)
        with self._lock:
            checking = sorted(live_id for live_id, choice in self._choices.items() if not choice.done.is_set())
        return {
            "status": "ok" if release and release.id == live else "degraded" if release else "unavailable",
            "live": live,
            "serving": release.id if release else None,
            "checking": checking,
            "refused": dict(self._refused),
        }

    def _choose(self, live: str) -> str | None:
        """The live release if it is intact, else the newest intact one; runs in the choice's thread."""
        fallbacks = [rid for rid in reversed(release_ids(self.build_dir)) if rid != live]
        chosen = next((r for r in map(self._open, [live] + fallbacks) if r is not None), None)
        if chosen is not None and chosen.id != live:
            log.error("release %s refused (%s); serving %s instead", live, self._refused.get(live), chosen.id)
        return chosen.id if chosen else None

    def _choose_and_prepare(self, live: str) -> str | None:
        chosen = self._choose(live)
        served, prepare = self._served, self.before_switch
        if chosen is not None and prepare is not None and served not in (None, chosen):
            release, previous = self._open(chosen), self._open(served)
            try:
                if release is not None and previous is not None:
                    prepare(release, previous)
            except Exception:  # noqa: BLE001 - unprepared, it is still served: slower first pages, nothing lost
                log.exception("preparing release %s failed; serving it unprepared", chosen)
        return chosen

    def _open(self, release_id: str) -> Release | None:
        with self._lock:
            if release_id in self._cache:
                return self._cache[release_id]
            if release_id in self._refused:
                return None
            verified = release_id in self._verified
        path = releases_dir(self.build_dir) / release_id
        with self._checking:
            try:
                catalog = Catalog.load(path / "catalog.json")
                problems = check_release(path) if self.verify and not verified else []
            except (CatalogVersionError, FileNotFoundError, ValueError, OSError) as error:
                problems = [str(error)]
        with self._lock:
            if problems:
                self._refuse(release_id, problems)
                return None
            release = self._cache.setdefault(release_id, Release(release_id, path, catalog))
            self._verified.add(release_id)
            while len(self._cache) > CACHED_RELEASES:  # the longest cached goes: never the one just opened,
                del self._cache[next(iter(self._cache))]  # which may be an old one rolled back to
            return release

    def _refuse(self, release_id: str, problems: list) -> None:
        """Under the lock: never serve ``release_id`` again, and choose again what each live id serves."""
        self._refused[release_id] = "; ".join(str(getattr(p, "message", p)) for p in problems)[:500]
        log.error("release %s is not served: %s", release_id, self._refused[release_id])
        self._cache.pop(release_id, None)
        self._verified.discard(release_id)
        self._choices = {live: choice for live, choice in self._choices.items() if choice.served != release_id}

    def _start_rechecks(self) -> None:
        if self.verify and self.recheck_seconds > 0 and self._rechecks is None:
            with self._lock:
                if self._rechecks is None:
                    self._rechecks = threading.Thread(target=self._recheck_forever, daemon=True, name="release-rechecks")
                    self._rechecks.start()

    def _recheck_forever(self) -> None:
        while True:
            time.sleep(self.recheck_seconds)
            self.recheck()

    def recheck(self) -> None:
        """Hash the release being served again; a damaged one is refused and the next request gets the
        newest intact release (or 503)."""
        served = self._served
        if served is None:
            return
        with self._checking:
            try:
                problems = check_release(releases_dir(self.build_dir) / served)
            except (ValueError, OSError) as error:
                problems = [str(error)]
        if problems:
            with self._lock:
                self._refuse(served, problems)


class Choice:
    """Choosing what to serve for one live release id, in a thread of its own."""

    def __init__(self, live: str, choose):
        self.live, self.served, self.done = live, None, threading.Event()
        self._asked = threading.Lock()
        threading.Thread(target=self._run, args=(choose,), daemon=True, name=f"check-{live}").start()

    def first_asked(self) -> bool:
        """True once only: for the first request that asks for this release."""
        return self._asked.acquire(blocking=False)

    def _run(self, choose) -> None:
        try:
            self.served = choose(self.live)
        except Exception:  # noqa: BLE001 - a bug while checking must not leave requests waiting forever
            log.exception("checking release %s failed", self.live)
        finally:
            self.done.set()
