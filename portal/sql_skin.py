"""Datasette's pages as the portal's own: the language of each request, its translations, and
which dataset a table or canned query belongs to (templates/datasette/ uses them).

The language travels in a cookie (Path=/, for /sql and /r/<release>/sql alike): ``?lang=`` there would be
read by Datasette as a column filter, so portal.asgi turns it into this cookie and redirects without it.
"""

from __future__ import annotations

import sys
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from datasette.plugins import pm
from datasette.utils import add_cors_headers
from datasette.utils.asgi import NotFound, Request, Response

from .messages import number, translator
from .profile import N_
from .release_urls import RELEASE_PREFIX, RELEASE_SCOPE_KEY, scoped_path
from .urls import SQL_PREFIX

LANGUAGE_COOKIE = "portal_lang"
LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"
PLUGIN_NAME = "portal-sql-skin"


# Datasette's filter operators (filters.lookups() gives their English display text).
LOOKUPS = {"contains": N_("memuat"), "ends with": N_("diakhiri"), "starts with": N_("diawali"),
           "in": N_("salah satu dari"), "not in": N_("bukan salah satu dari"), "array contains": N_("larik memuat"),
           "array does not contain": N_("larik tidak memuat"), "is null": N_("null"),
           "is not null": N_("bukan null"), "is blank": N_("kosong"), "is not blank": N_("tidak kosong"),
           "date": N_("tanggal"), "not like": "not like"}


# The words of Datasette's English description of a table's filters and sort ("where status =
# \"selesai\" sorted by id descending"), in Indonesian; the column names and values stay as they are.
DESCRIPTION_WORDS = [("where ", "dengan "), (" and ", " dan "), ("sorted by ", "diurutkan menurut "),
                     (" descending", " menurun"), ("search matches ", "pencarian cocok dengan ")]


def describe(text: str, language: str) -> str:
    if language == DEFAULT_LANGUAGE:
        for english, indonesian in DESCRIPTION_WORDS:
            text = text.replace(english, indonesian)
    return text


def request_language(request) -> str:
    asked = request.cookies.get(LANGUAGE_COOKIE) if request is not None else None
    return asked if asked in LANGUAGES else DEFAULT_LANGUAGE


def scope_language(scope: dict) -> str:
    """request_language from an ASGI scope (Datasette's own cookie parsing, when there is a cookie of ours)."""
    if not any(name == b"cookie" and LANGUAGE_COOKIE.encode() in value for name, value in scope.get("headers", ())):
        return DEFAULT_LANGUAGE
    return request_language(Request(scope, None))


def language_redirect(scope: dict) -> tuple[str | None, str] | None:
    """For a GET of an HTML page under /sql with ``lang=`` among its parameters: the language asked for
    (None when not one of ours) and the same URL without the parameter. None otherwise: JSON, CSV and
    Parquet keep ``lang`` as Datasette reads it, a column filter."""
    if scope.get("method", "GET") not in ("GET", "HEAD"):
        return None
    path = scope.get("path", "")
    if path.rsplit("/", 1)[-1].rpartition(".")[2] in ("json", "csv", "db", "parquet"):
        return None
    pairs = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    asked = [value for name, value in pairs if name == "lang"]
    if not asked:
        return None
    rest = urlencode([(name, value) for name, value in pairs if name != "lang"])
    raw_path = (scope.get("raw_path") or path.encode()).decode("latin-1")
    return (asked[-1] if asked[-1] in LANGUAGES else None), raw_path + ("?" + rest if rest else "")


def language_cookie(language: str) -> bytes:
    return f"{LANGUAGE_COOKIE}={language}; Path=/; Max-Age=31536000; SameSite=Lax".encode()


def portal_vars(release) -> dict:
    """Per release: portal titles, and each table's and canned query's dataset (name, title, sample)."""
    catalog = release.catalog
    tables, queries = {}, {}
    for dataset in catalog.datasets:
        info = {"name": dataset.name, "title": dataset.title, "title_en": dataset.title_en or dataset.title,
                "sample": dataset.sample}
        tables.update({resource.name: info for resource in dataset.resources})
        queries.update({query.name: info for query in dataset.queries})
    portal = catalog.portal or {}
    title = portal.get("title") or "Portal Data Terbuka"
    return {"portal_tables": tables, "portal_queries": queries, "release": release,
            "portal_titles": {"id": title, "en": portal.get("title_en") or title}}


@hookimpl
def extra_template_vars(request):
    """Datasette plugin hook: the request's language and what depends on it."""
    language = request_language(request)

    def portal_link(path: str) -> str:
        # Portal pages carry the language in ?lang=; links into /sql need not (the cookie does).
        if language == DEFAULT_LANGUAGE or path.startswith((SQL_PREFIX, RELEASE_PREFIX + "/")):
            return path
        return f"{path}{'&' if '?' in path else '?'}lang={language}"

    def language_url(code: str) -> str:
        if request is None:
            return f"{SQL_PREFIX}/?lang={code}"
        pairs = [(k, v) for k, v in parse_qsl(request.query_string, keep_blank_values=True) if k != "lang"]
        release_id = request.scope.get(RELEASE_SCOPE_KEY)  # set by portal.asgi on every request under /sql
        prefix = scoped_path(release_id, SQL_PREFIX) if release_id else SQL_PREFIX
        return f"{prefix}{request.path}?{urlencode(pairs + [('lang', code)])}"

    _ = translator(language)
    return {"ui_language": language, "_": _, "portal_link": portal_link, "language_url": language_url,
            "describe": lambda text: describe(text, language),
            "number": lambda value: number(value, language),
            "lookup_label": lambda display: _(LOOKUPS[display]) if display in LOOKUPS else display}


@hookimpl  # not trylast: Datasette's own (trylast) always answers, so it must come after
def handle_exception(datasette, request, exception):
    """Datasette renders its error pages without the request, so without extra_template_vars: a 404
    page came in Indonesian whatever the cookie said. Rendered here with the request instead; other
    errors stay Datasette's (and portal.sql's, which answers the caller's mistakes first)."""
    if not isinstance(exception, NotFound) or request.path.endswith(".json"):
        return None

    async def page():
        headers = {}
        if datasette.cors:
            add_cors_headers(headers)
        info = {"ok": False, "error": exception.args[0] if exception.args else "", "status": 404, "title": None}
        html = await datasette.render_template(["404.html", "error.html"], info, request=request)
        return Response.html(html, status=404, headers=headers)

    return page


if not pm.has_plugin(PLUGIN_NAME):
    pm.register(sys.modules[__name__], name=PLUGIN_NAME)
