"""One query's memory: the per-query limit (portal/sql_query_memory.py) stops the query whose SQLite memory
grows, before the process-wide heap limit is reached and makes some other visitor's query fail; and freed
memory goes back to the system after a burst of costly SQL (portal/memory.py)."""

import asyncio
import json
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest
from datasette.database import QueryInterrupted

from portal import create_app, memory, sql_query_memory
from portal.asgi import PortalApplication
from portal.config import resolve_settings

ROOT = Path(__file__).resolve().parent.parent

# A 64 kB string, then json_group_array over 1,000 copies: one 64 MB string grown inside SQLite.
GROWING = ("with recursive s(x, n) as (select 'ab', 0 union all select x || x, n + 1 from s where n < 15), "
           "big(x) as (select x from s order by n desc limit 1), c(i) as (select 1 union all select i + 1 from c "
           "limit 1000) select length(json_group_array(x)) from big, c")


def test_a_statement_without_a_growing_aggregate_is_checked_seldom(monkeypatch):
    """The time limit needs a check every TIME_CHECK_EVERY instructions; every CHECK_EVERY is for statements
    with json_group_array/json_group_object only (a Python call each: the cost bench/bench_mount.py measured)."""
    checks = []
    monkeypatch.setattr(sql_query_memory.time, "perf_counter", lambda: checks.append(1) or 0.0)
    conn = sqlite3.connect(":memory:")
    sql_query_memory.watch_statements(conn)
    counting = "with recursive c(i) as (select 1 union all select i + 1 from c limit 200000) select count(*) from c"
    for sql, fewest, most in [(counting, 10, 400), (counting.replace("count(*)", "length(json_group_array(i))"), 4000, 10**6)]:
        checks.clear()
        with sql_query_memory.limited_by(10**9)(conn, 10**9):  # far from either limit: only the checks count
            conn.execute(sql).fetchone()
        assert fewest <= len(checks) <= most, (sql[-40:], len(checks))


def test_only_statements_with_growing_aggregates_are_held_to_the_limit():
    """SQLite's memory counter is the process's: other queries' memory moves it too. A query without
    json_group_array/json_group_object is never stopped for memory, even past the limit (a big sort)."""
    conn = sqlite3.connect(":memory:")
    sql_query_memory.watch_statements(conn)
    big_sort = ("select count(*), max(x) from (select x, printf('%0500d', x) as pad from (with recursive c(x) as "
                "(select 1 union all select x + 1 from c limit 30000) select x from c) order by random())")
    with sql_query_memory.limited_by(100_000)(conn, 10_000):
        assert conn.execute(big_sort).fetchone()[0] == 30_000  # grew by megabytes: not stopped
    with pytest.raises(sqlite3.OperationalError):  # the same limit on a growing aggregate stops it
        with sql_query_memory.limited_by(100_000)(conn, 10_000):
            conn.execute(GROWING).fetchall()


def test_sqlite_memory_counter_is_the_one_python_uses():
    """Without it the per-query limit would silently do nothing."""
    assert sql_query_memory.memory_used is not None
    before = sql_query_memory.memory_used()
    conn = sqlite3.connect(":memory:")
    conn.execute("create table t(x)")
    conn.executemany("insert into t values (?)", [("y" * 10_000,)] * 200)
    assert sql_query_memory.memory_used() > before + 1_000_000
    conn.close()


def isolated(scenario: str):
    """Run ``scenario`` (a function of this module) in a fresh interpreter and return what it returns: SQLite's
    heap limit and memory counter are the process's, and earlier tests (Datasette instances) set and use them."""
    code = f"import json, tests.test_query_memory as t; print(json.dumps(t.{scenario}()))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_growing_aggregate_is_stopped_at_the_query_limit():
    assert isolated("growing_aggregate_scenario") == {"stopped": True, "message_names_limit": True, "unlimited_length_ok": True}


def growing_aggregate_scenario() -> dict:
    outcome = {}
    limits = sql_query_memory.limited_by(8_000_000)
    conn = sqlite3.connect(":memory:")
    sql_query_memory.watch_statements(conn)
    try:
        with limits(conn, 5_000):
            try:
                conn.execute(GROWING).fetchall()
            except sqlite3.OperationalError as error:  # what Datasette's execute turns "interrupted" into
                raise QueryInterrupted(error, GROWING, {}) if error.args == ("interrupted",) else error
        outcome["stopped"] = False
    except sql_query_memory.QueryNeedsTooMuchMemory as error:
        outcome["stopped"], outcome["message_names_limit"] = True, "(8 MB)" in str(error)
    # The same query within a large enough limit runs to the end: the limit is about memory, not the query.
    with sql_query_memory.limited_by(200_000_000)(conn, 5_000):
        outcome["unlimited_length_ok"] = conn.execute(GROWING).fetchone()[0] > 64_000_000
    return outcome


