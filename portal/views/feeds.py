"""Being found: an Atom feed of dataset versions and a sitemap."""

from __future__ import annotations

from flask import Blueprint, Response, g, render_template, url_for

from ..place_index import release_places
from ..budget import BUDGET_DATASET

blueprint = Blueprint("feeds", __name__)
FEED_ENTRIES = 50


@blueprint.route("/feed.atom")
def atom():
    catalog = g.release.catalog
    entries = sorted(((dataset, version) for dataset in catalog.datasets for version in dataset.versions),
                     key=lambda pair: pair[1].date, reverse=True)[:FEED_ENTRIES]
    body = render_template("feeds/atom.xml", entries=entries)
    return Response(body, mimetype="application/atom+xml")


@blueprint.route("/sitemap.xml")
def sitemap():
    catalog = g.release.catalog
    urls = [url_for("pages.home", _external=True), url_for("pages.dataset_list", _external=True),
            url_for("pages.theme_list", _external=True), url_for("pages.publisher_list", _external=True),
            url_for("pages.changes", _external=True), url_for("pages.about", _external=True)]
    urls += [url_for("pages.theme", theme_id=t.id, _external=True) for t in catalog.themes]
    urls += [url_for("pages.publisher", publisher_id=p.id, _external=True) for p in catalog.publishers]
    if catalog.dataset(BUDGET_DATASET):
        urls.append(url_for("pages.budget", _external=True))
    places = release_places(g.release).places
    if places:
        urls.append(url_for("pages.place_list", _external=True))
    urls += [url_for("pages.place", code=place.code, _external=True) for place in places]
    for dataset in catalog.datasets:
        urls += [url_for(endpoint, name=dataset.name, _external=True)
                 for endpoint in ("pages.dataset", "pages.dataset_changes", "pages.dataset_validation")]
    body = render_template("feeds/sitemap.xml", urls=urls)
    return Response(body, mimetype="application/xml")


@blueprint.route("/robots.txt")
def robots():
    return Response(f"User-agent: *\nAllow: /\nSitemap: {url_for('feeds.sitemap', _external=True)}\n",
                    mimetype="text/plain")
