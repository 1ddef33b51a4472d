"""portal/sql_permissions.py: Datasette's table permission answers, remembered per instance, stay Datasette's."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
from datasette import hookimpl
from datasette.app import Datasette
from datasette.plugins import pm

from portal import sql_permissions
from portal.sql_permissions import remember_table_permissions

METADATA = {"databases": {"data": {"tables": {
    "secret": {"allow": {"id": "editor"}, "description": "only for the editor"},
    "open": {"description": "for everyone"}}}}}


@pytest.fixture()
def datasette(tmp_path):
    path = tmp_path / "data.db"
    with sqlite3.connect(path) as conn:
        conn.executescript("create table secret (a); create table open (a); create table Mixed (a)")
    conn.close()
    return Datasette([str(path)], metadata=METADATA)


def allowed(ds: Datasette, actor, table: str):
    return asyncio.run(ds.permission_allowed(actor, "view-table", ("data", table), default=True))


def test_answers_are_datasettes_own_and_computed_once_per_table(datasette, monkeypatch):
    expected = {(actor and actor["id"], table): allowed(datasette, actor, table)
                for actor in (None, {"id": "editor"}, {"id": "someone"}) for table in ("secret", "open", "SECRET", "nothere")}
    assert expected[(None, "secret")] is False and expected[("editor", "secret")] is True  # the allow block applies

    calls = []
    original = datasette._table_permission_allows
    monkeypatch.setattr(datasette, "_table_permission_allows", lambda *key: calls.append(key) or original(*key))
    assert remember_table_permissions(datasette)
    for _ in range(3):
        answers = {(actor and actor["id"], table): allowed(datasette, actor, table)
                   for actor in (None, {"id": "editor"}, {"id": "someone"}) for table in ("secret", "open", "SECRET", "nothere")}
        assert answers == expected
    assert sorted(calls) == sorted(set(calls)) and len(calls) == 3  # secret, open, nothere; SECRET is found as secret


def test_callers_cannot_change_what_is_remembered(datasette):
    remember_table_permissions(datasette)
    datasette._table_permission_allows("data", "secret").clear()
    datasette._table_permission_allows("data", "secret")[0]["id"] = "anyone"
    assert allowed(datasette, None, "secret") is False
    assert allowed(datasette, {"id": "anyone"}, "secret") is False


def test_made_up_table_names_do_not_grow_the_cache_without_bound(datasette, monkeypatch):
    monkeypatch.setattr(sql_permissions, "REMEMBERED_TABLES", 8)
    remember_table_permissions(datasette)
    for number in range(50):
        datasette._table_permission_allows("data", f"made_up_{number}")
    cache = datasette._table_permission_allows.__closure__  # the lru_cache inside
    remembered = next(cell.cell_contents for cell in cache if hasattr(cell.cell_contents, "cache_info"))
    assert remembered.cache_info().currsize == 8


class MetadataFromAPlugin:
    @hookimpl
    def get_metadata(self, datasette, key, database, table):
        return {}


def test_left_alone_where_a_plugin_supplies_metadata(datasette):
    plugin = MetadataFromAPlugin()
    pm.register(plugin, name="test-metadata-plugin")
    try:
        lookup = datasette._table_permission_allows
        assert remember_table_permissions(datasette) is False
        assert datasette._table_permission_allows == lookup
    finally:
        pm.unregister(plugin)


def test_the_portals_instances_remember(published_build):
    from portal.config import resolve_settings
    from portal.sql import build_datasette
    from portal.store import ReleaseStore

    ds = build_datasette(ReleaseStore(published_build).current(wait=True), resolve_settings({}))
    assert ds._table_permission_allows != ds.__class__._table_permission_allows.__get__(ds)
    for table in asyncio.run(ds.databases["portal"].table_names()):
        assert ds._table_permission_allows("portal", table) == Datasette._table_permission_allows(ds, "portal", table)
