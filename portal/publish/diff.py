"""What changed in a table between two releases, computed inside SQLite.

The previous release's database is immutable and at hand, so it is attached to the new one
and compared with indexed joins on the primary key: seconds, not minutes, at a million rows.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..catalog import FieldInfo, ResourceChange, ResourceInfo
from .wide import joined

SAMPLE_KEYS = 5


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class ReleaseComparison:
    """Read-only connection to the new database with the previous one attached as ``old``."""

    def __init__(self, new_db: Path, old_db: Path, appended: dict[str, tuple[int, int]] | None = None):
        self.conn = sqlite3.connect(f"file:{new_db}?mode=ro", uri=True)
        self.conn.execute("ATTACH DATABASE ? AS old", (f"file:{old_db}?mode=ro&immutable=1",))
        # tables that are the old table plus rows (publish/append.py): (old largest rowid, rows added)
        self.appended = appended or {}

    def close(self) -> None:
        self.conn.close()

    def scalar(self, sql: str) -> int:
        return self.conn.execute(sql).fetchone()[0]

    def keys(self, sql: str) -> list[str]:
        return [str(row[0]) for row in self.conn.execute(sql + f" LIMIT {SAMPLE_KEYS}")]

    def compare(self, new: ResourceInfo | None, old: ResourceInfo | None) -> ResourceChange:
        if old is None:
            return ResourceChange(new.name, "added", rows_after=new.rows, added=new.rows,
                                  fields_added=[f.name for f in new.fields])
        if new is None:
            return ResourceChange(old.name, "removed", rows_before=old.rows, removed=old.rows,
                                  fields_removed=[f.name for f in old.fields])
        change = ResourceChange(new.name, "unchanged", rows_before=old.rows, rows_after=new.rows)
        schema_changes(change, new.fields, old.fields)
        common = [f.name for f in new.fields if f.name in {o.name for o in old.fields}]
        if new.primary_key and new.primary_key == old.primary_key and set(new.primary_key) <= set(common):
            self.compare_by_key(change, new.name, new.primary_key, [c for c in common if c not in new.primary_key])
        else:
            self.compare_whole_rows(change, new.name, common)
        if change.added or change.removed or change.changed or change.fields_added or change.fields_removed \
                or change.fields_retyped:
            change.status = "changed"
        return change

    def compare_by_key(self, change: ResourceChange, table: str, key: list[str], others: list[str]) -> None:
        t = quoted(table)
        match = joined([f"o.{quoted(k)} = n.{quoted(k)}" for k in key], "AND")
        shown = " || '|' || ".join(f"n.{quoted(k)}" for k in key)
        only_new = f"FROM main.{t} n WHERE NOT EXISTS (SELECT 1 FROM old.{t} o WHERE {match})"
        only_old = f"FROM old.{t} n WHERE NOT EXISTS (SELECT 1 FROM main.{t} o WHERE {match})"
        differs = joined([f"n.{quoted(c)} IS NOT o.{quoted(c)}" for c in others], "OR")
        both_differ = f"FROM main.{t} n JOIN old.{t} o ON {match} WHERE {differs}"
        change.compared_by = "primary key"
        order = self.scan_order(f"SELECT {shown} {only_new}", table, key) if table in self.appended else None
        if order is not None:
            # The old rows were copied as they are and every new key is new (the key's index saw to it):
            # only the new rows differ, and the first of them in the scan's order are the samples.
            after, rows = self.appended[table]
            change.added, change.removed, change.changed = rows, 0, 0
            change.sample_added = self.keys(f"SELECT {shown} FROM main.{t} n WHERE n.rowid > {int(after)} "
                                            f"ORDER BY {order}")
            change.sample_removed, change.sample_changed = [], []
            return
        change.added, change.sample_added = self.scalar(f"SELECT count(*) {only_new}"), self.keys(f"SELECT {shown} {only_new}")
        change.removed, change.sample_removed = self.scalar(f"SELECT count(*) {only_old}"), self.keys(f"SELECT {shown} {only_old}")
        change.changed, change.sample_changed = (self.scalar(f"SELECT count(*) {both_differ}"),
                                                 self.keys(f"SELECT {shown} {both_differ}"))

    def scan_order(self, sql: str, table: str, key: list[str]) -> str | None:
        """The order SQLite reads the new table in for ``sql``, as an ORDER BY: rowid order (the table
        itself) or an index's (its columns, then rowid); None for any other plan."""
        plan = self.conn.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall()
        scan = plan[0][3] if plan else ""
        if scan == "SCAN n":
            return "n.rowid"
        for prefix in ("SCAN n USING COVERING INDEX ", "SCAN n USING INDEX "):
            if scan.startswith(prefix):
                columns = self.conn.execute("SELECT name, \"desc\", coll, key FROM pragma_index_xinfo(?, 'main')",
                                            [scan[len(prefix):]]).fetchall()
                keyed = [name for name, _, _, is_key in columns if is_key]
                if not keyed or None in keyed or any(d or c != "BINARY" for _, d, c, k in columns if k):
                    return None  # an index on an expression, descending or with a collation: not replayed
                # "+": sorting the new rows, rather than reading the whole index for them
                return ", ".join(f"+n.{quoted(name)}" for name in keyed) + ", n.rowid"
        return None

    def compare_whole_rows(self, change: ResourceChange, table: str, columns: list[str]) -> None:
        # Without a shared key, rows are matched by all their values: a changed row counts
        # as one removed and one added.
        t, selected = quoted(table), ", ".join(quoted(c) for c in columns)
        change.compared_by = "whole rows"
        change.added = self.scalar(f"SELECT count(*) FROM (SELECT {selected} FROM main.{t} EXCEPT "
                                   f"SELECT {selected} FROM old.{t})")
        change.removed = self.scalar(f"SELECT count(*) FROM (SELECT {selected} FROM old.{t} EXCEPT "
                                     f"SELECT {selected} FROM main.{t})")


def schema_changes(change: ResourceChange, new: list[FieldInfo], old: list[FieldInfo]) -> None:
    old_types = {f.name: f.type for f in old}
    new_names = {f.name for f in new}
    change.fields_added = [f.name for f in new if f.name not in old_types]
    change.fields_removed = [f.name for f in old if f.name not in new_names]
    change.fields_retyped = [f"{f.name}: {old_types[f.name]} → {f.type}" for f in new
                             if f.name in old_types and old_types[f.name] != f.type]
