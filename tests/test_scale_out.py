"""Past one machine on real parts, all on 127.0.0.1: SeaweedFS holds what `portal push` uploads, two
`portal serve --from` replicas serve it, and nginx runs the shipped deploy/nginx/ snippets in front of both
(the upstream's failover parameters taken from deploy/nginx.conf). Checked as README "Skala besar" promises:
both replicas serve one release; a new push reaches both with no failed request; release-scoped URLs come
from nginx's cache; a killed replica loses no request; DuckDB reads a Parquet download over HTTP."""

from __future__ import annotations

import csv
import io
import os
import random
import re
import shutil
import signal
import threading
import time
from collections import Counter
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from portal.publish import publish
from portal.releases import current_release_id

from . import duckdb_support
from .conftest import FIXTURE_DATASETS, FIXTURE_METADATA
from .nginx_server import DEPLOY, NGINX, NOT_INSTALLED, nginx
from .replicas import cli, endpoint, replica_process, wait_for  # noqa: F401 (endpoint: a fixture)
from .servers import free_port

pytestmark = pytest.mark.skipif(NGINX is None, reason=NOT_INSTALLED)
LOCATION = "s3://portal/scale-out"
TABLE, DATASET = "pengaduan_mini", "layanan-mini"
# The shipped upstream's parameters (`server … max_fails=1 fail_timeout=5s;`), applied to both replicas here.
UPSTREAM_PARAMETERS = re.search(r"^\s*server 127\.0\.0\.1:8000 ([^;]+);", (DEPLOY / "nginx.conf").read_text(),
                                re.M).group(1)


@dataclass
class Cluster:
    build: Path
    endpoint: str  # SeaweedFS's S3 API
    proxy: str = ""  # nginx
    replicas: dict[str, object] = field(default_factory=dict)  # base URL -> its server process
    access_log: Path | None = None

    def push(self) -> None:
        pushed = cli("push", "--build", str(self.build), "--to", LOCATION, "--endpoint-url", self.endpoint)
        assert pushed.returncode == 0, pushed.stderr


@contextmanager
def front(prefix: Path, port: int, upstream_ports: list[int]):
    servers = "".join(f"server 127.0.0.1:{p} {UPSTREAM_PARAMETERS}; " for p in upstream_ports)
    with nginx(prefix, f"""
    proxy_cache_path {prefix / 'cache'} levels=1:2 keys_zone=portal:4m max_size=256m;
    upstream portal {{ {servers}keepalive 8; }}
    include portal/http.conf;
    server {{ listen 127.0.0.1:{port}; server_name portal.test; include portal/server.conf; }}""", port) as base:
        yield base


@pytest.fixture(scope="module")
def cluster(endpoint, tmp_path_factory):
    folder = tmp_path_factory.mktemp("scale-out")
    build = folder / "build"
    assert publish(FIXTURE_DATASETS, FIXTURE_METADATA, build).ok
    port = free_port()
    # Both replicas write every absolute URL for the proxy's address, and believe its X-Forwarded-For.
    env = {"PORTAL_BASE_URL": f"http://127.0.0.1:{port}", "PORTAL_TRUSTED_PROXIES": "127.0.0.1"}
    state = Cluster(build, endpoint, access_log=folder / "nginx" / "access.log")
    state.push()
    with ExitStack() as stack:
        for name in ("a", "b"):
            base, process = stack.enter_context(replica_process(endpoint, LOCATION, folder / name, 1, env))
            state.replicas[base] = process
        state.proxy = stack.enter_context(front(folder / "nginx", port, [int(b.rsplit(":", 1)[1]) for b in state.replicas]))
        yield state


def serving(base: str) -> str | None:
    try:
        return httpx.get(base + "/-/health", timeout=5).json()["serving"]
    except (httpx.HTTPError, ValueError):
        return None


