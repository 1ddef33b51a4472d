"""The whole application as one ASGI object: ``portal.asgi:app``.

A small dispatcher sends /sql/… to Datasette (ASGI) and everything else to the Flask
pages through a2wsgi. ../shared/DESIGN.md has the measurements behind this choice:
≈0.99× bare Datasette, where wrapping Datasette inside WSGI cost 20–25 %.
"""

from __future__ import annotations

import asyncio
import base64
import gc
import hashlib
import logging
import re
from urllib.parse import parse_qsl, unquote

from a2wsgi import WSGIMiddleware

from .app import create_app
from .compression import with_compression
from .file_offload import OFFLOAD_SCOPE_KEY, FileOffload
from .memory import give_back_memory, use_own_mappings_above
from .page_warming import WARM_PAUSE, WARM_SECONDS, render_pages, start_paths, switch_paths
from .request_body import TOO_LARGE, TOO_SLOW, declared_length, has_body, read_body, replaying
from .sql import DatasettePool
from .release_urls import (ALIAS, IMMUTABLE, NOT_CACHED, RELEASE_PREFIX, RELEASE_SCOPE_KEY, is_future,
                           is_versioned_download, matches, not_modified, reaches_scoped_part, release_etag,
                           scoped_path, split_scoped, unscoped, with_cache_headers)
from .sql_skin import language_cookie, language_redirect, scope_language
from .urls import SQL_PREFIX, TrustedProxies, canonical_scope, parse_base_url

log = logging.getLogger("portal")


