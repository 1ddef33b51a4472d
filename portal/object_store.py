"""Releases in S3-compatible object storage (MinIO, SeaweedFS, Ceph, AWS, GCS interop), through boto3.

    s3://BUCKET/PREFIX/objects/ab/abcdef…          every file of every release, named by its sha256 (as in build/)
    s3://BUCKET/PREFIX/releases/<id>/manifest.json the release: its files, by path, size and sha256
    s3://BUCKET/PREFIX/releases/<id>/SHA256SUMS
    s3://BUCKET/PREFIX/current.json                {"release": "<id>"}, written last

``push`` uploads what the bucket lacks, checks that every object the release names is there with its size,
and only then moves the pointer, with a conditional write (If-Match on the pointer's ETag): of two pushes
at once, one moves it and the other is refused, and no replica ever sees a pointer to a partial release.
Replicas (portal/replica.py) read the same layout.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path

from .catalog import Catalog
from .formats import split_file_name
from .profile import N_
from .publish.history import kept_objects
from .publish.release import CHECKSUMS, MANIFEST, check_release
from .releases import current_release_id, object_path, releases_dir

POINTER = "current.json"
# Types as the portal's own downloads are sent (portal/views/downloads.py); the rest as mimetypes knows them.
OTHER_TYPES = {".zip": "application/zip", ".db": "application/vnd.sqlite3"}
LOCATION = re.compile(r"^s3://(?P<bucket>[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9])(?:/(?P<prefix>[^\s]*?))?/?$")


class StorageError(Exception):
    """A failure said to people: an Indonesian msgid with %(name)s slots (portal.messages translates it)."""

    def __init__(self, template: str, **params: str):
        super().__init__(template % params if params else template)
        self.template, self.params = template, params


@dataclass(frozen=True)
class Location:
    bucket: str
    prefix: str  # "" or "some/prefix/" (always ending in a slash)

    def key(self, relative: str) -> str:
        return self.prefix + relative

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"


def parse_location(text: str) -> Location:
    match = LOCATION.match(text.strip())
    if not match:
        raise StorageError(N_("alamat penyimpanan harus berbentuk s3://BUCKET/PREFIX, bukan %(text)s"), text=text)
    prefix = (match["prefix"] or "").strip("/")
    return Location(match["bucket"], prefix + "/" if prefix else "")


def client(endpoint_url: str | None = None):
    """A boto3 S3 client; without ``endpoint_url`` boto3 reads AWS_ENDPOINT_URL, credentials and region from
    the usual environment variables and files. Path-style addressing works with every S3-compatible server."""
    import boto3
    from botocore.config import Config

    config = Config(connect_timeout=5, read_timeout=60, retries={"max_attempts": 3, "mode": "standard"},
                    s3={"addressing_style": "path"}, request_checksum_calculation="when_required",
                    response_checksum_validation="when_required")
    session = boto3.session.Session()
    return session.client("s3", endpoint_url=endpoint_url or None, config=config,
                          region_name=session.region_name or "us-east-1")


def storage_errors(location: Location):
    """Turns botocore's failures into a StorageError naming the location (no traceback for people)."""
    from botocore.exceptions import BotoCoreError, ClientError

    class Translating:
        def __enter__(self):
            return self

        def __exit__(self, kind, error, traceback):
            if isinstance(error, ClientError):
                code = error.response.get("Error", {}).get("Code", "")
                raise StorageError(N_("penyimpanan %(location)s menolak permintaan: %(code)s %(reason)s"),
                                   location=str(location), code=code,
                                   reason=error.response.get("Error", {}).get("Message", "")) from None
            if isinstance(error, BotoCoreError):
                raise StorageError(N_("penyimpanan %(location)s tidak dapat dihubungi: %(reason)s"),
                                   location=str(location), reason=str(error)) from None
            return False

    return Translating()


def read_pointer(s3, location: Location) -> tuple[str | None, str | None]:
    """(release id, ETag) of the bucket's pointer, or (None, None) when there is none yet."""
    from botocore.exceptions import ClientError

    try:
        answer = s3.get_object(Bucket=location.bucket, Key=location.key(POINTER))
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
            return None, None
        raise
    return pointer_release(answer["Body"].read(), location), answer["ETag"]


def pointer_release(body: bytes, location: Location) -> str:
    try:
        release = json.loads(body)["release"]
    except (ValueError, KeyError, TypeError):
        release = None
    if not isinstance(release, str) or not re.fullmatch(r"[0-9A-Za-z_.\-]{1,80}", release):
        raise StorageError(N_("penunjuk rilis %(key)s rusak"), key=str(location) + POINTER)
    return release


@dataclass
class PushResult:
    release: str
    uploaded: int = 0
    uploaded_bytes: int = 0
    present: int = 0
    moved_pointer: bool = True


