"""A stateless replica: the bucket's current release, copied into a local cache laid out like build/.

``sync_once`` reads the bucket's pointer (conditionally, by ETag: an unchanged pointer costs one 304),
fetches the files of a new release that the cache lacks (each checked against its sha256 as it lands),
checks the assembled release (portal/publish/release.check_release) and only then switches the cache's
``current`` link to it, which each worker then checks and prepares before serving it (portal/store.py). A release that
cannot be fetched or checked is not switched to: the replica keeps serving the one it has, and
/-/health shows why (the status file). ``Syncer`` repeats it in a thread of every worker; a lock file
makes one of them do the work.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import shutil
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

from .catalog import Catalog
from .object_store import POINTER, Location, StorageError, pointer_release, storage_errors
from .profile import N_
from .publish.history import kept_objects
from .publish.release import CHECKSUMS, MANIFEST, check_release, point_current, prune
from .releases import STAGING_PREFIX, current_release_id, object_path, release_ids, releases_dir

log = logging.getLogger("portal")

STATUS_FILE = ".sync-status.json"
LOCK_FILE = ".sync.lock"
KEEP_RELEASES = 3  # in the cache: the one served and two to fall back on


def read_status(cache_dir: Path) -> dict | None:
    try:
        return json.loads((Path(cache_dir) / STATUS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_status(cache_dir: Path, **status) -> None:
    status["checked_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    temporary = Path(cache_dir) / f".{STATUS_FILE}.{os.getpid()}"
    temporary.write_text(json.dumps(status, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, Path(cache_dir) / STATUS_FILE)


class Replica:
    def __init__(self, location: Location, cache_dir: Path, s3):
        self.location, self.cache_dir, self.s3 = location, Path(cache_dir), s3
        self.etag: str | None = None  # of the pointer last read

    def sync_once(self) -> str | None:
        """Bring the cache to the bucket's current release; the release now live in the cache. Raises
        StorageError when the bucket cannot be read or the new release is not intact (the cache's
        current release stays)."""
        from botocore.exceptions import ClientError

        self.cache_dir.mkdir(parents=True, exist_ok=True)
        with storage_errors(self.location):
            try:
                condition = {"IfNoneMatch": self.etag} if self.etag else {}
                answer = self.s3.get_object(Bucket=self.location.bucket, Key=self.location.key(POINTER), **condition)
            except ClientError as error:
                code = error.response.get("Error", {}).get("Code")
                if code in ("304", "NotModified") and current_release_id(self.cache_dir):
                    return current_release_id(self.cache_dir)
                if code in ("NoSuchKey", "404"):
                    raise StorageError(N_("penyimpanan %(location)s belum berisi rilis: jalankan portal push dulu"),
                                       location=str(self.location)) from None
                raise
            release_id = pointer_release(answer["Body"].read(), self.location)
            if release_id != current_release_id(self.cache_dir):
                if release_id not in release_ids(self.cache_dir):
                    self.fetch(release_id)
                point_current(self.cache_dir, release_id)
                prune(self.cache_dir, keep_objects=self.kept(release_id), keep=KEEP_RELEASES)
            self.etag = answer["ETag"]
        return release_id

    def kept(self, release_id: str) -> set[str]:
        return kept_objects(Catalog.load(releases_dir(self.cache_dir) / release_id / "catalog.json"))

    def fetch(self, release_id: str) -> None:
        """Assemble the release in a staging folder from objects (fetched once, shared by releases as
        hard links, as publish does), check it whole, then move it into place."""
        staging = releases_dir(self.cache_dir) / f"{STAGING_PREFIX}sync-{release_id}"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        try:
            for name in (MANIFEST, CHECKSUMS):
                self.download(f"releases/{release_id}/{name}", staging / name)
            manifest = json.loads((staging / MANIFEST).read_text(encoding="utf-8"))
            for relative, info in manifest["files"].items():
                target = staging / relative
                if not target.resolve().is_relative_to(staging.resolve()):
                    raise StorageError(N_("manifest rilis %(id)s menyebut jalur di luar rilis: %(path)s"),
                                       id=release_id, path=relative)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.link(self.stored(info["sha256"], info["bytes"]), target)
            for sha in kept_objects(Catalog.load(staging / "catalog.json")):  # earlier versions' downloads
                self.stored(sha, None)
            problems = check_release(staging, hashes=False)  # each file's sha256 was checked as it landed
            if problems:
                raise StorageError(N_("rilis %(id)s dari penyimpanan tidak utuh (%(file)s): rilis yang ada tetap "
                                      "disajikan"), id=release_id, file=problems[0].file)
            os.rename(staging, releases_dir(self.cache_dir) / release_id)
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def stored(self, sha256: str, size: int | None) -> Path:
        """The cache's object with this content, downloaded and checked if it is not there yet."""
        path = self.cache_dir / object_path(sha256)
        if path.is_file() and (size is None or path.stat().st_size == size):
            return path
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{sha256}.{os.getpid()}.{threading.get_ident()}")
        digest = self.download(object_path(sha256), temporary)
        if digest != sha256:
            temporary.unlink()
            raise StorageError(N_("berkas %(key)s di penyimpanan tidak cocok dengan sha256-nya"),
                               key=str(self.location) + object_path(sha256))
        os.replace(temporary, path)
        return path

    def download(self, relative: str, target: Path) -> str:
        """Stream one object to ``target``; its sha256."""
        body = self.s3.get_object(Bucket=self.location.bucket, Key=self.location.key(relative))["Body"]
        digest = hashlib.sha256()
        with open(target, "wb") as out:
            for block in body.iter_chunks(1 << 20):
                digest.update(block)
                out.write(block)
        return digest.hexdigest()


def sync_with_status(replica: Replica) -> str | None:
    """sync_once, with its outcome in the cache's status file for /-/health."""
    try:
        release_id = replica.sync_once()
    except (StorageError, OSError, ValueError, KeyError, TypeError) as error:  # a bad manifest, a full disk…
        if not isinstance(error, StorageError):
            error = StorageError(N_("sinkronisasi dari %(location)s gagal: %(reason)s"), location=str(replica.location),
                                 reason=f"{type(error).__name__}: {error}")
        log.error("replica sync from %s failed: %s", replica.location, error)
        write_status(replica.cache_dir, ok=False, source=str(replica.location), error=str(error),
                     template=error.template, params=error.params, serving=current_release_id(replica.cache_dir))
        return None
    write_status(replica.cache_dir, ok=True, source=str(replica.location), release=release_id,
                 serving=current_release_id(replica.cache_dir))
    return release_id


class Syncer(threading.Thread):
    """sync_with_status every ``seconds``, in whichever worker holds the cache's lock at the time."""

    def __init__(self, replica: Replica, seconds: float):
        super().__init__(daemon=True, name="portal-replica-sync")
        self.replica, self.seconds = replica, seconds
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.seconds):
            try:
                with open(self.replica.cache_dir / LOCK_FILE, "a") as lock:
                    try:
                        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    except BlockingIOError:
                        continue  # another worker is syncing
                    sync_with_status(self.replica)
            except Exception:  # never let the thread die: the next round tries again
                log.exception("replica sync round failed")
                time.sleep(self.seconds)