class PortalApplication:
    def __init__(self, flask_app):
        self.flask_app = flask_app
        self.store = flask_app.extensions["release_store"]
        self.pages = WSGIMiddleware(flask_app)
        self.sql = DatasettePool(flask_app.config)
        self.adhoc = AdHocSqlGate(flask_app.config["ADHOC_SQL_PER_CLIENT"], flask_app.config["ADHOC_SQL_TOTAL"])
        self.base_url = parse_base_url(flask_app.config["BASE_URL"])
        self.proxies = TrustedProxies(flask_app.config["TRUSTED_PROXIES"])
        self.max_body, self.body_seconds = flask_app.config["MAX_REQUEST_BYTES"], flask_app.config["REQUEST_BODY_SECONDS"]

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            return await self.lifespan(receive, send)
        # Who is asking comes from the connection (or a trusted proxy); which host was asked
        # for is always the configured base URL, whatever the Host header says.
        peer = (self.proxies.client(scope), (scope.get("client") or ("", 0))[1])
        scope = dict(canonical_scope(scope, self.base_url), client=peer)
        path = scope.get("path", "")
        # Compression sees the final body (after Datasette's CSP hashing), the headers are added after it.
        send = with_compression(with_security_headers(send, scope), scope)
        if scope["type"] == "http" and has_line_breaks(scope, query=not is_sql(route_path(path))):
            return await plain_response(send, 400, b"Bad request: line breaks in the URL")
        if scope["type"] == "http" and has_body(scope):
            if (declared_length(scope) or 0) > self.max_body:
                return await plain_response(send, TOO_LARGE, b"Request body too large")
            body, refused = await read_body(receive, self.max_body, self.body_seconds)
            if body is None:
                return await plain_response(send, refused, BODY_ERRORS[refused]) if refused else None
            receive = replaying(body, receive)
        asked = scope  # as requested, before a release prefix is taken off (for ?lang= redirects)
        release, release_scoped = None, False
        if scope["type"] == "http":
            pinned = await self.pin_release(scope, path, send)
            if pinned is None:
                return None  # answered: a release not here, or not modified
            scope, path, send, release, release_scoped = pinned
        if scope["type"] == "http" and is_sql(path):
            if scope.get("method", "GET") not in SQL_METHODS:  # Datasette answers PROPFIND & co. with a 500
                return await plain_response(send, 405, b"Method not allowed", [(b"allow", b", ".join(SQL_METHODS_BYTES))])
            if (switch := language_redirect(asked)) is not None:
                return await switch_language(send, *switch)
            if release is not None:  # pinned above: /sql is release-specific
                scoped = scoped_path(release.id, SQL_PREFIX)
                send = with_script_hashes(with_prefixed_redirects(send, scoped if release_scoped else SQL_PREFIX, scoped))
                if not is_adhoc_sql(scope):
                    return await self.sql.serve(release, strip_prefix(scope), receive, send)
                client = (scope.get("client") or ("?", 0))[0]
                if not self.adhoc.enter(client):
                    return await too_many_requests(send)
                try:
                    return await self.sql.serve(release, strip_prefix(scope), receive, send)
                finally:
                    self.adhoc.leave(client)
                    give_back_memory()
        offload = FileOffload(send)
        await self.pages(dict(scope, **{OFFLOAD_SCOPE_KEY: True}) if scope["type"] == "http" else scope,
                         as_coroutine(receive), offload.send)
        await offload.finish()  # a download's bytes, once the page thread is free

    async def pin_release(self, scope: dict, path: str, send):
        """For release-specific URLs (portal/release_urls.py), the release that answers, with its caching
        headers: (scope, path, send, release, whether the URL named it), or None once answered here."""
        if (scoped := split_scoped(path)) is not None:
            release_id, rest = scoped
            release = self.store.release(release_id) if reaches_scoped_part(rest) else None
            if release is None:
                return await self.release_not_here(send, release_id, rest)
            return unscoped(scope, release_id, rest), rest, with_cache_headers(send, IMMUTABLE), release, True
        if not reaches_scoped_part(path) or (release := self.store.current()) is None:
            return scope, path, send, None, False
        etag = release_etag(release.id, scope_language(scope) if is_sql(path) else "")
        if scope.get("method", "GET") in ("GET", "HEAD") and matches(scope, etag):
            return await not_modified(send, ALIAS, etag)
        # An alias: the pages behind it answer from this same release, for a minute.
        send = with_cache_headers(send, IMMUTABLE) if is_versioned_download(path) else with_cache_headers(send, ALIAS, etag)
        return dict(scope, **{RELEASE_SCOPE_KEY: release.id}), path, send, release, False

    async def release_not_here(self, send, release_id: str, rest: str) -> None:
        if reaches_scoped_part(rest) and is_future(release_id, self.store.newest_id()):
            # Published, not yet synced here: nginx (proxy_next_upstream http_503) asks another replica.
            return await plain_response(send, 503, b"This release is not on this server yet; try again in a moment",
                                        [(b"retry-after", b"1"), (b"cache-control", NOT_CACHED)])
        await plain_response(send, 404, b"No such release here: /api/v1/releases lists them",
                             [(b"cache-control", NOT_CACHED)])

    async def lifespan(self, receive, send):
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.start_replica_sync()
                await self.warm_up()
                # What start-up built (Flask, the catalog, Datasette, templates) lives as long as the worker:
                # kept out of the collector's full passes, which otherwise walk it again and again under load.
                gc.collect()
                gc.freeze()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return


    def start_replica_sync(self) -> None:
        """On a replica (`portal serve --from`), poll the bucket in a thread of this worker (portal/replica.py)."""
        config = self.flask_app.config
        if config["SYNC_FROM"]:
            from .object_store import client, parse_location
            from .replica import Replica, Syncer

            Syncer(Replica(parse_location(config["SYNC_FROM"]), config["BUILD_DIR"], client()),
                   config["SYNC_SECONDS"]).start()

    async def warm_up(self) -> None:
        """Start the live release's Datasette and render its most asked-for pages once before serving
        (portal/page_warming.py): otherwise the first visitors of every (re)started worker wait a second or
        two for it (bench/load_test.py). A release published later is prepared likewise before it is served."""
        loop = asyncio.get_running_loop()
        self.store.before_switch = lambda release, previous: self.prepare_switch(release, previous, loop)
        release = self.store.current()
        if release is None:
            return
        await self.sql.app_for(release)
        render_pages(self.flask_app, self.base_url.origin, start_paths(release))

    def prepare_switch(self, release, previous, loop) -> None:
        """In the new release's check thread (portal/store.py), before this worker serves it."""
        asyncio.run_coroutine_threadsafe(self.sql.app_for(release), loop).result(timeout=WARM_SECONDS)
        rendered = render_pages(self.flask_app, self.base_url.origin, switch_paths(previous), release.id, pause=WARM_PAUSE)
        log.info("release %s: Datasette started and %d pages rendered before serving it", release.id, rendered)


# Our pages load scripts and styles from the portal only. Datasette's pages carry inline
# scripts and styles, so under /sql/ those are allowed inline (still no other origin).
CSP_PAGES = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
             "base-uri 'self'; form-action 'self'")
CSP_DATASETTE = ("default-src 'self'; script-src 'self'{hashes}; style-src 'self' 'unsafe-inline'; "
                 "img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'")
INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\ssrc=)[^>]*>(.*?)</script>", re.S | re.I)