def run(coroutine):
    return asyncio.new_event_loop().run_until_complete(coroutine)


def test_datasette_answers_the_growing_query_with_400_naming_the_limit(published_build):
    application = PortalApplication(create_app({"BUILD_DIR": str(published_build), "SQL_QUERY_MEMORY_MB": 8}))

    async def ask():
        transport = httpx.ASGITransport(app=application, client=("127.0.0.5", 1000))
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as client:
            return await client.get("/sql/portal.json", params={"sql": GROWING})

    response = run(ask())
    assert response.status_code == 400
    assert "Query needs more memory than a query may use (8 MB)" in response.text


SMALL_QUERIES = 40


def test_normal_queries_keep_working_beside_growing_aggregates():
    result = isolated("beside_growing_aggregates_scenario")
    assert result["protected"] == [0, SMALL_QUERIES]
    assert result["unprotected_failed"] > 0, result  # the situation the limit exists for


def beside_growing_aggregates_scenario() -> dict:
    """More connections than a worker runs ad-hoc queries at once grow aggregates while another runs small
    queries, under the default heap limit (PORTAL_SQL_MEMORY_MB): with the default per-query limit the small
    queries never fail. Without it the aggregates fill the heap and the small queries fail too. (A growing
    string doubles when it grows, so a query can hold twice its limit before it is stopped: the defaults
    keep ADHOC_SQL_TOTAL x 2 x SQL_QUERY_MEMORY_MB under SQL_MEMORY_MB.)"""
    settings = resolve_settings()
    # One more grower than a worker runs ad-hoc queries at once (ADHOC_SQL_TOTAL), at least three: harsher than
    # what the gate lets happen.
    heap_limit, growers = settings["SQL_MEMORY_MB"] * 1_000_000, max(3, settings["ADHOC_SQL_TOTAL"] + 1)

    def failures(query_limit: int, ceiling: int) -> tuple[int, int]:
        limits = sql_query_memory.limited_by(query_limit, ceiling)
        heap = sqlite3.connect(":memory:")
        previous = heap.execute("pragma hard_heap_limit").fetchone()[0]
        heap.execute(f"pragma hard_heap_limit = {heap_limit}")
        stop, failed, done = threading.Event(), [0], [0]

        def grow():
            conn = sqlite3.connect(":memory:", check_same_thread=False)
            sql_query_memory.watch_statements(conn)
            while not stop.is_set():
                try:
                    with limits(conn, 5_000):
                        conn.execute(GROWING).fetchall()
                except (sqlite3.Error, MemoryError, Exception):
                    pass

        def small():
            conn = sqlite3.connect(":memory:", check_same_thread=False)
            for _ in range(SMALL_QUERIES):
                try:  # a visitor's query needing a few MB: a 600 kB string, grown by doubling
                    conn.execute("select length(group_concat(x)) from (with recursive c(x) as (select 1 union all "
                                 "select x + 1 from c limit 100000) select x from c)").fetchall()
                    done[0] += 1
                except (sqlite3.Error, MemoryError):
                    failed[0] += 1
            stop.set()

        threads = [threading.Thread(target=grow) for _ in range(growers)] + [threading.Thread(target=small)]
        [t.start() for t in threads]
        [t.join(60) for t in threads]
        stop.set()
        heap.execute(f"pragma hard_heap_limit = {previous}")
        return failed[0], done[0]

    protected = failures(settings["SQL_QUERY_MEMORY_MB"] * 1_000_000, int(heap_limit * sql_query_memory.CEILING_SHARE))
    return {"protected": list(protected), "unprotected_failed": failures(10_000_000_000, 0)[0]}


def test_a_trim_skipped_within_the_second_runs_once_it_is_over(monkeypatch):
    calls = []
    monkeypatch.setattr(memory, "_malloc_trim", lambda pad: calls.append(pad))
    monkeypatch.setattr(memory, "_last_trim", 0.0)
    monkeypatch.setattr(memory, "_pending", None)
    monkeypatch.setattr(memory, "TRIM_EVERY_SECONDS", 0.2)

    async def burst():
        assert memory.give_back_memory() is True  # the first request of the burst trims at once
        assert memory.give_back_memory() is False  # the next ones, within the interval, schedule one trim
        assert memory.give_back_memory() is False
        assert len(calls) == 1
        await asyncio.sleep(0.35)
        return len(calls)

    assert run(burst()) == 2  # the burst's last memory is given back without another request


def test_large_blocks_get_their_own_mappings():
    assert memory.use_own_mappings_above() is True  # glibc's mallopt accepted M_MMAP_THRESHOLD
