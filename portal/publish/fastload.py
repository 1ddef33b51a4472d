"""Validate and load a CSV resource in one pass, at close to SQLite's own speed.

Every cell goes through a SQL expression, evaluated by SQLite in C, that converts the forms
frictionless certainly reads the same way (plain integers, ISO dates, listed booleans...) and keeps
any other form as a BLOB of its original text. After the insert one aggregate query per table finds
those cells, missing values where they are required, blank rows, and the extremes range and length
constraints are checked against; constraints SQL cannot decide (enum, pattern, formats) are checked
with frictionless's own cell reader on each distinct value. Foreign keys are anti-joins.

The fast path never reports an error itself: anything it cannot vouch for raises ``Unvouched`` and
the caller runs frictionless on the package, so error messages are always frictionless's own
(tests/test_fastload.py checks both on a corpus of broken files).
"""

from __future__ import annotations

import csv
import io
import math
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from frictionless import Field

from .cast import make_caster
from .descriptor import csv_dialect, normalize_key
from .progress import counted_rows, open_counted, report_rows
from .split_load import Scratch, TailLoad, may_split, split_offset
from . import scan  # its caps are read at call time, so a deployment (or a test) can change them
from .wide import joined, select_row

# Cell-parsing options that change how text is read: such fields take the frictionless path.
PARSING_OPTIONS = frozenset({"decimalChar", "groupChar", "bareNumber", "trueValues", "falseValues", "floatNumber"})
RANGE_CONSTRAINTS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
# Constraints and types SQL cannot decide: every distinct value goes through frictionless's cell reader.
VALUE_CONSTRAINTS = ("enum", "pattern")
READER_CHECKED_TYPES = frozenset({"geopoint", "geojson", "object", "array", "duration", "yearmonth"})
MAX_CHECKED_VALUES = 100_000  # distinct values checked one by one, and non-canonical cells read one by one


class Unvouched(Exception):
    """The fast path cannot vouch for this resource; frictionless must read it."""


@dataclass
class Column:
    name: str
    field: dict
    expression: str  # SQL turning the bound text ?N into the stored value, or a BLOB when not canonical
    stored_type: str  # typeof() of a canonical stored value


def column_plan(field: dict, index: int, missing: list[str], key: bool = False) -> Column:
    kind, fmt = field.get("type", "string"), field.get("format", "default")
    if PARSING_OPTIONS & field.keys() or (fmt != "default" and kind != "string"):
        raise Unvouched(f"{field['name']}: custom parsing options")
    x = f"?{index + 1}"
    blob = f"CAST({x} AS BLOB)"
    canonical = {
        # the integer prints back as the same text: no sign, spaces, leading zeros or decimals
        "integer": (f"CAST(CAST({x} AS INTEGER) AS TEXT) = {x}", f"CAST({x} AS INTEGER)", "integer"),
        "year": (f"length({x}) = 4 AND {x} NOT GLOB '*[^0-9]*'", f"CAST({x} AS INTEGER)", "integer"),  # four digits
        # a REAL column converts what SQLite reads as a number (Decimal reads all of those); the rest stays text
        "number": ("1", x, "real"),
        "boolean": (f"{x} IN ('true', 'True', 'TRUE', '1', 'false', 'False', 'FALSE', '0')",
                    f"{x} IN ('true', 'True', 'TRUE', '1')", "integer"),
        # the '+0 days' modifier makes SQLite normalise the date, so 2024-02-30 does not print back the same
        "date": (f"length({x}) = 10 AND date({x}, '+0 days') = {x} AND {x} >= '0001'", x, "text"),
        "datetime": (f"length({x}) = 19 AND substr({x}, 11, 1) = 'T' "
                     f"AND datetime({x}, '+0 days') = replace({x}, 'T', ' ') AND {x} >= '0001'", x, "text"),
        "time": (f"length({x}) = 8 AND time({x}, '+0 days') = {x}", x, "text"),
    }
    test, value, stored = canonical.get(kind, ("1", x, "text"))
    is_missing = f"{x} IN ({', '.join(sql_string(m) for m in missing)})" if missing else "0"
    # In a key column a missing value stays as its text, to be refused: an INTEGER PRIMARY KEY would
    # number a NULL row itself.
    empty = blob if key else "NULL"
    expression = f"CASE WHEN {is_missing} THEN {empty} WHEN {test} THEN {value} ELSE {blob} END" if test != "1" \
        else f"CASE WHEN {is_missing} THEN {empty} ELSE {x} END"
    return Column(field["name"], field, expression, stored)


def sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass
class Extremes:
    """What one aggregate query tells about a column."""

    nulls: int
    min: object
    max: object
    max_bytes: int | None  # of free-form text (string-like columns)
    formula_like: int  # string-like cells starting like a spreadsheet formula: = + - @ tab CR
    odd: int = 0  # cells not stored as their type: non-canonical text to read with frictionless


def insert_resource(conn: sqlite3.Connection, table: str, path: Path, resource: dict, offset: int = 0,
                    scratch: Scratch | None = None) -> list[Column]:
    """Stream the CSV into the (already created, empty) table; raises Unvouched on anything unusual.
    ``offset``: read only the rows from that byte on (rows appended after a row end; no header there).
    With ``scratch``, a large file's second half is inserted by a child process meanwhile (split_load.py)."""
    schema = resource["schema"]
    missing = schema.get("missingValues", [""])
    keys = set(normalize_key(schema.get("primaryKey")))
    columns = [column_plan(f, i, missing, f["name"] in keys) for i, f in enumerate(schema["fields"])]
    if path.stat().st_size > scan.MAX_FILE_BYTES or scan.scan_bytes(path, offset=offset):
        raise Unvouched("the byte scan found a problem")
    sql = f"INSERT INTO {quoted(table)} VALUES ({', '.join(c.expression for c in columns)})"
    dialect = csv_dialect(resource)
    half = split_offset(path, dialect["quotechar"]) if scratch and not offset and may_split(path) else None
    scratch_file = scratch.new_file() if half else None
    tail = TailLoad(conn, scratch, scratch_file, table, path, half, sql, dialect, scan.MAX_CELL_BYTES) \
        if scratch_file else None
    previous_limit = csv.field_size_limit(scan.MAX_CELL_BYTES)
    try:
        opened = open_tail(path, offset) if offset else \
            open_counted(path, end=half if tail else None, newline="", encoding="utf-8-sig")
        with opened as file:
            reader = csv.reader(file, **dialect)
            if not offset and next(reader, None) != [c.name for c in columns]:
                raise Unvouched("the header differs from the schema")
            conn.executemany(sql, counted_rows(reader))  # a row of another length fails the binding count
        if tail:
            report_rows(tail.merge(conn), path.stat().st_size - half)
    except (sqlite3.Error, csv.Error, UnicodeDecodeError, ValueError, OverflowError) as error:
        raise Unvouched(str(error)) from error
    finally:
        csv.field_size_limit(previous_limit)
        if tail:
            tail.stop()
    return columns


def open_tail(path: Path, offset: int) -> io.TextIOBase:
    """The file from ``offset`` as text: plain UTF-8, as a BOM there is a character like any other."""
    return open_counted(path, offset, newline="", encoding="utf-8")


FORMULA_START_CODES = "61, 43, 45, 64, 9, 13"  # unicode() of = + - @ tab CR (cast.FORMULA_START)


def extremes(conn: sqlite3.Connection, table: str, columns: list[Column]) -> tuple[int, int, dict[str, Extremes]]:
    """(rows, blank rows, per-column extremes) in one scan of the table (one per 100 columns: wide.py).

    Odd cells need no aggregate of their own: SQLite sorts TEXT above numbers and BLOB above TEXT, so
    a column holds some exactly when its max() is not of its stored type."""
    parts = []
    for c in columns:
        q = quoted(c.name)
        free_text = c.stored_type == "text" and c.field.get("type", "string") not in ("date", "datetime", "time")
        parts += [f"count(*) - count({q})", f"min({q})", f"max({q})",
                  f"max(length(CAST({q} AS BLOB)))" if free_text else "NULL",
                  formula_gate(q) if free_text else "0"]
    blank = joined([f"{quoted(c.name)} IS NULL" for c in columns], "AND")
    row = select_row(conn, ["count(*)", f"sum({blank})", *parts], quoted(table))
    width = 5
    found = {c.name: Extremes(*row[2 + i * width: 2 + (i + 1) * width]) for i, c in enumerate(columns)}
    count_formula_like(conn, table, found)
    for c in columns:
        values = found[c.name]
        if isinstance(values.max, bytes) or (isinstance(values.max, str) and c.stored_type != "text"):
            values.odd = conn.execute(f"SELECT count(*) FROM {quoted(table)} "
                                      f"WHERE typeof({quoted(c.name)}) NOT IN ('null', '{c.stored_type}')").fetchone()[0]
    return row[0], row[1] or 0, found


