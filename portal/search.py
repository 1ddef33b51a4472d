"""Catalog search: the publish-time search database for relevance, facets and sorting from the catalog.

Relevance: datasets whose titles and keywords alone answer the query come first, then the others,
each by bm25 with column weights; within each, real data before synthetic samples. Words match as prefixes, by stem and by synonym (search_query.py);
when that finds fewer than FEW datasets, misspelt words are corrected too (spelling.py) and what the
corrections find is added after; when nothing is found, a query that would find something is offered.
"""

from __future__ import annotations

import datetime
import math
import re
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from .catalog import DatasetInfo
from .facets import FacetValue, count_facets, facet_values, matches
from .publish.search_index import SEARCH_DB
from .quality import quality_score
from .search_query import Clause, Synonyms, expression, first_columns, parse
from .spelling import close_words
from .store import Release

PER_PAGE = 20
SORTS = ("relevance", "newest", "name", "quality")
# bm25 weight of each column of datasets_fts: name (unindexed), title, keywords, publisher, description, columns.
WEIGHTS = (0, 10, 5, 3, 2, 1)
FEW = 3  # fewer datasets found than this, and misspellings are corrected too


@dataclass
class SearchResult:
    datasets: list[DatasetInfo]  # this page
    total: int
    page: int
    pages: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    corrections: list[str] = field(default_factory=list)  # words that results were added for ("pengaduan")
    suggestion: str | None = None  # "did you mean": a query that finds something, when this one finds nothing
    real_count: int = 0  # real (not sample) datasets the other filters leave: the "hanya data nyata" count


@dataclass
class Found:
    names: list[str]  # best first
    corrections: list[str] = field(default_factory=list)
    suggestion: str | None = None
    suggested: list[str] = field(default_factory=list)  # what the suggestion finds


def fts_query(text: str) -> str | None:
    """Each word as a quoted prefix ("kelur"*), all required; quotes keep FTS syntax out of user input."""
    words = re.findall(r"\w+", text.lower())
    return " ".join(f'"{word}"*' for word in words) or None


def open_search_db(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)


def ranked_names(search_db: Path, query: str) -> list[str]:
    with closing(open_search_db(search_db)) as conn:
        return ranked(conn, query, tiers=False)


def ranked(conn: sqlite3.Connection, query: str, tiers: bool = True) -> list[str]:
    """Names matching ``query``, best first; with ``tiers`` those matching in titles and keywords first."""
    order = f"bm25(datasets_fts, {', '.join(str(w) for w in WEIGHTS)})"
    if tiers:
        order = "name IN (SELECT name FROM datasets_fts WHERE datasets_fts MATCH ?) DESC, " + order
    rows = conn.execute(f"SELECT name FROM datasets_fts WHERE datasets_fts MATCH ? ORDER BY {order}",
                        (query, first_columns(query)) if tiers else (query,))
    return [name for (name,) in rows]


def release_synonyms(release: Release) -> Synonyms:
    synonyms = release.cache.get("synonyms")
    if synonyms is None:
        try:
            with closing(open_search_db(release.file(SEARCH_DB))) as conn:
                synonyms = Synonyms.from_rows(conn.execute("SELECT term, grp FROM synonyms"))
        except sqlite3.OperationalError:  # a release published before synonyms existed
            synonyms = Synonyms()
        release.cache["synonyms"] = synonyms
    return synonyms


def find(release: Release, text: str) -> Found | None:
    """What the search box's text finds, or None when it has no words (then everything is listed)."""
    synonyms = release_synonyms(release)
    clauses = parse(text, synonyms)
    if not clauses:
        return None
    with closing(open_search_db(release.file(SEARCH_DB))) as conn:
        found = Found(real_first(release, ranked(conn, expression(clauses))))
        corrections = corrected(conn, clauses) if len(found.names) < FEW else {}
        if corrections:
            known = set(found.names)
            added = real_first(release, [n for n in ranked(conn, expression(clauses, corrections)) if n not in known])
            if added:
                found.names += added
                found.corrections = list(dict.fromkeys(w for close in corrections.values() for w in close))
        if not found.names:
            found.suggestion, found.suggested = did_you_mean(conn, clauses, corrections, synonyms)
    return found


