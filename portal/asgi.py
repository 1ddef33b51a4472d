"""The whole application as one ASGI object: ``portal.asgi:app``.

A small dispatcher sends /sql/… to Datasette (ASGI) and everything else to the Flask
pages through a2wsgi. ../shared/DESIGN.md has the measurements behind this choice:
≈0.99× bare Datasette, where wrapping Datasette inside WSGI cost 20–25 %.
"""

from __future__ import annotations

from a2wsgi import WSGIMiddleware

from .app import SQL_PREFIX, create_app
from .sql import DatasettePool


class PortalApplication:
    def __init__(self, flask_app):
        self.flask_app = flask_app
        self.store = flask_app.extensions["release_store"]
        self.pages = WSGIMiddleware(flask_app)
        self.sql = DatasettePool(flask_app.config)

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            return await self.lifespan(receive, send)
        path = scope.get("path", "")
        if scope["type"] == "http" and (path == SQL_PREFIX or path.startswith(SQL_PREFIX + "/")):
            release = self.store.current()
            if release is not None:
                datasette_app = await self.sql.app_for(release)
                return await datasette_app(strip_prefix(scope), receive, send)
        return await self.pages(scope, as_coroutine(receive), send)

    async def lifespan(self, receive, send):
        # Datasette instances start lazily per release, so there is nothing to set up.
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return


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
    return PortalApplication(create_app(config))


# What `portal serve` (uvicorn) runs; configured by PORTAL_* environment variables.
app = create_asgi_app()
