"""The catalog as DCAT-AP 3 linked data: the whole catalog (paged like ckanext-dcat, with hydra
paging triples) and each dataset, as JSON-LD, Turtle or RDF/XML.

``vocabulary`` holds namespaces and code lists, ``parts`` the nodes a dataset points to, ``graph`` the
catalog and dataset graphs; this module pages and serialises them.
"""

from __future__ import annotations

import math

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from .vocabulary import HYDRA, json_ld_context

FORMATS = {"json-ld": "application/ld+json", "turtle": "text/turtle", "xml": "application/rdf+xml"}
EXTENSIONS = {"jsonld": "json-ld", "ttl": "turtle", "rdf": "xml"}


def serialize(graph: Graph, fmt: str) -> bytes:
    if fmt == "json-ld":
        return graph.serialize(format="json-ld", context=json_ld_context(), auto_compact=True, indent=1).encode("utf-8")
    return graph.serialize(format="pretty-xml" if fmt == "xml" else fmt).encode("utf-8")


def page_count(total: int, per_page: int) -> int:
    return max(1, math.ceil(total / per_page))


def add_paging(graph: Graph, page_url, page: int, total: int, per_page: int) -> None:
    """hydra:PagedCollection triples as ckanext-dcat writes them (processors.py _add_pagination_triples):
    the current page's URL as subject, the other pages as literals, old and new predicate names."""
    last = page_count(total, per_page)
    node = URIRef(page_url(page))
    graph.add((node, RDF.type, HYDRA.PagedCollection))
    links = {"first": 1, "last": last, "next": page + 1 if page < last else None,
             "previous": page - 1 if page > 1 else None}
    for key, number in links.items():
        if number is not None:
            for predicate in (HYDRA[f"{key}Page"], HYDRA[key]):
                graph.add((node, predicate, Literal(page_url(number))))
    graph.add((node, HYDRA.totalItems, Literal(total)))
    graph.add((node, HYDRA.itemsPerPage, Literal(per_page)))


def negotiate(accept: str) -> str | None:
    """The RDF format an Accept header prefers to HTML, or None (the page stays HTML, as for browsers,
    which accept */* too)."""
    rdf, html = (None, 0.0), 0.0
    for part in (accept or "").split(","):
        media, *params = [item.strip().lower() for item in part.split(";")]
        quality = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        fmt = next((name for name, mimetype in FORMATS.items() if mimetype == media), None)
        if fmt and quality > rdf[1]:
            rdf = (fmt, quality)
        elif media in ("text/html", "application/xhtml+xml", "*/*"):
            html = max(html, quality)
    return rdf[0] if rdf[1] > html else None
