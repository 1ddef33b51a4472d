"""The web side's view of the build folder: which release is live, and its catalog.

Every request pins one ``Release`` at its start, so a page never mixes two releases;
a newly switched ``current`` is picked up by the next request, without a restart.
"""

from __future__ import annotations

import logging
import threading
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


class ReleaseStore:
    """Finds the release to serve. Each release is checked once per process before it is served
    (every file against the manifest's sha256, PRAGMA quick_check): a damaged live release is
    refused and the newest good one is served instead, and /-/health says so."""

    def __init__(self, build_dir: Path, verify: bool = True):
        self.build_dir = Path(build_dir)
        self.verify = verify
        self._cache: dict[str, Release] = {}
        self._refused: dict[str, str] = {}  # release id -> why it is not served
        self._serving: dict[str, str | None] = {}  # live release id -> id actually served
        self._verified: set[str] = set()  # checked once: reopened after eviction without hashing again
        self._lock = threading.Lock()

    def current(self) -> Release | None:
        """The release to serve, or None when there is none this version of the portal can read
        (never published, published by an older version, or damaged beyond fallback)."""
        # Without a `current` link (removed by hand, say) the newest good release is served.
        live = current_release_id(self.build_dir) or next(iter(reversed(release_ids(self.build_dir))), None)
        if live is None:
            return None
        with self._lock:
            if live not in self._serving:
                fallbacks = [rid for rid in reversed(release_ids(self.build_dir)) if rid != live]
                chosen = next((r for r in map(self._open, [live] + fallbacks) if r is not None), None)
                self._serving[live] = chosen.id if chosen else None
                if chosen is not None and chosen.id != live:
                    log.error("release %s refused (%s); serving %s instead", live, self._refused.get(live), chosen.id)
            served = self._serving[live]
            return self._open(served) if served else None

    def health(self) -> dict:
        release = self.current()
        live = current_release_id(self.build_dir)
        return {
            "status": "ok" if release and release.id == live else "degraded" if release else "unavailable",
            "live": live,
            "serving": release.id if release else None,
            "refused": dict(self._refused),
        }

    def _open(self, release_id: str) -> Release | None:
        if release_id in self._cache:
            return self._cache[release_id]
        if release_id in self._refused:
            return None
        path = releases_dir(self.build_dir) / release_id
        try:
            catalog = Catalog.load(path / "catalog.json")
            problems = check_release(path) if self.verify and release_id not in self._verified else []
        except (CatalogVersionError, FileNotFoundError, ValueError, OSError) as error:
            problems = [str(error)]
        if problems:
            self._refused[release_id] = "; ".join(str(getattr(p, "message", p)) for p in problems)[:500]
            log.error("release %s is not served: %s", release_id, self._refused[release_id])
            return None
        release = Release(release_id, path, catalog)
        self._verified.add(release_id)
        self._cache[release_id] = release
        while len(self._cache) > CACHED_RELEASES:  # the longest cached goes: never the one just opened,
            del self._cache[next(iter(self._cache))]  # which may be an old one rolled back to
        return release
