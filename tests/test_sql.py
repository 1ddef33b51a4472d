"""The mounted Datasette, through the same ASGI object production serves."""

import csv
import io
from urllib.parse import urljoin

import pytest

from .html import links, parse


def test_table_rows_as_json(asgi_client):
    response = asgi_client.get("/sql/portal/kelurahan_mini.json?_shape=array")
    assert response.status_code == 200
    assert response.json() == [
        {"kode": "35.73.01.1001", "nama": "Balearjosari", "kode_kecamatan": "35.73.01"},
        {"kode": "35.73.01.1002", "nama": "Arjosari", "kode_kecamatan": "35.73.01"},
        {"kode": "35.73.02.1001", "nama": "Klojen", "kode_kecamatan": "35.73.02"},
    ]


def test_sql_query_joins_across_packages(asgi_client):
    sql = ("select p.id, k.nama from pengaduan_mini p join kelurahan_mini k on k.kode = p.kode_kelurahan "
           "where p.selesai = 1 order by p.id")
    response = asgi_client.get("/sql/portal.json", params={"sql": sql, "_shape": "array"})
    assert response.json() == [{"id": 1, "nama": "Balearjosari"}, {"id": 3, "nama": "Klojen"},
                               {"id": 5, "nama": "Klojen"}]


def test_csv_export(asgi_client):
    response = asgi_client.get("/sql/portal/kecamatan_mini.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] in ("text/plain", "text/csv")
    assert list(csv.reader(io.StringIO(response.text))) == [["kode", "nama"], ["35.73.01", "Blimbing"],
                                                            ["35.73.02", "Klojen"]]


@pytest.mark.parametrize("path", ["/sql/", "/sql/portal", "/sql/portal/pengaduan_mini", 
                                  "/sql/portal/kelurahan_mini/35~2E73~2E01~2E1001",  # Datasette tilde-encodes dots
                                  "/sql/portal?sql=select+1", "/sql/-/metadata"])
def test_datasette_links_have_a_single_prefix_and_lead_back_to_the_portal(asgi_client, path):
    response = asgi_client.get(path, follow_redirects=True)
    assert response.status_code == 200, path
    hrefs = links(parse(response))
    assert not [h for h in hrefs if "/sql/sql/" in h]
    assert "/" in hrefs and "/dataset" in hrefs and "/about" in hrefs  # the portal's header
    assert [h for h in hrefs if h.startswith("/sql/")], "Datasette's own links keep the /sql/ prefix"


def test_table_page_shows_portal_metadata(asgi_client):
    page = parse(asgi_client.get("/sql/portal/pengaduan_mini"))
    body = page.body.text()
    assert "Pengaduan — Layanan mini (Data sampel sintetis)" in body
    assert "Data sampel sintetis — bukan fakta" in body
    assert "Biaya penanganan (satuan: rupiah)" in body


def test_table_page_links_to_the_whole_table_as_a_prebuilt_download(asgi_client):
    # Datasette's own CSV export stops at PORTAL_MAX_CSV_MB; the prebuilt file is the whole table
    link = parse(asgi_client.get("/sql/portal/pengaduan_mini")).css_first('a[data-part="full-csv"]')
    target = urljoin("/sql/portal/pengaduan_mini", link.attributes["href"])
    assert target == "/download/layanan-mini/pengaduan_mini.csv"
    assert asgi_client.get(target).status_code == 200


def test_unknown_urls_are_404_not_500(asgi_client, capsys):
    for path in ("/sql/nope", "/sql/portal/nope", "/sql/portal/nope.json"):
        assert asgi_client.get(path).status_code == 404, path
    # Datasette with rich installed would print a traceback with local variables here.
    assert "locals" not in capsys.readouterr().err


def test_pages_still_served_beside_datasette(asgi_client):
    response = asgi_client.get("/dataset/wilayah-mini")
    assert response.status_code == 200 and "Wilayah mini" in response.text
    assert asgi_client.get("/static/portal.css").status_code == 200


def test_sql_is_read_only(asgi_client):
    response = asgi_client.get("/sql/portal.json", params={"sql": "delete from kecamatan_mini"})
    assert response.status_code == 400
    assert asgi_client.get("/sql/portal/kecamatan_mini.json?_shape=array").json()[0]["kode"] == "35.73.01"


def test_foreign_keys_show_the_label_of_the_referenced_row(asgi_client):
    # Datasette expands kode_kelurahan with the kelurahan's name (label_column "nama").
    rows = asgi_client.get("/sql/portal/pengaduan_mini.json?_shape=array&_labels=on").json()
    assert rows[0]["kode_kelurahan"] == {"value": "35.73.01.1001", "label": "Balearjosari"}
    page = parse(asgi_client.get("/sql/portal/pengaduan_mini"))
    assert "Balearjosari" in page.body.text()


def test_example_query_is_a_canned_query(asgi_client):
    rows = asgi_client.get("/sql/portal/pengaduan_per_kelurahan.json?_shape=array").json()
    assert rows == [{"kelurahan": "Balearjosari", "jumlah": 2}, {"kelurahan": "Klojen", "jumlah": 2},
                    {"kelurahan": "Arjosari", "jumlah": 1}]


def test_full_text_search_on_descriptive_columns(asgi_client):
    rows = asgi_client.get("/sql/portal/kelurahan_mini.json?_search=klojen&_shape=array").json()
    assert [row["nama"] for row in rows] == ["Klojen"]
    raw = asgi_client.get("/sql/portal/kelurahan_mini.json?_search=arjo*&_searchmode=raw&_shape=array").json()
    assert [row["nama"] for row in raw] == ["Arjosari"]


def test_limits_are_configured(asgi_client):
    settings = asgi_client.get("/sql/-/settings.json").json()
    assert settings["suggest_facets"] is False and settings["sql_time_limit_ms"] == 1000
    assert settings["max_returned_rows"] == 1000 and settings["facet_time_limit_ms"] == 200
    assert settings["max_csv_mb"] == 100
