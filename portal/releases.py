"""Where releases live in the build folder; shared by publish (writes) and the web app (reads).

    BUILD/releases/<release-id>/   one immutable release
    BUILD/current -> releases/<id> the live one, switched atomically by publish
    BUILD/objects/ab/abcdef…       every published data file and zip, named by its sha256;
                                   releases hold hard links to them, so an unchanged file
                                   is stored once however many releases and versions share it
"""

from __future__ import annotations

import os
from pathlib import Path

RELEASES = "releases"
CURRENT = "current"
OBJECTS = "objects"
STAGING_PREFIX = ".staging-"


def releases_dir(build_dir: Path) -> Path:
    return Path(build_dir) / RELEASES


def current_link(build_dir: Path) -> Path:
    return Path(build_dir) / CURRENT


def current_release_id(build_dir: Path) -> str | None:
    """The id of the live release, read from the link in one system call (no half-switched state)."""
    try:  # os.path, not pathlib: this runs on every request, and pathlib took 20 µs of it
        return os.path.basename(os.readlink(os.path.join(build_dir, CURRENT)))
    except (FileNotFoundError, OSError):
        return None


def release_ids(build_dir: Path) -> list[str]:
    """Every complete release, oldest first (ids sort by time)."""
    folder = releases_dir(build_dir)
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def object_path(sha256: str) -> str:
    """Where a file with this content lives, relative to the build folder."""
    return f"{OBJECTS}/{sha256[:2]}/{sha256}"
