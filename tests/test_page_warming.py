"""A new release goes live in a worker once its Datasette is started and the pages visitors were reading
from the previous release are rendered for it (portal/page_warming.py): its first visitors get pages from
memory, and meanwhile the previous release is served whole."""

from __future__ import annotations

import asyncio
import gc
import logging
import re
import time

import pytest

from portal import create_app
from portal.asgi import PortalApplication
from portal.config import today
from portal.publish import publish
from portal.search import daily_cache
from portal.store import SWITCH_WAIT_SECONDS, ReleaseStore

from .conftest import FIXTURE_METADATA
from .html import HTMLParser, parse, text
from .test_background_checks import two_releases


def kept(release, kind: str) -> dict:
    """The pages of ``kind`` the release keeps in memory for today."""
    with create_app({"TESTING": True}).app_context():
        return daily_cache(release, today()).get(kind, {})


async def started(application: PortalApplication):
    """The application after its lifespan's start-up, as granian runs it; and how to shut it down."""
    messages, sent = asyncio.Queue(), []

    async def send(message):
        sent.append(message)

    await messages.put({"type": "lifespan.startup"})
    lifespan = asyncio.create_task(application.lifespan(messages.get, send))
    while not sent:
        await asyncio.sleep(0.01)
    assert sent == [{"type": "lifespan.startup.complete"}]

    async def stop():
        await messages.put({"type": "lifespan.shutdown"})
        await lifespan

    return stop


@pytest.fixture()
def no_freeze(monkeypatch):
    """The start-up's gc.freeze() would keep the whole test session's objects from the collector."""
    monkeypatch.setattr(gc, "freeze", lambda: None)


def test_a_new_release_is_served_once_its_pages_are_rendered(tmp_path, no_freeze):
    build, datasets, first = two_releases(tmp_path)
    application = PortalApplication(create_app({"BUILD_DIR": str(build), "BASE_URL": "http://localhost"}))
    store = application.store

    async def main():
        stop = await started(application)
        assert store.current().id == first
        names = [dataset.name for dataset in store.current().catalog.datasets]
        read, unread = names[0], names[1]
        with application.flask_app.test_client() as visitor:  # what visitors read from the first release
            for path in (f"/dataset/{read}", f"/dataset/{read}?lang=en", "/dataset?q=wilayah&lang=en"):
                assert visitor.get(path).status_code == 200
        second = publish(datasets, FIXTURE_METADATA, build).release_id
        served = await asyncio.to_thread(store.current, True)  # the loop runs on: Datasette starts on it
        assert served.id == second
        assert {(read, "id"), (read, "en")} <= set(kept(served, "dataset pages"))
        assert (unread, "id") not in kept(served, "dataset pages")  # only what visitors were reading
        assert (b"q=wilayah&lang=en", "en") in kept(served, "catalog pages")
        assert second in application.sql._instances  # its Datasette, started before its first /sql request
        await stop()
        return served, [read]

    served, names = asyncio.run(main())
    # What was rendered in advance is the new release's page, as a visitor now gets it.
    page = parse(create_app({"BUILD_DIR": str(build), "BASE_URL": "http://localhost"}).test_client()
                 .get(f"/dataset/{names[0]}"))
    kept_page = HTMLParser(kept(served, "dataset pages")[names[0], "id"])
    assert text(page, ".release-note code") == text(kept_page, ".release-note code") == served.id
    assert re.search(rf"Rilis {served.id}", text(kept_page, "#cite-bibtex"))


def test_a_failure_while_preparing_still_serves_the_new_release(tmp_path, caplog):
    build, datasets, first = two_releases(tmp_path)
    store = ReleaseStore(build)
    assert store.current().id == first

    def broken(release, previous):
        raise RuntimeError("rendering failed")

    store.before_switch = broken
    second = publish(datasets, FIXTURE_METADATA, build).release_id
    with caplog.at_level(logging.ERROR, logger="portal"):
        assert store.current(wait=True).id == second
    assert f"preparing release {second} failed" in caplog.text


def test_the_first_release_a_worker_serves_is_not_held_back(tmp_path):
    build, _, first = two_releases(tmp_path)
    store = ReleaseStore(build)
    prepared = []
    store.before_switch = lambda release, previous: prepared.append(release)
    assert store.current(wait=True).id == first and prepared == []  # start-up renders it (warm_up)


def test_no_request_waits_while_a_release_is_prepared(tmp_path):
    """Preparing takes longer than SWITCH_WAIT_SECONDS anyway: the first request gets the previous release at
    once too, instead of waiting that long for nothing."""
    build, datasets, first = two_releases(tmp_path)
    store = ReleaseStore(build)
    assert store.current().id == first
    store.before_switch = lambda release, previous: time.sleep(2)
    second = publish(datasets, FIXTURE_METADATA, build).release_id
    started = time.perf_counter()
    assert [store.current().id for _ in range(3)] == [first] * 3
    assert time.perf_counter() - started < SWITCH_WAIT_SECONDS / 2
    assert store.current(wait=True).id == second
