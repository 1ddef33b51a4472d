"""Rows appended to a live table load alone: the live table is copied (with its indexes and full-text
index, as for a carried-over package) and only the new rows go through the one-pass loader.

The new rows land in a temporary table of the same column types first, where fastload checks them
exactly as it checks a whole file (types, odd cells, constraints, byte scan); inserting them into the
copy then checks the primary key against every row through the key's index, and foreign keys are
checked for the new rows. Anything the loader cannot vouch for, or a rule that needs every row again
(a ``unique`` column), raises Unvouched: the package then loads from scratch, as a full publish would.
"""

from __future__ import annotations

import csv
import sqlite3

from ..catalog import ColumnStats
from .append_plan import AppendPlan, GrownTable
from .cast import looks_like_formula
from .descriptor import csv_dialect, normalize_key
from .discover import PackageSource
from .disk_full import writing
from .fastload import Unvouched, check_constraints, check_foreign_key, extremes, insert_resource, open_tail, quoted
from . import load  # its distinct-count limits are read at call time, as load.distinct_counts reads them
from .load import (ReleaseDatabase, TableLoad, copy_table, distinct_counts, field_types, key_references,
                   searchable_columns)
from . import scan

TAIL = "_portal_appended_rows"  # a temporary table; portal table names start with a letter


class AppendingDatabase(ReleaseDatabase):
    """A release database that loads only the appended rows of the packages in ``plans``."""

    def __init__(self, path, previous_db=None, plans: dict[str, AppendPlan] | None = None):
        super().__init__(path, previous_db)
        self.plans = plans or {}
        self.appended: dict[str, AppendPlan] = {}  # packages loaded by appending
        self.not_appended: dict[str, str] = {}  # package -> why it loaded from scratch after all

    def load_checked(self, source: PackageSource) -> bool:
        plan = self.plans.get(source.name)
        if plan is not None and "previous" in self.attached():
            try:
                self._append(source, plan)
                self.appended[source.name] = plan
                return True
            except (Unvouched, sqlite3.Error) as reason:  # a full disk is DiskFull, and stops the publish
                self.not_appended[source.name] = str(reason)
        return super().load_checked(source)

    def attached(self) -> set[str]:
        return {name for _, name, _ in self.conn.execute("PRAGMA database_list")}

    def _append(self, source: PackageSource, plan: AppendPlan) -> None:
        resources = source.descriptor["resources"]
        own = {r["name"] for r in resources}
        referenced = {t for r in resources for _, t, _ in key_references(r)} - own
        if referenced - self.copied:
            # Only the new rows' keys are looked up: the live rows' keys must still be there, so every
            # table pointed at must be the live one (carried over) or the live one plus rows (appended).
            raise Unvouched(f"referenced tables not as live: {', '.join(sorted(referenced - self.copied))}")
        types = field_types([*self.resources.values(), *resources])
        loaded = {}
        plan.appended.clear()  # what an earlier attempt, rolled back, noted
        plan.old_max_rowid.clear()
        with self.savepoint(source.name):
            for resource in self._load_order(source):
                name = resource["name"]
                with writing(self.path, source.name, name):
                    copy_table(self.conn, name)
                    if name in plan.grown:
                        loaded[name] = append_rows(self.conn, self.db, resource, plan, plan.grown[name], types)
                    else:
                        loaded[name] = plan.loads[name]
        for resource in resources:
            self._register(resource, loaded[resource["name"]])
            self.copied.add(resource["name"])  # indexes and full-text index are complete: not built again


def append_rows(conn: sqlite3.Connection, db, resource: dict, plan: AppendPlan, grown: GrownTable,
                types: dict) -> TableLoad:
    """Check and insert the new rows of one table (already copied); its TableLoad for all rows."""
    table, schema = resource["name"], resource["schema"]
    key = normalize_key(schema.get("primaryKey"))
    if any((f.get("constraints") or {}).get("unique") and key != [f["name"]] for f in schema["fields"]):
        raise Unvouched("a unique column is checked against every row")  # unless the key's index does it
    if not grown.excel_raw:
        raise Unvouched("the live Excel CSV has cells rewritten as text")
    conn.execute(f"DROP TABLE IF EXISTS temp.{TAIL}")
    # Same declared column types, so every value is stored as the table would store it; no constraints,
    # which the checks below and the insert into the table enforce.
    conn.execute(f"CREATE TEMP TABLE {TAIL} AS SELECT * FROM main.{quoted(table)} WHERE 0")
    try:
        columns = insert_resource(conn, TAIL, grown.path, resource, offset=grown.offset)
        rows, blank_rows, found = extremes(conn, TAIL, columns)
        if blank_rows:
            raise Unvouched("blank rows")
        odd = [c for c in columns if found[c.name].odd]
        if odd:  # a full load would then say "maybe formula-like", and read every cell of the Excel CSV
            raise Unvouched("new cells in a non-canonical form")
        for column in columns:
            check_constraints(conn, TAIL, column, found[column.name])
        if any(found[c.name].formula_like for c in columns) or tail_has_formula(grown, resource):
            raise Unvouched("new cells look like spreadsheet formulas")
        old_max = conn.execute(f"SELECT coalesce(max(rowid), 0) FROM main.{quoted(table)}").fetchone()[0]
        try:  # the primary key's index refuses a key any row, old or new, already has
            conn.execute(f"INSERT INTO main.{quoted(table)} SELECT * FROM temp.{TAIL} ORDER BY rowid")
        except sqlite3.Error as error:
            raise Unvouched(str(error)) from error
        later = conn.execute(f"SELECT count(*) FROM main.{quoted(table)} WHERE rowid > ?", [old_max]).fetchone()[0]
        if later != rows:  # downloads list rows by rowid: new rows must come after the live ones
            raise Unvouched("new rows sort before live ones")
        stats = merged_stats(conn, resource, plan.loads[table], rows, found, old_max)
        for fields, target, target_fields in key_references(resource):
            if [types.get((table, f)) for f in fields] != [types.get((target, f)) for f in target_fields]:
                raise Unvouched("a foreign key between columns of different types")
            check_foreign_key(conn, TAIL, fields, target, target_fields)
        extend_search(conn, db, resource, old_max)
    finally:
        conn.execute(f"DROP TABLE IF EXISTS temp.{TAIL}")
    plan.appended[table], plan.old_max_rowid[table] = rows, old_max
    old = plan.loads[table]
    return TableLoad(old.package, old.rows + rows, stats, formula_like=False, earlier=(old.charts or [], old_max))


