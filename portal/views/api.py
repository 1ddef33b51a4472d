"""The portal's own JSON API under /api/v1/, described by /api/openapi.json, with a docs page at /api."""

from __future__ import annotations

import dataclasses
import math

from flask import Blueprint, abort, g, jsonify, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from ..config import today
from ..facets import FACET_KEYS
from ..formats import FORMATS, ORIGINAL
from ..openapi import openapi_document
from ..place_index import MATCHING_PLACES, release_places
from ..search import SORTS, cached_score, search

blueprint = Blueprint("api", __name__, url_prefix="/api")
MAX_PER_PAGE = 1000


@blueprint.after_request
def allow_any_origin(response):
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@blueprint.errorhandler(400)
@blueprint.errorhandler(404)
@blueprint.errorhandler(405)
@blueprint.errorhandler(HTTPException)
def json_error(error: HTTPException):
    return jsonify({"error": error.description, "status": error.code}), error.code


def positive_int(name: str, default: int, maximum: int | None = None) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)  # not str.isdigit(): it accepts "²", which int() refuses
    except ValueError:
        value = 0
    if value < 1 or (maximum and value > maximum):
        abort(400, description=f"{name} must be a whole number from 1{f' to {maximum}' if maximum else ''}")
    return value


def summary(dataset) -> dict:
    version = dataset.current_version
    return {
        "name": dataset.name, "title": dataset.title, "title_en": dataset.title_en,
        "description": dataset.description, "publisher": dataset.publisher, "themes": dataset.themes,
        "sample": dataset.sample, "frequency": dataset.frequency,
        "version": version.number if version else None, "modified": version.date if version else None,
        "quality_score": cached_score(g.release, dataset, today()).total,
        "url": url_for("pages.dataset", name=dataset.name, _external=True),
        "api_url": url_for("api.dataset", name=dataset.name, _external=True),
    }


@blueprint.route("/v1/datasets")
def datasets():
    catalog = g.release.catalog
    per_page = positive_int("per_page", 100, MAX_PER_PAGE)
    pages = max(1, math.ceil(len(catalog.datasets) / per_page))
    page = min(positive_int("page", 1), pages)
    chosen = sorted(catalog.datasets, key=lambda d: d.name)[(page - 1) * per_page: page * per_page]
    return jsonify({"count": len(catalog.datasets), "page": page, "pages": pages,
                    "datasets": [summary(d) for d in chosen]})


@blueprint.route("/v1/datasets/<name>")
def dataset(name: str):
    found = g.release.catalog.dataset(name) or abort(404, description=f"no dataset named {name!r}")
    data = dataclasses.asdict(found)
    data["url"] = url_for("pages.dataset", name=name, _external=True)
    data["quality_score"] = cached_score(g.release, found, today()).total
    for resource in data["resources"]:
        resource["downloads"] = {
            fmt.key: url_for("downloads.resource_file", dataset_name=name, file_name=resource["name"] + fmt.suffix,
                             _external=True)
            for fmt in FORMATS if fmt is ORIGINAL or fmt.key in resource["downloads"]}
        resource["sql_url"] = url_for("pages.home", _external=True).rstrip("/") + f"/sql/portal/{resource['name']}"
    return jsonify(data)


@blueprint.route("/v1/search")
def search_datasets():
    sort = request.args.get("sort", "relevance" if request.args.get("q") else "name")
    if sort not in SORTS:
        abort(400, description=f"sort must be one of {', '.join(SORTS)}")
    selected = {key: set(request.args.getlist(key)) for key in FACET_KEYS if request.args.getlist(key)}
    result = search(g.release, request.args.get("q", ""), selected, sort, positive_int("page", 1), today())
    return jsonify({
        "count": result.total, "page": result.page, "pages": result.pages,
        "results": [summary(d) for d in result.datasets],
        "facets": {key: [dataclasses.asdict(v) for v in values] for key, values in result.facets.items()},
        "corrections": result.corrections, "suggestion": result.suggestion,
        "places": [{"kode": p.code, "nama": p.name, "tingkat": p.level,
                    "url": url_for("pages.place", code=p.code, _external=True, lang=None)}
                   for p in release_places(g.release).matching(request.args.get("q", ""))[:MATCHING_PLACES]],
    })


@blueprint.route("/v1/releases")
def releases():
    catalog = g.release.catalog
    return jsonify({"current": catalog.release_id, "releases": [dataclasses.asdict(r) for r in catalog.releases]})


@blueprint.route("/openapi.json")
def openapi():
    return jsonify(openapi_document(g.release.catalog.portal.get("title", "Portal")))


@blueprint.route("")
@blueprint.route("/")
def docs():
    return render_template("api.html", spec=openapi_document(g.release.catalog.portal.get("title", "Portal")))
