"""Catalog search: FTS5 index with prefixes and accent folding, facets, sorting, pagination."""

import shutil

import pytest

from portal import create_app
from portal.publish import publish
from portal.search import PER_PAGE

from .catalog_factory import make_packages
from .conftest import FIXTURE_DATASETS, FIXTURE_METADATA
from .html import links, parse, text, texts


def titles(client, url):
    return texts(parse(client.get(url)), ".dataset-card h3")


@pytest.mark.parametrize("query", ["kelur", "KELURAHAN", "kelurahán", "wilay", "Kemendagri"])
def test_prefix_case_and_accent_folding(client, query):
    assert "Wilayah mini" in titles(client, f"/dataset?q={query}")


def test_every_word_must_match_and_fts_syntax_is_harmless(client):
    assert titles(client, "/dataset?q=biaya+penanganan") == ["Layanan mini (Data sampel sintetis)"]
    assert titles(client, "/dataset?q=biaya+kecamatan+zzz") == []
    for hostile in ['"', "NEAR(a b)", "a OR", "*", "kelurahan)", "-", "^x"]:
        assert client.get("/dataset", query_string={"q": hostile}).status_code == 200


def facet(page, key):
    return {a.attributes["data-value"]: text(a, ".count") for a in page.css(f"details[data-facet={key}] a")}


def test_facets_with_counts_and_filters(client):
    page = parse(client.get("/dataset"))
    assert facet(page, "theme") == {"governance": "2", "society": "1"}
    assert facet(page, "publisher") == {"diskominfo": "1", "dlh": "1"}
    assert facet(page, "kind") == {"real": "1", "sample": "1"}
    assert facet(page, "license") == {"MIT": "1", "CC0-1.0": "1"}
    assert facet(page, "format") == {"CSV": "2"}
    assert facet(page, "year") == {"2025": "1"}
    assert facet(page, "frequency") == {"daily": "1", "irregular": "1"}
    assert set(facet(page, "quality")) <= {"Tinggi", "Sedang", "Rendah"}
    assert titles(client, "/dataset?theme=society") == ["Layanan mini (Data sampel sintetis)"]
    # OR within a facet, AND across facets.
    assert len(titles(client, "/dataset?theme=society&theme=governance")) == 2
    assert titles(client, "/dataset?theme=governance&kind=real") == ["Wilayah mini"]
    empty = parse(client.get("/dataset?theme=society&kind=real"))
    assert empty.css_first("#no-results") is not None
    assert "/dataset" in links(empty)  # "search without filters"


def test_facet_links_toggle_and_keep_the_query(client):
    page = parse(client.get("/dataset?q=mini"))
    href = page.css_first("details[data-facet=theme] a[data-value=society]").attributes["href"]
    assert "q=mini" in href and "theme=society" in href
    selected = parse(client.get(href))
    again = selected.css_first("details[data-facet=theme] a[data-value=society]")
    assert again.attributes.get("aria-current") == "true" and "theme=society" not in again.attributes["href"]


def test_sorting(client):
    # By name within each kind, real data first: "Wilayah mini" before the sample "Layanan mini".
    assert titles(client, "/dataset?sort=name") == ["Wilayah mini", "Layanan mini (Data sampel sintetis)"]
    scores = [int(n.attributes["data-score"]) for n in parse(client.get("/dataset?sort=quality")).css(".card-score")]
    assert scores == sorted(scores, reverse=True)


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("many")
    datasets = tmp / "datasets"
    shutil.copytree(FIXTURE_DATASETS, datasets)
    make_packages(datasets, PER_PAGE + 5)
    assert publish(datasets, FIXTURE_METADATA, tmp / "build").ok
    return create_app({"BUILD_DIR": str(tmp / "build")}).test_client()


def test_pagination_with_shareable_urls(many):
    first = parse(many.get("/dataset?sort=name"))
    assert text(first, "#result-count") == f"{PER_PAGE + 7} dataset"
    assert len(first.css(".dataset-card")) == PER_PAGE
    next_link = first.css_first(".pagination a[rel=next]").attributes["href"]
    assert "page=2" in next_link and "sort=name" in next_link
    second = parse(many.get(next_link))
    assert len(second.css(".dataset-card")) == 7
    assert second.css_first(".pagination a[rel=prev]") is not None
    assert not set(texts(first, ".dataset-card h3")) & set(texts(second, ".dataset-card h3"))


def test_relevance_puts_title_matches_first(many):
    results = titles(many, "/dataset?q=wilayah")
    assert results[0] == "Wilayah mini"


def test_search_pages_are_rendered_once_per_query_language_and_day(client, monkeypatch):
    """A catalog page depends on its query string, the language and the date only: kept rendered."""
    import datetime

    from portal.views import datasets

    rendered = []
    real = datasets.render_template
    monkeypatch.setattr(datasets, "render_template", lambda *a, **k: rendered.append(k.get("query")) or real(*a, **k))
    first = client.get("/dataset?q=kelurahan").data
    assert client.get("/dataset?q=kelurahan").data == first and rendered == ["kelurahan"]
    assert client.get("/dataset?q=wilayah").status_code == 200 and rendered == ["kelurahan", "wilayah"]
    english = client.get("/dataset?q=kelurahan&lang=en").data
    assert english != first and b"<html lang=\"en\"" in english and len(rendered) == 3
    monkeypatch.setattr(datasets, "today", lambda: datetime.date.today() + datetime.timedelta(days=1))
    client.get("/dataset?q=kelurahan")
    assert len(rendered) == 4  # the next day, freshness may have changed


def test_a_page_asked_for_by_many_at_once_is_rendered_once(app, monkeypatch):
    """After a release switch every client asks for the same cold page: one thread renders it, the others wait
    for that one (16 renders at once under one GIL took 16 renders' time each)."""
    import threading
    import time

    from portal.views import datasets

    rendered = []
    real = datasets.render_template

    def slow(*args, **kwargs):
        rendered.append(kwargs.get("query"))
        time.sleep(0.2)
        return real(*args, **kwargs)

    monkeypatch.setattr(datasets, "render_template", slow)
    pages = []

    def ask():
        pages.append(app.test_client().get("/dataset?q=sekaligus").data)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert rendered == ["sekaligus"] and len(pages) == 8 and len(set(pages)) == 1
    assert not datasets.RENDERING
