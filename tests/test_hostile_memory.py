"""Memory of a real `portal serve` (2 workers) while three clients send the SQL that costs the most
memory: the total RSS of every server process, sampled from /proc, stays under 500 MB.

Without the result budget (PORTAL_MAX_RESULT_MB) one of these queries alone made 2 GB; without the
SQLite heap limit (PORTAL_SQL_MEMORY_MB) json_group_array grew by ~300 MB."""

import asyncio
import time

import httpx
import pytest

from tests.process_memory import Sampler, server_root
from tests.servers import portal_server

WIDE = ("with recursive s(x, n) as (select 'ab', 0 union all select x || x, n + 1 from s where n < 15), "
        "big(x) as (select x from s order by n desc limit 1), c(i) as (select 1 union all select i + 1 from c "
        "limit {rows}) select {columns} from big, c")
ATTACKS = [WIDE.format(rows=1000, columns=", ".join(["x"] * 8)),  # 524 MB of JSON unbounded
           WIDE.format(rows=115, columns="x"),  # just under the 8 MB budget
           WIDE.format(rows=1000, columns="json_group_array(x)")]  # one 64 MB string inside SQLite


async def attack(base: str, sql: str, seconds: float) -> list[int]:
    statuses = []

    async def one_client(address: str):
        async with httpx.AsyncClient(base_url=base, timeout=30,
                                     transport=httpx.AsyncHTTPTransport(local_address=address)) as client:
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                statuses.append((await client.get("/sql/portal.json", params={"sql": sql})).status_code)

    await asyncio.gather(*(one_client(f"127.0.0.{n}") for n in (2, 3, 4)))
    return statuses


def test_server_memory_stays_bounded_under_memory_attacks(published_build):
    with portal_server(published_build, workers=2) as base:
        sampler = Sampler(server_root())
        sampler.start()
        try:
            assert httpx.get(base + "/sql/portal.json?sql=select+1").status_code == 200
            idle = sampler.settle(1.0)[0]
            outcomes, peaks = [], []
            for sql in ATTACKS:
                started = time.monotonic()
                outcomes.append(asyncio.run(attack(base, sql, 4.0)))
                time.sleep(0.2)
                peaks.append(max(s[1] for s in sampler.between(started, time.monotonic())) / 1024)
        finally:
            sampler.stopped.set()
            sampler.join()
    peak = max(sample[1] for sample in sampler.samples) / 1024
    assert set(outcomes[0]) <= {400, 429} and 400 in outcomes[0]  # refused before it is built
    assert 200 in outcomes[1]  # under the budget: answered
    assert set(outcomes[2]) <= {400, 429}
    assert peak < 500, f"peak RSS {peak:.0f} MB (idle {idle:.0f} MB, by attack {peaks})"


def test_the_result_budget_counts_each_query_alone():
    """60 bytes of text a query may return: two queries of 50 each pass, one of 100 stops at its second row."""
    import sqlite3

    from portal.sql import ResultBudget, ResultTooLarge

    conn = sqlite3.connect(":memory:")
    conn.row_factory = ResultBudget(60)
    assert len(conn.execute("select ?, 1, 2.5, NULL", ["x" * 50]).fetchall()) == 1
    assert conn.execute("select ?", [b"y" * 50]).fetchall()[0][0] == b"y" * 50
    with pytest.raises(ResultTooLarge):
        conn.execute("select ? union all select ?", ["a" * 50, "b" * 50]).fetchall()
    assert [tuple(row) for row in conn.execute("select 1, 2")] == [(1, 2)]
