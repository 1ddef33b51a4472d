"""Stage 5: write the release aside, check it, then switch ``current`` atomically.

A publish that fails or is interrupted leaves at most a ``.staging-*`` folder behind;
what is live changes only with the final ``os.replace`` of the ``current`` link.
"""

from __future__ import annotations

import datetime
import fcntl
import hashlib
import json
import os
import shutil
import sqlite3
import zipfile
from contextlib import contextmanager
from pathlib import Path

from ..catalog import FileInfo
from ..releases import (CURRENT, OBJECTS, RELEASES, STAGING_PREFIX, current_link, current_release_id, object_path,
                        release_ids, releases_dir)
from ..messages import issue, text
from .disk_full import writing
from ..profile import N_
from .report import Issue

KEEP_RELEASES = 5
MANIFEST = "manifest.json"
CHECKSUMS = "SHA256SUMS"
# Zip entries get a fixed date so that the same files always give the same zip bytes.
ZIP_DATE = (2020, 1, 1, 0, 0, 0)


class PublishLocked(Exception):
    "Another publish is running on this build folder"


@contextmanager
def publish_lock(build_dir: Path):
    Path(build_dir).mkdir(parents=True, exist_ok=True)
    with open(Path(build_dir) / ".publish.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PublishLocked(f"another publish is running on {build_dir}") from None
        yield


def new_release_id(build_dir: Path, now: datetime.datetime) -> str:
    """A time stamp that sorts after every existing release, even within the same second."""
    candidate = now.strftime("%Y%m%d-%H%M%S")
    existing = release_ids(build_dir)
    latest = existing[-1] if existing else ""
    if candidate > latest:
        return candidate
    base, counter = latest[:15], int(latest[16:] or 1)
    return f"{base}-{counter + 1:03d}"


def start_staging(build_dir: Path, release_id: str) -> Path:
    staging = releases_dir(build_dir) / f"{STAGING_PREFIX}{release_id}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    return staging


def published_files(source_folder: Path, descriptor_file_name: str, descriptor: dict,
                    rewritten: bool = False) -> dict[str, Path | bytes]:
    """What a package publishes: its regular files (no links, no hidden files) by relative path,
    with a datapackage.json always (written from ``descriptor`` when the package has a YAML one, or
    when publish ``rewrote`` it)."""
    files: dict[str, Path | bytes] = {}
    for path in sorted(source_folder.rglob("*")):
        relative = path.relative_to(source_folder)
        if path.is_symlink() or any(part.startswith(".") for part in relative.parts) or not path.is_file():
            continue
        if path.name in ("datapackage.yaml", "datapackage.yml") and path.parent == source_folder:
            continue
        files[relative.as_posix()] = path
    if rewritten or descriptor_file_name != "datapackage.json":
        files["datapackage.json"] = (json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return files


def copy_package(source_folder: Path, descriptor_file_name: str, descriptor: dict, target: Path,
                 rewritten: bool = False) -> None:
    for relative, content in published_files(source_folder, descriptor_file_name, descriptor, rewritten).items():
        with writing(target / relative):
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                (target / relative).write_bytes(content)
            else:
                shutil.copyfile(content, target / relative)


def package_digest(files: dict[str, str]) -> str:
    """A dataset's content hash from its files' sha256 by relative path: it changes exactly when
    the dataset does."""
    digest = hashlib.sha256()
    for relative in sorted(files):
        digest.update(f"{relative}\0{files[relative]}\n".encode())
    return digest.hexdigest()


def source_hash(source_folder: Path, descriptor_file_name: str, descriptor: dict, rewritten: bool = False) -> str:
    """The content hash the package will have once published."""
    return package_digest({
        relative: hashlib.sha256(content).hexdigest() if isinstance(content, bytes) else sha256_file(content)
        for relative, content in published_files(source_folder, descriptor_file_name, descriptor, rewritten).items()})


# A large file is compressed at level 1: a 100 MB CSV takes 0.65 s instead of 2.9 s (level 6), for a
# third more bytes.
FAST_ZIP_BYTES = 16 * 1024 ** 2
ZIP_CHUNK = 1 << 20


def write_zip(folder: Path, zip_path: Path, extra: dict[str, bytes] | None = None) -> None:
    """datapackage.json + data files (+ ``extra`` files such as a README), datapackage.json at the root
    so ``frictionless validate x.zip`` reads the package. Files are streamed in, so memory stays flat."""
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    entries: dict[str, Path | bytes] = {path.relative_to(folder).as_posix(): path
                                        for path in sorted(p for p in folder.rglob("*") if p.is_file())}
    entries.update(extra or {})
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(entries):
            content = entries[name]
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            if isinstance(content, bytes):
                archive.writestr(info, content)
                continue
            info.file_size = content.stat().st_size  # lets zipfile choose ZIP64 for files over 2 GiB
            if info.file_size > FAST_ZIP_BYTES:
                info._compresslevel = 1  # public as ZipInfo.compress_level from Python 3.13
            with open(content, "rb") as source, archive.open(info, "w") as target:
                shutil.copyfileobj(source, target, ZIP_CHUNK)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def hash_files(release_dir: Path, names: tuple[str, ...] = (), under: str = "",
               previous: Path | None = None) -> dict[str, FileInfo]:
    """FileInfo of every file in the release (or just ``names``, or the files ``under`` a folder),
    keyed by path relative to the release. A file that is a hard link to the same file of the
    ``previous`` release (an unchanged package) keeps the sha256 that release's manifest gives it:
    objects are never edited in place (store_objects)."""
    known = manifest_files(previous) if previous else {}
    files = {}
    paths = [release_dir / name for name in names] if names else (release_dir / under).rglob("*")
    for path in sorted(p for p in paths if p.is_file()):
        relative = path.relative_to(release_dir).as_posix()
        if relative in (MANIFEST, CHECKSUMS):
            continue
        info = known.get(relative)
        if info is None or not os.path.samefile(previous / relative, path):
            info = FileInfo(path=relative, bytes=path.stat().st_size, sha256=sha256_file(path))
        files[relative] = info
    return files


def manifest_files(release_dir: Path) -> dict[str, FileInfo]:
    try:
        listed = json.loads((release_dir / MANIFEST).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError):
        return {}
    return {path: FileInfo(path, entry["bytes"], entry["sha256"]) for path, entry in listed.items()}


def store_objects(build_dir: Path, release_dir: Path, files: dict[str, FileInfo],
                  prefixes: tuple[str, ...] = ("files/", "downloads/")) -> None:
    """Content-addressed storage: each data file and zip becomes a hard link to its object,
    so a file unchanged since an earlier release takes no new space."""
    for relative, info in files.items():
        if not relative.startswith(prefixes):
            continue
        staged, stored = release_dir / relative, Path(build_dir) / object_path(info.sha256)
        if not stored.exists():
            stored.parent.mkdir(parents=True, exist_ok=True)
            os.link(staged, stored)
            os.chmod(stored, 0o444)  # objects are shared between releases: never edit one in place
        else:
            staged.unlink()
            os.link(stored, staged)


def write_manifest(release_dir: Path, release_id: str, files: dict[str, FileInfo]) -> None:
    manifest = {"release": release_id, "files": {p: {"sha256": f.sha256, "bytes": f.bytes} for p, f in files.items()}}
    (release_dir / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    # The same, in the format `sha256sum -c SHA256SUMS` verifies.
    (release_dir / CHECKSUMS).write_text("".join(f"{f.sha256}  {p}\n" for p, f in files.items()), encoding="utf-8")


def check_release(release_dir: Path, hashes: bool = True) -> list[Issue]:
    """Integrity of a release: SQLite's checks, and every file against the manifest. Publish, which
    hashed the files moments before, passes hashes=False and compares sizes only."""
    issues = []
    db_file = release_dir / "portal.db"
    conn = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    try:
        result = conn.execute("PRAGMA quick_check").fetchone()[0]
        if result != "ok":
            issues.append(issue(str(db_file), "portal-integrity", N_("PRAGMA quick_check: %(result)s"), result=result))
        for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check").fetchmany(5):
            issues.append(issue(str(db_file), "portal-integrity", N_("baris %(rowid)s di %(table)s merujuk %(parent)s "
                                                                     "yang tidak ada"),
                                rowid=str(rowid), table=table, parent=parent))
    except sqlite3.Error as error:
        issues.append(issue(str(db_file), "portal-integrity", N_("kesalahan SQLite: %(error)s"), error=str(error)))
    finally:
        conn.close()
    manifest = json.loads((release_dir / MANIFEST).read_text(encoding="utf-8"))
    for relative, expected in manifest["files"].items():
        path = release_dir / relative
        if not path.is_file() or path.stat().st_size != expected["bytes"] or \
                (hashes and sha256_file(path) != expected["sha256"]):
            issues.append(issue(str(path), "portal-integrity", N_("berkas tidak cocok dengan manifest")))
    return issues


def activate(build_dir: Path, staging: Path, release_id: str) -> Path:
    """Move the staged release into place, then switch ``current`` to it in one rename."""
    final = releases_dir(build_dir) / release_id
    os.rename(staging, final)
    try:
        point_current(build_dir, release_id)
    except BaseException:
        if current_release_id(build_dir) != release_id:  # not switched: staged again, for the caller to remove
            os.rename(final, staging)
        raise
    return final


def point_current(build_dir: Path, release_id: str) -> None:
    """Switch ``current`` to a release in one rename: readers see the old link or the new one."""
    temporary_link = Path(build_dir) / f".{CURRENT}-{release_id}"
    if temporary_link.is_symlink():
        temporary_link.unlink()
    os.symlink(f"{RELEASES}/{release_id}", temporary_link)
    os.replace(temporary_link, current_link(build_dir))


class RollbackRefused(ValueError):
    """Why a release cannot be rolled back to: an Indonesian msgid and its values, said in English by str()."""

    def __init__(self, template: str, **params):
        self.template, self.params = template, params
        super().__init__(issue("", "portal-rollback", template, **params).message)


def roll_back(build_dir: Path, release_id: str | None = None) -> str:
    """Serve a kept release again: ``release_id``, or the newest one older than the live release. It is
    checked in full first (every file's sha256, the database); raises RollbackRefused saying why not."""
    kept = release_ids(build_dir)
    live = current_release_id(build_dir)
    if release_id is None:
        older = [rid for rid in kept if live is None or rid < live]
        if not older:
            raise RollbackRefused(N_("tidak ada rilis tersimpan yang lebih lama dari %(live)s di %(build)s"),
                                  live=live or "-", build=str(build_dir))
        release_id = older[-1]
    if release_id not in kept:
        raise RollbackRefused(N_("rilis %(release)s tidak tersimpan di %(build)s; yang tersimpan: %(kept)s"),
                              release=release_id, build=str(build_dir), kept=", ".join(kept) or "-")
    problems = check_release(releases_dir(build_dir) / release_id)
    if problems:
        first = problems[0]
        raise RollbackRefused(N_("rilis %(release)s rusak (%(count)s masalah), misalnya %(path)s: %(problem)s"),
                              release=release_id, count=len(problems), path=first.file,
                              problem=text(first.template, **first.params) if first.template else first.message)
    with publish_lock(build_dir):  # not while a publish is switching
        point_current(build_dir, release_id)
    return release_id


def prune(build_dir: Path, keep_objects: set[str], keep: int = KEEP_RELEASES) -> list[str]:
    """Delete all but the newest ``keep`` releases (never the live one), stale staging folders,
    and objects that no kept release links to, unless a dataset version still offers them."""
    live = Path(os.readlink(current_link(build_dir))).name if current_link(build_dir).is_symlink() else None
    removed = [rid for rid in release_ids(build_dir)[:-keep] if rid != live] if keep else []
    for rid in removed:
        shutil.rmtree(releases_dir(build_dir) / rid)
    for staging in releases_dir(build_dir).glob(f"{STAGING_PREFIX}*"):
        shutil.rmtree(staging, ignore_errors=True)
    for stored in (Path(build_dir) / OBJECTS).glob("*/*"):
        # One link left = only the object store holds it: no kept release uses it.
        if stored.stat().st_nlink == 1 and stored.name not in keep_objects:
            stored.unlink()
    return removed
