"""Example queries declared by publishers: each must run on the release's database."""

from __future__ import annotations

import sqlite3

from ..catalog import DatasetInfo
from ..messages import issue
from ..profile import N_
from .report import Issue


def check_queries(dataset: DatasetInfo, conn: sqlite3.Connection) -> list[Issue]:
    """Drop (and report) every query of the dataset SQLite cannot plan; the rest become canned queries.
    ``conn`` is read-only: with EXPLAIN a query is compiled against the real tables but never run here."""
    issues, kept = [], []
    for query in dataset.queries:
        try:
            conn.execute(f"EXPLAIN {query.sql}")
            kept.append(query)
        except (sqlite3.Error, sqlite3.Warning) as error:
            issues.append(issue(f"{dataset.name}/datapackage.json", "portal-query",
                                N_("contoh kueri %(name)s tidak dapat dijalankan: %(error)s"), field="queries",
                                name=repr(query.name), error=str(error)))
    dataset.queries = kept
    return issues
