"""Dataset pages: the list, the trust panel of one dataset, its validation report and its changes."""

from __future__ import annotations

import json
import threading

from flask import Response, abort, g, jsonify, make_response, render_template, request, url_for
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l

from ..config import today
from ..dcat import negotiate
from ..citation import apa, bibtex, csl_json, ris
from ..constraints import constraints_raw, constraints_text
from ..contact import report_link
from ..schema_org import dataset_jsonld
from ..labels import labelled_columns
from ..preview import browse, points, preview_rows
from ..formats import FORMATS, history_file_name
from ..profile import DATASET_PROPERTIES
from ..facets import FACET_KEYS, FACETS
from ..search import SORTS, daily_cache, search
from ..messages import issue_text
from ..place_index import MATCHING_PLACES, release_places
from ..validation_report import group_issues
from .dcat_views import dataset_rdf
from .links import request_links
from .pages import blueprint, frequency_label, localized

CACHED_PAGES = 500  # rendered pages of each kind kept per worker and release (the oldest go first)
PAGE_CACHE_LOCK = threading.Lock()
RENDERING: dict[tuple, threading.Lock] = {}  # (cache, key) -> held while that page is rendered
# The changes page links each version's file by its own name and format.
blueprint.add_app_template_global(history_file_name)
blueprint.add_app_template_global(constraints_text)  # the data dictionary's constraints in words
blueprint.add_app_template_global(constraints_raw)
KIND_LABELS = {"real": _l("Data nyata"), "sample": _l("Data sampel sintetis")}


@blueprint.app_template_global()
def listing_url(**changes) -> str:
    """The current listing URL with some parameters replaced (None removes one); back to page 1."""
    args = request.args.copy()
    args.pop("page", None)
    for key, value in changes.items():
        args.pop(key, None)
        if value is not None:
            args[key] = value
    return url_for("pages.dataset_list", **args.to_dict(flat=False))


@blueprint.app_template_global()
def facet_toggle_url(key: str, value: str) -> str:
    args = request.args.copy()
    args.pop("page", None)
    values = args.poplist(key)
    args.setlist(key, [v for v in values if v != value] if value in values else values + [value])
    return url_for("pages.dataset_list", **args.to_dict(flat=False))


@blueprint.app_template_global()
def real_only_url(active: bool) -> str:
    """The listing with "hanya data nyata" switched: kind=real alone, or no kind filter; the rest kept."""
    args = request.args.copy()
    args.pop("page", None)
    args.setlist("kind", [] if active else ["real"])
    return url_for("pages.dataset_list", **args.to_dict(flat=False))


@blueprint.app_template_global()
def page_url(number: int) -> str:
    args = request.args.copy()
    args["page"] = str(number)
    return url_for("pages.dataset_list", **args.to_dict(flat=False))


@blueprint.app_template_global()
def facet_label(key: str, value: str) -> str:
    catalog = g.release.catalog
    if key == "theme" and catalog.theme(value):
        return localized(catalog.theme(value), "title")
    if key == "publisher" and catalog.publisher(value):
        return localized(catalog.publisher(value), "name")
    if key == "license" and catalog.license(value):
        return catalog.license(value).title
    if key == "frequency":
        return frequency_label(value)
    if key == "kind":
        return str(KIND_LABELS.get(value, value))
    if key == "quality":
        return gettext(value)
    return value


@blueprint.route("/dataset")
def dataset_list():
    query = request.args.get("q", "").strip()
    sort = request.args.get("sort") or ("relevance" if query else "name")
    sort = sort if sort in SORTS else "name"
    selected = {key: set(request.args.getlist(key)) for key in FACET_KEYS if request.args.getlist(key)}

    def render() -> str:
        result = search(g.release, query, selected, sort, request.args.get("page", 1, type=int), today())
        places = release_places(g.release).matching(query)[:MATCHING_PLACES] if query else []
        return render_template("dataset/list.html", query=query, result=result, sort=sort, sorts=SORTS,
                               selected=selected, facets=FACETS, places=places)

    # a search page depends only on its query string, besides what a dataset page depends on
    return kept_page("catalog pages", (request.query_string, str(get_locale())), render)


def find_dataset(name: str):
    return g.release.catalog.dataset(name) or abort(404)


@blueprint.route("/dataset/<name>")
def dataset(name: str):
    # Linked-data clients asking for RDF (Accept: text/turtle…) get the dataset's DCAT-AP, as
    # ckanext-dcat's content negotiation gives it; everyone else the page.
    fmt = negotiate(request.headers.get("Accept", ""))
    if fmt:
        return dataset_rdf(name, fmt)
    response = make_response(kept_page("dataset pages", (name, str(get_locale())), lambda: render_dataset_page(name)))
    response.headers["Vary"] = "Accept"
    return response


def kept_page(kind: str, key: tuple, render) -> str:
    """The page rendered once per release, date and ``key``, then served from memory. Pages depend only on
    the release, the language and the date (freshness, a citation's access date), besides their own key."""
    pages = daily_cache(g.release, today()).setdefault(kind, {})
    page = pages.get(key)
    if page is not None:
        return page
    with PAGE_CACHE_LOCK:  # Flask runs in a2wsgi's thread pool
        rendering = RENDERING.setdefault((id(pages), key), threading.Lock())
    # One thread renders a page, the others asking for it meanwhile wait for it: after a release switch
    # 16 clients rendering the same page at once under one GIL each took 16 renders' time (p99 1.6 s).
    try:
        with rendering:
            page = pages.get(key)
            if page is None:
                page = render()  # a 404 raises: nothing kept, and the lock goes below
                with PAGE_CACHE_LOCK:
                    if len(pages) >= CACHED_PAGES:
                        pages.pop(next(iter(pages)))  # the oldest
                    pages[key] = page
    finally:
        with PAGE_CACHE_LOCK:
            RENDERING.pop((id(pages), key), None)
    return page


