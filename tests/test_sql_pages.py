"""Datasette's pages as the portal's own (issue 15): language, titles, the way back to the dataset,
the synthetic-data banner, labelled filters. Through the same ASGI object production serves."""

import re

import pytest

from .html import RELEASE, parse, text

ENGLISH = {"Cookie": "portal_lang=en"}


@pytest.fixture()
def fresh_cookies(asgi_client):
    """asgi_client is shared by the session: a language cookie set here must not reach other tests."""
    asgi_client.client.cookies.clear()
    yield asgi_client
    asgi_client.client.cookies.clear()


@pytest.mark.parametrize("path", ["/sql/", "/sql/portal", "/sql/portal/pengaduan_mini",
                                  "/sql/portal/kelurahan_mini/35~2E73~2E01~2E1001", "/sql/portal?sql=select+1",
                                  "/sql/portal/pengaduan_per_kelurahan", "/sql/portal/nope"])
def test_every_page_family_is_one_portal_page_in_indonesian(asgi_client, path):
    response = asgi_client.get(path)
    assert response.status_code in (200, 404), path
    page = parse(response)
    assert page.css_first("html").attributes["lang"] == "id"
    assert len(page.css("footer")) == 1 and len(page.css("header")) == 1  # one contentinfo, one banner
    assert page.css_first("a.skip-link").attributes["href"] == "#main" and page.css_first("main#main")
    assert page.css_first("footer.site-footer").parent.tag == "body"  # not inside Datasette's footer
    assert page.css_first('link[href="/static/datasette.css"]')
    assert text(page, "title").endswith(" · Portal Uji")  # the fixture portal's title
    assert "Ditenagai" in text(page, ".powered")


def test_english_from_the_cookie(asgi_client):
    page = parse(asgi_client.get("/sql/portal/pengaduan_mini", headers=ENGLISH))
    assert page.css_first("html").attributes["lang"] == "en"
    assert "Powered by" in text(page, ".powered") and "This data as" in text(page, ".export-links")
    assert page.css_first('input[type="submit"]').attributes["value"] == "Apply"
    switch = page.css_first("#switch-language")
    assert re.fullmatch(RELEASE + "/sql/portal/pengaduan_mini[?]lang=id", switch.attributes["href"])  # this release's
    # Links to the portal's own pages carry the language in ?lang=, as the portal's pages do.
    assert page.css_first("#dataset-link").attributes["href"] == "/dataset/layanan-mini?lang=en"


def test_lang_parameter_becomes_the_cookie_not_a_column_filter(fresh_cookies):
    response = fresh_cookies.get("/sql/portal/pengaduan_mini?lang=en&_size=2")
    assert response.status_code == 302
    assert response.headers["location"] == "/sql/portal/pengaduan_mini?_size=2"
    assert "portal_lang=en" in response.headers["set-cookie"] and "Path=/;" in response.headers["set-cookie"]
    page = parse(fresh_cookies.get(response.headers["location"]))
    assert page.css_first("html").attributes["lang"] == "en"
    assert "where" not in text(page, "h2.row-count")  # not "0 rows where lang = en"
    assert "rows" in text(page, "h2.row-count")
    back = fresh_cookies.get("/sql/portal/pengaduan_mini?lang=id")
    assert "portal_lang=id" in back.headers["set-cookie"]


def test_pages_vary_by_the_language_cookie(asgi_client):
    vary = asgi_client.get("/sql/portal/pengaduan_mini").headers["vary"].lower()
    assert "cookie" in vary and "accept-encoding" in vary


def test_lang_stays_a_filter_in_the_json_api(asgi_client):
    response = asgi_client.get("/sql/portal/pengaduan_mini.json?lang=en")
    assert response.status_code != 302  # Datasette reads it (as a column filter), no redirect


def test_english_portal_pages_link_into_sql_with_their_language(client):
    page = parse(client.get("/dataset/layanan-mini?lang=en"))
    assert "/sql/portal?lang=en" in [a.attributes.get("href") for a in page.css("header a")]
    links = [a.attributes.get("href") or "" for a in page.css("a")]
    assert [link for link in links if re.fullmatch(RELEASE + "/sql/portal/pengaduan_mini[?]lang=en", link)]
    assert [a for a in page.css("a.button") if re.match(RELEASE + "/sql/portal/", a.attributes.get("href", ""))
            and a.attributes["href"].endswith("?lang=en")]


def test_table_page_title_back_link_and_sample_banner(asgi_client):
    page = parse(asgi_client.get("/sql/portal/pengaduan_mini"))
    assert text(page, "title").startswith("Pengaduan — Layanan mini (Data sampel sintetis)")
    assert "portal" not in text(page, "title").split(" · ")[0]
    assert page.css_first("#dataset-link").attributes["href"] == "/dataset/layanan-mini"
    assert "bukan fakta tentang Kota Malang" in text(page, "#sample-banner")


def test_a_table_of_real_data_has_no_sample_banner(asgi_client):
    page = parse(asgi_client.get("/sql/portal/kelurahan_mini"))
    assert page.css_first("#dataset-link") is not None
    assert page.css_first("#sample-banner") is None


def test_row_page_links_back_and_names_the_row(asgi_client):
    page = parse(asgi_client.get("/sql/portal/pengaduan_mini/1"))
    assert text(page, "title").startswith("pengaduan_mini: 1")
    assert page.css_first("#dataset-link").attributes["href"] == "/dataset/layanan-mini"
    assert page.css_first("#sample-banner") is not None


def test_canned_query_page_names_the_query_and_wraps_its_sql(asgi_client):
    page = parse(asgi_client.get("/sql/portal/pengaduan_per_kelurahan"))
    assert "pengaduan" in text(page, "title").lower() and not text(page, "title").startswith("portal")
    assert page.css_first("#dataset-link").attributes["href"] == "/dataset/layanan-mini"
    assert page.css_first("#sample-banner") is not None
    assert "wrapped-sql" in page.css_first("pre#sql-query").attributes["class"]


def test_ad_hoc_query_page(asgi_client):
    page = parse(asgi_client.get("/sql/portal?sql=select+1"))
    assert text(page, "title").startswith("Kueri SQL")
    assert page.css_first("#dataset-link").attributes["href"] == "/dataset"


def test_error_page_in_indonesian(asgi_client):
    response = asgi_client.get("/sql/portal/nope")
    assert response.status_code == 404
    assert "Tabel tidak ditemukan" in text(parse(response), "[role=alert]")


def test_error_page_in_english_with_a_language_switch(asgi_client):
    response = asgi_client.get("/sql/portal/nope", headers=ENGLISH)
    assert response.status_code == 404
    page = parse(response)
    assert page.css_first("html").attributes["lang"] == "en"
    assert text(page, "[role=alert]") == "Table not found"
    assert re.fullmatch(RELEASE + "/sql/portal/nope[?]lang=id", page.css_first("#switch-language").attributes["href"])
    assert asgi_client.get("/sql/portal/nope.json").json()["status"] == 404


def test_every_filter_control_is_labelled(asgi_client):
    page = parse(asgi_client.get("/sql/portal/pengaduan_mini?kanal=web"))
    controls = page.css("form.filters select, form.filters input:not([type=hidden]):not([type=submit])")
    assert controls
    for control in controls:
        labelled = control.attributes.get("aria-label") or (
            control.attributes.get("id") and page.css_first(f'label[for="{control.attributes["id"]}"]')) or (
            control.parent.tag == "label")
        assert labelled, control.html