def tail_has_formula(grown: GrownTable, resource: dict) -> bool:
    """Whether a new cell looks like a formula to the downloads' test (cast.looks_like_formula), which
    reads more than the loader's SQL aggregate: with none, the live Excel CSV only grows."""
    previous_limit = csv.field_size_limit(scan.MAX_CELL_BYTES)
    try:
        with open_tail(grown.path, grown.offset) as file:
            return any(looks_like_formula(cell) for row in csv.reader(file, **csv_dialect(resource)) for cell in row)
    finally:
        csv.field_size_limit(previous_limit)


def merged_stats(conn: sqlite3.Connection, resource: dict, old: TableLoad, rows: int, found,
                 old_max: int) -> dict[str, ColumnStats]:
    """Column statistics of all rows from the live ones and the new rows' extremes (SQLite compares,
    as min() and max() over the whole column would). Distinct counts: counted again for a table small
    enough to count exactly; above that, the live count plus new values not among the live rows."""
    total = old.rows + rows
    exact = distinct_counts(conn, resource, total) if total <= load.EXACT_DISTINCT_MAX_ROWS else None
    key = normalize_key(resource["schema"].get("primaryKey"))
    stats = {}
    for f in resource["schema"]["fields"]:
        name, before, new = f["name"], old.stats[f["name"]], found[f["name"]]
        low, high = conn.execute("SELECT min(v), max(v) FROM (SELECT ? AS v UNION ALL SELECT ? "
                                 "UNION ALL SELECT ? UNION ALL SELECT ?)",
                                 [before.min, new.min, before.max, new.max]).fetchone()
        if exact is not None:
            distinct = exact[name]
        elif key == [name]:
            distinct = total
        else:
            distinct = limited_distinct(conn, resource, name, before.distinct, old.rows, old_max)
        stats[name] = ColumnStats(before.nulls + new.nulls, distinct, low, high)
    return stats


def limited_distinct(conn: sqlite3.Connection, resource: dict, name: str, before: int | None,
                     old_rows: int, old_max: int) -> int | None:
    """distinct_counts' count above EXACT_DISTINCT_MAX_ROWS rows: exact up to DISTINCT_COUNT_LIMIT."""
    if before is None or (old_rows <= load.EXACT_DISTINCT_MAX_ROWS and before > load.DISTINCT_COUNT_LIMIT):
        return None  # the live rows alone have more
    q, table = quoted(name), quoted(resource["name"])
    values = conn.execute(f"SELECT count(*) FROM (SELECT DISTINCT {q} FROM temp.{TAIL} WHERE {q} IS NOT NULL "
                          f"LIMIT {load.DISTINCT_COUNT_LIMIT + 1})").fetchone()[0]
    if values > load.DISTINCT_COUNT_LIMIT:
        return None
    # each new value looked for among the live rows (the rowids up to old_max): found at once when the
    # column has an index (foreign keys) or the value is common; a new value costs a scan
    fresh = conn.execute(f"SELECT count(*) FROM (SELECT DISTINCT {q} AS v FROM temp.{TAIL} WHERE {q} IS NOT NULL) "
                         f"WHERE NOT EXISTS (SELECT 1 FROM main.{table} WHERE {q} = v AND rowid <= ?)",
                         [old_max]).fetchone()[0]
    count = before + fresh
    return count if count <= load.DISTINCT_COUNT_LIMIT else None


def extend_search(conn: sqlite3.Connection, db, resource: dict, old_max: int) -> None:
    """The new rows into the copied full-text index. The full path indexes the columns whose longest
    value is long enough (load.searchable_columns): the live ones, and those the new rows make long
    enough; when that is another set of columns, it builds another index."""
    table, index = resource["name"], f"{resource['name']}_fts"
    exists = conn.execute("SELECT 1 FROM main.sqlite_master WHERE name = ?", [index]).fetchone()
    indexed = [row[1] for row in conn.execute(f"PRAGMA main.table_info({quoted(index)})")] if exists else []
    longer = searchable_columns(db, {**resource, "name": TAIL})  # the new rows' long columns
    searchable = [f["name"] for f in resource["schema"]["fields"] if f["name"] in indexed or f["name"] in longer]
    if indexed != searchable:
        raise Unvouched("the searchable columns changed")
    if searchable:
        names = ", ".join(quoted(c) for c in searchable)
        conn.execute(f"INSERT INTO main.{quoted(index)} (rowid, {names}) SELECT rowid, {names} "
                     f"FROM main.{quoted(table)} WHERE rowid > ? ORDER BY rowid", [old_max])
