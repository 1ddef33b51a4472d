"""An operator rolls back with one command, and every kept, intact release can be served: the release
caches never evict the release just chosen, a missing `current` falls back to the newest good release,
and `portal serve` never publishes over existing releases."""

from __future__ import annotations

import asyncio
import os

import httpx
import pytest
from click.testing import CliRunner

from portal.asgi import create_asgi_app
from portal.cli import cli
from portal.publish import publish
from portal.releases import current_link, current_release_id, release_ids, releases_dir

from .conftest import FIXTURE_DATASETS, FIXTURE_METADATA


@pytest.fixture(scope="module")
def five_releases(tmp_path_factory):
    build = tmp_path_factory.mktemp("rollback") / "build"
    for _ in range(5):
        assert publish(FIXTURE_DATASETS, FIXTURE_METADATA, build, full=True).release_id
    assert len(release_ids(build)) == 5
    return build


def get(app, *paths):
    async def ask():
        transport = httpx.ASGITransport(app=app, client=("10.0.0.1", 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://portal.test") as client:
            return [(await client.get(path)).status_code for path in paths]

    return asyncio.new_event_loop().run_until_complete(ask())


def rollback(build, *args):
    return CliRunner().invoke(cli, ["rollback", *args, "--build", str(build)], catch_exceptions=False)


def test_every_kept_release_serves_pages_and_sql_after_a_rollback(five_releases):
    build = five_releases
    newest = release_ids(build)[-1]
    app = create_asgi_app({"BUILD_DIR": str(build)})  # one running worker through every switch
    try:
        assert get(app, "/", "/sql/portal/kelurahan_mini.json") == [200, 200]
        for release in reversed(release_ids(build)[:-1]):  # newest to oldest: each evicts older caches
            result = rollback(build, release)
            assert result.exit_code == 0, result.output
            assert current_release_id(build) == release and release in result.output
            assert get(app, "/", "/dataset", "/sql/portal/kelurahan_mini.json", "/sql/portal.json?sql=select+1") \
                == [200, 200, 200, 200]
            assert app.store.current().id == release
    finally:
        assert rollback(build, newest).exit_code == 0


def test_rollback_without_an_argument_goes_to_the_previous_release(five_releases):
    build = five_releases
    kept = release_ids(build)
    try:
        result = rollback(build)
        assert result.exit_code == 0 and current_release_id(build) == kept[-2]
    finally:
        rollback(build, kept[-1])


def test_a_damaged_or_unknown_release_is_refused_and_nothing_changes(five_releases):
    build = five_releases
    live = current_release_id(build)
    unknown = rollback(build, "20000101-000000")
    assert unknown.exit_code == 1 and "tidak tersimpan" in unknown.output and current_release_id(build) == live
    assert "is not kept" in rollback(build, "20000101-000000", "--lang", "en").output
    damaged = releases_dir(build) / release_ids(build)[0] / "datasette.json"
    original = damaged.read_bytes()
    try:
        damaged.write_bytes(original + b" ")
        refused = rollback(build, release_ids(build)[0])
        assert refused.exit_code == 1 and "rusak" in refused.output and current_release_id(build) == live
        assert "datasette.json" in refused.output and "manifest" in refused.output and "Traceback" not in refused.output
        english = rollback(build, release_ids(build)[0], "--lang", "en").output
        assert "is damaged" in english and "does not match the manifest" in english
    finally:
        damaged.write_bytes(original)


def test_without_current_the_newest_good_release_is_served(five_releases, monkeypatch):
    build = five_releases
    link = current_link(build)
    target = os.readlink(link)
    try:
        link.unlink()
        app = create_asgi_app({"BUILD_DIR": str(build)})
        assert get(app, "/", "/sql/portal/kelurahan_mini.json") == [200, 200]
        assert app.store.current().id == release_ids(build)[-1]
    finally:
        os.symlink(target, link)


def test_serve_does_not_publish_over_existing_releases(tmp_path):
    build = tmp_path / "build"
    assert publish(FIXTURE_DATASETS, FIXTURE_METADATA, build).release_id
    (live_catalog := releases_dir(build) / current_release_id(build) / "catalog.json").write_text("{}")
    before = release_ids(build)
    result = CliRunner().invoke(cli, ["serve", "--build", str(build), "--datasets", str(FIXTURE_DATASETS),
                                      "--metadata", str(FIXTURE_METADATA), "--port", "8999"])
    assert result.exit_code == 1 and "portal rollback" in result.output
    assert release_ids(build) == before and live_catalog.read_text() == "{}"
