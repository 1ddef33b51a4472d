"""Example queries declared by publishers: each must run on the release's database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..catalog import Catalog
from ..messages import issue
from ..profile import N_
from .report import Issue


def check_example_queries(catalog: Catalog, db_path: Path) -> list[Issue]:
    """Drop (and report) every query SQLite cannot plan; the rest become canned queries."""
    issues = []
    # mode=ro and EXPLAIN: the query is compiled against the real tables but never run here.
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        for dataset in catalog.datasets:
            kept = []
            for query in dataset.queries:
                try:
                    conn.execute(f"EXPLAIN {query.sql}")
                    kept.append(query)
                except (sqlite3.Error, sqlite3.Warning) as error:
                    issues.append(issue(f"{dataset.name}/datapackage.json", "portal-query",
                                        N_("contoh kueri %(name)s tidak dapat dijalankan: %(error)s"), field="queries",
                                        name=repr(query.name), error=str(error)))
            dataset.queries = kept
    finally:
        conn.close()
    return issues
