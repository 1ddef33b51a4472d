"""The catalog's full-text index, built at publish time: search.db in the release (SQLite FTS5).

unicode61 with remove_diacritics folds case and accents; prefix indexes make "kelur" find
"kelurahan" without scanning.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..catalog import DatasetInfo, Publisher

SEARCH_DB = "search.db"
# Column order matters: search.py gives each a bm25 weight in this order.
COLUMNS = ("title", "keywords", "publisher", "description", "columns")


def build_search_index(rows: list[tuple], path: Path) -> None:
    """``rows``: each dataset's ``searchable_row``."""
    conn = sqlite3.connect(path)
    try:
        conn.execute(
            f"CREATE VIRTUAL TABLE datasets_fts USING fts5(name UNINDEXED, {', '.join(COLUMNS)}, "
            "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4')")
        conn.executemany(f"INSERT INTO datasets_fts VALUES (?, {', '.join('?' * len(COLUMNS))})", rows)
        conn.execute("INSERT INTO datasets_fts(datasets_fts) VALUES ('optimize')")
        conn.commit()
    finally:
        conn.close()


def searchable_row(dataset: DatasetInfo, publishers: list[Publisher]) -> tuple:
    by_id = {p.id: p for p in publishers}
    organisations = [by_id.get(i) for i in {dataset.publisher, dataset.author, dataset.maintainer}]
    columns = []
    for resource in dataset.resources:
        columns += [resource.name, resource.title, resource.description]
        for field in resource.fields:
            columns += [field.name, field.title, field.description, field.concept]
    return (
        dataset.name,
        " ".join([dataset.title, dataset.title_en, dataset.name]),
        " ".join(dataset.keywords),
        " ".join(f"{o.id} {o.name} {o.name_en}" for o in organisations if o),
        " ".join([dataset.description, dataset.description_en, dataset.konsep, dataset.definisi]),
        " ".join(c.replace("_", " ") + " " + c for c in columns if c),
    )