def formula_gate(q: str) -> str:
    """Cells that might start like a formula: those starting below 'A' but not with a digit, or with a
    non-ASCII character (a no-break space). Plain comparisons, no function call per cell: counting the
    exact cases (unicode(ltrim(…)) below) over every text column was 4 of a 1M-row publish's 38 s."""
    return f"count(CASE WHEN {q} < 'A' AND NOT ({q} >= '0' AND {q} < ':') OR {q} >= char(128) THEN 1 END)"


def count_formula_like(conn: sqlite3.Connection, table: str, found: dict[str, Extremes]) -> None:
    """The exact count of formula-like cells, in one more scan, of the columns whose gate let some through."""
    gated = [name for name, values in found.items() if values.formula_like]
    for name in found:
        found[name].formula_like = 0
    exact = [f"sum(unicode(ltrim({quoted(name)}, ' ' || char(160))) IN ({FORMULA_START_CODES}))" for name in gated]
    for name, count in zip(gated, select_row(conn, exact, quoted(table)) if gated else ()):
        found[name].formula_like = count or 0


def text_lengths(conn: sqlite3.Connection, table: str, column: str) -> tuple[int | None, int | None]:
    q = quoted(column)
    return conn.execute(f"SELECT min(length({q})), max(length({q})) FROM {quoted(table)}").fetchone()


def read_odd_cells(conn: sqlite3.Connection, table: str, column: Column, missing: set[str]) -> None:
    """Cells kept as their text because they were not in canonical form: frictionless's cell reader
    decides (an error means frictionless must report it), the portal's caster converts."""
    read_cell = Field.from_descriptor(without_constraints(column.field)).create_cell_reader()
    cast = make_caster(column.field, missing)
    rejected = []

    def read(value):
        text = value.decode("utf-8") if isinstance(value, bytes) else str(value)
        _, notes = read_cell(text)
        try:
            if notes or text in missing:  # only a key column keeps missing values as text: they are refused
                raise ValueError(text)
            value = cast(text)
            if isinstance(value, float) and math.isnan(value):  # SQLite would store NULL: constraints unchecked
                raise ValueError(text)
            return value
        except ValueError:
            rejected.append(text)
            return value

    conn.create_function("portal_read_cell", 1, read, deterministic=True)
    q = quoted(column.name)
    try:
        conn.execute(f"UPDATE {quoted(table)} SET {q} = portal_read_cell({q}) "
                     f"WHERE typeof({q}) NOT IN ('null', '{column.stored_type}')")
    except sqlite3.Error as error:  # an integer beyond 64 bits, a NULL in a NOT NULL column...
        raise Unvouched(f"{column.name}: {error}") from error
    if rejected:
        raise Unvouched(f"{column.name}: {rejected[0]!r} is not read as {column.field.get('type')} by frictionless")


def without_constraints(field: dict) -> dict:
    return {k: v for k, v in field.items() if k != "constraints"}