class Visitors:
    """Clients through nginx, each from its own address (nginx's limits are per address), each at a steady
    pace below them; every answer is counted by status (or error name)."""

    def __init__(self, proxy: str, paths, count: int = 4, pause: float = 0.08):
        self.proxy, self.paths, self.pause = proxy, paths, pause
        self.answers, self.stop = Counter(), threading.Event()
        self.threads = [threading.Thread(target=self.visit, args=(f"127.0.0.{10 + i}",)) for i in range(count)]

    def visit(self, address: str) -> None:
        transport = httpx.HTTPTransport(local_address=address)
        with httpx.Client(base_url=self.proxy, timeout=15, transport=transport) as http:
            while not self.stop.is_set():
                try:
                    self.answers[http.get(self.paths()).status_code] += 1
                except httpx.HTTPError as error:
                    self.answers[type(error).__name__] += 1
                time.sleep(self.pause)

    def __enter__(self):
        [thread.start() for thread in self.threads]
        return self

    def __exit__(self, *exc):
        self.stop.set()
        [thread.join() for thread in self.threads]


def test_both_replicas_serve_the_pushed_release_behind_nginx(cluster):
    release = current_release_id(cluster.build)
    assert [serving(base) for base in cluster.replicas] == [release, release]
    through = httpx.get(cluster.proxy + "/api/v1/releases", timeout=10)
    assert through.status_code == 200 and through.json()["current"] == release


def immutable_paths(proxy: str, release: str) -> list[str]:
    catalog = httpx.get(f"{proxy}/r/{release}/api/v1/datasets", timeout=10).json()["datasets"]
    paths = [f"/r/{release}/api/v1/datasets", f"/r/{release}/api/v1/releases"]
    for summary in catalog:
        dataset = httpx.get(f"{proxy}/r/{release}/api/v1/datasets/{summary['name']}", timeout=10).json()
        number = dataset["versions"][-1]["number"]
        paths.append(f"/r/{release}/api/v1/datasets/{dataset['name']}")
        for resource in dataset["resources"]:
            paths += [f"/r/{release}/sql/portal/{resource['name']}.json", f"/r/{release}/sql/portal/{resource['name']}",
                      f"/download/{dataset['name']}/v{number}/{resource['name']}.csv"]
    return paths