def real_first(release: Release, names: list[str]) -> list[str]:
    """Real datasets before synthetic samples, each in the order given (the sort is stable)."""
    datasets = datasets_by_name(release)
    return sorted(names, key=lambda name: datasets[name].sample)


def corrected(conn: sqlite3.Connection, clauses: list[Clause]) -> dict[str, list[str]]:
    """Correctable word -> the vocabulary words nearest to it."""
    try:
        return {c.correctable: close for c in clauses if c.correctable and (close := close_words(conn, c.correctable))}
    except sqlite3.OperationalError:  # a release published before the vocabulary existed
        return {}


def did_you_mean(conn: sqlite3.Connection, clauses: list[Clause], corrections: dict[str, list[str]],
                 synonyms: Synonyms) -> tuple[str | None, list[str]]:
    """The query with each word that finds nothing corrected, or left out when nothing is near it; None
    unless a word was corrected (left-out words alone are no spelling advice) and the result finds something."""
    kept, fixed = [], False
    for clause in clauses:
        if conn.execute("SELECT 1 FROM datasets_fts WHERE datasets_fts MATCH ? LIMIT 1", (clause.fts(),)).fetchone():
            kept.append(" ".join(clause.words))
        elif clause.correctable in corrections:
            kept.append(corrections[clause.correctable][0])
            fixed = True
    suggestion = " ".join(kept)
    suggested = ranked(conn, expression(parse(suggestion, synonyms)), tiers=False) if fixed else []
    return (suggestion, suggested) if suggested else (None, [])


def search(release: Release, text: str, selected: dict[str, set[str]], sort: str, page: int,
           today: datetime.date) -> SearchResult:
    catalog = release.catalog
    hits = find(release, text)
    if hits:
        found = [datasets_by_name(release)[name] for name in hits.names]
    else:
        found = sorted(catalog.datasets, key=lambda d: d.title.lower())
    values = {d.name: cached_facet_values(release, d, today) for d in found}
    others = {key: wanted for key, wanted in selected.items() if key != "kind"}
    real_count = sum(1 for d in found if not d.sample and matches(values[d.name], others))
    found = [d for d in found if matches(values[d.name], selected)]
    # Real data before samples, except by date: "newest" is a promise about time only.
    if sort == "name" or (sort == "relevance" and not hits):
        found.sort(key=lambda d: (d.sample, d.title.lower()))
    elif sort == "newest":
        found.sort(key=lambda d: d.current_version.date if d.current_version else "", reverse=True)
    elif sort == "quality":
        found.sort(key=lambda d: (-cached_score(release, d, today).total, d.sample))
    pages = max(1, math.ceil(len(found) / PER_PAGE))
    page = min(max(page, 1), pages)
    return SearchResult(
        datasets=found[(page - 1) * PER_PAGE: page * PER_PAGE],
        total=len(found),
        page=page,
        pages=pages,
        facets=count_facets([values[d.name] for d in found], selected),
        corrections=hits.corrections if hits else [],
        # Offered only when it finds something with the same filters.
        suggestion=hits.suggestion if hits and any(
            matches(cached_facet_values(release, datasets_by_name(release)[n], today), selected)
            for n in hits.suggested) else None,
        real_count=real_count,
    )


def datasets_by_name(release: Release) -> dict[str, DatasetInfo]:
    """Catalog.dataset looks through the list: 1,000 lookups of it were most of a search's time."""
    index = release.cache.get("datasets by name")
    if index is None:
        index = release.cache["datasets by name"] = {d.name: d for d in release.catalog.datasets}
    return index


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
