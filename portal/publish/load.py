"""Stage 3: the release database. Tables of packages carried over or kept from the previous release
are copied inside SQLite; every other resource is validated while it loads (fastload.py), or, when the
fast path cannot vouch for it, loaded with sqlite-utils after frictionless passed it."""

from __future__ import annotations

import csv
import sqlite3
from concurrent import futures
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import sqlite_utils

from ..catalog import ColumnStats
from .cast import column_type, make_caster
from .descriptor import csv_dialect, foreign_keys, normalize_key
from .progress import counted_rows, open_counted
from .discover import PackageSource
from .disk_full import writing
from .split_load import scratch_databases
from .fastload import Extremes, Unvouched, fast_load
from ..messages import issue
from ..profile import N_
from .report import Issue
from .wide import select_row


class LoadError(Exception):
    """What frictionless accepts but SQLite cannot hold: an integer beyond 64 bits, tables whose
    foreign keys form a cycle."""

    def __init__(self, issue: Issue):
        super().__init__(issue.message)
        self.issue = issue


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
    formula_like: bool | None = None  # some text cell starts like a spreadsheet formula (None: not known)
    charts: list | None = None  # a carried-over table's charts (catalog ChartInfo); None: compute them
    earlier: tuple | None = None  # an appended table's (live charts, live rows' largest rowid): append_charts.py


class ReleaseDatabase:
    """The release's portal.db while publish (or ``portal check``) fills it, one package at a time.

    Each package loads inside a savepoint, so a package that fails leaves no table behind."""

    def __init__(self, path: Path, previous_db: Path | None = None):
        self.path = path
        self.conn = connect(path, isolation_level=None)  # transactions are the savepoints below
        self.db = sqlite_utils.Database(self.conn)
        self.indexing: Future | None = None
        if previous_db is not None and previous_db.is_file():
            self.conn.execute("ATTACH DATABASE ? AS previous", [f"file:{previous_db}?mode=ro&immutable=1"])
        self.loads: dict[str, TableLoad] = {}
        self.unvouched: dict[str, str] = {}  # package -> why the fast path handed it to frictionless
        self.resources: dict[str, dict] = {}  # table -> resource descriptor
        self.copied: set[str] = set()  # tables copied with their indexes and full-text index

    def copy_package(self, descriptor: dict, loads: dict[str, TableLoad]) -> None:
        """A package's tables exactly as the previous release had them (same rows and indexes)."""
        with self.savepoint(descriptor.get("name")):
            for resource in descriptor["resources"]:
                with writing(self.path, loads[resource["name"]].package, resource["name"]):
                    copy_table(self.conn, resource["name"])
                self._register(resource, loads[resource["name"]])
                self.copied.add(resource["name"])

    def load_checked(self, source: PackageSource) -> bool:
        """Validate and load every resource of the package in one pass; False (and nothing loaded)
        when the fast path cannot vouch for it."""
        loaded = {}
        own = {r["name"] for r in source.descriptor["resources"]}
        missing = {t for r in source.descriptor["resources"] for _, t, _ in key_references(r)} - own - set(self.loads)
        if missing:
            self.unvouched[source.name] = f"referenced tables not loaded: {', '.join(sorted(missing))}"
            return False
        types = field_types([*self.resources.values(), *source.descriptor["resources"]])
        try:
            with scratch_databases(self.conn) as scratch, self.savepoint(source.name):
                for resource in self._load_order(source):
                    # an Unvouched that a full disk caused becomes DiskFull: frictionless cannot help with that
                    with writing(self.path, source.name, resource["name"]):
                        try:
                            create_table(self.db, resource)
                        except (ValueError, sqlite3.Error) as error:  # a key naming no field, say: frictionless
                            raise Unvouched(str(error)) from error  # says so
                        rows, found, formula_like = fast_load(self.conn, resource, source.resource_file(resource),
                                                              key_references(resource), types, scratch)
                        loaded[resource["name"]] = (resource, TableLoad(source.name, rows,
                                                                        self._stats(resource, rows, found), formula_like))
        except Unvouched as reason:
            self.unvouched[source.name] = str(reason)
            return False
        for resource, load in loaded.values():
            self._register(resource, load)
        return True

    def formula_like(self, source: PackageSource) -> bool:
        """Whether loading saw, in some table of the package, text starting like a spreadsheet formula."""
        return any(self.loads[r["name"]].formula_like for r in source.descriptor["resources"])

    def load_unchecked(self, source: PackageSource) -> None:
        """Load a package frictionless has passed, cell by cell with the portal's casters; raises
        LoadError (and loads nothing) on what SQLite cannot hold."""
        try:
            order = in_load_order(source.descriptor["resources"])
        except CycleError as error:
            raise LoadError(issue(str(source.descriptor_file), "portal-foreign-key",
                                  N_("tabel-tabel paket ini saling merujuk dalam lingkaran: SQLite perlu tabel rujukan "
                                     "lebih dulu"), field="foreignKeys")) from error
        loaded = []
        with self.savepoint(source.name):  # all of the package or, on any exception, none of it
            for resource in order:
                with writing(self.path, source.name, resource["name"]):
                    create_table(self.db, resource)
                    rows = insert_rows(self.db, source.resource_file(resource), resource)
                    loaded.append((resource, TableLoad(source.name, rows, column_stats(self.conn, resource, rows))))
        for resource, load in loaded:
            self._register(resource, load)

    def finish(self) -> dict[str, TableLoad]:
        """The tables are complete. Indexes on foreign keys, full-text search and statistics for the
        query planner are then built on a connection of their own, in a background thread, while
        publish reads the tables for downloads and the catalog; ``wait`` before using portal.db.
        WAL lets them read meanwhile (not used while loading: it would write every page twice)."""
        with writing(self.path):
            self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.close()
        background = ThreadPoolExecutor(max_workers=1)
        self.indexing = background.submit(build_indexes, self.path,
                                          {t: r for t, r in self.resources.items() if t not in self.copied})
        background.shutdown(wait=False)  # the thread ends with its one job
        return self.loads

    def wait(self) -> None:
        """Until the indexes are built; then portal.db is one file again (no -wal beside it)."""
        if self.indexing is not None:
            self.indexing.result()
        with writing(self.path), closing(connect(self.path)) as conn:
            conn.execute("PRAGMA journal_mode=DELETE")

    @staticmethod
    def _load_order(source: PackageSource) -> list[dict]:
        try:
            return in_load_order(source.descriptor["resources"])
        except CycleError as error:
            raise Unvouched("resources reference each other in a cycle") from error

    def close(self) -> None:
        """Close, letting any index building finish first (its errors are ``wait``'s to report)."""
        self.conn.close()
        if self.indexing is not None:
            futures.wait([self.indexing])

    @contextmanager
    def savepoint(self, package: str | None = None):
        """SAVEPOINT ... RELEASE, or ROLLBACK TO first on an exception (which propagates)."""
        self.conn.execute("SAVEPOINT package")
        try:
            yield
        except BaseException:
            # After SQLITE_FULL (and a few others) SQLite has already rolled the whole transaction back:
            # no savepoint is left, and "no such savepoint" would hide the error that matters.
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK TO package")
                self.conn.execute("RELEASE package")
            raise
        with writing(self.path, package):  # releasing the outermost savepoint commits: cached pages are written now
            self.conn.execute("RELEASE package")

    def _register(self, resource: dict, load: TableLoad) -> None:
        self.loads[resource["name"]] = load
        self.resources[resource["name"]] = resource

    def _stats(self, resource: dict, rows: int, found: dict[str, Extremes]) -> dict[str, ColumnStats]:
        distinct = distinct_counts(self.conn, resource, rows)
        return {name: ColumnStats(e.nulls, distinct[name], e.min, e.max) for name, e in found.items()}


