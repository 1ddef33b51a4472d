"""The portal's HTML pages. Each reads the pinned release's catalog, never datasets/."""

from __future__ import annotations

from flask import Blueprint, abort, g, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from ..app import table_url
from ..preview import preview_rows
from ..search import search_datasets

blueprint = Blueprint("pages", __name__)
LATEST_ON_HOME = 6
FREQUENCY_LABELS = {
    "once": _l("Sekali terbit"),
    "daily": _l("Harian"),
    "weekly": _l("Mingguan"),
    "monthly": _l("Bulanan"),
    "quarterly": _l("Triwulanan"),
    "annual": _l("Tahunan"),
    "irregular": _l("Tidak tentu"),
}


@blueprint.app_template_global()
def frequency_label(code: str) -> str:
    return str(FREQUENCY_LABELS.get(code, code))


@blueprint.app_template_global()
def sql_table_url(table: str, suffix: str = "") -> str:
    return table_url(table, suffix)


@blueprint.route("/")
def home():
    catalog = g.release.catalog
    themes = [(theme, len(catalog.datasets_of_theme(theme.id))) for theme in catalog.themes]
    figures = {
        "datasets": len(catalog.datasets),
        "tables": sum(len(d.resources) for d in catalog.datasets),
        "rows": sum(d.total_rows for d in catalog.datasets),
        "publishers": len({d.publisher for d in catalog.datasets}),
    }
    real_first = sorted(catalog.datasets, key=lambda d: (d.sample, d.title.lower()))
    return render_template("home.html", themes=themes, figures=figures, datasets=real_first[:LATEST_ON_HOME])


@blueprint.route("/dataset")
def dataset_list():
    query = request.args.get("q", "").strip()
    results = search_datasets(g.release.catalog, query)
    return render_template("dataset/list.html", query=query, results=results)


@blueprint.route("/dataset/<name>")
def dataset(name: str):
    catalog = g.release.catalog
    dataset = catalog.dataset(name) or abort(404)
    previews = {
        resource.name: preview_rows(g.release.file("portal.db"), resource.name, [f.name for f in resource.fields])
        for resource in dataset.resources
    }
    return render_template(
        "dataset/show.html",
        dataset=dataset,
        publisher=catalog.publisher(dataset.publisher),
        themes=[catalog.theme(t) for t in dataset.themes if catalog.theme(t)],
        previews=previews,
        citation=dataset.citation or default_citation(dataset, catalog),
    )


def default_citation(dataset, catalog) -> str:
    publisher = catalog.publisher(dataset.publisher)
    year = catalog.created[:4]
    url = url_for("pages.dataset", name=dataset.name, _external=True)
    return f"{publisher.name if publisher else dataset.publisher} ({year}). {dataset.title} [dataset]. " \
           f"{catalog.portal.get('title', '')}, rilis {catalog.release_id}. {url}"


@blueprint.route("/theme")
def theme_list():
    catalog = g.release.catalog
    return render_template("theme/list.html", themes=[(t, catalog.datasets_of_theme(t.id)) for t in catalog.themes])


@blueprint.route("/theme/<theme_id>")
def theme(theme_id: str):
    catalog = g.release.catalog
    theme = catalog.theme(theme_id) or abort(404)
    return render_template("theme/show.html", theme=theme, datasets=catalog.datasets_of_theme(theme_id))


@blueprint.route("/publisher")
def publisher_list():
    catalog = g.release.catalog
    publishers = [(p, catalog.datasets_of_publisher(p.id)) for p in catalog.publishers]
    return render_template("publisher/list.html", publishers=publishers)


@blueprint.route("/publisher/<publisher_id>")
def publisher(publisher_id: str):
    catalog = g.release.catalog
    publisher = catalog.publisher(publisher_id) or abort(404)
    return render_template("publisher/show.html", publisher=publisher,
                           datasets=catalog.datasets_of_publisher(publisher_id))


@blueprint.route("/about")
def about():
    return render_template("about.html")
