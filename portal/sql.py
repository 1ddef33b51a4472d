"""Datasette over each release's database, mounted under /sql/.

One Datasette instance per release, built on first use: a switched release gets a
fresh instance, and requests already running on the old one finish on the old one.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from datasette.app import Datasette  # first: importing handle_exception alone breaks plugin registration
import datasette.handle_exception
from jinja2 import FileSystemLoader

from .app import DATABASE_NAME, SQL_PREFIX
from .store import Release

TEMPLATES = Path(__file__).parent / "templates"
KEPT_INSTANCES = 2

# With rich installed (frictionless brings it) Datasette 0.65 prints tracebacks with
# local variables on every 4xx and answers some unrouted URLs with 500 instead of 404.
datasette.handle_exception.rich = None


def build_datasette(release: Release, settings: dict) -> Datasette:
    metadata = json.loads(release.file("datasette.json").read_text(encoding="utf-8"))
    counts = {r.name: {"count": r.rows} for d in release.catalog.datasets for r in d.resources}
    ds = Datasette(
        immutables=[str(release.file("portal.db"))],
        # Row counts are known from publish: Datasette need not count them at start-up.
        inspect_data={DATABASE_NAME: {"hash": release.catalog.database.sha256, "size": release.catalog.database.bytes,
                                      "file": "portal.db", "tables": counts}},
        metadata=metadata,
        template_dir=str(TEMPLATES / "datasette"),
        settings={
            "base_url": f"{SQL_PREFIX}/",
            "suggest_facets": False,
            "default_page_size": 50,
            "sql_time_limit_ms": settings["SQL_TIME_LIMIT_MS"],
            "max_returned_rows": settings["MAX_RETURNED_ROWS"],
            "max_csv_mb": settings["MAX_CSV_MB"],
            "allow_download": True,
        },
    )
    # The portal's header and footer partials, after Datasette's own templates; they
    # call _() for translation, which here simply returns the Indonesian text.
    ds.jinja_env.loader.loaders.append(FileSystemLoader(str(TEMPLATES)))
    ds.jinja_env.globals["_"] = lambda text, **values: text % values if values else text
    return ds


class DatasettePool:
    """The Datasette ASGI app of a release, created once per release id."""

    def __init__(self, settings: dict):
        self.settings = settings
        self._apps: dict[str, object] = {}
        self._lock = asyncio.Lock()

    async def app_for(self, release: Release):
        app = self._apps.get(release.id)
        if app is not None:
            return app
        async with self._lock:
            if release.id not in self._apps:
                ds = build_datasette(release, self.settings)
                await ds.invoke_startup()
                self._apps[release.id] = ds.app()
                for stale in sorted(self._apps)[:-KEPT_INSTANCES]:
                    del self._apps[stale]
            return self._apps[release.id]
