"""Rows of a table for the portal's own pages, read straight from the release's immutable database.

Column names come from the catalog (validated SQL identifiers) and are checked against it
here; values are always bound parameters.
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from .catalog import ResourceInfo
from .labels import labels_for

PREVIEW_ROWS = 10
PAGE_ROWS = 25


@dataclass
class Page:
    columns: list[str]
    rows: list[tuple]
    total: int  # rows matching the filter
    page: int
    pages: int
    labels: dict[str, dict] = field(default_factory=dict)  # column -> {code: label} (kelurahan names)


def connect(db_path: Path) -> sqlite3.Connection:
    # immutable=1: the release never changes, so SQLite may skip locking entirely.
    return sqlite3.connect(f"file:{db_path}?mode=ro&immutable=1", uri=True)


def preview_rows(db_path: Path, table: str, columns: list[str], limit: int = PREVIEW_ROWS) -> list[tuple]:
    conn = connect(db_path)
    try:
        selected = ", ".join(f'"{c}"' for c in columns)
        return conn.execute(f'select {selected} from "{table}" order by rowid limit ?', (limit,)).fetchall()
    finally:
        conn.close()


def browse(db_path: Path, resource: ResourceInfo, sort: str | None = None, descending: bool = False,
           column: str | None = None, contains: str = "", page: int = 1, per_page: int = PAGE_ROWS,
           references: dict[str, tuple[str, str, str]] | None = None) -> Page:
    """One page of rows, optionally sorted by a column and filtered to rows whose column contains a text."""
    columns = [f.name for f in resource.fields]
    where, params = "", []
    if column in columns and contains:
        where, params = f'where cast("{column}" as text) like ? escape \'\\\'', [f"%{escape_like(contains)}%"]
    order = f'order by "{sort}" {"desc" if descending else "asc"}, rowid' if sort in columns else "order by rowid"
    conn = connect(db_path)
    try:
        total = conn.execute(f'select count(*) from "{resource.name}" {where}', params).fetchone()[0]
        pages = max(1, math.ceil(total / per_page))
        page = min(max(page, 1), pages)
        selected = ", ".join(f'"{c}"' for c in columns)
        rows = conn.execute(f'select {selected} from "{resource.name}" {where} {order} limit ? offset ?',
                            params + [per_page, (page - 1) * per_page]).fetchall()
        labels = labels_for(conn, columns, rows, references or {})
    finally:
        conn.close()
    return Page(columns, rows, total, page, pages, labels)


MAX_POINTS = 5000


def points(db_path: Path, resource: ResourceInfo, limit: int = MAX_POINTS) -> list[tuple]:
    """(latitude, longitude, label) of the rows that have both coordinates."""
    geo = resource.geo
    conn = connect(db_path)
    try:
        return conn.execute(
            f'select "{geo.latitude}", "{geo.longitude}", "{geo.label}" from "{resource.name}" '
            f'where "{geo.latitude}" is not null and "{geo.longitude}" is not null order by rowid limit ?',
            (limit,)).fetchall()
    finally:
        conn.close()


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