def with_script_hashes(send):
    """Datasette's HTML pages carry inline scripts: allow exactly those, by their sha256, in this
    response's Content-Security-Policy (HTML pages are small; other responses stream through)."""
    start, chunks = None, []

    async def send_hashed(message):
        nonlocal start
        if message["type"] == "http.response.start":
            content_type = dict((k.lower(), v) for k, v in message.get("headers", [])).get(b"content-type", b"")
            if not content_type.startswith(b"text/html"):
                return await send(message)
            start = message
            return None
        if start is None:
            return await send(message)
        chunks.append(message.get("body", b""))
        if message.get("more_body"):
            return None
        body = b"".join(chunks)
        hashes = "".join(f" 'sha256-{base64.b64encode(hashlib.sha256(script).digest()).decode()}'"
                         for script in INLINE_SCRIPT.findall(body))
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() not in (b"content-length", b"content-security-policy")]
        csp = CSP_DATASETTE.format(hashes=hashes) + "; frame-ancestors 'self'"
        headers += [(b"content-length", str(len(body)).encode()), (b"content-security-policy", csp.encode()),
                    (b"vary", b"Cookie")]  # the page's language comes from the portal_lang cookie
        await send(dict(start, headers=headers))
        await send({"type": "http.response.body", "body": body})

    return send_hashed


def with_prefixed_redirects(send, prefix: str, scoped: str):
    """Datasette sees paths without /sql, so its redirects (a trailing slash removed, …) lack the
    prefix: /portal/ redirects to /portal. Put the request's prefix back (/sql or /r/<release>/sql),
    which also turns any Location that starts with // (another host) into a path on this one. A redirect
    to Datasette's own (release-scoped, ``scoped``) form of a path stays an alias when /sql was asked for.
    Its Transfer-Encoding goes too: framing is the server's, and beside a Content-Length (the database
    download) it made clients hang."""

    async def send_fixed(message):
        if message["type"] == "http.response.start":
            headers = []
            for name, value in message.get("headers", []):
                if name.lower() == b"transfer-encoding":
                    continue
                if name.lower() == b"location" and value.startswith(b"/"):
                    value = prefixed_location(value, prefix.encode(), scoped.encode())
                headers.append((name, value))
            message = dict(message, headers=headers)
        await send(message)

    return send_fixed


def prefixed_location(location: bytes, prefix: bytes, scoped: bytes) -> bytes:
    if location.startswith(scoped + b"/"):
        return prefix + location[len(scoped):]
    if location.startswith((SQL_PREFIX.encode() + b"/", RELEASE_PREFIX.encode() + b"/")):
        return location
    return prefix + location


def with_security_headers(send, scope: dict):
    """Add the security headers to every response, Datasette's included."""
    path = scope.get("path", "")
    embeddable = path.startswith("/embed/")
    # Datasette's HTML pages get their own policy with script hashes (with_script_hashes).
    csp = CSP_DATASETTE.format(hashes="") if is_sql(route_path(path)) else CSP_PAGES
    csp += "; frame-ancestors *" if embeddable else "; frame-ancestors 'self'"
    headers = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"strict-origin-when-cross-origin"),
               (b"content-security-policy", csp.encode())]
    if not embeddable:
        headers.append((b"x-frame-options", b"SAMEORIGIN"))
    if scope.get("scheme") == "https":
        headers.append((b"strict-transport-security", b"max-age=31536000"))

    async def send_with_headers(message):
        if message["type"] == "http.response.start":
            present = {name.lower() for name, _ in message.get("headers", [])}
            message = dict(message, headers=list(message.get("headers", [])) +
                           [(name, value) for name, value in headers if name not in present])
        await send(message)

    return send_with_headers


class AdHocSqlGate:
    """Arbitrary SQL (?sql=…) may tie up one of Datasette's SQL threads for the whole time limit.
    A client gets ``per_client`` such queries at once and the process ``total``, which is fewer than
    Datasette's threads, so table pages and canned queries are always served."""

    def __init__(self, per_client: int, total: int):
        self.per_client, self.total = per_client, total
        self.running: dict[str, int] = {}

    def enter(self, client: str) -> bool:
        # One event loop per process: plain counters are enough, no lock needed.
        if sum(self.running.values()) >= self.total or self.running.get(client, 0) >= self.per_client:
            return False
        self.running[client] = self.running.get(client, 0) + 1
        return True

    def leave(self, client: str) -> None:
        self.running[client] -= 1
        if not self.running[client]:
            del self.running[client]


