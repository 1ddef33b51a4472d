"""package_search: CKAN's parameters, Solr's query syntax (``portal.ckan.solr``), CKAN's answer.

``q`` without a colon is free text, ranked by the release's full-text index exactly as the portal's
own search ranks it (CKAN uses dismax there); ``q`` with a colon and ``fq`` are Solr queries whose
terms are matched against each package dict (``portal.ckan.matching``). The user's ``fq`` is one
filter, as if in parentheses, beside the ones CKAN adds itself (active, public datasets).
"""

from __future__ import annotations

import datetime

from ..search import fts_query, ranked_names
from ..publish.search_index import SEARCH_DB
from .context import Context
from .errors import SearchError, SearchQueryError, ValidationError
from .licenses import ckan_license
from .matching import STRING_FIELDS, Document, matches, string_values
from .params import integer, json_list, optional_text
from .solr import Not, QuerySyntaxError, Term, parse

DEFAULT_ROWS = 10
MAX_ROWS = 1000  # ckan.search.rows_max
DEFAULT_FACET_LIMIT = 50  # search.facets.limit
DEFAULT_SORT = "score desc, metadata_modified desc"  # ckan.search.default_package_sort
SORT_FIELDS = ("score", "id", "name", "metadata_modified", "metadata_created", "title_string",
               "num_resources", "num_tags")


def parse_sort(text: str) -> list[tuple[str, bool]]:
    keys = []
    for part in text.split(","):
        words = part.split()
        if not words:
            continue
        if len(words) > 2 or words[0] not in SORT_FIELDS or (len(words) == 2 and words[1] not in ("asc", "desc")):
            raise SearchQueryError('Invalid "sort" parameter')
        keys.append((words[0], len(words) == 2 and words[1] == "desc"))
    return keys


def sort_value(field_name: str, package: dict, rank: dict[str, int]):
    if field_name == "score":
        return -rank.get(package["name"], 0)  # a better rank is a higher score
    if field_name == "title_string":
        return package["title"].casefold()
    return package[field_name] or ""


def text_words(node) -> list[str]:
    """The words of a Solr query searched in the default field (for relevance), negations left out."""
    if isinstance(node, Term):
        return [node.value] if node.field == "text" and not node.wildcard else []
    if isinstance(node, Not):
        return []
    return [word for child in getattr(node, "children", ()) for word in text_words(child)]


def relevance(context: Context, words: str) -> tuple[dict[str, int], set[str] | None]:
    """(rank by dataset name, names found) from the full-text index; (all equal, None) without words."""
    query = fts_query(words)
    if not query:
        return {}, None
    names = ranked_names(context.release.file(SEARCH_DB), query)
    return {name: position for position, name in enumerate(names)}, set(names)


def facet_items(documents: list[Document], field_name: str, context: Context, limit: int, minimum: int) -> list[dict]:
    counts: dict[str, int] = {}
    for document in documents:
        for value in set(string_values(field_name, document)):
            counts[value] = counts.get(value, 0) + 1
    items = sorted(((name, count) for name, count in counts.items() if count >= minimum),
                   key=lambda item: (-item[1], item[0]))
    if limit >= 0:
        items = items[:limit]
    found = [{"name": name, "display_name": display_name(context, field_name, name), "count": count}
             for name, count in items]
    # package_search re-sorts each facet's items by display name, descending (ckan/logic/action/get.py)
    return sorted(found, key=lambda item: item["display_name"], reverse=True)


def display_name(context: Context, field_name: str, value: str) -> str:
    catalog = context.catalog
    if field_name == "organization" and catalog.publisher(value):
        return catalog.publisher(value).name
    if field_name == "groups" and catalog.theme(value):
        return catalog.theme(value).title
    if field_name == "license_id" and ckan_license(value):  # package_search: the register's title
        return ckan_license(value).title
    return value


def selected_fields(package: dict, fields: list[str]) -> dict:
    """What ``fl`` asks for: the named fields (extras_<key> for an extra) that the package has."""
    extras = {f"extras_{extra['key']}": extra["value"] for extra in package["extras"]}
    return {name: package.get(name, extras.get(name)) for name in fields if name in package or name in extras}


def search_packages(context: Context, params: dict) -> dict:
    rows = integer(params, "rows", DEFAULT_ROWS, MAX_ROWS)
    start = integer(params, "start", 0)
    facet_limit = -1 if params.get("facet.limit") in (-1, "-1") else integer(params, "facet.limit",
                                                                             DEFAULT_FACET_LIMIT)
    facet_minimum = integer(params, "facet.mincount", 1)
    facet_fields = json_list(params, "facet.field")
    for name in facet_fields:
        if name not in STRING_FIELDS:
            raise SearchError(f"cannot facet on field {name}: use one of {', '.join(STRING_FIELDS)}")
    sort_text = optional_text(params, "sort") or DEFAULT_SORT
    sort_keys = parse_sort(DEFAULT_SORT if sort_text == "rank" else sort_text)
    q, fq = optional_text(params, "q").strip(), optional_text(params, "fq")
    fl = params.get("fl")
    if fl is not None and not isinstance(fl, (str, list)):
        raise ValidationError({"fl": ["Must be a string or a list"]})
    fields = [name for part in ([fl] if isinstance(fl, str) else fl or []) for name in str(part).replace(",", " ").split()]

    match_all = q in ("", "*:*", '""', "''")
    try:
        filters, names, rank = [parse(fq)], None, {}
        if not match_all and ":" in q:
            query = parse(q)
            filters.append(query)
            rank, _ = relevance(context, " ".join(text_words(query)))
        elif not match_all:
            rank, names = relevance(context, q)
            names = set() if names is None else names  # words without a letter or digit: nothing to find
        now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
        documents = [document for document in context.documents()
                     if names is None or document.package["name"] in names]
        documents = [document for document in documents
                     if all(matches(node, document, now) for node in filters)]
    except QuerySyntaxError as error:
        raise SearchError(f"SOLR could not run the query: {error}") from None
    packages = [document.package for document in documents]
    packages.sort(key=lambda package: package["name"])  # ties keep a stable, documented order
    for field_name, descending in reversed(sort_keys):
        packages.sort(key=lambda package: sort_value(field_name, package, rank), reverse=descending)

    search_facets = {name: {"title": name, "items": facet_items(documents, name, context, facet_limit, facet_minimum)}
                     for name in facet_fields}
    page = packages[start: start + rows]
    return {
        "count": len(packages),
        "facets": {name: {item["name"]: item["count"] for item in facet["items"]} for name, facet in search_facets.items()},
        "results": [selected_fields(package, fields) for package in page] if fields else page,
        "sort": sort_text,
        "search_facets": search_facets,
    }