def push(build_dir: Path, location: Location, s3) -> PushResult:
    """Upload the live release of ``build_dir`` and point the bucket at it (see the module's docstring)."""
    release_id = current_release_id(build_dir)
    if release_id is None:
        raise StorageError(N_("tidak ada rilis yang tayang di %(build)s: jalankan portal publish dulu"),
                           build=str(build_dir))
    release_dir = releases_dir(build_dir) / release_id
    problems = check_release(release_dir)  # a damaged release is never pushed
    if problems:
        raise StorageError(N_("rilis %(id)s rusak (%(file)s), tidak diunggah: terbitkan lagi dengan portal publish"),
                           id=release_id, file=problems[0].file)
    wanted = wanted_objects(build_dir, release_dir)
    result = PushResult(release_id)
    with storage_errors(location):
        present = listed_objects(s3, location)
        for sha, (size, path) in sorted(wanted.items()):
            if present.get(sha) == size:
                result.present += 1
                continue
            put_file(s3, location, object_path(sha), path, download_name=path.name if path.name != sha else "")  # kept objects: named when first pushed
            result.uploaded, result.uploaded_bytes = result.uploaded + 1, result.uploaded_bytes + size
        for name in (MANIFEST, CHECKSUMS):
            put_file(s3, location, f"releases/{release_id}/{name}", release_dir / name)
        present = listed_objects(s3, location)
        missing = [sha for sha, (size, _) in wanted.items() if present.get(sha) != size]
        if missing:
            raise StorageError(N_("%(count)s berkas tidak ada di penyimpanan setelah diunggah (mis. %(sha)s); "
                                  "penunjuk tidak dipindah"), count=str(len(missing)), sha=missing[0])
        result.moved_pointer = move_pointer(s3, location, release_id)
    return result


def wanted_objects(build_dir: Path, release_dir: Path) -> dict[str, tuple[int, Path]]:
    """sha256 -> (size, local file) of every file the release serves: its manifest, and the files of
    earlier versions its catalog still offers (they live in build/objects)."""
    manifest = json.loads((release_dir / MANIFEST).read_text(encoding="utf-8"))
    wanted = {info["sha256"]: (info["bytes"], release_dir / relative) for relative, info in manifest["files"].items()}
    for sha in kept_objects(Catalog.load(release_dir / "catalog.json")):
        path = Path(build_dir) / object_path(sha)
        if sha not in wanted and path.is_file():
            wanted[sha] = (path.stat().st_size, path)
    return wanted


def listed_objects(s3, location: Location) -> dict[str, int]:
    """sha256 -> size of the objects already in the bucket."""
    found = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=location.bucket, Prefix=location.key("objects/")):
        for item in page.get("Contents", []):
            found[item["Key"].rsplit("/", 1)[-1]] = item["Size"]
    return found


def put_file(s3, location: Location, relative: str, path: Path, download_name: str = "") -> None:
    """One PUT with the file's MD5, so the server refuses bytes damaged on the way (400 BadDigest). With
    ``download_name`` the object carries its type and file name, for downloads redirected to the bucket
    (PORTAL_DOWNLOAD_BASE_URL): a browser saves pengaduan.csv, not a sha256."""
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
    import base64

    with open(path, "rb") as body:
        s3.put_object(Bucket=location.bucket, Key=location.key(relative), Body=body, **download_headers(download_name),
                      ContentLength=path.stat().st_size, ContentMD5=base64.b64encode(digest.digest()).decode())


def download_headers(name: str) -> dict:
    if not name:
        return {}
    kind = split_file_name(name)[1].mimetype if split_file_name(name) else \
        OTHER_TYPES.get(Path(name).suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
    return {"ContentType": kind, "ContentDisposition": f'attachment; filename="{name}"'}


def move_pointer(s3, location: Location, release_id: str) -> bool:
    """Point the bucket at ``release_id`` unless it already names it or a newer release (ids sort by
    time); whether it moved. The write is conditional on the pointer read just before."""
    from botocore.exceptions import ClientError

    current, etag = read_pointer(s3, location)
    if current == release_id:
        return False
    if current is not None and current > release_id:
        raise StorageError(N_("penyimpanan sudah menunjuk rilis yang lebih baru (%(remote)s) daripada %(id)s; "
                              "penunjuk tidak dipindah"), remote=current, id=release_id)
    condition = {"IfMatch": etag} if etag else {"IfNoneMatch": "*"}
    try:
        s3.put_object(Bucket=location.bucket, Key=location.key(POINTER), ContentType="application/json",
                      Body=json.dumps({"release": release_id}).encode(), CacheControl="no-cache", **condition)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("PreconditionFailed", "412", "ConditionalRequestConflict"):
            raise StorageError(N_("push lain memindah penunjuk rilis pada saat yang sama; jalankan portal push "
                                  "lagi")) from None
        raise
    return True
