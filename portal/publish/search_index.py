"""The catalog's search database, built at publish time: search.db in the release (SQLite).

- ``datasets_fts`` (FTS5): each dataset's text by column, with the Indonesian stems of its words beside
  the words ("pengaduan adu"), so "mengadu" and "aduan" find it. unicode61 with remove_diacritics folds
  case and accents; prefix indexes make "kelur" find "kelurahan" without scanning.
- ``vocabulary`` (FTS5 trigram): the words of titles, keywords and column names, what a misspelt query
  word is corrected to ("pengadun" -> "pengaduan"), with the number of datasets using each.
- ``synonyms``: metadata/synonyms.yaml's groups, so the web side needs nothing but the release.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..catalog import DatasetInfo, Publisher
from ..stemming import MIN_STEMMED, with_stems, words

SEARCH_DB = "search.db"
# Column order matters: search gives each a bm25 weight in this order.
COLUMNS = ("title", "keywords", "publisher", "description", "columns")


@dataclass(frozen=True)
class SearchRow:
    """One dataset as the search database holds it."""

    name: str
    texts: tuple[str, ...]  # one per COLUMNS, stems included
    vocabulary: tuple[str, ...]  # its words that misspellings are corrected to


def build_search_index(rows: list[SearchRow], synonyms: list[list[str]], path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute(
            f"CREATE VIRTUAL TABLE datasets_fts USING fts5(name UNINDEXED, {', '.join(COLUMNS)}, "
            "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4')")
        conn.executemany(f"INSERT INTO datasets_fts VALUES (?, {', '.join('?' * len(COLUMNS))})",
                         ((row.name, *row.texts) for row in rows))
        conn.execute("INSERT INTO datasets_fts(datasets_fts) VALUES ('optimize')")
        conn.execute("CREATE VIRTUAL TABLE vocabulary USING fts5(word, datasets UNINDEXED, tokenize = 'trigram')")
        used = Counter(word for row in rows for word in set(row.vocabulary))
        conn.executemany("INSERT INTO vocabulary VALUES (?, ?)", sorted(used.items()))
        conn.execute("INSERT INTO vocabulary(vocabulary) VALUES ('optimize')")
        conn.execute("CREATE TABLE synonyms (term TEXT PRIMARY KEY, grp INTEGER NOT NULL)")
        conn.executemany("INSERT INTO synonyms VALUES (?, ?)",
                         ((term, number) for number, group in enumerate(synonyms) for term in group))
        conn.commit()
    finally:
        conn.close()


def searchable_row(dataset: DatasetInfo, publishers: list[Publisher]) -> SearchRow:
    by_id = {p.id: p for p in publishers}
    organisations = [by_id.get(i) for i in {dataset.publisher, dataset.author, dataset.maintainer}]
    columns, names = [], []
    for resource in dataset.resources:
        columns += [resource.name, resource.title, resource.description]
        names += [resource.name, resource.title]
        for field in resource.fields:
            columns += [field.name, field.title, field.description, field.concept]
            names += [field.name, field.title]
    title = " ".join([dataset.title, dataset.title_en, dataset.name])
    keywords = " ".join(dataset.keywords)
    texts = (
        title,
        keywords,
        " ".join(f"{o.id} {o.name} {o.name_en}" for o in organisations if o),
        " ".join([dataset.description, dataset.description_en, dataset.konsep, dataset.definisi]),
        " ".join(c.replace("_", " ") + " " + c for c in columns if c),
    )
    vocabulary = {w for text in [title, keywords, *names] if text for w in words(text)
                  if len(w) >= MIN_STEMMED and w.isalpha()}
    return SearchRow(dataset.name, tuple(with_stems(text) for text in texts), tuple(sorted(vocabulary)))
