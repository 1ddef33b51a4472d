"""A (re)started worker is ready before it serves: the ASGI startup starts the live release's Datasette
and renders the home page once, so first visitors do not wait for it."""

from __future__ import annotations

import asyncio

from portal.asgi import create_asgi_app


def started(app) -> list[dict]:
    sent, messages = [], iter([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])

    async def receive():
        return next(messages)

    async def send(message):
        sent.append(message)

    asyncio.run(app({"type": "lifespan"}, receive, send))
    return sent


def test_startup_warms_the_live_release(published_build):
    app = create_asgi_app({"BUILD_DIR": str(published_build)})
    release = app.store.current()
    assert app.sql._instances == {}
    assert started(app) == [{"type": "lifespan.startup.complete"}, {"type": "lifespan.shutdown.complete"}]
    assert list(app.sql._instances) == [release.id]


def test_startup_without_a_release_still_completes(tmp_path):
    app = create_asgi_app({"BUILD_DIR": str(tmp_path / "kosong")})
    assert started(app)[0] == {"type": "lifespan.startup.complete"}
    assert app.sql._instances == {}
