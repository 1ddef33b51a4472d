"""The web side's view of the build folder: which release is live, and its catalog.

Every request pins one ``Release`` at its start, so a page never mixes two releases;
a newly switched ``current`` is picked up by the next request, without a restart.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from .catalog import Catalog, CatalogVersionError
from .releases import current_release_id, releases_dir

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
    def __init__(self, build_dir: Path):
        self.build_dir = Path(build_dir)
        self._cache: dict[str, Release] = {}
        self._lock = threading.Lock()

    def current(self) -> Release | None:
        """The live release, or None when there is none this version of the portal can read
        (never published, or published by an older version: publish again)."""
        release_id = current_release_id(self.build_dir)
        if release_id is None:
            return None
        with self._lock:
            release = self._cache.get(release_id)
            if release is None:
                path = releases_dir(self.build_dir) / release_id
                try:
                    catalog = Catalog.load(path / "catalog.json")
                except (CatalogVersionError, FileNotFoundError):
                    return None
                release = Release(release_id, path, catalog)
                self._cache[release_id] = release
                for stale in sorted(self._cache)[:-CACHED_RELEASES]:
                    del self._cache[stale]
            return release
