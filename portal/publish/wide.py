"""Statements over every column of a table, kept inside SQLite's limits for wide tables (the README
promises 1,000 columns): at most 2,000 result columns (SQLITE_MAX_COLUMN), 127 function arguments
(SQLITE_MAX_FUNCTION_ARG) and an expression tree 1,000 deep (SQLITE_MAX_EXPR_DEPTH)."""

from __future__ import annotations

import sqlite3

RESULT_COLUMNS = 500  # per SELECT: several aggregates per column of a 1,000-column table would not fit
TERMS_PER_GROUP = 100  # an AND/OR chain is one level deeper per term: chains are nested in groups
JSON_PAIRS = 60  # json_object takes two arguments a column


def select_row(conn: sqlite3.Connection, expressions: list[str], source: str) -> tuple:
    """``SELECT <expressions> FROM <source>`` as one row, in as many statements as the limit needs."""
    values: list = []
    for start in range(0, len(expressions), RESULT_COLUMNS):
        values += conn.execute(f"SELECT {', '.join(expressions[start:start + RESULT_COLUMNS])} FROM {source}").fetchone()
    return tuple(values)


def joined(terms: list[str], operator: str) -> str:
    """``t1 OR t2 OR …`` (or AND), nested in parenthesised groups so that no chain is too deep."""
    if not terms:
        return "0" if operator == "OR" else "1"
    while len(terms) > TERMS_PER_GROUP:
        terms = [f"({f' {operator} '.join(terms[i:i + TERMS_PER_GROUP])})" for i in range(0, len(terms), TERMS_PER_GROUP)]
    return f" {operator} ".join(terms)
