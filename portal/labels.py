"""Labels beside codes: the kelurahan name next to its code, wherever a column points at a reference table."""

from __future__ import annotations

import sqlite3

from .catalog import Catalog, ResourceInfo


def label_column(resource: ResourceInfo) -> str | None:
    """The column shown beside a foreign key pointing at this table (Datasette's label_column too)."""
    names = [f.name for f in resource.fields if f.type == "string" and f.name not in resource.primary_key]
    return next((n for n in names if n == "nama"), next((n for n in names if n.startswith("nama")), None))


def labelled_columns(catalog: Catalog, resource: ResourceInfo) -> dict[str, tuple[str, str, str]]:
    """column -> (referenced table, its key column, its label column), for single-column foreign keys."""
    tables = {r.name: r for d in catalog.datasets for r in d.resources}
    found = {}
    for key in resource.foreign_keys:
        target = tables.get(key.table)
        label = label_column(target) if target is not None and len(key.fields) == 1 else None
        if label:
            found[key.fields[0]] = (key.table, key.columns[0], label)
    return found


def labels_for(conn: sqlite3.Connection, columns: list[str], rows: list[tuple],
               references: dict[str, tuple[str, str, str]]) -> dict[str, dict]:
    """column -> {code: label} for the codes on these rows."""
    found = {}
    for column, (table, key, label) in references.items():
        if column not in columns:
            continue
        values = sorted({row[columns.index(column)] for row in rows} - {None}, key=str)
        if values:
            marks = ", ".join("?" * len(values))
            found[column] = dict(conn.execute(f'select "{key}", "{label}" from "{table}" where "{key}" in ({marks})', values))
    return found