def render_dataset_page(name: str) -> str:
    catalog = g.release.catalog
    dataset = find_dataset(name)
    previews = {
        resource.name: preview_rows(g.release.file("portal.db"), resource.name, [f.name for f in resource.fields])
        for resource in dataset.resources
    }
    url = url_for("pages.dataset", name=dataset.name, _external=True, lang=None)
    return render_template(
        "dataset/show.html",
        dataset=dataset,
        permalink=url,
        apa=apa(dataset, catalog, url, today()),
        bibtex=bibtex(dataset, catalog, url, today()),
        jsonld=dataset_jsonld(dataset, catalog, request_links()),
        publisher=catalog.publisher(dataset.publisher),
        author=catalog.publisher(dataset.author),
        maintainer=catalog.publisher(dataset.maintainer),
        themes=[catalog.theme(t) for t in dataset.themes if catalog.theme(t)],
        previews=previews,
        profile=DATASET_PROPERTIES,
        formats=FORMATS,
        report_url=report_link(dataset, catalog, url, gettext("Laporan kesalahan data"),
                               gettext("Kesalahan yang saya temukan (tabel, kolom, baris, dan nilai yang benar bila tahu):")),
    )


@blueprint.route("/dataset/<name>/data/<resource_name>")
def dataset_rows(name: str, resource_name: str):
    """Browse a table on the portal itself: paging, sorting and a simple filter, no JavaScript."""
    dataset = find_dataset(name)
    resource = dataset.resource(resource_name) or abort(404)
    args = request.args
    page = browse(g.release.file("portal.db"), resource, sort=args.get("sort"), descending=args.get("order") == "desc",
                  column=args.get("column"), contains=args.get("contains", "").strip(),
                  page=args.get("page", 1, type=int), references=labelled_columns(g.release.catalog, resource))
    return render_template("dataset/rows.html", dataset=dataset, resource=resource, page=page,
                           sort=args.get("sort"), order=args.get("order", "asc"),
                           column=args.get("column", ""), contains=args.get("contains", ""))


@blueprint.route("/dataset/<name>/data/<resource_name>.geojson")
def dataset_points(name: str, resource_name: str):
    """The points of a table with latitude/longitude, for its map."""
    resource = find_dataset(name).resource(resource_name) or abort(404)
    if resource.geo is None:
        abort(404)
    features = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
         "properties": {"label": label}}
        for latitude, longitude, label in points(g.release.file("portal.db"), resource)
    ]
    return jsonify({"type": "FeatureCollection", "features": features})


@blueprint.app_template_global()
def rows_url(**changes) -> str:
    """The current table-browsing URL with some parameters replaced (None removes one)."""
    args = request.args.copy()
    for key, value in changes.items():
        args.pop(key, None)
        if value is not None:
            args[key] = value
    return url_for(request.endpoint, **request.view_args, **args.to_dict(flat=False))


CITATION_FORMATS = {"bib": ("application/x-bibtex", bibtex), "ris": ("application/x-research-info-systems", ris),
                    "csl.json": ("application/vnd.citationstyles.csl+json", csl_json)}


@blueprint.route("/dataset/<name>/cite.<file_format>")
def dataset_citation(name: str, file_format: str):
    """The citation of the current version (or ?version=N) as a file for reference managers."""
    dataset = find_dataset(name)
    mimetype, render = CITATION_FORMATS.get(file_format) or abort(404)
    version = dataset.current_version
    if "version" in request.args:
        version = dataset.version_number(request.args.get("version", type=int) or 0) or abort(404)
    url = url_for("pages.dataset", name=dataset.name, _external=True, lang=None)
    body = render(dataset, g.release.catalog, url, today(), version)
    if not isinstance(body, str):
        body = json.dumps(body, ensure_ascii=False, indent=2)
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{dataset.name}-v{version.number if version else 0}.{file_format}"'
    return response


@blueprint.route("/embed/<name>/<resource_name>/chart/<int:index>")
def embed_chart(name: str, resource_name: str, index: int):
    """A chart alone, for an iframe on another site; it carries its source line."""
    dataset = find_dataset(name)
    resource = dataset.resource(resource_name) or abort(404)
    if not 0 <= index < len(resource.charts):
        abort(404)
    return render_template("embed/chart.html", dataset=dataset, resource=resource, index=index)


@blueprint.route("/embed/<name>/<resource_name>/table")
def embed_table(name: str, resource_name: str):
    dataset = find_dataset(name)
    resource = dataset.resource(resource_name) or abort(404)
    page = browse(g.release.file("portal.db"), resource, page=request.args.get("page", 1, type=int))
    return render_template("embed/table.html", dataset=dataset, resource=resource, page=page)


@blueprint.app_template_global()
def issue_message(found) -> str:
    """A validation problem in the page's language (frictionless' own words in English)."""
    return issue_text(found, str(get_locale() or "id"))


@blueprint.route("/dataset/<name>/validation")
def dataset_validation(name: str):
    dataset = find_dataset(name)
    groups = group_issues(dataset.validation.issues) if dataset.validation else []
    return render_template("dataset/validation.html", dataset=dataset, groups=groups)


@blueprint.route("/dataset/<name>/changes")
def dataset_changes(name: str):
    dataset = find_dataset(name)
    return render_template("dataset/changes.html", dataset=dataset, versions=list(reversed(dataset.versions)))
