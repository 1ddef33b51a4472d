"""Release-scoped URLs and the caching headers of release-specific responses.

    /r/<release>/sql/…       Datasette over that release's database
    /r/<release>/api/…       the JSON API as that release answered it
    /r/<release>/download/…  that release's files

A release never changes, so these answer with ``Cache-Control: immutable`` for a year: a CDN or
nginx (deploy/nginx/server.conf) serves almost every read. Today's URLs (/sql/…, /api/…, /download/…)
stay as aliases of the live release, cached for a minute with an ETag naming the release, so a
revalidation after the minute costs a 304 until the next release goes live.
"""

from __future__ import annotations

import re

RELEASE_PREFIX = "/r"
RELEASE_SCOPE_KEY = "portal.release"  # in the ASGI scope (and so in WSGI's asgi.scope): the pinned release id
SCOPED_PARTS = ("/sql", "/api", "/download")  # what a release-scoped URL may reach
RELEASE_ID = re.compile(r"\d{8}-\d{6}(?:-\d{3})?")  # portal/publish/release.py, new_release_id

VERSIONED_DOWNLOAD = re.compile(r"/download/[^/]+/v[0-9]+[/.]")  # as deploy/nginx/server.conf matches them

IMMUTABLE = b"public, max-age=31536000, immutable"
ALIAS = b"public, max-age=60, stale-while-revalidate=60"
NOT_CACHED = b"no-store"
CACHED_STATUSES = (200, 203, 206, 301, 308)  # answers that say the same for as long as the URL means the same


def is_versioned_download(path: str) -> bool:
    """/download/<dataset>/v<N>/… and /download/<dataset>/v<N>.zip: a version's files never change."""
    return bool(VERSIONED_DOWNLOAD.match(path))


def scoped_path(release_id: str, path: str) -> str:
    """``path`` (/sql/…, /api/…, /download/…) as answered by release ``release_id``."""
    return f"{RELEASE_PREFIX}/{release_id}{path}"


def split_scoped(path: str) -> tuple[str, str] | None:
    """(release id, the rest) of a release-scoped path, or None for any other path. A malformed id
    is still split: it gets a 404 rather than being read as a page."""
    if not path.startswith(RELEASE_PREFIX + "/"):
        return None
    release_id, _, rest = path[len(RELEASE_PREFIX) + 1:].partition("/")
    return release_id, "/" + rest if rest else ""


def reaches_scoped_part(rest: str) -> bool:
    """/sql, /api or /download (and under them): release-specific, whether scoped or today's aliases."""
    return any(rest == part or rest.startswith(part + "/") for part in SCOPED_PARTS)


def unscoped(scope: dict, release_id: str, rest: str) -> dict:
    """The scope as the route behind the release prefix sees it, with the release pinned."""
    raw_path = scope.get("raw_path") or scope["path"].encode()
    raw_rest = raw_path[len(RELEASE_PREFIX) + 1 + len(release_id):] or b"/"
    return dict(scope, path=rest, raw_path=raw_rest, **{RELEASE_SCOPE_KEY: release_id})


def release_etag(release_id: str, language: str = "") -> bytes:
    """One validator per release (and language of Datasette's pages, chosen by a cookie)."""
    return f'W/"{release_id}{"-" + language if language else ""}"'.encode()


def matches(scope: dict, etag: bytes) -> bool:
    """Whether the request's If-None-Match names ``etag`` (weak comparison, as RFC 9110 asks for GET)."""
    sent = next((value for name, value in scope.get("headers", []) if name.lower() == b"if-none-match"), None)
    if sent is None:
        return False
    strip = lambda tag: tag.strip().removeprefix(b"W/")  # noqa: E731
    return sent.strip() == b"*" or strip(etag) in {strip(tag) for tag in sent.split(b",")}


def with_cache_headers(send, cache_control: bytes, etag: bytes | None = None):
    """``cache_control`` (and ``etag`` where the response has none of its own) on successful answers,
    overriding Datasette's few seconds; no-store on errors, so a timeout or a 429 is never kept."""

    async def send_with_caching(message):
        if message["type"] == "http.response.start":
            status = message.get("status", 200)
            headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in (b"cache-control", b"expires")]
            own = dict((k.lower(), v) for k, v in message.get("headers", []))
            if status in CACHED_STATUSES:
                headers.append((b"cache-control", cache_control))
                if etag is not None and b"etag" not in own and status == 200:
                    headers.append((b"etag", etag))
            elif status == 304:
                headers.append((b"cache-control", cache_control))
            else:
                headers.append((b"cache-control", NOT_CACHED))
            message = dict(message, headers=headers)
        await send(message)

    return send_with_caching


async def not_modified(send, cache_control: bytes, etag: bytes) -> None:
    await send({"type": "http.response.start", "status": 304,
                "headers": [(b"etag", etag), (b"cache-control", cache_control)]})
    await send({"type": "http.response.body", "body": b""})


def is_future(release_id: str, newest_here: str | None) -> bool:
    """A well-formed id newer than any release here: most likely published and not yet synced to this
    replica (another replica may have it; nginx tries the next one on 503)."""
    return bool(RELEASE_ID.fullmatch(release_id)) and (newest_here is None or release_id > newest_here)
