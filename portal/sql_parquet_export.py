"""Datasette plugin: ``/sql/portal/<table>.parquet?<filters>``, the rows the table page shows for those
filters (sort, ``_col``/``_nocol``, ``_where``, ``_search`` and ``_next`` included), all of them rather
than one page, as one zstd Parquet file typed from the release's catalog.

Bounded: more matching rows than PORTAL_MAX_EXPORT_ROWS, or more data than PORTAL_MAX_CSV_MB, get a 400
with a JSON error and no file (a file missing rows would be taken for the whole result), so does a query
running past its time (TimedReader). The query runs once, with LIMIT cap + 1, on one of Datasette's read
connections; rows are read and written in batches, so memory holds one batch and the compressed file.
portal.asgi sends every .parquet request through the ad-hoc SQL gate.
"""

from __future__ import annotations

import json
import re
import sqlite3
import sys
import time
from urllib.parse import parse_qsl, urlencode

import datasette.database
import pyarrow as pa
import pyarrow.parquet as pq
from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.filters import Filters
from datasette.plugins import pm
from datasette.utils import table_column_details
from datasette.utils.asgi import Response

from .publish.parquet_downloads import arrow_type, batch

PLUGIN_NAME = "portal-parquet-export"
CONTENT_TYPE = "application/vnd.apache.parquet"
DEFAULT_MAX_ROWS = 100_000
FIRST_BATCH_ROWS, MIN_BATCH_ROWS, MAX_BATCH_ROWS = 1_024, 64, 8_192
BATCH_BYTES = 8_000_000  # Arrow bytes of one batch, held (with its rows) before it is written
ROWS_PER_TIME_LIMIT = 10_000
# Parameters of one page that an export of every matching row leaves out of its links.
PAGE_ONLY = ("_next", "_size", "_labels", "_facet", "_facet_array", "_facet_date", "_nocount", "_nofacet",
             "_nosuggest", "_dl", "_stream")
PAGE_LIMIT = re.compile(r" limit \d+(?P<offset> offset \d+)?$")  # how Datasette 0.65 ends a table page's SQL


class ExportRefused(Exception):
    """The caller's export is over a bound or not one this plugin makes: a 400 with this message."""


def limits(ds) -> dict:
    config = ds.plugin_config(PLUGIN_NAME) or {}
    return {"max_rows": config.get("max_rows", DEFAULT_MAX_ROWS), "max_bytes": config.get("max_bytes", 0)}


@hookimpl
def register_output_renderer(datasette):
    return {"extension": "parquet", "render": render_parquet, "can_render": lambda view_name: view_name == "table"}


@hookimpl
def extra_template_vars(view_name, request, datasette):
    """The table page's "Unduh hasil filter" links: its filters without the page's own parameters."""
    if view_name != "table" or request is None:
        return {}
    kept = [(k, v) for k, v in parse_qsl(request.query_string, keep_blank_values=True) if k not in PAGE_ONLY]
    path = datasette.urls.path(request.path)

    def url(extension: str, extra: list[tuple[str, str]]) -> str:
        query = urlencode(kept + extra)
        return f"{path}.{extension}" + (f"?{query}" if query else "")

    return {"filtered_export": {"csv": url("csv", [("_stream", "on"), ("_size", "max"), ("_dl", "on")]),
                                "parquet": url("parquet", []), **limits(datasette)}}


def refused(message: str, **extra) -> dict:
    # A dict, not a Response: Datasette puts a query view's own status (200) over a Response's
    body = {"ok": False, "error": message, "status": 400, "title": "Export refused", **extra}
    return {"body": json.dumps(body), "status_code": 400, "content_type": "application/json; charset=utf-8"}


def too_many(max_rows: int, matched: int | None = None) -> Response:
    return refused(f"The filter matches more than {max_rows:,} rows, the most one export holds "
                   "(PORTAL_MAX_EXPORT_ROWS): narrow the filter, or download the whole table from its dataset page",
                   max_rows=max_rows, **({"matched": matched} if matched is not None else {}))