def field_types(resources: list[dict]) -> dict[tuple[str, str], str]:
    """(table, column) -> Table Schema type, to compare the two sides of a foreign key."""
    return {(r["name"], f["name"]): f.get("type", "string") for r in resources for f in r["schema"]["fields"]}


def connect(path: Path, **options) -> sqlite3.Connection:
    """A connection that writes the release database (tests limit its size here to fill the disk)."""
    return sqlite3.connect(path, **options)


def build_indexes(db_path: Path, resources: dict[str, dict]) -> None:
    """Foreign-key indexes and full-text search for the loaded ``resources``; statistics for all tables."""
    with writing(db_path), closing(connect(db_path)) as conn:
        db = sqlite_utils.Database(conn)
        for table, resource in resources.items():
            with writing(db_path, table=table):
                for column in single_column_foreign_keys(resource):
                    db[table].create_index([column[0]], if_not_exists=True)
                searchable = searchable_columns(db, resource)
                if searchable:
                    # Datasette finds <table>_fts and offers a search box on the table page.
                    db[table].enable_fts(searchable, tokenize="unicode61 remove_diacritics 2")
        conn.execute("ANALYZE")
        conn.commit()


def copy_table(conn: sqlite3.Connection, table: str) -> None:
    """The table exactly as the previous release had it: same definition, rows, indexes and full-text
    index (its FTS5 shadow tables are copied as they are, instead of tokenizing every row again)."""
    definitions = conn.execute("select type, sql from previous.sqlite_master where tbl_name = ? and sql is not null "
                               "and type in ('table', 'index') order by type = 'index'", [table]).fetchall()
    for _, sql in definitions:  # the indexes before the rows: SQLite then copies their b-trees, no sorting
        conn.execute(sql)
    conn.execute(f'insert into main."{table}" select * from previous."{table}"')
    search = conn.execute("select sql from previous.sqlite_master where name = ?", [f"{table}_fts"]).fetchone()
    if search:
        conn.execute(search[0])  # creates FTS5's shadow tables
        shadows = [f"{table}_fts_{part}" for part in ("data", "idx", "content", "docsize", "config")]
        for (shadow,) in conn.execute("select name from main.sqlite_master where type = 'table' and name in "
                                      "(?, ?, ?, ?, ?)", shadows).fetchall():
            conn.execute(f'delete from main."{shadow}"')
            conn.execute(f'insert into main."{shadow}" select * from previous."{shadow}"')


