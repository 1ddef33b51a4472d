"""Catalog search: the publish-time FTS5 index for relevance, facets and sorting from the catalog."""

from __future__ import annotations

import datetime
import math
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from .catalog import DatasetInfo
from .facets import FacetValue, count_facets, facet_values, matches
from .publish.search_index import SEARCH_DB
from .quality import quality_score
from .store import Release

PER_PAGE = 20
SORTS = ("relevance", "newest", "name", "quality")
# bm25 weight of each column of datasets_fts: name (unindexed), title, keywords, publisher, description, columns.
WEIGHTS = (0, 10, 5, 3, 2, 1)


@dataclass
class SearchResult:
    datasets: list[DatasetInfo]  # this page
    total: int
    page: int
    pages: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)


def fts_query(text: str) -> str | None:
    """Each word as a quoted prefix ("kelur"*), all required; quotes keep FTS syntax out of user input."""
    words = re.findall(r"\w+", text.lower())
    return " ".join(f'"{word}"*' for word in words) or None


def ranked_names(search_db: Path, query: str) -> list[str]:
    conn = sqlite3.connect(f"file:{search_db}?mode=ro&immutable=1", uri=True)
    try:
        weights = ", ".join(str(w) for w in WEIGHTS)
        rows = conn.execute(f"SELECT name FROM datasets_fts WHERE datasets_fts MATCH ? "
                            f"ORDER BY bm25(datasets_fts, {weights})", (query,))
        return [name for (name,) in rows]
    finally:
        conn.close()


def search(release: Release, text: str, selected: dict[str, set[str]], sort: str, page: int,
           today: datetime.date) -> SearchResult:
    catalog = release.catalog
    query = fts_query(text)
    if query:
        found = [catalog.dataset(name) for name in ranked_names(release.file(SEARCH_DB), query)]
    else:
        found = sorted(catalog.datasets, key=lambda d: d.title.lower())
    values = {d.name: cached_facet_values(release, d, today) for d in found}
    found = [d for d in found if matches(values[d.name], selected)]
    if sort == "name" or (sort == "relevance" and not query):
        found.sort(key=lambda d: d.title.lower())
    elif sort == "newest":
        found.sort(key=lambda d: d.current_version.date if d.current_version else "", reverse=True)
    elif sort == "quality":
        found.sort(key=lambda d: -cached_score(release, d, today).total)
    pages = max(1, math.ceil(len(found) / PER_PAGE))
    page = min(max(page, 1), pages)
    return SearchResult(
        datasets=found[(page - 1) * PER_PAGE: page * PER_PAGE],
        total=len(found),
        page=page,
        pages=pages,
        facets=count_facets([values[d.name] for d in found], selected),
    )


def daily_cache(release: Release, today: datetime.date) -> dict:
    """Values derived from a release that change with the date (freshness feeds score and band)."""
    cache = release.cache.setdefault("daily", {})
    if cache.get("day") != today:
        cache.clear()
        cache.update(day=today, scores={}, facets={})
    return cache


def cached_score(release: Release, dataset: DatasetInfo, today: datetime.date):
    scores = daily_cache(release, today)["scores"]
    if dataset.name not in scores:
        scores[dataset.name] = quality_score(dataset, release.catalog, today)
    return scores[dataset.name]


def cached_facet_values(release: Release, dataset: DatasetInfo, today: datetime.date) -> dict[str, set[str]]:
    facets = daily_cache(release, today)["facets"]
    if dataset.name not in facets:
        facets[dataset.name] = facet_values(dataset, cached_score(release, dataset, today).band)
    return facets[dataset.name]
