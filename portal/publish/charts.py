"""Charts and maps chosen at publish time, with their data computed in SQLite.

A publisher may declare charts per resource ("views" in the descriptor); otherwise the
portal picks them: a time column with a measure gives a line, a short list of categories a
bar chart. Tables with latitude and longitude columns get a map.
"""

from __future__ import annotations

import sqlite3

from ..catalog import ChartInfo, ColumnStats, GeoInfo
from .descriptor import foreign_keys, normalize_key

KINDS = ("bar", "line")
AGGREGATES = ("sum", "avg", "min", "max", "count")
MAX_BARS = 20
MAX_LINE_POINTS = 120
MAX_CATEGORIES = 20
MAX_LABEL = 40  # characters; longer category values are sentences, not labels
LATITUDE_NAMES = ("lintang", "latitude", "lat")
LONGITUDE_NAMES = ("bujur", "longitude", "lon", "lng")
TIME_TYPES = ("date", "datetime", "year", "yearmonth")


def plan_charts(resource: dict, stats: dict[str, ColumnStats], rows: int, conn: sqlite3.Connection) -> list[dict]:
    """Declared views, or the automatic choice: at most one line and one bar chart. An empty list of
    views means none: a table whose rows mix totals and their parts would chart sums that count twice."""
    if isinstance(resource.get("views"), list):
        return [dict(view, declared=True) for view in resource["views"]]
    fields = resource["schema"]["fields"]
    keys = _key_columns(resource)
    time = time_field(fields)
    measure = main_measure(resource, stats, conn)
    y = measure["name"] if measure else None
    aggregate = ("avg" if is_rate(measure) else "sum") if measure else "count"
    plans = []
    if time and distinct_count(stats, time["name"]) > 1:
        plans.append({"type": "line", "x": time["name"], "y": y, "aggregate": aggregate})
    for field in fields:
        distinct = distinct_count(stats, field["name"])
        if field.get("type", "string") != "string" or field["name"] in keys or not 2 <= distinct <= MAX_CATEGORIES:
            continue
        if (distinct == rows and not measure) or _longest(conn, resource["name"], field["name"]) > MAX_LABEL:
            continue  # one bar per row, or labels that are sentences: no chart
        plans.append({"type": "bar", "x": field["name"], "y": y, "aggregate": aggregate})
        break
    return plans


def main_measure(resource: dict, stats: dict[str, ColumnStats], conn: sqlite3.Connection) -> dict | None:
    """The field charts and maps show, or None when the table's rows are to be counted.

    Rows dated by the day are events: count them. Rows per month or year are statistics: chart
    their first measure (summed, or averaged when it is a rate: µg/m³, %, rata-rata …)."""
    fields = resource["schema"]["fields"]
    time = time_field(fields)
    if time is not None and time.get("type") in ("date", "datetime") and _has_days(conn, resource["name"], time["name"]):
        return None
    keys = _key_columns(resource)
    return next((f for f in fields if _is_measure(f, keys, stats)), None)


def _key_columns(resource: dict) -> set[str]:
    keys = set(normalize_key(resource["schema"].get("primaryKey")))
    return keys | {name for fk in foreign_keys(resource) for name in normalize_key(fk.get("fields"))}


def time_field(fields: list[dict]) -> dict | None:
    return next((f for f in fields if f.get("type") in TIME_TYPES or f["name"] in ("tahun", "bulan", "tanggal")), None)


def distinct_count(stats: dict[str, ColumnStats], column: str) -> float:
    """None in the stats means more than load.DISTINCT_COUNT_LIMIT, which is plenty here."""
    distinct = (stats.get(column) or ColumnStats()).distinct
    return float("inf") if distinct is None else distinct


def _is_measure(field: dict, keys: set[str], stats: dict[str, ColumnStats]) -> bool:
    name, stat = field["name"], stats.get(field["name"]) or ColumnStats()
    looks_like_year = field.get("type") == "integer" and isinstance(stat.min, int) and 1900 <= stat.min <= stat.max <= 2100
    return field.get("type") in ("integer", "number") and name not in keys and not _is_coordinate(name) \
        and not looks_like_year and not name.startswith(("id", "kode", "tahun", "urutan", "nomor", "no_"))


def is_rate(field: dict | None) -> bool:
    """A rate or an average (%, µg/m³, rata-rata …): averaged, never summed."""
    unit, name = (field or {}).get("unit", ""), (field or {}).get("name", "")
    return "rata" in name or any(mark in unit for mark in ("%", "persen", "per ", "indeks", "µg/", "mg/", "/km", "/m"))


def _has_days(conn: sqlite3.Connection, table: str, column: str) -> bool:
    """Whether dates fall on other days than the 1st: monthly statistics are often dated YYYY-MM-01."""
    return conn.execute(f'select exists(select 1 from "{table}" where substr("{column}", 9, 2) != \'01\')').fetchone()[0] == 1


def _longest(conn: sqlite3.Connection, table: str, column: str) -> int:
    return conn.execute(f'select max(length("{column}")) from "{table}"').fetchone()[0] or 0


def compute_chart(conn: sqlite3.Connection, table: str, plan: dict, field_types: dict[str, str]) -> ChartInfo:
    x, y, aggregate = plan["x"], plan.get("y"), plan.get("aggregate", "sum" if plan.get("y") else "count")
    value = "count(*)" if aggregate == "count" or not y else f'{aggregate}("{y}")'
    if plan["type"] == "line":
        bucket = _time_bucket(conn, table, x, field_types.get(x, "string"))
        sql = f'select {bucket} as b, {value} from "{table}" where "{x}" is not null group by b order by b'
        points = conn.execute(sql).fetchall()[-MAX_LINE_POINTS:]
    else:
        sql = f'select "{x}", {value} as v from "{table}" where "{x}" is not null group by "{x}" order by v desc limit ?'
        points = conn.execute(sql, (MAX_BARS,)).fetchall()
    return ChartInfo(
        title=plan.get("title", ""), kind=plan["type"], x=x, y=y if aggregate != "count" else None,
        aggregate=aggregate, points=[[str(label), round(v, 2) if isinstance(v, float) else v] for label, v in points],
        declared=bool(plan.get("declared")))


def _time_bucket(conn: sqlite3.Connection, table: str, column: str, kind: str) -> str:
    """Group dates by day, month or year so that a line has at most MAX_LINE_POINTS points."""
    if kind not in ("date", "datetime"):
        return f'"{column}"'
    days = conn.execute(f'select julianday(max("{column}")) - julianday(min("{column}")) from "{table}"').fetchone()[0]
    if days is None or days <= MAX_LINE_POINTS:
        return f'substr("{column}", 1, 10)'
    if days / 30 <= MAX_LINE_POINTS:
        return f'substr("{column}", 1, 7)'
    return f'substr("{column}", 1, 4)'


def find_geo(resource: dict) -> GeoInfo | None:
    fields = resource["schema"]["fields"]
    numeric = {f["name"] for f in fields if f.get("type") in ("number", "integer")}
    latitude = next((n for n in LATITUDE_NAMES if n in numeric), None)
    longitude = next((n for n in LONGITUDE_NAMES if n in numeric), None)
    if not latitude or not longitude:
        return None
    label = next((f["name"] for f in fields if f.get("type", "string") == "string" and f["name"].startswith("nama")),
                 normalize_key(resource["schema"].get("primaryKey"))[:1] or [fields[0]["name"]])
    return GeoInfo(latitude, longitude, label if isinstance(label, str) else label[0])


def _is_coordinate(name: str) -> bool:
    return name in LATITUDE_NAMES or name in LONGITUDE_NAMES