def in_load_order(resources: list[dict]) -> list[dict]:
    """Referenced tables first: sqlite-utils checks that a foreign key's table exists."""
    by_name = {r["name"]: r for r in resources}
    graph = {name: {t for t in referenced_tables(r) if t in by_name} - {name} for name, r in by_name.items()}
    return [by_name[name] for name in TopologicalSorter(graph).static_order()]


def referenced_tables(resource: dict) -> set[str]:
    # A reference without a resource (or with "") points at the resource itself.
    return {fk["reference"].get("resource") or resource["name"] for fk in foreign_keys(resource)}


def key_references(resource: dict) -> list[tuple[list[str], str, list[str]]]:
    """(fields, target table, target fields) of each foreign key: in the package or in another
    (resource names are unique across the portal, so the target table is the resource name)."""
    return [(normalize_key(fk.get("fields")), fk["reference"].get("resource") or resource["name"],
             normalize_key(fk["reference"].get("fields"))) for fk in foreign_keys(resource)]


def single_column_foreign_keys(resource: dict) -> list[tuple[str, str, str]]:
    """(column, other table, other column); SQLite foreign keys are declared per column here."""
    keys = []
    for fields, table, other in key_references(resource):
        if len(fields) == 1 and len(other) == 1:
            keys.append((fields[0], table, other[0]))
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


def insert_rows(db: sqlite_utils.Database, path: Path, resource: dict) -> int:
    schema = resource["schema"]
    missing = set(schema.get("missingValues", [""]))
    names = [f["name"] for f in schema["fields"]]
    casters = [make_caster(f, missing) for f in schema["fields"]]
    count = 0

    def rows():
        nonlocal count
        with open_counted(path, newline="", encoding="utf-8-sig") as file:
            reader = csv.reader(file, **csv_dialect(resource))
            next(reader, None)  # header, already checked against the schema by frictionless
            for cells in counted_rows(reader):
                count += 1
                row = {}
                for name, cast, cell in zip(names, casters, cells):
                    try:
                        row[name] = cast(cell)
                    except ValueError as error:  # valid Table Schema that SQLite cannot hold
                        raise LoadError(issue(str(path), "portal-value-range", N_("nilai tidak dapat disimpan SQLite: "
                                                                                  "%(error)s"), row=count + 1,
                                              field=name, cell=cell[:200], error=str(error))) from error
                yield row

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


# Counting distinct values sorts each column: 10 s for 8 columns of 1M rows. Larger tables get exact
# counts up to DISTINCT_COUNT_LIMIT (enough for charts and the data dictionary) and None above it.
EXACT_DISTINCT_MAX_ROWS = 200_000
DISTINCT_COUNT_LIMIT = 1_000


def distinct_counts(conn: sqlite3.Connection, resource: dict, rows: int) -> dict[str, int | None]:
    table, names = resource["name"], [f["name"] for f in resource["schema"]["fields"]]
    key = normalize_key(resource["schema"].get("primaryKey"))
    if rows <= EXACT_DISTINCT_MAX_ROWS:
        return dict(zip(names, select_row(conn, [f'count(distinct "{n}")' for n in names], f'"{table}"')))
    counts = {}
    for name in names:
        if key == [name]:
            counts[name] = rows  # a primary key is unique and never empty
            continue
        found = conn.execute(f'select count(*) from (select distinct "{name}" from "{table}" where "{name}" is not null '
                             f'limit {DISTINCT_COUNT_LIMIT + 1})').fetchone()[0]
        counts[name] = found if found <= DISTINCT_COUNT_LIMIT else None
    return counts


def column_stats(conn: sqlite3.Connection, resource: dict, rows: int) -> dict[str, ColumnStats]:
    table, names = resource["name"], [f["name"] for f in resource["schema"]["fields"]]
    parts = [part for n in names for part in (f'count(*) - count("{n}")', f'min("{n}")', f'max("{n}")')]
    values = select_row(conn, parts, f'"{table}"')
    distinct = distinct_counts(conn, resource, rows)
    return {n: ColumnStats(values[i * 3], distinct[n], values[i * 3 + 1], values[i * 3 + 2]) for i, n in enumerate(names)}
