"""Stage 3: load every valid resource into one SQLite database with sqlite-utils."""

from __future__ import annotations

import csv
import sqlite3
from dataclasses import dataclass, field
from graphlib import TopologicalSorter
from pathlib import Path

import sqlite_utils

from ..catalog import ColumnStats
from .cast import column_type, make_caster
from .descriptor import csv_dialect, foreign_keys, normalize_key


@dataclass
class LoadablePackage:
    """A package known to be valid: its folder and descriptor."""

    name: str
    folder: Path
    descriptor: dict


@dataclass
class TableLoad:
    package: str
    rows: int = 0
    stats: dict[str, ColumnStats] = field(default_factory=dict)


def load_database(db_path: Path, packages: list[LoadablePackage], progress=None,
                  carried: dict[str, TableLoad] | None = None, previous_db: Path | None = None) -> dict[str, TableLoad]:
    """Create one table per resource (named after it) and return row counts and column stats.

    Tables in ``carried`` belong to unchanged packages: they are copied from ``previous_db``
    inside SQLite instead of being read from CSV again."""
    carried = carried or {}
    resources = {r["name"]: (package, r) for package in packages for r in package.descriptor["resources"]}
    db = sqlite_utils.Database(sqlite3.connect(f"file:{db_path}", uri=True))
    if carried:
        db.execute("ATTACH DATABASE ? AS previous", [f"file:{previous_db}?mode=ro&immutable=1"])
    loads = {}
    try:
        # Referenced tables first: sqlite-utils checks that a foreign key's table exists.
        for table in TopologicalSorter({name: referenced_tables(r) - {name} for name, (_, r) in resources.items()}).static_order():
            package, resource = resources[table]
            with db.atomic():
                if table in carried:
                    rows = copy_table(db, table)
                else:
                    create_table(db, resource)
                    rows = insert_rows(db, package, resource)
                    for column in single_column_foreign_keys(resource):
                        db[table].create_index([column[0]], if_not_exists=True)
            loads[table] = carried.get(table) or TableLoad(package=package.name, rows=rows, stats=column_stats(db, table))
            searchable = searchable_columns(db, resource)
            if searchable:
                # Datasette finds <table>_fts and offers a search box on the table page.
                db[table].enable_fts(searchable, tokenize="unicode61 remove_diacritics 2")
            if progress:
                progress(table, rows)
        db.execute("ANALYZE main")  # not the attached previous release, which is read-only
        db.conn.commit()
    finally:
        db.close()
    return loads


def copy_table(db: sqlite_utils.Database, table: str) -> int:
    """The table exactly as the previous release had it: same definition, rows and indexes."""
    definitions = db.execute("select type, sql from previous.sqlite_master where tbl_name = ? and sql is not null "
                             "and type in ('table', 'index') order by type = 'index'", [table]).fetchall()
    for _, sql in definitions[:1]:
        db.execute(sql)
    db.execute(f'insert into main."{table}" select * from previous."{table}"')
    for _, sql in definitions[1:]:
        db.execute(sql)
    return db.execute(f'select count(*) from main."{table}"').fetchone()[0]


def referenced_tables(resource: dict) -> set[str]:
    # A reference without a resource (or with "") points at the resource itself.
    return {fk["reference"].get("resource") or resource["name"] for fk in foreign_keys(resource)}


def single_column_foreign_keys(resource: dict) -> list[tuple[str, str, str]]:
    """(column, other table, other column); SQLite foreign keys are declared per column here."""
    keys = []
    for fk in foreign_keys(resource):
        columns, other_columns = normalize_key(fk.get("fields")), normalize_key(fk["reference"].get("fields"))
        if len(columns) == 1 and len(other_columns) == 1:
            keys.append((columns[0], fk["reference"].get("resource") or resource["name"], other_columns[0]))
    return keys


def create_table(db: sqlite_utils.Database, resource: dict) -> None:
    schema = resource["schema"]
    columns = {f["name"]: column_type(f) for f in schema["fields"]}
    primary_key = normalize_key(schema.get("primaryKey"))
    db[resource["name"]].create(
        columns,
        pk=(primary_key[0] if len(primary_key) == 1 else tuple(primary_key)) if primary_key else None,
        foreign_keys=single_column_foreign_keys(resource),
        not_null={f["name"] for f in schema["fields"] if f.get("constraints", {}).get("required")} | set(primary_key),
    )


def insert_rows(db: sqlite_utils.Database, package: LoadablePackage, resource: dict) -> int:
    schema = resource["schema"]
    missing = set(schema.get("missingValues", [""]))
    names = [f["name"] for f in schema["fields"]]
    casters = [make_caster(f, missing) for f in schema["fields"]]
    count = 0

    def rows():
        nonlocal count
        with open(package.folder / resource["path"], newline="", encoding="utf-8-sig") as file:
            reader = csv.reader(file, **csv_dialect(resource))
            next(reader, None)  # header, already checked against the schema by frictionless
            for cells in reader:
                count += 1
                yield {name: cast(cell) for name, cast, cell in zip(names, casters, cells)}

    db[resource["name"]].insert_all(rows(), batch_size=1000)
    return count


MIN_TEXT_LENGTH = 12  # a column whose longest value is shorter holds codes or categories, not text


def searchable_columns(db: sqlite_utils.Database, resource: dict) -> list[str]:
    """Descriptive text columns for full-text search: strings that are not keys or codes."""
    schema = resource["schema"]
    keys = set(normalize_key(schema.get("primaryKey")))
    keys |= {name for fk in foreign_keys(resource) for name in normalize_key(fk.get("fields"))}
    candidates = [f["name"] for f in schema["fields"] if f.get("type", "string") == "string"
                  and f["name"] not in keys and not f["name"].startswith(("kode", "id"))]
    table = resource["name"]
    return [c for c in candidates
            if (db.execute(f'select max(length("{c}")) from "{table}"').fetchone()[0] or 0) >= MIN_TEXT_LENGTH]


def column_stats(db: sqlite_utils.Database, table: str) -> dict[str, ColumnStats]:
    columns = [c.name for c in db[table].columns]
    parts = []
    for column in columns:
        quoted = f'"{column}"'
        parts.append(f"count(*) - count({quoted}), count(distinct {quoted}), min({quoted}), max({quoted})")
    values = db.execute(f'select {", ".join(parts)} from "{table}"').fetchone()
    return {column: ColumnStats(*values[i * 4:(i + 1) * 4]) for i, column in enumerate(columns)}