def check_constraints(conn: sqlite3.Connection, table: str, column: Column, found: Extremes) -> None:
    field, q = column.field, quoted(column.name)
    constraints = field.get("constraints", {}) or {}
    kind = field.get("type", "string")
    if constraints.get("required") and found.nulls:
        raise Unvouched(f"{column.name}: missing required values")
    if (found.max_bytes or 0) > scan.MAX_CELL_BYTES:
        raise Unvouched(f"{column.name}: a cell over the size limit")
    if constraints.get("unique") and conn.execute(
            f"SELECT 1 FROM {quoted(table)} WHERE {q} IS NOT NULL GROUP BY {q} HAVING count(*) > 1 LIMIT 1").fetchone():
        raise Unvouched(f"{column.name}: repeated values in a unique column")
    read_cell = Field.from_descriptor(field).create_cell_reader()
    if any(k in constraints for k in RANGE_CONSTRAINTS):
        for value in (found.min, found.max):
            if value is not None and read_cell(str(value))[1]:
                raise Unvouched(f"{column.name}: a value out of range")
    lengths = [k for k in ("minLength", "maxLength") if k in constraints]
    if lengths and kind == "string":
        shortest, longest = text_lengths(conn, table, column.name)
        if shortest is not None and not (constraints.get("minLength", 0) <= shortest
                                         and longest <= constraints.get("maxLength", longest)):
            raise Unvouched(f"{column.name}: a value of the wrong length")
    if any(k in constraints for k in VALUE_CONSTRAINTS) or kind in READER_CHECKED_TYPES or \
            (kind == "string" and field.get("format", "default") != "default") or (lengths and kind != "string"):
        values = conn.execute(f"SELECT DISTINCT {q} FROM {quoted(table)} WHERE {q} IS NOT NULL "
                              f"LIMIT {MAX_CHECKED_VALUES + 1}").fetchall()
        if len(values) > MAX_CHECKED_VALUES:
            raise Unvouched(f"{column.name}: too many distinct values to check one by one")
        for (value,) in values:
            if read_cell(str(value))[1]:
                raise Unvouched(f"{column.name}: a value frictionless rejects")


def check_foreign_key(conn: sqlite3.Connection, table: str, fields: list[str], target: str,
                      target_fields: list[str]) -> None:
    """Every non-null key is present in the target table (loaded earlier, or this table itself)."""
    q = quoted(table)
    if len(fields) > 1 and conn.execute(
            f"SELECT 1 FROM {q} WHERE ({' OR '.join(f'{quoted(f)} IS NULL' for f in fields)}) "
            f"AND NOT ({' AND '.join(f'{quoted(f)} IS NULL' for f in fields)}) LIMIT 1").fetchone():
        raise Unvouched("a partly empty composite foreign key")
    match = " AND ".join(f"r.{quoted(tf)} = t.{quoted(f)}" for f, tf in zip(fields, target_fields))
    present = " AND ".join(f"t.{quoted(f)} IS NOT NULL" for f in fields)
    if conn.execute(f"SELECT 1 FROM {q} AS t WHERE {present} AND NOT EXISTS "
                    f"(SELECT 1 FROM {quoted(target)} AS r WHERE {match}) LIMIT 1").fetchone():
        raise Unvouched(f"{', '.join(fields)}: a value not found in {target}")


def fast_load(conn: sqlite3.Connection, resource: dict, path: Path, references: list[tuple[list[str], str, list[str]]],
              field_types: dict[tuple[str, str], str], scratch: Scratch | None = None) -> tuple[int, dict[str, Extremes], bool]:
    """Load the resource into its created, empty table and check every Table Schema rule.

    ``references``: (fields, target table, target fields) of every foreign key, within the package or
    not; ``field_types``: (table, column) -> Table Schema type, to compare key types; ``scratch``: where
    a child process may insert half of a large file's rows (split_load.py).
    Returns (rows, extremes per column, whether some text cells look like spreadsheet formulas)."""
    table = resource["name"]
    missing = set(resource["schema"].get("missingValues", [""]))
    columns = insert_resource(conn, table, path, resource, scratch=scratch)
    rows, blank_rows, found = extremes(conn, table, columns)
    if blank_rows:
        raise Unvouched("blank rows")
    odd = [c for c in columns if found[c.name].odd]
    if sum(found[c.name].odd for c in odd) > MAX_CHECKED_VALUES:
        raise Unvouched("too many cells in a non-canonical form")
    for column in odd:
        read_odd_cells(conn, table, column, missing)
    if odd:
        rows, blank_rows, found = extremes(conn, table, columns)
    for column in columns:
        check_constraints(conn, table, column, found[column.name])
    for fields, target, target_fields in references:
        if [field_types.get((table, f)) for f in fields] != [field_types.get((target, f)) for f in target_fields]:
            raise Unvouched("a foreign key between columns of different types")
        check_foreign_key(conn, table, fields, target, target_fields)
    # a cell read by frictionless may have started with anything: let the downloads look at every cell
    return rows, found, bool(odd) or any(found[c.name].formula_like for c in columns)
