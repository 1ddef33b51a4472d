"""Dataset pages: the list, the trust panel of one dataset, its validation report and its changes."""

from __future__ import annotations

from flask import abort, g, render_template, request, url_for

from ..app import today
from ..preview import preview_rows
from ..profile import DATASET_PROPERTIES
from ..quality import quality_score
from ..search import search_datasets
from ..validation_report import group_issues
from .pages import blueprint

SORTS = ("relevance", "name", "newest", "quality")


@blueprint.route("/dataset")
def dataset_list():
    catalog = g.release.catalog
    query = request.args.get("q", "").strip()
    sort = request.args.get("sort", "relevance" if query else "name")
    sort = sort if sort in SORTS else "name"
    results = search_datasets(catalog, query)
    if sort == "name":
        results.sort(key=lambda d: d.title.lower())
    elif sort == "newest":
        results.sort(key=lambda d: d.current_version.date if d.current_version else "", reverse=True)
    elif sort == "quality":
        results.sort(key=lambda d: -quality_score(d, catalog, today()).total)
    return render_template("dataset/list.html", query=query, results=results, sort=sort, sorts=SORTS)


def find_dataset(name: str):
    return g.release.catalog.dataset(name) or abort(404)


@blueprint.route("/dataset/<name>")
def dataset(name: str):
    catalog = g.release.catalog
    dataset = find_dataset(name)
    previews = {
        resource.name: preview_rows(g.release.file("portal.db"), resource.name, [f.name for f in resource.fields])
        for resource in dataset.resources
    }
    return render_template(
        "dataset/show.html",
        dataset=dataset,
        publisher=catalog.publisher(dataset.publisher),
        author=catalog.publisher(dataset.author),
        maintainer=catalog.publisher(dataset.maintainer),
        themes=[catalog.theme(t) for t in dataset.themes if catalog.theme(t)],
        previews=previews,
        profile=DATASET_PROPERTIES,
        citation=dataset.citation or default_citation(dataset, catalog),
    )


@blueprint.route("/dataset/<name>/validation")
def dataset_validation(name: str):
    dataset = find_dataset(name)
    groups = group_issues(dataset.validation.issues) if dataset.validation else []
    return render_template("dataset/validation.html", dataset=dataset, groups=groups)


@blueprint.route("/dataset/<name>/changes")
def dataset_changes(name: str):
    dataset = find_dataset(name)
    return render_template("dataset/changes.html", dataset=dataset, versions=list(reversed(dataset.versions)))


def default_citation(dataset, catalog) -> str:
    publisher = catalog.publisher(dataset.publisher)
    version = dataset.current_version
    url = url_for("pages.dataset", name=dataset.name, _external=True)
    edition = f", versi {version.number} (rilis {version.release_id})" if version else ""
    return f"{publisher.name if publisher else dataset.publisher} ({catalog.created[:4]}). {dataset.title}{edition} " \
           f"[dataset]. {catalog.portal.get('title', '')}. {url}"