def test_release_scoped_urls_are_served_from_nginx_s_cache(cluster):
    release = current_release_id(cluster.build)
    paths = immutable_paths(cluster.proxy, release)
    statuses, wrong = Counter(), []
    rng = random.Random(17)

    def load(address: str) -> None:
        with httpx.Client(base_url=cluster.proxy, timeout=15, transport=httpx.HTTPTransport(local_address=address)) as http:
            for _ in range(60):
                response = http.get(rng.choice(paths))
                if response.status_code != 200 or "immutable" not in response.headers.get("cache-control", ""):
                    wrong.append((str(response.url), response.status_code, response.headers.get("cache-control")))
                statuses[response.headers.get("x-cache-status", "-")] += 1

    threads = [threading.Thread(target=load, args=(f"127.0.0.{20 + i}",)) for i in range(8)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    total = sum(statuses.values())
    ratio = statuses["HIT"] / total
    print(f"\n{total} requests over {len(paths)} release-scoped URLs: cache hit ratio {ratio:.1%} ({dict(statuses)})")
    assert not wrong, wrong[:5]
    assert total == 480 and ratio >= 0.9, statuses
    # What the cache gives is what a replica gives.
    some = next(p for p in paths if p.endswith(".json") and "/sql/" in p) + "?_shape=array"
    assert httpx.get(cluster.proxy + some).json() == httpx.get(next(iter(cluster.replicas)) + some).json()


def test_a_new_push_reaches_both_replicas_with_no_failed_request(cluster, tmp_path):
    first = current_release_id(cluster.build)
    datasets = tmp_path / "datasets"
    shutil.copytree(FIXTURE_DATASETS, datasets)
    table = next((datasets / DATASET).rglob(f"{TABLE}.csv"))
    lines = table.read_text(encoding="utf-8").splitlines(keepends=True)
    table.write_text("".join(lines[:-1]), encoding="utf-8")  # one complaint fewer
    old_urls = [f"/r/{first}/sql/portal/{TABLE}.json", f"/r/{first}/api/v1/datasets"]
    counter = iter(range(10**9))
    pages = ["/", "/dataset", "/api/v1/datasets"]
    fixed = old_urls + [f"/sql/portal/{TABLE}.json"]  # the alias of the table: cached a minute by nginx
    # Pages with a new query each time, so the replicas answer them (not the cache), and cached URLs.
    with Visitors(cluster.proxy, lambda: f"{random.choice(pages)}?v={next(counter)}"
                  if random.random() < 0.5 else random.choice(fixed)) as visitors:
        time.sleep(1)
        assert publish(datasets, FIXTURE_METADATA, cluster.build).ok
        second = current_release_id(cluster.build)
        pushed = time.monotonic()
        cluster.push()
        assert wait_for(lambda: all(serving(base) == second for base in cluster.replicas), seconds=30)
        picked_up = time.monotonic() - pushed
        new = httpx.get(f"{cluster.proxy}/r/{second}/sql/portal/{TABLE}.json?_shape=array", timeout=10)
        time.sleep(1)
    assert set(visitors.answers) == {200}, visitors.answers
    assert len(new.json()) == len(httpx.get(f"{cluster.proxy}/r/{first}/sql/portal/{TABLE}.json?_shape=array").json()) - 1
    print(f"\nboth replicas served {second} {picked_up:.1f} s after the push; "
          f"{sum(visitors.answers.values())} requests through nginx meanwhile, all 200")
    assert picked_up < 30


def test_killing_a_replica_loses_no_request(cluster):
    counter = iter(range(10**9))
    paths = ["/dataset", "/api/v1/datasets", "/about", f"/api/v1/datasets/{DATASET}"]  # ?k=…: never cached
    with Visitors(cluster.proxy, lambda: f"{random.choice(paths)}?k={next(counter)}") as visitors:
        time.sleep(2)
        before = sum(visitors.answers.values())
        victim, process = next(iter(cluster.replicas.items()))
        os.killpg(process.pid, signal.SIGKILL)  # the server and its workers, mid-request
        process.wait(timeout=10)
        time.sleep(4)
    total = sum(visitors.answers.values())
    assert set(visitors.answers) == {200}, visitors.answers
    assert total - before > 50  # the survivor served the load on its own
    lost = total - visitors.answers[200]
    print(f"\nkilled {victim}: {total} requests ({total - before} after the kill), {lost} lost")
    survivor = next(base for base in cluster.replicas if base != victim)
    assert serving(survivor) == current_release_id(cluster.build)


def test_duckdb_reads_a_parquet_download_over_http_as_the_csv(cluster):
    dataset = httpx.get(f"{cluster.proxy}/api/v1/datasets/{DATASET}", timeout=10).json()
    base = f"{cluster.proxy}/download/{DATASET}/v{dataset['versions'][-1]['number']}/{TABLE}"
    duck = duckdb_support.connect()
    parquet = duck.sql(f"select * from read_parquet('{base}.parquet') order by id").fetchall()
    text = httpx.get(base + ".csv", timeout=10).text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(parquet) == len(rows) > 0
    columns = [c[0] for c in duck.sql(f"describe select * from read_parquet('{base}.parquet')").fetchall()]
    assert columns == list(rows[0])
    for got, expected in zip(parquet, rows):
        for value, column in zip(got, columns):
            shown = expected[column]
            if value is None:
                assert shown == "", column
            elif isinstance(value, bool):
                assert shown == str(value).lower(), column
            elif isinstance(value, float):
                assert value == float(shown), column
            else:
                assert str(value) == shown, column
    # DuckDB read the file by ranges, through nginx, as it would from any web server.
    log = cluster.access_log.read_text()
    assert re.search(rf'"GET /download/{DATASET}/v\d+/{TABLE}\.parquet HTTP/1\.1" 206 ', log), log[-2000:]
