"""Every setting of the web application, in one place.

Each setting has a default and may be overridden by an environment variable
``PORTAL_<NAME>`` or by the ``config`` mapping given to ``create_app`` (which wins).
README.md documents each one; tests/test_docs.py checks that it does.
"""

import datetime
import os
from dataclasses import dataclass

from flask import current_app

from .urls import DEVELOPMENT_BASE_URL


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    help: str


SETTINGS = [
    Setting("BUILD_DIR", "build", "Folder holding releases/ and the `current` link written by publish."),
    Setting("BASE_URL", DEVELOPMENT_BASE_URL, "The portal's public address, http(s)://host[:port]: every absolute URL "
            "(pages, DCAT, CKAN API, feed, sitemap, citations) is built from it, never from the request's Host header. "
            "`portal serve` sets it to its own address when unset."),
    Setting("TRUSTED_PROXIES", "", "Comma-separated addresses or networks of reverse proxies whose X-Forwarded-For "
            "(client address) and X-Forwarded-Proto are believed; empty = none."),
    Setting("SQL_TIME_LIMIT_MS", 1000, "Datasette: longest time one SQL query may run."),
    Setting("MAX_RETURNED_ROWS", 1000, "Datasette: most rows one query or table page returns."),
    Setting("MAX_RESULT_MB", 8, "Datasette: most text and blob data one query or page returns, in megabytes; "
            "more gets 400 (memory stays bounded whatever the SQL)."),
    Setting("SQL_MEMORY_MB", 64, "SQLite: most memory all queries of one worker process hold together, in megabytes "
            "(PRAGMA hard_heap_limit); a query needing more gets 400."),
    Setting("SQL_QUERY_MEMORY_MB", 8, "SQLite: most memory one query may add while it runs, in megabytes; a query "
            "growing more is stopped with 400 before it can fill SQL_MEMORY_MB for the others (0 = no limit). A growing "
            "string doubles, so keep ADHOC_SQL_TOTAL x 2 x this under SQL_MEMORY_MB."),
    Setting("SQL_THREADS", 6, "Datasette: threads running SQL in each worker process."),
    Setting("ADHOC_SQL_PER_CLIENT", 1, "Arbitrary SQL queries (?sql=) one client may run at once."),
    Setting("ADHOC_SQL_TOTAL", 2, "Arbitrary SQL queries a worker runs at once (fewer than SQL_THREADS; 3 let large results push "
            "visitors' p99 past 1 s in bench/bench_attack.py)."),
    Setting("MAX_REQUEST_BYTES", 1_000_000, "Largest request body (a POSTed SQL query, a CKAN API call); more gets 413."),
    Setting("REQUEST_BODY_SECONDS", 10, "Time a client has to send its whole request body; slower gets 408."),
    Setting("FACET_TIME_LIMIT_MS", 200, "Datasette: longest time computing one facet may take."),
    Setting("MAX_CSV_MB", 100, "Datasette: largest streamed CSV export, in megabytes (0 = no limit); also the most "
            "text and blob data one Parquet export of a table's filtered rows reads (more gets 400)."),
    Setting("MAX_EXPORT_ROWS", 100_000, "Most rows one Parquet export of a table's filtered rows "
            "(/sql/portal/<table>.parquet?<filters>) holds; a filter matching more gets 400 with a JSON error, never "
            "a file missing rows."),
    Setting("VERIFY_RELEASES", True, "Check every file of a release against its manifest (and SQLite's quick_check) "
            "before serving it; a damaged release is refused and the newest good one served."),
    Setting("RECHECK_RELEASE_SECONDS", 3600, "Check the release being served against its manifest again this often "
            "(in a background thread); damage found switches to the newest good release. 0 = never."),
    Setting("SYNC_FROM", "", "A replica's source, s3://BUCKET/PREFIX (set by `portal serve --from`): every worker polls "
            "the bucket's pointer and switches BUILD_DIR, the replica's cache, to a new release once it is fetched and "
            "checked; empty = serve BUILD_DIR as it is."),
    Setting("DOWNLOAD_BASE_URL", "", "Public URL of the bucket prefix `portal push` uploads to (or of a CDN in front "
            "of it), e.g. https://cdn.example.go.id/portal: downloads are redirected to its objects/ab/abcd… (301 for a "
            "version's files, 302 for the latest) instead of being sent by the portal; empty = sent by the portal."),
    Setting("SYNC_SECONDS", 5.0, "How often a replica reads the bucket's pointer (one conditional GET)."),
    Setting("BABEL_DEFAULT_LOCALE", "id", "Language of the interface when none is asked for."),
    Setting("MAP_TILE_URL", "", "Base map tiles, e.g. https://tile.example.org/{z}/{x}/{y}.png; empty = points on a plain background (offline)."),
    Setting("MAP_TILE_ATTRIBUTION", "", "Attribution shown with the base map tiles."),
    Setting("DCAT_PAGE_SIZE", 100, "Datasets per page of /catalog.ttl, .jsonld and .rdf (hydra paging, as ckanext-dcat)."),
    Setting("TODAY", "", "Fixed date (YYYY-MM-DD) the portal takes as today for freshness; empty = the real date."),
]


def _coerce(value: str, default: object) -> object:
    """Environment variables are strings; give them the type of the default."""
    if isinstance(default, bool):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(value)
    if isinstance(default, float):
        return float(value)
    return value


def resolve_settings(config: dict | None = None, environ: dict | None = None) -> dict:
    """Defaults, then PORTAL_* environment variables, then the explicit mapping."""
    environ = os.environ if environ is None else environ
    settings = {}
    for setting in SETTINGS:
        value = setting.default
        env_value = environ.get(f"PORTAL_{setting.name}")
        if env_value is not None:
            value = _coerce(env_value, setting.default)
        settings[setting.name] = value
    settings.update(config or {})
    return settings


def today() -> datetime.date:
    """Today, unless the TODAY setting fixes it (tests, reproducible pages)."""
    fixed = current_app.config.get("TODAY")
    return datetime.date.fromisoformat(fixed) if fixed else datetime.date.today()
