"""Choropleth maps chosen at publish time, with their values computed in SQLite.

A table whose column is a foreign key into an area table (kelurahan or kecamatan codes,
Kemendagri's ``35.73.01.1001`` / ``35.73.01``) gets a map of its main measure by area. A
publisher may declare it per resource:

    "map": {"measure": "jumlah", "aggregate": "sum", "classes": 5, "classification": "quantile"}

every key optional (``"area"`` names the column when the table has several area keys), or turn
it off with ``"map": false``. Otherwise the map shows the measure charts use (publish/charts.py
``main_measure``: summed, averaged when it is a rate), or the number of rows; a list of places
(a table with latitude and longitude: hotspots, schools) maps how many there are per area. Statistics over several
years or months (a ``tahun`` column) map their latest period, since summing a count of schools over
five years says nothing; ``"period": "all"`` maps every row instead.
"""

from __future__ import annotations

import re
import sqlite3

from ..catalog import ChoroplethInfo, ColumnStats, Issue
from ..messages import issue
from ..profile import N_
from .charts import find_geo, is_rate, main_measure, time_field
from .descriptor import foreign_keys, normalize_key

AGGREGATES = {"sum": "sum", "mean": "avg", "count": "count"}  # descriptor word -> SQL function
CLASSIFICATIONS = ("quantile", "equal")
CLASSES = range(3, 8)  # 3 to 7: fewer says little, more no reader tells apart
DEFAULT_CLASSES = 5
MAP_KEYS = ("area", "measure", "aggregate", "classes", "classification", "period")
PERIODS = ("latest", "all")
LEVELS = {"kecamatan": r"\d{2}\.\d{2}\.\d{2}", "kelurahan": r"\d{2}\.\d{2}\.\d{2}\.\d{4}"}


def map_declaration_issues(file: str, where: str, resource: dict) -> list[Issue]:
    """What is wrong with a resource's declared "map", each problem at the property it names."""
    declared = resource.get("map")
    if declared is None or declared is False:
        return []
    at = f"{where}.map"
    if not isinstance(declared, dict):
        return [issue(file, "portal-map", N_("map harus berupa objek (measure, aggregate, classes, classification) "
                                             "atau false"), field=at)]
    fields = {f.get("name"): f for f in resource.get("schema", {}).get("fields", []) if isinstance(f, dict)}
    area_columns = [normalize_key(fk.get("fields"))[0] for fk in foreign_keys(resource)
                    if len(normalize_key(fk.get("fields"))) == 1]
    issues = []

    def problem(prop: str, template: str, **params):
        issues.append(issue(file, "portal-map", template, field=f"{at}.{prop}", **params))

    for key in declared:
        if key not in MAP_KEYS:  # JSON object keys are always strings
            problem(key, N_("properti %(key)s tidak dikenal; yang dikenal: %(known)s"), key=key, known=", ".join(MAP_KEYS))
    area = declared.get("area")
    if area is not None and (not isinstance(area, str) or area not in area_columns):
        problem("area", N_("kolom %(column)s bukan foreign key ke tabel wilayah; pilih salah satu dari: %(columns)s"),
                column=repr(area), columns=", ".join(area_columns) or "-")
    elif not area_columns:
        issues.append(issue(file, "portal-map", N_("peta perlu kolom dengan foreign key ke tabel kelurahan atau "
                                                   "kecamatan (foreignKeys)"), field=at))
    measure = declared.get("measure")
    if measure is not None and (not isinstance(measure, str) or measure not in fields
                                or fields[measure].get("type") not in ("integer", "number")):
        numeric = [name for name, f in fields.items() if f.get("type") in ("integer", "number")]
        problem("measure", N_("kolom %(column)s tidak ada atau bukan angka (integer, number); kolom angka tabel ini: "
                              "%(columns)s"), column=repr(measure), columns=", ".join(numeric) or "-")
    aggregate = declared.get("aggregate")
    if aggregate is not None and (not isinstance(aggregate, str) or aggregate not in AGGREGATES):
        problem("aggregate", N_("%(value)s bukan agregat yang dikenal; pilih %(choices)s"), value=repr(aggregate),
                choices=", ".join(AGGREGATES))
    elif aggregate in ("sum", "mean") and measure is None:
        problem("aggregate", N_("agregat %(value)s perlu measure: kolom angka yang dijumlahkan atau dirata-rata"),
                value=aggregate)
    classes = declared.get("classes")
    if classes is not None and (not isinstance(classes, int) or isinstance(classes, bool) or classes not in CLASSES):
        problem("classes", N_("jumlah kelas harus bilangan bulat %(low)s sampai %(high)s"), low=CLASSES[0],
                high=CLASSES[-1])
    classification = declared.get("classification")
    if classification is not None and classification not in CLASSIFICATIONS:
        problem("classification", N_("%(value)s bukan klasifikasi yang dikenal; pilih %(choices)s"),
                value=repr(classification), choices=", ".join(CLASSIFICATIONS))
    period = declared.get("period")
    if period is not None and period not in PERIODS:
        problem("period", N_("%(value)s bukan periode yang dikenal; pilih %(choices)s"), value=repr(period),
                choices=", ".join(PERIODS))
    return issues