BODY_ERRORS = {TOO_LARGE: b"Request body too large", TOO_SLOW: b"Request body not sent in time"}
SQL_METHODS = ("GET", "HEAD", "POST", "OPTIONS")  # OPTIONS: CORS preflight; POST: long SQL as a form
SQL_METHODS_BYTES = tuple(method.encode() for method in SQL_METHODS)
# Parameters with which a caller makes Datasette run SQL of its choosing or a costly plan: arbitrary SQL,
# where-clauses, full-text search, facets, sorts, joins through another table, streaming every row.
COSTLY_PARAMETERS = ("sql", "_where", "_search", "_facet", "_sort", "_through", "_stream")
EXPORT_SUFFIXES = (".parquet",)  # portal/sql_parquet_export.py; CSV of every row needs _stream or _size=max
LARGEST_CHEAP_PAGE = 100  # rows; _size=max is Datasette's MAX_RETURNED_ROWS, and so is _size=1000


def is_sql(path: str) -> bool:
    return path == SQL_PREFIX or path.startswith(SQL_PREFIX + "/")


def route_path(path: str) -> str:
    """The path without a release prefix: what decides how the request is handled."""
    scoped = split_scoped(path)
    return scoped[1] if scoped else path


def is_adhoc_sql(scope: dict) -> bool:
    """Whether the request may cost a whole SQL time limit, judged on the parameters as Datasette decodes
    them (so %73ql= is sql=), not on how they are spelt; any method but GET and HEAD counts too."""
    if scope.get("method", "GET") not in ("GET", "HEAD"):
        return True
    if is_export(scope):
        return True
    query = scope.get("query_string", b"").decode("latin-1")
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name.strip().startswith(COSTLY_PARAMETERS) or (name.strip() == "_size" and is_large_page(value)):
            return True
    return False


def is_export(scope: dict) -> bool:
    """A Parquet export reads every matching row (up to MAX_EXPORT_ROWS), however few parameters it has."""
    raw = unquote((scope.get("raw_path") or b"").decode("latin-1"))
    return any(path.rstrip("/").lower().endswith(EXPORT_SUFFIXES) for path in (scope.get("path", ""), raw))


def is_large_page(size: str) -> bool:
    size = size.strip()
    return size == "max" or (size.isdigit() and int(size) > LARGEST_CHEAP_PAGE)


def has_line_breaks(scope: dict, query: bool = True) -> bool:
    """CR or LF in the path, or with ``query`` in a parameter (header injection attempts). SQL under
    /sql/ may span lines, so there only the path (database and table names) is checked."""
    raw = (scope.get("raw_path") or scope.get("path", "").encode()) + (
        b"?" + scope.get("query_string", b"") if query else b"")
    return any(marker in raw.lower() for marker in (b"%0d", b"%0a", b"\r", b"\n"))


async def plain_response(send, status: int, body: bytes, headers: list[tuple[bytes, bytes]] = ()) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
                            *headers]})
    await send({"type": "http.response.body", "body": body})


async def switch_language(send, language: str | None, location: str) -> None:
    """?lang= under /sql becomes the language cookie, and the same page without it (to Datasette
    it would be a filter on a column named lang)."""
    headers = [(b"location", location.encode("latin-1")), (b"cache-control", b"no-store")]
    if language:
        headers.append((b"set-cookie", language_cookie(language)))
    await plain_response(send, 302, b"", headers)


async def too_many_requests(send) -> None:
    body = b'{"ok": false, "error": "Too many SQL queries running at once; try again in a moment.", "status": 429}'
    await send({"type": "http.response.start", "status": 429,
                "headers": [(b"content-type", b"application/json"), (b"retry-after", b"2"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def as_coroutine(receive):
    """a2wsgi reads request bodies with asyncio.run_coroutine_threadsafe, which needs a real
    coroutine; granian's receive returns another awaitable, so POST bodies failed without this."""

    async def receive_coroutine():
        return await receive()

    return receive_coroutine


def strip_prefix(scope: dict) -> dict:
    """Hand Datasette the path without /sql: with the prefix still there, Datasette 0.65
    builds links like /sql/sql/… (https://github.com/simonw/datasette/issues/1619).
    base_url="/sql/" then puts the prefix back exactly once."""
    path = scope["path"][len(SQL_PREFIX):] or "/"
    raw_path = scope.get("raw_path") or scope["path"].encode()
    raw_path = raw_path[len(SQL_PREFIX):] or b"/"
    return dict(scope, path=path, raw_path=raw_path, root_path="")


def create_asgi_app(config: dict | None = None) -> PortalApplication:
    use_own_mappings_above()  # large bodies go back to the system when freed (portal/memory.py)
    return PortalApplication(create_app(config))


# What `portal serve` (granian) runs; configured by PORTAL_* environment variables.
app = create_asgi_app()