async def render_parquet(datasette, request, database, table, columns, sql, data, view_name):
    if view_name != "table" or not sql or not PAGE_LIMIT.search(sql):
        return refused("Parquet export is made for tables only: /sql/portal/<table>.parquet?<filters>")
    db = datasette.get_database(database)
    if unknown := unknown_filter_columns(request, await db.table_columns(table)):
        # The page shows no rows for these (SQLite reads "nope" = 1 as two strings); a download of nothing is a mistake
        return refused(f"No such column in the filter: {', '.join(sorted(unknown))}")
    bounds = limits(datasette)
    matched = data.get("filtered_table_rows_count")  # Datasette counted it for the page (None: count timed out)
    if matched is not None and matched > bounds["max_rows"]:
        return too_many(bounds["max_rows"], matched)
    # The page's own query, every row of it: the page's LIMIT becomes cap + 1 (one more tells "too many").
    export_sql = PAGE_LIMIT.sub(lambda m: f" limit {bounds['max_rows'] + 1}{m['offset'] or ''}", sql)
    params = data.get("query", {}).get("params") or {}
    schema = await export_schema(db, datasette, table, columns)
    try:
        body, rows = await db.execute_fn(lambda conn: write_export(
            conn, export_sql, params, schema, datasette.sql_time_limit_ms, bounds["max_rows"], bounds["max_bytes"],
            matched))
    except ExportRefused as error:
        return refused(str(error))
    except QueryInterrupted:
        return refused(f"The export's query took longer than the SQL time limit ({datasette.sql_time_limit_ms} ms): "
                       "narrow the filter")
    except (sqlite3.OperationalError, MemoryError) as error:  # the result budget's and memory rules' 400s
        return refused(str(error)[:300] or "Query needs more memory than a query may use")
    if rows > bounds["max_rows"]:
        return too_many(bounds["max_rows"])
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", table)
    return Response(body, content_type=CONTENT_TYPE, headers={
        "content-disposition": f'attachment; filename="{name}-filter.parquet"', "x-export-rows": str(rows)})


def unknown_filter_columns(request, columns: list[str]) -> set[str]:
    """Columns named by the request's filters (as Datasette's table view reads them) that the table lacks."""
    pairs = [(k, v) for k in request.args if not (k.startswith("_") and "__" not in k) for v in request.args.getlist(k)]
    return {column for column, _, _ in Filters(pairs).selections()} - set(columns) - {"rowid"}


@hookimpl
def handle_exception(datasette, request, exception):
    """Datasette answers a .parquet request's mistakes (bad _where, _col=nope) with an HTML page; a download
    client gets JSON, like the export's own refusals."""
    status = getattr(exception, "status", None)
    if not request.path.endswith(".parquet") or not isinstance(status, int) or not 400 <= status < 500:
        return None
    if getattr(exception, "message_is_html", False):  # Datasette's "SQL Interrupted" page
        message = f"The query took longer than the SQL time limit ({datasette.sql_time_limit_ms} ms): narrow the filter"
    else:
        message = str(getattr(exception, "message", None) or (exception.args[0] if exception.args else ""))
    body = {"ok": False, "error": message[:300], "status": status, "title": getattr(exception, "title", None)}
    return Response.json(body, status=status)


async def export_schema(db, ds, table: str, columns: list[str]) -> pa.Schema:
    """The catalog's types (publish validated every value against them, as for the prebuilt Parquet); for
    a column the catalog does not know (rowid, a view's), SQLite's declared type."""
    release = ds.jinja_env.globals.get("release")
    owner = release.catalog.table_owner(table) if release is not None else None
    declared = {f.name: f.type for f in owner.resource(table).fields} if owner else {}
    if any(c not in declared for c in columns):
        details = await db.execute_fn(lambda conn: table_column_details(conn, table))
        sqlite_types = {d.name: sqlite_affinity(d.type) for d in details}
        declared = {"rowid": "integer", **sqlite_types, **declared}
    return pa.schema([(c, arrow_type(declared.get(c, "string"))) for c in columns])


