"""Real data before synthetic samples: in search, on the home page, and a "hanya data nyata" filter."""

from urllib.parse import parse_qs, urlsplit

import pytest

from portal.search import ranked_names
from portal.releases import current_release_id, releases_dir

from .html import parse, text


@pytest.fixture()
def bundled(bundled_app):
    return bundled_app.test_client()


def cards(page) -> list[tuple[str, bool]]:
    """(dataset, is a sample) for each result card, in page order."""
    return [(c.attributes["data-dataset"], "is-sample" in c.attributes.get("class", "")) for c in page.css(".dataset-card")]


def real_before_samples(found: list[tuple[str, bool]]) -> bool:
    flags = [sample for _, sample in found]
    return flags == sorted(flags)


def query_of(link: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(link).query)


def test_search_ranks_real_data_before_samples(bundled, bundled_build):
    search_db = releases_dir(bundled_build) / current_release_id(bundled_build) / "search.db"
    for query in ("data", "kelurahan"):
        found = cards(parse(bundled.get(f"/dataset?q={query}")))
        assert any(sample for _, sample in found) and any(not sample for _, sample in found)
        raw = ranked_names(search_db, query)  # bm25 alone, without the real-first order
        samples = {name for name, sample in found if sample}
        # Without the rule a sample would lead: the test means something only if bm25 puts one first.
        assert raw[0] in samples, (query, raw)
        assert real_before_samples(found), found
        assert sorted(name for name, _ in found) == sorted(raw)  # nothing lost, nothing added
    listing = cards(parse(bundled.get("/dataset")))  # no query: by name, real first
    assert real_before_samples(listing)
    real = [name for name, sample in listing if not sample]
    titles = [text(c, "h3") for c in parse(bundled.get("/dataset")).css(".dataset-card")][:len(real)]
    assert titles == sorted(titles, key=str.lower)
    api = bundled.get("/api/v1/search?q=data").get_json()["results"]
    flags = [d["sample"] for d in api]
    assert flags == sorted(flags) and True in flags and False in flags


def test_home_lists_real_data_first(bundled):
    home = parse(bundled.get("/"))
    latest = [(c.attributes["data-dataset"], "is-sample" in c.attributes.get("class", ""))
              for c in home.css(".latest .dataset-card")]
    everything = cards(parse(bundled.get("/dataset")))
    real_total = sum(not sample for _, sample in everything)
    assert real_before_samples(latest)
    assert sum(not sample for _, sample in latest) == min(real_total, len(latest))


def test_real_only_filter_drops_every_sample_and_keeps_the_others(bundled):
    everything = cards(parse(bundled.get("/dataset")))
    real_total = sum(not sample for _, sample in everything)
    assert 0 < real_total < len(everything)
    page = parse(bundled.get("/dataset"))
    toggle = page.css_first("#real-only a")
    assert "Hanya data nyata" in text(page, "#real-only") and text(toggle, ".count") == str(real_total)
    assert "aria-current" not in toggle.attributes and text(toggle, ".box") == "☐"
    assert query_of(toggle.attributes["href"])["kind"] == ["real"]

    filtered = parse(bundled.get(toggle.attributes["href"]))  # a plain link: no JavaScript needed
    assert len(cards(filtered)) == real_total and not any(sample for _, sample in cards(filtered))
    assert text(filtered, "#result-count").startswith(f"{real_total} dataset")
    on = filtered.css_first("#real-only a")
    assert on.attributes.get("aria-current") == "true" and text(on, ".box") == "☑"
    assert "kind" not in query_of(on.attributes["href"])  # switching it off lists everything again
    assert len(cards(parse(bundled.get(on.attributes["href"])))) == len(everything)

    # Other filters stay, and the count is what the filter would leave under them.
    narrowed = parse(bundled.get("/dataset?q=data&theme=governance&sort=name"))
    expected = sum(not sample for _, sample in cards(narrowed))
    link = narrowed.css_first("#real-only a")
    assert text(link, ".count") == str(expected)
    kept = query_of(link.attributes["href"])
    assert kept["q"] == ["data"] and kept["theme"] == ["governance"] and kept["sort"] == ["name"]
    both = cards(parse(bundled.get(link.attributes["href"])))
    assert len(both) == expected and not any(sample for _, sample in both)
    # From "samples only", the switch means real only, not both kinds.
    samples_only = parse(bundled.get("/dataset?kind=sample"))
    assert query_of(samples_only.css_first("#real-only a").attributes["href"])["kind"] == ["real"]
    assert text(samples_only, "#real-only .count") == str(real_total)


def test_real_only_in_the_api(bundled):
    everything = bundled.get("/api/v1/search").get_json()
    real = bundled.get("/api/v1/search?kind=real").get_json()
    assert real["count"] == sum(not d["sample"] for d in everything["results"]) > 0
    assert real["results"] and not any(d["sample"] for d in real["results"])
    document = bundled.get("/api/openapi.json").get_json()
    (kind,) = [p for p in document["paths"]["/api/v1/search"]["get"]["parameters"] if p["name"] == "kind"]
    assert "kind=real" in kind["description"]
