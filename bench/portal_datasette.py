"""The portal's own Datasette instance (portal/sql.py: its plugins, limits, settings and templates), served by
granian without the portal around it: between bench/bare_datasette.py and portal.asgi, it tells how much of
the difference is the plugins and how much the portal's ASGI layer (bench/bench_mount.py).

    BARE_BUILD=build granian --interface asgi bench.portal_datasette:app
"""

from __future__ import annotations

import os
from pathlib import Path

from portal.config import resolve_settings
from portal.sql import build_datasette
from portal.store import ReleaseStore

release = ReleaseStore(Path(os.environ.get("BARE_BUILD", "build"))).current(wait=True)
datasette = build_datasette(release, resolve_settings({}))
datasette_app = datasette.app()


async def app(scope, receive, send):
    if scope["type"] != "lifespan":
        return await datasette_app(scope, receive, send)
    while (await receive())["type"] == "lifespan.startup":
        await datasette.invoke_startup()  # as portal/sql.py's pool does before the first request
        await send({"type": "lifespan.startup.complete"})
    await send({"type": "lifespan.shutdown.complete"})
