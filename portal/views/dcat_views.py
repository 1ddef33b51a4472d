"""DCAT-AP: the whole catalog as /catalog.jsonld and /catalog.ttl, and the sdi: vocabulary at /ns/sdi.

The graph is built once per release and base URL; its serialisations are cached on the release
(``g.release.cache``), so repeated requests only send bytes.
"""

from __future__ import annotations

import hashlib
import threading

from flask import Blueprint, Response, g, request

from .. import dcat
from .links import release_cache, request_links

blueprint = Blueprint("dcat", __name__)
_build_lock = threading.Lock()  # one build per release even when requests arrive together


def cached_serialization(fmt: str) -> bytes:
    cache = release_cache("dcat")
    if fmt not in cache:
        with _build_lock:
            if fmt not in cache:
                links = request_links()
                if "graph" not in cache:
                    cache["graph"] = dcat.catalog_graph(g.release.catalog, links)
                cache[fmt] = dcat.serialize(cache["graph"], fmt, links)
                if all(name in cache for name in dcat.FORMATS):
                    del cache["graph"]  # both serialisations are kept; the graph is no longer needed
    return cache[fmt]


def rdf_response(body: bytes, fmt: str) -> Response:
    response = Response(body, mimetype=dcat.FORMATS[fmt])
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.set_etag(hashlib.sha256(body).hexdigest())
    return response.make_conditional(request)


@blueprint.route("/catalog.jsonld")
def catalog_jsonld():
    return rdf_response(cached_serialization("json-ld"), "json-ld")


@blueprint.route("/catalog.ttl")
def catalog_turtle():
    return rdf_response(cached_serialization("turtle"), "turtle")


@blueprint.route("/ns/sdi")
def sdi_vocabulary():
    cache = release_cache("dcat")
    if "sdi" not in cache:
        links = request_links()
        cache["sdi"] = dcat.serialize(dcat.sdi_vocabulary(links), "turtle", links)
    return rdf_response(cache["sdi"], "turtle")