def plan_map(resource: dict, stats: dict[str, ColumnStats], conn: sqlite3.Connection) -> dict | None:
    """The declared map (validated before), the automatic one for a table keyed on areas, or None."""
    declared = resource.get("map")
    if declared is False:
        return None
    declared = declared if isinstance(declared, dict) else {}
    for fk in foreign_keys(resource):
        columns, referenced = normalize_key(fk.get("fields")), normalize_key(fk["reference"].get("fields"))
        if len(columns) != 1 or declared.get("area", columns[0]) != columns[0]:
            continue
        table = fk["reference"].get("resource") or resource["name"]
        level = area_level(conn, table, referenced[0])
        if level is None and not declared:
            continue
        plan = {"area": columns[0], "reference": table, "key": referenced[0], "level": level or "kelurahan",
                "classes": declared.get("classes", DEFAULT_CLASSES),
                "classification": declared.get("classification", "quantile"), "declared": bool(declared)}
        if "measure" in declared or "aggregate" in declared:
            plan["measure"] = declared.get("measure") if declared.get("aggregate") != "count" else None
            plan["aggregate"] = declared.get("aggregate", "sum") if plan["measure"] else "count"
        elif find_geo(resource) is not None:  # a list of places (hotspots, schools): how many per area
            plan["measure"], plan["aggregate"] = None, "count"
        else:
            measure = main_measure(resource, stats, conn)
            plan["measure"] = measure["name"] if measure else None
            plan["aggregate"] = ("mean" if is_rate(measure) else "sum") if measure else "count"
        plan["period_field"], plan["period"] = latest_period(resource, stats, conn, declared.get("period", "latest"))
        return plan
    return None


def latest_period(resource: dict, stats: dict[str, ColumnStats], conn: sqlite3.Connection, period: str) -> tuple:
    """(column, latest value) of a table of statistics over several periods; ("", "") otherwise, and for
    events dated by the day (a complaint log maps all its complaints)."""
    time = time_field(resource["schema"]["fields"])
    if period == "all" or time is None or (stats.get(time["name"]) or ColumnStats()).distinct in (0, 1):
        return "", ""
    if time.get("type") in ("date", "datetime") and main_measure(resource, stats, conn) is None:
        return "", ""
    latest = conn.execute(f'select max("{time["name"]}") from "{resource["name"]}"').fetchone()[0]
    return (time["name"], latest) if latest is not None else ("", "")


def area_level(conn: sqlite3.Connection, table: str, column: str) -> str | None:
    """kelurahan or kecamatan when every code in the table's column is one; else None."""
    codes = [row[0] for row in conn.execute(f'select distinct "{column}" from "{table}" limit 10000')]
    for level, pattern in LEVELS.items():
        if codes and all(isinstance(code, str) and re.fullmatch(pattern, code) for code in codes):
            return level
    return None


def compute_map(conn: sqlite3.Connection, table: str, plan: dict) -> ChoroplethInfo:
    """Every area of the reference table with the aggregate of its rows, and the class breaks."""
    measure, aggregate = plan["measure"], plan["aggregate"]
    value = "count(t.rowid)" if aggregate == "count" else f'{AGGREGATES[aggregate]}(t."{measure}")'
    period = f' and t."{plan["period_field"]}" = ?' if plan["period_field"] else ""
    sql = (f'select a."{plan["key"]}", {value} from "{plan["reference"]}" a left join "{table}" t '
           f'on t."{plan["area"]}" = a."{plan["key"]}"{period} group by a."{plan["key"]}" order by a."{plan["key"]}"')
    params = [plan["period"]] if period else []
    values = [[code, round(v, 2) if isinstance(v, float) else v] for code, v in conn.execute(sql, params)]
    known = [v for _, v in values if v is not None]
    return ChoroplethInfo(area=plan["area"], level=plan["level"], reference=plan["reference"], measure=measure,
                          aggregate=aggregate, classification=plan["classification"],
                          breaks=class_breaks(known, plan["classes"], plan["classification"]), values=values,
                          declared=plan["declared"], period_field=plan["period_field"], period=str(plan["period"]))


def class_breaks(values: list[float], classes: int, classification: str) -> list[float]:
    """Class edges, lowest first: quantiles (about as many areas in each class) or equal steps.
    Edges that coincide (many equal values) merge, so there may be fewer classes than asked."""
    if not values:
        return []
    ordered = sorted(values)
    low, high = ordered[0], ordered[-1]
    if classification == "equal":
        edges = [low + (high - low) * i / classes for i in range(classes + 1)]
    else:  # class i holds the areas ranked i·n/k to (i+1)·n/k; its upper edge is the highest of them
        count = len(ordered)
        edges = [low] + [ordered[max(0, (i + 1) * count // classes - 1)] for i in range(classes)]
    edges = [round(edge, 2) if isinstance(edge, float) else edge for edge in edges]
    uppers = [edges[1]]  # the lowest class may hold one value only: its upper edge is then the low edge
    for edge in edges[2:]:
        if edge > uppers[-1]:
            uppers.append(edge)
    return [edges[0]] + uppers
