"""First rows of a table, read straight from the release's immutable database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

PREVIEW_ROWS = 10


def preview_rows(db_path: Path, table: str, columns: list[str], limit: int = PREVIEW_ROWS) -> list[tuple]:
    # immutable=1: the release never changes, so SQLite may skip locking entirely.
    conn = sqlite3.connect(f"file:{db_path}?mode=ro&immutable=1", uri=True)
    try:
        selected = ", ".join(f'"{c}"' for c in columns)
        return conn.execute(f'select {selected} from "{table}" order by rowid limit ?', (limit,)).fetchall()
    finally:
        conn.close()
