"""Dataset pages: the list, the trust panel of one dataset, its validation report and its changes."""

from __future__ import annotations

from flask import abort, g, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ..app import today
from ..preview import preview_rows
from ..profile import DATASET_PROPERTIES
from ..facets import FACET_KEYS, FACETS
from ..search import SORTS, search
from ..validation_report import group_issues
from .pages import blueprint, frequency_label, localized

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
    result = search(g.release, query, selected, sort, request.args.get("page", 1, type=int), today())
    return render_template("dataset/list.html", query=query, result=result, sort=sort, sorts=SORTS,
                           selected=selected, facets=FACETS)


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
