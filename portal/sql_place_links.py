"""Datasette plugin: in table and row views, a cell of a kelurahan or kecamatan code column (a
reference key of the release's place index) links the code to its place page, /wilayah/<kode>.
A foreign key's label keeps Datasette's link to the referenced row.

Datasette 0.65 gives render_cell no request, so the page's language (sql_skin's cookie) reaches it
through a context variable that this plugin's ASGI wrapper sets for each request."""

from __future__ import annotations

import sys
from contextvars import ContextVar

from datasette import hookimpl
from datasette.plugins import pm
from datasette.utils import tilde_encode
from markupsafe import Markup, escape

from .place_index import release_places
from .sql_skin import DEFAULT_LANGUAGE, scope_language
from .urls import DATABASE_NAME

PLUGIN_NAME = "portal-place-links"
LANGUAGE: ContextVar[str] = ContextVar("portal_sql_language", default=DEFAULT_LANGUAGE)


def place_link(code: str) -> Markup:
    language = LANGUAGE.get()
    query = "" if language == DEFAULT_LANGUAGE else f"?lang={language}"
    # Escaped by hand: Markup.format, through string.Formatter, took most of a table page's cell rendering.
    code = escape(code)
    return Markup(f'<a class="place-code" href="/wilayah/{code}{query}">{code}</a>')


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def with_language(scope, receive, send):
            if scope.get("type") != "http":
                return await app(scope, receive, send)
            token = LANGUAGE.set(scope_language(scope))
            try:
                await app(scope, receive, send)
            finally:
                LANGUAGE.reset(token)
        return with_language
    return wrap


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if table is None or database != DATABASE_NAME:
        return None  # an SQL query's columns are not known to be codes
    release = datasette.jinja_env.globals.get("release")
    if release is None:
        return None
    index = release_places(release)
    if column not in index.key_columns(table):
        return None  # most cells: this runs for every cell of every table page, so it is kept short
    expanded = isinstance(value, dict)
    code = str(value.get("value") if expanded else value)
    if index.place(code) is None:
        return None
    label = value.get("label") if expanded else None
    # A page shows the same few codes again and again (57 kelurahan): each link is built once per release.
    links = release.cache.setdefault("place links", {})
    key = (table, column, code, label, LANGUAGE.get())
    if key not in links:
        links[key] = code_link(datasette, release, key)
    return links[key]


def code_link(datasette, release, key) -> Markup:
    table, column, code, label, _ = key
    if not label or label == code:
        return place_link(code)
    referenced = referenced_table(release, table, column)
    if referenced is None:
        return Markup(f"{place_link(code)} <em>{escape(label)}</em>")
    row_url = datasette.urls.row(DATABASE_NAME, referenced, tilde_encode(code))  # release-scoped, like Datasette's own
    return Markup(f'<a href="{escape(row_url)}">{escape(label)}</a>&nbsp;<em>{place_link(code)}</em>')


def referenced_table(release, table: str, column: str) -> str | None:
    """The table the column's foreign key points at (None for a reference table's own key); found once per
    release, as it is asked for every cell of the column (the search through the catalog was half a table
    page's time in Datasette: bench/bench_mount.py)."""
    found = release.cache.setdefault("referenced tables", {})
    if (table, column) not in found:
        owner = release.catalog.table_owner(table)
        resource = owner.resource(table) if owner else None
        found[table, column] = next((key.table for key in (resource.foreign_keys if resource else [])
                                     if key.fields == [column]), None)
    return found[table, column]


if not pm.has_plugin(PLUGIN_NAME):
    pm.register(sys.modules[__name__], name=PLUGIN_NAME)
