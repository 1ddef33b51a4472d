"""The portal's HTML pages. Each reads the pinned release's catalog, never datasets/."""

from __future__ import annotations

from flask import Blueprint, abort, g, get_template_attribute, render_template
from flask_babel import get_locale, gettext

from ..config import today
from ..contact import has_direct_contact, portal_contact, ppid
from ..release_urls import scoped_path
from ..urls import table_url
from ..profile import ACCESS_LABELS, FREQUENCY_LABELS
from ..freshness import update_schedule
from ..quality import CRITERIA, SAMPLE_CAP, publisher_average
from ..search import cached_score

blueprint = Blueprint("pages", __name__)
LATEST_ON_HOME = 6


@blueprint.app_template_global()
def frequency_label(code: str) -> str:
    return gettext(FREQUENCY_LABELS[code]) if code in FREQUENCY_LABELS else code


@blueprint.app_template_global()
def access_label(code: str) -> str:
    return ACCESS_LABELS.get(code, code)


@blueprint.app_template_global()
def localized(item, attribute: str) -> str:
    """The English variant (title_en, name_en…) when the page is in English and one exists."""
    if str(get_locale()) == "en":
        return getattr(item, f"{attribute}_en", "") or getattr(item, attribute)
    return getattr(item, attribute)


@blueprint.app_template_global()
def license_label(entry: dict) -> str:
    """A descriptor's licence entry in the page's language: its own title (title_en in English), or the
    register's (metadata/licenses.yaml) when it only repeats that one."""
    known = g.release.catalog.license(entry.get("name") or "")
    if str(get_locale()) == "en" and entry.get("title_en"):
        return entry["title_en"]
    if known and entry.get("title", known.title) == known.title:
        return localized(known, "title")
    return entry.get("title") or entry.get("name") or ""


@blueprint.app_template_global()
def licenses_open(entries: list[dict]) -> bool:
    """Every licence of the list is an open one (metadata/licenses.yaml's open)."""
    catalog = g.release.catalog
    return all((known := catalog.license(e.get("name") or "")) is not None and known.open for e in entries)


@blueprint.app_template_global()
def card_themes(dataset) -> list | None:
    """The themes a dataset card shows, each once; None when it covers every theme, which the card
    shows as one chip instead of six that say nothing about this dataset."""
    catalog = g.release.catalog
    themes = [t for t in (catalog.theme(i) for i in dict.fromkeys(dataset.themes)) if t]
    return None if len(catalog.themes) > 1 and len(themes) == len(catalog.themes) else themes


@blueprint.app_template_global()
def sql_table_url(table: str, suffix: str = "", latest: bool = False) -> str:
    """The table in Datasette as this release has it (cacheable for good), or with ``latest`` as the
    live release will have it (for scripts that should follow new releases)."""
    return table_url(table, suffix) if latest else scoped_path(g.release.id, table_url(table, suffix))


@blueprint.app_template_global()
def quality(dataset):
    return cached_score(g.release, dataset, today())


@blueprint.app_template_global()
def schedule(dataset):
    return update_schedule(dataset, today())


@blueprint.app_template_global()
def cached_card(dataset, catalog):
    """A dataset's card as _partials.html draws it, kept per release, language and day (its score and
    freshness depend on the day): lists drew every card again on every request, 1.5 ms each."""
    key = ("card", dataset.name, str(get_locale()), today())
    card = g.release.cache.get(key)
    if card is None:
        card = g.release.cache[key] = get_template_attribute("_partials.html", "dataset_card")(dataset, catalog)
    return card


def publishing(catalog) -> list:
    """The publishers that publish at least one dataset: the home page's count and /publisher's
    leaderboard are both this list, so the two never disagree. The other entries of
    metadata/publishers.yaml (offices with nothing published yet, outside producers) are listed
    apart on /publisher."""
    ids = {d.publisher for d in catalog.datasets}
    return [p for p in catalog.publishers if p.id in ids]


@blueprint.route("/")
def home():
    catalog = g.release.catalog
    themes = [(theme, len(catalog.datasets_of_theme(theme.id))) for theme in catalog.themes]
    figures = {
        "datasets": len(catalog.datasets),
        "tables": sum(len(d.resources) for d in catalog.datasets),
        "rows": sum(d.total_rows for d in catalog.datasets),
        "publishers": len(publishing(catalog)),
    }
    # Real data first, then samples; newest first within each.
    latest = sorted(catalog.datasets, key=lambda d: (not d.sample, d.current_version.date if d.current_version else ""),
                    reverse=True)
    return render_template("home.html", themes=themes, figures=figures, latest=latest[:LATEST_ON_HOME])


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
    """The publishers as a leaderboard: average quality score, best first."""
    catalog = g.release.catalog
    rows = []
    active = publishing(catalog)
    for publisher in active:
        datasets = catalog.datasets_of_publisher(publisher.id)
        rows.append((publisher, datasets, publisher_average(datasets, catalog, today())))
    rows.sort(key=lambda row: (row[2] is None, -(row[2] or 0), row[0].name))
    others = [(p, [d for d in catalog.datasets if d.author == p.id]) for p in catalog.publishers if p not in active]
    return render_template("publisher/list.html", publishers=rows, others=others)


@blueprint.route("/publisher/<publisher_id>")
def publisher(publisher_id: str):
    catalog = g.release.catalog
    publisher = catalog.publisher(publisher_id) or abort(404)
    datasets = catalog.datasets_of_publisher(publisher_id)
    produced = [d for d in catalog.datasets if d.author == publisher_id and d.publisher != publisher_id]
    return render_template("publisher/show.html", publisher=publisher, datasets=datasets, produced=produced,
                           contact=portal_contact(catalog), ppid=ppid(catalog),
                           average=publisher_average(datasets, catalog, today()))


@blueprint.route("/changes")
def changes():
    return render_template("changes.html", releases=g.release.catalog.releases)


@blueprint.route("/about")
def about():
    catalog = g.release.catalog
    offices = sorted(catalog.publishers, key=lambda p: (p.kind != "opd", localized(p, "name")))
    return render_template("about.html", criteria=CRITERIA, sample_cap=SAMPLE_CAP, offices=offices,
                           contact=portal_contact(catalog),
                           ppid=ppid(catalog), has_direct_contact=has_direct_contact)