def sqlite_affinity(declared_type: str) -> str:
    """SQLite's own rules (datatype3.html, 3.1) from a declared type to a frictionless type."""
    text = (declared_type or "").upper()
    if "INT" in text:
        return "integer"
    if any(word in text for word in ("REAL", "FLOA", "DOUB")):
        return "number"
    return "string"


def write_export(conn, sql: str, params: dict, schema: pa.Schema, limit_ms: int, max_rows: int,
                 max_bytes: int, matched: int | None = None) -> tuple[bytes, int]:
    """In one of Datasette's SQL threads: the query's rows, written a batch at a time. Returns the file
    and how many rows it read (max_rows + 1 means too many; nothing of the file is then sent)."""
    reader, size, spent = TimedReader(conn, sql, params, limit_ms, matched), FIRST_BATCH_ROWS, 0
    sink = pa.BufferOutputStream()
    with pq.ParquetWriter(sink, schema, compression="zstd") as writer:
        while True:
            rows = reader.read(size)
            if reader.rows > max_rows:
                return b"", reader.rows
            if rows:
                table = typed_batch(rows, schema)
                spent += table.nbytes
                if max_bytes and spent > max_bytes:
                    raise ExportRefused(f"The export holds more than {max_bytes // 1_000_000} MB of data "
                                        "(PORTAL_MAX_CSV_MB): narrow the filter or choose fewer columns (_col=)")
                writer.write_table(table)
                # About BATCH_BYTES a batch, whatever the width of the rows (cells are up to 100 kB each)
                size = max(MIN_BATCH_ROWS, min(MAX_BATCH_ROWS, BATCH_BYTES * len(rows) // max(1, table.nbytes)))
            if len(rows) < reader.asked:
                break
    return sink.getvalue().to_pybytes(), reader.rows  # the writer closed: the file has its footer


def typed_batch(rows: list[tuple], schema: pa.Schema) -> pa.Table:
    try:
        return batch(rows, schema)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError) as error:
        # Only a column typed from SQLite's declaration (not validated by publish) can hold other values.
        raise ExportRefused(f"A column holds values of another type than declared ({error}); "
                            "use the CSV export") from error


class TimedReader:
    """The export's one query, read in batches under Datasette's time-limit handler (and portal's memory
    rules). The query may run the SQL time limit once plus once per ROWS_PER_TIME_LIMIT rows it returns
    (Datasette's CSV stream gets one per 1,000-row page): reading 100,000 rows took 0.4-1.4 s, over one
    limit, while a filter that finds nothing is stopped after one. With the page's count (``matched``)
    known, the whole allowance is there from the start: a sort is done before the first row comes, and
    sorting 100,000 rows took up to 1.3 s. Converting and compressing batches happens outside the
    handler's clock, bounded by the row cap."""

    def __init__(self, conn, sql: str, params: dict, limit_ms: int, matched: int | None = None):
        self.conn, self.sql, self.params, self.limit_ms, self.matched = conn, sql, params, limit_ms, matched or 0
        self.cursor, self.rows, self.asked, self.spent_ms = None, 0, 0, 0.0

    def read(self, size: int) -> list[tuple]:
        self.asked = size
        rows = max(self.matched, self.rows + size)
        allowed = self.limit_ms * (1 + rows / ROWS_PER_TIME_LIMIT) - self.spent_ms
        begin = time.perf_counter()
        # Looked up at each call: portal.sql_query_memory replaces Datasette's time limit with its own.
        with datasette.database.sqlite_timelimit(self.conn, max(1, int(allowed))):
            try:
                if self.cursor is None:
                    self.cursor = self.conn.cursor()
                    # The connection's ResultBudget caps one page's text; the export has its own bounds.
                    self.cursor.row_factory = None
                    self.cursor.execute(self.sql, self.params)
                rows = self.cursor.fetchmany(size)
            except sqlite3.OperationalError as error:
                if error.args == ("interrupted",):
                    raise QueryInterrupted(error, self.sql, self.params) from error
                raise
        self.spent_ms += (time.perf_counter() - begin) * 1000
        self.rows += len(rows)
        return rows


if not pm.has_plugin(PLUGIN_NAME):
    pm.register(sys.modules[__name__], name=PLUGIN_NAME)
