"""Charts of a table that is its live rows plus appended ones (append.py), from the live chart and the
new rows alone, where that gives exactly what charts.compute_chart computes over every row.

Only counts and sums of an integer column add up exactly (a float sum depends on the order it is
added in); a line's points are the last MAX_LINE_POINTS buckets, which the live chart's last ones
and the new rows' always contain; a bar chart has every category (plan_charts asks for at most
MAX_CATEGORIES = MAX_BARS), but two bars of the same value would be ordered by SQLite's sort, so
then, as for anything else, None: the chart is computed over every row.
"""

from __future__ import annotations

import sqlite3

from ..catalog import ChartInfo
from .charts import MAX_BARS, MAX_LINE_POINTS

BUCKET_LENGTHS = {10: 'substr("{x}", 1, 10)', 7: 'substr("{x}", 1, 7)', 4: 'substr("{x}", 1, 4)'}
LARGEST = 2 ** 63 - 1  # SQLite's sum() stops with "integer overflow" above it: compute_chart then fails


def grown_chart(conn: sqlite3.Connection, table: str, plan: dict, types: dict[str, str], stats: dict,
                earlier: tuple[list[ChartInfo], int] | None) -> ChartInfo | None:
    """``earlier``: (the live table's charts, the live rows' largest rowid); ``stats``: of all rows."""
    if earlier is None:
        return None
    charts, after = earlier
    x, y = plan["x"], plan.get("y")
    aggregate = plan.get("aggregate", "sum" if y else "count")
    counted = aggregate == "count" or not y
    if not counted and not (aggregate == "sum" and types.get(y) == "integer"):
        return None
    shown_y = y if aggregate != "count" else None
    old = next((c for c in charts if (c.kind, c.x, c.y, c.aggregate, c.title, c.declared) ==
                (plan["type"], x, shown_y, aggregate, plan.get("title", ""), bool(plan.get("declared")))), None)
    if old is None or any(not isinstance(v, int) or isinstance(v, bool) for _, v in old.points):
        return None
    value = "count(*)" if counted else f'sum("{y}")'
    if plan["type"] == "line":
        bucket = line_bucket(conn, x, types.get(x, "string"), stats, old)
        if bucket is None:
            return None
        new = conn.execute(f'select {bucket} as b, {value} from "{table}" where rowid > ? and "{x}" is not null '
                           'group by b', [after]).fetchall()
    else:
        new = conn.execute(f'select "{x}", {value} from "{table}" where rowid > ? and "{x}" is not null '
                           f'group by "{x}"', [after]).fetchall()
    totals = {label: v for label, v in old.points}
    for label, v in new:
        if not isinstance(label, str) or not isinstance(v, int):
            return None  # labels compare as text, values add as integers: nothing else is replayed
        totals[label] = totals.get(label, 0) + v
    if any(abs(v) > LARGEST for v in totals.values()):
        return None
    if plan["type"] == "line":
        points = sorted(totals.items())[-MAX_LINE_POINTS:]
    else:
        if len(totals) > MAX_BARS or len(set(totals.values())) != len(totals):
            return None
        points = sorted(totals.items(), key=lambda item: -item[1])
    return ChartInfo(title=old.title, kind=old.kind, x=x, y=shown_y, aggregate=aggregate,
                     points=[[label, v] for label, v in points], declared=old.declared)


def line_bucket(conn: sqlite3.Connection, x: str, kind: str, stats: dict, old: ChartInfo) -> str | None:
    """charts._time_bucket's grouping for all rows, from the column's min and max (the statistics are
    those of all rows), when the live chart grouped the same way (its labels' length tells)."""
    if kind not in ("date", "datetime") or x not in stats or not old.points:
        return None
    days = conn.execute("select julianday(?) - julianday(?)", [stats[x].max, stats[x].min]).fetchone()[0]
    if days is None:
        return None
    length = 10 if days <= MAX_LINE_POINTS else 7 if days / 30 <= MAX_LINE_POINTS else 4
    if any(len(label) != length for label, _ in old.points):
        return None
    return BUCKET_LENGTHS[length].format(x=x.replace('"', '""'))
