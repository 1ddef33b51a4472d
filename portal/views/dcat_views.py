"""DCAT-AP where ckanext-dcat serves it: the catalog at /catalog.{jsonld,ttl,rdf} (``?page=N``,
PORTAL_DCAT_PAGE_SIZE datasets a page, hydra paging triples), each dataset at /dataset/<name>.{jsonld,ttl,rdf} (and by content
negotiation on /dataset/<name>, in portal/views/datasets.py), Croissant at /dataset/<name>/croissant.jsonld,
and the sdi: vocabulary at /ns/sdi.

Graphs depend on the release and, through the quality score's freshness, on the day: serialisations
are cached per release and day, so repeated requests only send bytes.
"""

from __future__ import annotations

import hashlib
import json
import threading

from flask import Blueprint, Response, abort, current_app, g, request, url_for

from .. import dcat
from ..config import today
from ..croissant import croissant
from ..dcat.graph import catalog_graph, dataset_graph
from ..dcat.vocabulary import sdi_vocabulary
from ..search import cached_score, daily_cache
from .links import release_cache, request_links

blueprint = Blueprint("dcat", __name__)
_build_lock = threading.Lock()  # one build per key even when requests arrive together
EXTENSION_OF = {fmt: extension for extension, fmt in dcat.EXTENSIONS.items()}


def cached(key: tuple, build) -> bytes:
    cache = daily_cache(g.release, today()).setdefault("dcat", {})
    if key not in cache:
        with _build_lock:
            if key not in cache:
                cache[key] = build()
    return cache[key]


def scores(datasets) -> dict[str, int]:
    return {d.name: cached_score(g.release, d, today()).total for d in datasets}


def rdf_response(body: bytes, mimetype: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.set_etag(hashlib.sha256(body).hexdigest())
    return response.make_conditional(request)


def catalog_page(fmt: str) -> Response:
    catalog = g.release.catalog
    page = request.args.get("page", "1")
    if not page.isdigit() or int(page) < 1:
        abort(400, "page must be a whole number from 1")
    page, total, per_page = int(page), len(catalog.datasets), current_app.config["DCAT_PAGE_SIZE"]
    if page > dcat.page_count(total, per_page):
        abort(404)

    def build() -> bytes:
        links = request_links()
        chosen = catalog.datasets[(page - 1) * per_page: page * per_page]
        graph = catalog_graph(catalog, links, scores(chosen), today().isoformat(), chosen)
        extension = EXTENSION_OF[fmt]
        dcat.add_paging(graph, lambda number: url_for(f"dcat.catalog_{extension}", page=number, _external=True),
                        page, total, per_page)
        return dcat.serialize(graph, fmt)

    return rdf_response(cached(("catalog", fmt, page), build), dcat.FORMATS[fmt])


@blueprint.route("/catalog.jsonld")
def catalog_jsonld():
    return catalog_page("json-ld")


@blueprint.route("/catalog.ttl")
def catalog_ttl():
    return catalog_page("turtle")


@blueprint.route("/catalog.rdf")
def catalog_rdf():
    return catalog_page("xml")


def dataset_rdf(name: str, fmt: str) -> Response:
    dataset = g.release.catalog.dataset(name) or abort(404)

    def build() -> bytes:
        score = cached_score(g.release, dataset, today()).total
        return dcat.serialize(dataset_graph(dataset, g.release.catalog, request_links(), score, today().isoformat()),
                              fmt)

    response = rdf_response(cached(("dataset", name, fmt), build), dcat.FORMATS[fmt])
    response.headers["Vary"] = "Accept"
    return response


@blueprint.route("/dataset/<name>.<any(jsonld, ttl, rdf):extension>")
def dataset_file(name: str, extension: str):
    return dataset_rdf(name, dcat.EXTENSIONS[extension])


@blueprint.route("/dataset/<name>/croissant.jsonld")
def dataset_croissant(name: str):
    """The dataset as Croissant (MLCommons), for machine-learning tools."""
    dataset = g.release.catalog.dataset(name) or abort(404)
    body = cached(("croissant", name), lambda: json.dumps(
        croissant(dataset, g.release.catalog, request_links()), ensure_ascii=False, indent=1).encode("utf-8"))
    return rdf_response(body, "application/ld+json")


@blueprint.route("/ns/sdi")
def sdi_namespace():
    cache = release_cache("dcat")
    if "sdi" not in cache:
        cache["sdi"] = dcat.serialize(sdi_vocabulary(), "turtle")
    return rdf_response(cache["sdi"], "text/turtle")
