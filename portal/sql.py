"""Datasette over each release's database, mounted under /sql/.

One Datasette instance per release, built on first use: a switched release gets a
fresh instance, and requests already running on the old one finish on the old one.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from datasette.app import Datasette  # first: importing handle_exception alone breaks plugin registration
import datasette.handle_exception
import sqlite3

from datasette import hookimpl
from datasette.utils.asgi import Response
from datasette.plugins import pm
from jinja2 import FileSystemLoader

from . import sql_parquet_export, sql_place_links, sql_query_memory, sql_skin  # noqa: F401 (Datasette plugins, registered on import)
from .sql_permissions import remember_table_permissions
from .release_urls import scoped_path
from .urls import DATABASE_NAME, SQL_PREFIX
from .store import Release

TEMPLATES = Path(__file__).parent / "templates"
KEPT_INSTANCES = 2

# With rich installed (frictionless brings it) Datasette 0.65 prints tracebacks with
# local variables on every 4xx and answers some unrouted URLs with 500 instead of 404.
datasette.handle_exception.rich = None


# SQLite's own limits on every connection Datasette opens: the time limit alone does not stop a
# single huge value (randomblob(1e9)), a giant statement or deep nesting.
SQLITE_LIMITS = {
    sqlite3.SQLITE_LIMIT_LENGTH: 100_000,  # largest string or blob, bytes (publish caps cells likewise)
    sqlite3.SQLITE_LIMIT_SQL_LENGTH: 100_000,  # longest SQL statement, bytes
    sqlite3.SQLITE_LIMIT_ATTACHED: 0,  # no ATTACH
    sqlite3.SQLITE_LIMIT_EXPR_DEPTH: 100,
    sqlite3.SQLITE_LIMIT_COMPOUND_SELECT: 50,
    sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH: 1_000,
    sqlite3.SQLITE_LIMIT_FUNCTION_ARG: 32,
    sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER: 1_000,
}


# printf("%.*c", 1e9, "x") spends seconds inside one VM step, out of reach of the time limit;
# randomblob and zeroblob make large values from nothing (memory attacks, see tests/test_hostile_sql.py).
DENIED_FUNCTIONS = {"printf", "format", "randomblob", "zeroblob"}


def authorize(action, arg1, arg2, database, trigger):
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in DENIED_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


PLUGIN_NAME = "portal-sql-limits"


class ResultTooLarge(sqlite3.OperationalError):
    pass


class ResultBudget:
    """Row factory that stops a query once the text and blobs it has returned pass ``limit`` bytes.
    SQLite caps each value (SQLITE_LIMIT_LENGTH) but not how many a result holds: 1,000 rows of
    eight 64 kB columns made a 524 MB response and 2 GB of memory, after the time limit had passed."""

    def __init__(self, limit: int):
        self.limit = limit
        # One factory per connection, and Datasette reads each query's rows before it runs the next: the
        # count starts again with each cursor (one query each). Kept in attributes, not a dict by cursor:
        # this runs for every row of every query, Datasette's own included.
        self.cursor, self.spent = None, 0

    def __call__(self, cursor, values):
        if cursor is not self.cursor:
            self.cursor, self.spent = cursor, 0
        for value in values:
            if value.__class__ is str or value.__class__ is bytes:
                self.spent += len(value)
        if self.spent > self.limit:
            raise ResultTooLarge(f"Query result too large: more than {self.limit // 1_000_000} MB of text and blobs; "
                                 "select fewer rows or columns")
        return sqlite3.Row(cursor, values)


@hookimpl
def prepare_connection(conn, datasette):
    """Datasette plugin hook (this module is the plugin): SQLITE_LIMITS, the function deny-list
    and the result budget on every connection."""
    for limit, value in SQLITE_LIMITS.items():
        conn.setlimit(limit, value)
    conn.set_authorizer(authorize)
    sql_query_memory.watch_statements(conn)
    config = datasette.plugin_config(PLUGIN_NAME) or {}
    if config.get("max_result_bytes"):
        conn.row_factory = ResultBudget(config["max_result_bytes"])
    if config.get("heap_bytes"):
        # For the whole process, all connections together: aggregates such as json_group_array grow
        # one string row by row and are checked against SQLITE_LIMIT_LENGTH only at the end (+300 MB).
        conn.execute(f"PRAGMA hard_heap_limit = {int(config['heap_bytes'])}")


# Datasette answers these mistakes in a request's own parameters with a 500 (and logs a traceback):
# they are the caller's, so a 400.
CALLER_ERRORS = ("Cannot sort table by", "Invalid _through", "Cannot use _sort and _sort_desc", "string or blob too big",
                 "Query result too large", "Query needs more memory",
                 "You did not supply a value for binding parameter")  # a row URL with too few key values


@hookimpl
def handle_exception(datasette, request, exception):
    message = str(exception)
    caller = any(message.startswith(text) or text in message for text in CALLER_ERRORS) or (
        isinstance(exception, ValueError) and "_through" in request.args)  # _through that is not JSON
    if isinstance(exception, MemoryError):  # Python's sqlite3 raises it when SQLite hits hard_heap_limit
        caller, message = True, "Query needs more memory than a query may use; select fewer or smaller rows"
    if not caller:
        return None
    body = {"ok": False, "error": message[:300], "status": 400, "title": "Invalid request"}
    return Response.json(body, status=400)


if not pm.has_plugin(PLUGIN_NAME):
    pm.register(sys.modules[__name__], name=PLUGIN_NAME)


def build_datasette(release: Release, settings: dict) -> Datasette:
    metadata = json.loads(release.file("datasette.json").read_text(encoding="utf-8"))
    metadata.setdefault("plugins", {})[PLUGIN_NAME] = {"max_result_bytes": settings["MAX_RESULT_MB"] * 1_000_000,
                                                       "heap_bytes": settings["SQL_MEMORY_MB"] * 1_000_000}
    metadata["plugins"][sql_parquet_export.PLUGIN_NAME] = {"max_rows": settings["MAX_EXPORT_ROWS"],
                                                           "max_bytes": settings["MAX_CSV_MB"] * 1_000_000}
    sql_query_memory.install(settings["SQL_QUERY_MEMORY_MB"] * 1_000_000, settings["SQL_MEMORY_MB"] * 1_000_000)
    counts = {r.name: {"count": r.rows} for d in release.catalog.datasets for r in d.resources}
    ds = Datasette(
        immutables=[str(release.file("portal.db"))],
        # Row counts are known from publish: Datasette need not count them at start-up.
        inspect_data={DATABASE_NAME: {"hash": release.catalog.database.sha256, "size": release.catalog.database.bytes,
                                      "file": "portal.db", "tables": counts}},
        metadata=metadata,
        template_dir=str(TEMPLATES / "datasette"),
        cors=True,  # the JSON API is readable from any web page, like the portal's other APIs
        settings={
            # Its links are release-scoped (portal/release_urls.py), whether reached there or by /sql/.
            "base_url": scoped_path(release.id, SQL_PREFIX) + "/",
            "suggest_facets": False,
            "default_page_size": 50,
            "sql_time_limit_ms": settings["SQL_TIME_LIMIT_MS"],
            "max_returned_rows": settings["MAX_RETURNED_ROWS"],
            "max_csv_mb": settings["MAX_CSV_MB"],
            "facet_time_limit_ms": settings["FACET_TIME_LIMIT_MS"],
            "num_sql_threads": settings["SQL_THREADS"],
            "allow_download": True,
        },
    )
    remember_table_permissions(ds)
    # The portal's header and footer partials, after Datasette's own templates. The request's
    # language, _() and the links that keep it come from sql_skin's extra_template_vars; these
    # globals are the Indonesian defaults and what this release knows of its tables.
    ds.jinja_env.loader.loaders.append(FileSystemLoader(str(TEMPLATES)))
    ds.jinja_env.auto_reload = False  # templates are the portal's code: no stat() of each one on every page
    ds.jinja_env.globals["_"] = sql_skin.translator(sql_skin.DEFAULT_LANGUAGE)
    ds.jinja_env.globals["portal_link"] = lambda path: path
    ds.jinja_env.globals["ui_language"] = sql_skin.DEFAULT_LANGUAGE
    ds.jinja_env.globals.update(sql_skin.portal_vars(release))
    return ds


class DatasettePool:
    """The Datasette ASGI app of a release, created once per release id. Release-scoped URLs reach old
    releases too, so the instance used longest ago goes first, and it is closed only once no request
    is running on it."""

    def __init__(self, settings: dict):
        self.settings = settings
        self._instances: dict[str, tuple[Datasette, object]] = {}  # least recently used first
        self._running: dict[str, int] = {}  # release id -> requests running on its instance
        self._retired: dict[str, list[Datasette]] = {}  # evicted, closed when their last request ends
        self._lock = asyncio.Lock()

    async def app_for(self, release: Release):
        instance = self._instances.get(release.id)
        if instance is None:
            async with self._lock:
                if release.id not in self._instances:
                    ds = build_datasette(release, self.settings)
                    await ds.invoke_startup()
                    self._instances[release.id] = (ds, ds.app())
                    while len(self._instances) > KEPT_INSTANCES:  # never the new one
                        self._retire(next(iter(self._instances)))
                instance = self._instances[release.id]
        self._instances[release.id] = self._instances.pop(release.id)  # now the most recently used
        return instance[1]

    async def serve(self, release: Release, scope, receive, send) -> None:
        app = await self.app_for(release)
        self._running[release.id] = self._running.get(release.id, 0) + 1
        try:
            await app(scope, receive, send)
        finally:
            self._running[release.id] -= 1
            if not self._running[release.id]:
                del self._running[release.id]
                for ds in self._retired.pop(release.id, []):
                    close(ds)

    def _retire(self, release_id: str) -> None:
        ds, _ = self._instances.pop(release_id)
        if self._running.get(release_id):
            self._retired.setdefault(release_id, []).append(ds)
        else:
            close(ds)


def close(ds: Datasette) -> None:
    """Free an old release's connections and SQL threads."""
    for database in ds.databases.values():
        database.close()
    if ds.executor is not None:
        ds.executor.shutdown(wait=False)
