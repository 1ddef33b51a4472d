"""'Unduh hasil filter': a table's filtered rows as Parquet (and the CSV link beside it), every matching
row up to PORTAL_MAX_EXPORT_ROWS, through the same ASGI object production serves."""

from __future__ import annotations

import csv
import io
import re
import json
import random
import sqlite3
import time
from urllib.parse import parse_qsl, urlsplit

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from datasette.database import QueryInterrupted

from portal import create_app, sql_parquet_export
from portal.asgi import PortalApplication, is_adhoc_sql
from portal.publish import publish
from portal.sql_parquet_export import write_export

from .conftest import FIXTURE_DATASETS, FIXTURE_METADATA, SyncASGIClient, copy_datasets
from .html import RELEASE, parse

ROWS = 1_200
KINDS = ("air", "jalan", "sampah")


def make_package(datasets, rows: int = ROWS) -> None:
    """A table large enough for many pages: every type, NULLs, and a table without a primary key (rowid)."""
    rng = random.Random(7)
    folder = datasets / "ekspor-uji"
    (folder / "data").mkdir(parents=True)
    lines = ["id,kategori,jumlah,nilai,tanggal,aktif,catatan"]
    for i in range(1, rows + 1):
        jumlah = "" if i % 11 == 0 else str(rng.randint(-5, 10_000))
        nilai = "" if i % 13 == 0 else f"{rng.uniform(0, 100):.2f}"
        catatan = "" if i % 7 == 0 else f"catatan {i}, \"kutip\""
        lines.append(f'{i},{KINDS[i % 3]},{jumlah},{nilai},2024-{1 + i % 12:02d}-{1 + i % 28:02d},'
                     f'{"true" if i % 2 else "false"},"{catatan.replace(chr(34), chr(34) * 2)}"')
    (folder / "data" / "ekspor_uji.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "data" / "tanpa_kunci.csv").write_text("kode,banyak\n" + "".join(f"k{i},{i}\n" for i in range(120)))
    fields = [{"name": "id", "type": "integer"}, {"name": "kategori", "type": "string"},
              {"name": "jumlah", "type": "integer"}, {"name": "nilai", "type": "number"},
              {"name": "tanggal", "type": "date"}, {"name": "aktif", "type": "boolean"},
              {"name": "catatan", "type": "string"}]
    descriptor = {
        "name": "ekspor-uji", "title": "Ekspor uji (Data sampel sintetis)", "description": "Baris untuk uji ekspor.",
        "publisher": "dlh", "author": "dlh", "maintainer": "diskominfo", "themes": ["governance"],
        "licenses": [{"name": "CC0-1.0"}], "sample": True, "accessRights": "terbuka", "accrualPeriodicity": "annual",
        "resources": [
            {"name": "ekspor_uji", "path": "data/ekspor_uji.csv", "schema": {"fields": fields, "primaryKey": ["id"]}},
            {"name": "tanpa_kunci", "path": "data/tanpa_kunci.csv",
             "schema": {"fields": [{"name": "kode", "type": "string"}, {"name": "banyak", "type": "integer"}]}}]}
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")


@pytest.fixture(scope="module")
def export_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("export")
    datasets = copy_datasets(root / "datasets", *sorted(FIXTURE_DATASETS.iterdir()))
    make_package(datasets)
    report = publish(datasets, FIXTURE_METADATA, root / "build")
    assert report.ok, report.all_issues()
    return root / "build"


def client_for(build, **config):
    app = create_app({"BUILD_DIR": str(build), "TESTING": True, "BASE_URL": "http://localhost", **config})
    return SyncASGIClient(PortalApplication(app))


@pytest.fixture(scope="module")
def export_client(export_build):
    client = client_for(export_build)
    yield client
    client.close()


@pytest.fixture(scope="module")
def capped_client(export_build):
    client = client_for(export_build, MAX_EXPORT_ROWS=500, SQL_TIME_LIMIT_MS=200)
    yield client
    client.close()


def parquet(response) -> pa.Table:
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"] == "application/vnd.apache.parquet"
    return pq.read_table(io.BytesIO(response.content))


def json_rows(client, table: str, query: str) -> list[dict]:
    response = client.get(f"/sql/portal/{table}.json?{query}&_shape=array&_size=max")
    assert response.status_code == 200, response.text[:300]
    return response.json()


@pytest.mark.parametrize("query", ["kategori__exact=air", "_where=jumlah+>+8000", "kategori=jalan&_sort_desc=nilai",
                                   "aktif=1&_col=kategori&_col=tanggal", "catatan__contains=kutip&jumlah__gt=50"])
def test_parquet_of_a_filter_is_every_matching_row_not_one_page(export_client, query):
    expected = json_rows(export_client, "ekspor_uji", query)
    assert 50 < len(expected) < 1000  # beyond the first page, within one JSON response
    response = export_client.get(f"/sql/portal/ekspor_uji.parquet?{query}")
    table = parquet(response)
    assert response.headers["x-export-rows"] == str(len(expected))
    assert response.headers["content-disposition"] == 'attachment; filename="ekspor_uji-filter.parquet"'
    rows = [{k: v.isoformat() if k == "tanggal" else v for k, v in row.items()} for row in table.to_pylist()]
    assert rows == [{k: bool(v) if k == "aktif" and v is not None else v for k, v in row.items()} for row in expected]


def test_columns_keep_the_catalog_types(export_client):
    schema = parquet(export_client.get("/sql/portal/ekspor_uji.parquet?kategori=air")).schema
    assert [(f.name, str(f.type)) for f in schema] == [
        ("id", "int64"), ("kategori", "string"), ("jumlah", "int64"), ("nilai", "double"), ("tanggal", "date32[day]"),
        ("aktif", "bool"), ("catatan", "string")]
    meta = pq.read_metadata(io.BytesIO(export_client.get("/sql/portal/ekspor_uji.parquet?kategori=air").content))
    assert meta.row_group(0).column(0).compression == "ZSTD"


def test_an_unfiltered_table_and_a_rowid_table_export_whole(export_client):
    whole = parquet(export_client.get("/sql/portal/ekspor_uji.parquet"))
    assert whole.num_rows == ROWS and whole.column("id").to_pylist() == list(range(1, ROWS + 1))
    rowid = parquet(export_client.get("/sql/portal/tanpa_kunci.parquet"))
    assert rowid.schema.field("rowid").type == pa.int64() and rowid.schema.field("banyak").type == pa.int64()
    assert rowid.column("banyak").to_pylist() == list(range(120))
    empty = parquet(export_client.get("/sql/portal/ekspor_uji.parquet?kategori=tidak-ada"))
    assert empty.num_rows == 0 and empty.schema.field("id").type == pa.int64()


def test_more_rows_than_the_cap_is_a_400_never_a_partial_file(capped_client):
    assert parquet(capped_client.get("/sql/portal/ekspor_uji.parquet?kategori=air")).num_rows == ROWS // 3  # 400, under the cap
    for query in ("", "aktif=1", "_where=id+>+0"):
        response = capped_client.get(f"/sql/portal/ekspor_uji.parquet?{query}")
        assert response.status_code == 400, query
        assert response.headers["content-type"].startswith("application/json")
        body = response.json()
        assert "more than 500 rows" in body["error"] and body["max_rows"] == 500
    # a count that timed out (or none asked) still stops at cap + 1 rows
    response = capped_client.get("/sql/portal/ekspor_uji.parquet?_nocount=1&_where=id+>+0")
    assert response.status_code == 400 and "matched" not in response.json()


def test_bad_filters_are_a_clear_400(export_client, capsys):
    for query in ("nope__exact=1", "_where=nope+>+1", "_where=id+>", "_sort=nope", "_col=nope"):
        response = export_client.get(f"/sql/portal/ekspor_uji.parquet?{query}")
        assert response.status_code == 400, (query, response.status_code, response.text[:300])
    assert "Traceback" not in capsys.readouterr().err
    assert export_client.get("/sql/portal/nope.parquet").status_code == 404
    for path in ("/sql/portal.parquet?sql=select+1", "/sql/portal/pengaduan_per_kelurahan.parquet",
                 "/sql/portal/ekspor_uji/1.parquet"):  # SQL, a canned query, a row: tables only
        response = export_client.get(path)
        assert response.status_code == 400 and "tables only" in response.json()["error"], path


def test_the_table_page_links_the_filtered_downloads(export_client):
    page = parse(export_client.get("/sql/portal/ekspor_uji?kategori__exact=air&_sort=nilai&_next=30"))
    block = page.css_first("#filtered-export")
    assert "Unduh hasil filter" in block.text() and "hingga 100.000 baris" in block.text()
    links = {a.attributes["data-export"]: a.attributes["href"] for a in block.css("a[data-export]")}
    expected = json_rows(export_client, "ekspor_uji", "kategori__exact=air&_sort=nilai")
    for kind, content_type in (("parquet", "application/vnd.apache.parquet"), ("csv", "text/csv")):
        url = urlsplit(links[kind])
        args = dict(parse_qsl(url.query))
        # In the release the page shows, so the export is of the same rows whatever goes live meanwhile.
        assert re.fullmatch(RELEASE + f"/sql/portal/ekspor_uji[.]{kind}", url.path) and args["kategori__exact"] == "air"
        assert "_next" not in args  # every matching row, not from this page on
        response = export_client.get(links[kind])
        assert response.status_code == 200 and response.headers["content-type"].startswith(content_type)
        if kind == "csv":
            assert args["_stream"] == "on" and args["_size"] == "max"
            rows = list(csv.DictReader(io.StringIO(response.text)))
            assert [int(r["id"]) for r in rows] == [r["id"] for r in expected]
        else:
            assert parquet(response).column("id").to_pylist() == [r["id"] for r in expected]


def test_the_page_in_english_and_over_the_cap(export_client, capped_client):
    english = parse(export_client.get("/sql/portal/ekspor_uji", headers={"cookie": "portal_lang=en"}))
    assert "Download filtered rows" in english.css_first("#filtered-export").text()
    assert "up to 100,000 rows" in english.css_first("#filtered-export").text()
    page = parse(capped_client.get("/sql/portal/ekspor_uji?aktif=1"))
    assert page.css_first("#filtered-export-too-many") is not None
    assert parse(capped_client.get("/sql/portal/ekspor_uji?kategori=air")).css_first("#filtered-export-too-many") is None


@pytest.mark.parametrize("path,query", [("/sql/portal/ekspor_uji.parquet", b""), ("/sql/portal/ekspor_uji.PARQUET", b""),
                                        ("/sql/portal/ekspor_uji.parquet", b"kategori=air"),
                                        ("/sql/portal/ekspor_uji.csv", b"_stream=on&_size=max"),
                                        ("/sql/portal/ekspor_uji.csv", b"_size=max")])
def test_exports_go_through_the_adhoc_sql_gate(path, query):
    assert is_adhoc_sql({"method": "GET", "path": path, "query_string": query})
    assert is_adhoc_sql({"method": "GET", "path": path.replace(".", "%2E"), "raw_path": path.replace(".", "%2E").encode(),
                         "query_string": query})
    assert not is_adhoc_sql({"method": "GET", "path": "/sql/portal/ekspor_uji.json", "query_string": b"kategori=air"})


def test_an_export_waits_its_turn_at_the_adhoc_gate(export_build):
    application = PortalApplication(create_app({"BUILD_DIR": str(export_build), "TESTING": True,
                                                "BASE_URL": "http://localhost"}))
    client = SyncASGIClient(application)
    try:
        assert application.adhoc.enter("127.0.0.1")  # httpx's ASGI client: this client's costly query is running
        response = client.get("/sql/portal/ekspor_uji.parquet")
        assert response.status_code == 429 and response.headers["retry-after"]
        application.adhoc.leave("127.0.0.1")
        assert client.get("/sql/portal/ekspor_uji.parquet").status_code == 200
        assert application.adhoc.running == {}
    finally:
        client.close()


def test_duckdb_reads_the_export(export_client, tmp_path):
    duckdb = pytest.importorskip("duckdb")
    path = tmp_path / "ekspor.parquet"
    path.write_bytes(export_client.get("/sql/portal/ekspor_uji.parquet?kategori__exact=air").content)
    assert duckdb.sql(f"select count(*), typeof(any_value(jumlah)) from '{path}'").fetchall() == [(ROWS // 3, "BIGINT")]


def test_a_filter_past_the_time_limit_is_a_json_400(capped_client):
    endless = "id+in+(with+recursive+c(x)+as+(select+1+union+all+select+x+%2B+1+from+c)+select+x+from+c+where+x+<+0)"
    response = capped_client.get(f"/sql/portal/ekspor_uji.parquet?_where={endless}")
    assert response.status_code == 400 and "time limit" in response.json()["error"]


def memory_table(rows: int, text: int = 10) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute("create table t (id integer, teks text)")
    conn.executemany("insert into t values (?, ?)", ((i, "x" * text) for i in range(rows)))
    return conn


SCHEMA = pa.schema([("id", pa.int64()), ("teks", pa.string())])


def test_the_export_query_stops_at_its_time():
    conn = memory_table(1)
    endless = "with recursive c(x) as (select 1 union all select x + 1 from c) select x, 'a' from c where x < 0 limit 5"
    started = time.perf_counter()
    with pytest.raises(QueryInterrupted):
        write_export(conn, endless, {}, SCHEMA, 50, 100, 0)
    assert time.perf_counter() - started < 1  # one limit when no row comes, not one per batch asked for


def test_batches_follow_the_width_of_the_rows_and_the_data_is_bounded(monkeypatch):
    monkeypatch.setattr(sql_parquet_export, "BATCH_BYTES", 100_000)
    body, rows = write_export(memory_table(3000, text=1000), "select id, teks from t order by id limit 3001", {},
                              SCHEMA, 1000, 3000, 0)
    meta = pq.read_metadata(io.BytesIO(body))
    groups = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
    assert rows == 3000 and sum(groups) == 3000 and groups[0] == 1024 and max(groups[1:]) < 200
    with pytest.raises(sql_parquet_export.ExportRefused, match="more than 1 MB"):
        write_export(memory_table(3000, text=1000), "select id, teks from t limit 3001", {}, SCHEMA, 1000, 3000,
                     1_000_000)


def test_values_that_do_not_fit_a_declared_type_are_a_clear_refusal():
    conn = sqlite3.connect(":memory:")
    conn.execute("create table t (id integer, teks text)")
    conn.executemany("insert into t values (?, ?)", [(1, None), ("satu", "a"), (None, 3)])
    # a column typed from SQLite's declaration only (publish validated the catalog's): text in an INTEGER column
    with pytest.raises(sql_parquet_export.ExportRefused, match="another type than declared"):
        write_export(conn, "select id, teks from t limit 10", {}, SCHEMA, 1000, 10, 0)
    body, rows = write_export(conn, "select id, teks from t where id is null or id = 1 limit 10", {}, SCHEMA, 1000, 10, 0)
    assert pq.read_table(io.BytesIO(body)).to_pylist() == [{"id": 1, "teks": None}, {"id": None, "teks": "3"}]
