"""Place pages (/wilayah/<kode>) of the bundled datasets: every area of metadata/wilayah.geojson in
both languages, with its outline, neighbours and the datasets with rows about it (counts checked
against SQL on the release's database); place search; codes linked to their pages in previews,
table browsing, Datasette, the sitemap and schema.org."""

from __future__ import annotations

import json
import re
import sqlite3
from contextlib import closing
from urllib.parse import parse_qs, urlparse

import extruct
import pytest

from portal.asgi import PortalApplication

from .conftest import ROOT, SyncASGIClient
from .html import RELEASE, parse, text

FEATURES = json.loads((ROOT / "metadata" / "wilayah.geojson").read_text(encoding="utf-8"))["features"]
PLACES = {f["properties"]["kode"]: f["properties"] for f in FEATURES}
KELURAHAN = [code for code, p in PLACES.items() if p["level"] == "kelurahan"]
REFERENCE = {"kelurahan": ("kota_malang_kelurahan", "kode"), "kecamatan": ("kota_malang_kecamatan", "kode")}


@pytest.fixture(scope="module")
def client(bundled_app):
    return bundled_app.test_client()


@pytest.fixture(scope="module")
def db(bundled_build):
    with closing(sqlite3.connect(f"file:{bundled_build / 'current' / 'portal.db'}?mode=ro", uri=True)) as conn:
        yield conn


@pytest.fixture(scope="module")
def sql_client(bundled_app):
    client = SyncASGIClient(PortalApplication(bundled_app))
    yield client
    client.close()


def keys_into(db, level: str) -> list[tuple[str, str]]:
    """(table, column) of every foreign key into the level's reference table, read from SQLite itself."""
    reference, key = REFERENCE[level]
    tables = [name for (name,) in db.execute("select name from sqlite_master where type = 'table'")]
    return [(table, fk[3]) for table in tables
            for fk in db.execute(f'pragma foreign_key_list("{table}")') if fk[2] == reference and fk[4] == key]


def test_the_bundled_outlines_hold_the_city_its_kecamatan_and_kelurahan():
    levels = [p["level"] for p in PLACES.values()]
    assert (levels.count("kota"), levels.count("kecamatan"), levels.count("kelurahan")) == (1, 5, 57)


@pytest.mark.parametrize("code", list(PLACES))
@pytest.mark.parametrize("language", ["id", "en"])
def test_every_place_has_a_page(client, db, code, language):
    place = PLACES[code]
    response = client.get(f"/wilayah/{code}" + ("?lang=en" if language == "en" else ""))
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = parse(response)
    assert page.css_first("html").attributes["lang"] == language
    assert text(page, "h1") == place["nama"]
    assert text(page, "#place-code") == code
    outline = page.css_first("svg#place-outline")
    assert outline is not None and outline.css_first("title") is not None
    assert len(outline.css_first("path.place-self").attributes["d"]) > 50
    heading = text(page, "#datasets-title")
    assert heading.startswith("Datasets about" if language == "en" else "Dataset tentang")
    # Neighbours: same level, each a link to its own page (the city has none in these outlines).
    neighbours = page.css("#place-neighbours a")
    if place["level"] == "kota":
        assert not neighbours and page.css_first("#no-neighbours") is not None
    else:
        assert neighbours
        for link in neighbours:
            other = link.attributes["data-code"]
            assert PLACES[other]["level"] == place["level"] and other != code
            assert urlparse(link.attributes["href"]).path == f"/wilayah/{other}"
            assert (parse_qs(urlparse(link.attributes["href"]).query).get("lang") == ["en"]) == (language == "en")
    # Every table listed counts exactly the rows SQL finds for this place.
    listed = {}
    for row in page.css("#place-datasets tbody tr"):
        table, column, rows, match = (row.attributes[k] for k in ("data-table", "data-column", "data-rows", "data-match"))
        condition = f'"{column}" = ?' if match == "exact" else f'"{column}" like ? || \'.%\''
        assert int(rows) == db.execute(f'select count(*) from "{table}" where {condition}', (code,)).fetchone()[0]
        listed[table] = int(rows)
    # ... and no table with rows about it is missing: every key into the kelurahan or kecamatan table.
    for level in ("kelurahan", "kecamatan"):
        for table, column in keys_into(db, level):
            found = db.execute(f'select count(*) from "{table}" where "{column}" = ? or "{column}" like ? || \'.%\'',
                               (code, code)).fetchone()[0]
            if found and (place["level"] != "kelurahan" or level == "kelurahan"):
                assert table in listed, (code, table, column)


def test_a_kelurahan_page_lists_its_datasets_with_links_to_filtered_tables_and_sql(client, sql_client, db):
    code = "35.73.05.1011"  # Lowokwaru, in Kecamatan Lowokwaru
    page = parse(client.get(f"/wilayah/{code}"))
    assert text(page, "#place-parent") == "Kecamatan Lowokwaru"
    assert "km²" in text(page, "#place-area") and "bukan angka resmi" in text(page, "#place-area")
    row = page.css_first('#place-datasets tr[data-table="sampel_pengaduan_layanan"]')
    expected = db.execute("select count(*) from sampel_pengaduan_layanan where kode_kelurahan = ?", (code,)).fetchone()[0]
    assert int(row.attributes["data-rows"]) == expected > 0
    assert "Data sampel sintetis" in row.text()
    filtered = row.css_first("a.filtered-table").attributes["href"]
    assert re.fullmatch(RELEASE + f"/sql/portal/sampel_pengaduan_layanan[?]kode_kelurahan={code}", filtered)
    table = sql_client.get(filtered + "&_size=max").text
    assert f"{expected:,}".replace(",", ".") + " baris" in table or f"{expected} baris" in table
    answer = sql_client.get(row.css_first("a.sql-query").attributes["href"].replace("/sql/portal?", "/sql/portal.json?")
                            + "&_shape=array").json()
    assert len(answer) == expected and {r["kode_kelurahan"] for r in answer} == {code}


def test_a_kecamatan_page_counts_the_rows_of_its_kelurahan_and_shows_real_figures(client, db):
    page = parse(client.get("/wilayah/35.73.02"))  # Klojen
    assert text(page, "#place-level") == "Kecamatan"
    children = {a.attributes["data-code"] for a in page.css("#place-children a")}
    assert children == {c for c in KELURAHAN if c.startswith("35.73.02.")}
    row = page.css_first('#place-datasets tr[data-table="sampel_pengaduan_layanan"]')
    assert row.attributes["data-match"] == "within"
    assert int(row.attributes["data-rows"]) == db.execute(
        "select count(*) from sampel_pengaduan_layanan where kode_kelurahan like '35.73.02.%'").fetchone()[0]
    assert "kode_kelurahan__startswith=35.73.02." in row.css_first("a.filtered-table").attributes["href"]
    figure = page.css_first('#place-figures li[data-column="penduduk_kda2023"]')
    assert "93.990" in figure.text() and "jiwa" in figure.text()  # the real BPS figure as quoted, Indonesian format
    assert figure.css_first('a[href="/dataset/penduduk-kecamatan-kota-malang"]') is not None
    assert "periode tidak dinyatakan" in figure.text() and figure.css_first(".badge-sample") is None
    english = parse(client.get("/wilayah/35.73.02?lang=en"))
    assert "93,990" in english.css_first('#place-figures li[data-column="penduduk_kda2023"]').text()


def test_figures_from_samples_are_marked(client):
    for code in PLACES:
        for figure in parse(client.get(f"/wilayah/{code}")).css("#place-figures li"):
            dataset = figure.attributes["data-dataset"]
            assert (figure.css_first(".badge-sample") is not None) == dataset.startswith("sampel-"), (code, dataset)


def test_the_place_index_lists_every_kecamatan_and_kelurahan(client):
    page = parse(client.get("/wilayah"))
    codes = {a.attributes.get("data-code") for a in page.css(".place-districts a[data-code]")}
    assert codes == set(KELURAHAN)
    assert len(page.css(".place-districts h2 a")) == 5
    assert page.css_first('#city-link a[href="/wilayah/35.73"]') is not None
    assert "/wilayah" in [a.attributes["href"] for a in page.css(".site-header nav a")]


def test_an_unknown_code_is_a_404_page(client):
    response = client.get("/wilayah/35.73.09.9999")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert client.get("/wilayah/35.73.09.9999/sekitar.geojson").status_code == 404


def test_geojson_clients_get_the_feature_at_the_same_iri(client):
    response = client.get("/wilayah/35.73.01", headers={"Accept": "application/geo+json"})
    assert response.mimetype == "application/geo+json"
    assert response.get_json()["properties"]["nama"] == "Blimbing"
    assert client.get("/wilayah/35.73.01.geojson").get_json()["geometry"]["type"] in ("Polygon", "MultiPolygon")
    browser = client.get("/wilayah/35.73.01", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert browser.mimetype == "text/html"
    around = client.get("/wilayah/35.73.01.1001/sekitar.geojson").get_json()
    roles = {f["properties"]["role"] for f in around["features"]}
    assert roles == {"place", "neighbour"}


@pytest.mark.parametrize("query, code", [("Tasik Madu", "35.73.05.1012"), ("tasikmadu", "35.73.05.1012"),
                                         ("kelurahan balearjosari", "35.73.01.1001"), ("Lowokwaru", "35.73.05"),
                                         ("Lowokwaru", "35.73.05.1011"), ("oro-oro dowo", "Oro-oro Dowo"),
                                         ("ORO ORO DOWO", "Oro-oro Dowo"), ("kota malang", "35.73")])
def test_search_offers_the_place_page(client, query, code):
    code = next((c for c, p in PLACES.items() if p["nama"] == code), code)
    page = parse(client.get("/dataset", query_string={"q": query}))
    offered = [a.attributes["href"] for a in page.css("#place-matches a")]
    assert f"/wilayah/{code}" in offered, offered


def test_search_without_a_place_name_offers_none(client):
    assert parse(client.get("/dataset?q=pengaduan")).css_first("#place-matches") is None


def test_codes_in_previews_and_table_pages_link_to_their_place(client):
    for path in ("/dataset/sampel-pengaduan-layanan", "/dataset/sampel-pengaduan-layanan/data/sampel_pengaduan_layanan",
                 "/dataset/kode-wilayah-indonesia"):
        page = parse(client.get(path))
        linked = page.css("td a.place-code")
        assert linked, path
        for link in linked[:5]:
            code = link.text()
            assert code in PLACES and link.attributes["href"] == f"/wilayah/{code}"
    # Codes that are not reference keys stay plain text (ids, dates).
    page = parse(client.get("/dataset/sampel-pengaduan-layanan/data/sampel_pengaduan_layanan"))
    assert not page.css('td[data-label="id"] a.place-code')


def test_codes_in_datasette_table_views_link_to_their_place(sql_client, client):
    page = parse(sql_client.get("/sql/portal/sampel_pengaduan_layanan?_size=5"))
    cells = page.css("td.col-kode_kelurahan")
    assert len(cells) == 5
    for cell in cells:
        place = cell.css_first("a.place-code")
        assert place is not None and place.attributes["href"] == f"/wilayah/{place.text()}"
        # The label keeps Datasette's link to the referenced row.
        row_link = next(a for a in cell.css("a") if re.match(RELEASE + "/sql/portal/kota_malang_kelurahan/", a.attributes["href"]))
        assert row_link.text() == PLACES[place.text()]["nama"]
        assert client.get(place.attributes["href"]).status_code == 200
    kelurahan = parse(sql_client.get("/sql/portal/kota_malang_kelurahan?_size=3&_labels=off"))
    assert [a.attributes["href"] for a in kelurahan.css("td.col-kode_kecamatan a.place-code")] == ["/wilayah/35.73.01"] * 3
    assert not parse(sql_client.get("/sql/portal?sql=select+kode_kelurahan+from+sampel_pengaduan_layanan+limit+2")
                     ).css("a.place-code")  # an SQL query's columns are not known to be codes


def test_place_pages_are_in_the_sitemap(client):
    body = client.get("/sitemap.xml").get_data(as_text=True)
    assert "<loc>http://localhost/wilayah</loc>" in body
    assert all(f"<loc>http://localhost/wilayah/{code}</loc>" in body for code in PLACES)


def test_place_pages_carry_schema_org_place(client):
    html = client.get("/wilayah/35.73.05.1011").get_data(as_text=True)
    (place,) = extruct.extract(html, base_url="http://localhost/wilayah/35.73.05.1011", syntaxes=["json-ld"])["json-ld"]
    assert place["@type"] == "Place" and place["name"] == "Lowokwaru"
    assert place["@id"] == "http://localhost/wilayah/35.73.05.1011"
    assert place["identifier"]["value"] == "35.73.05.1011"
    assert place["containedInPlace"]["@id"] == "http://localhost/wilayah/35.73.05"
    assert place["geo"]["@type"] == "GeoShape" and len(place["geo"]["box"].split()) == 4
    assert {n["@id"] for n in place["geoTouches"]} == {
        f"http://localhost/wilayah/{a.attributes['data-code']}" for a in parse_html(html).css("#place-neighbours a")}


def parse_html(html: str):
    from selectolax.lexbor import LexborHTMLParser

    return LexborHTMLParser(html)


def test_the_place_index_is_part_of_the_checked_release(bundled_build):
    manifest = json.loads((bundled_build / "current" / "manifest.json").read_text(encoding="utf-8"))
    assert "places.json" in json.dumps(manifest)
    index = json.loads((bundled_build / "current" / "places.json").read_text(encoding="utf-8"))
    assert len(index["places"]) == len(PLACES)


def test_the_search_api_offers_the_place_pages_too(client):
    places = client.get("/api/v1/search?q=lowokwaru").get_json()["places"]
    assert [(p["kode"], p["tingkat"]) for p in places] == [("35.73.05", "kecamatan"), ("35.73.05.1011", "kelurahan")]
    assert places[0]["url"] == "http://localhost/wilayah/35.73.05"
    assert client.get("/api/v1/search?q=pengaduan").get_json()["places"] == []


def test_datasette_links_codes_in_the_pages_language(sql_client, client):
    page = parse(sql_client.get("/sql/portal/sampel_pengaduan_layanan?_size=2", headers={"Cookie": "portal_lang=en"}))
    link = page.css_first("td.col-kode_kelurahan a.place-code").attributes["href"]
    assert link.endswith("?lang=en")
    assert parse(client.get(link)).css_first("html").attributes["lang"] == "en"
    page = parse(sql_client.get("/sql/portal/sampel_pengaduan_layanan?_size=2"))
    assert "?" not in page.css_first("td.col-kode_kelurahan a.place-code").attributes["href"]


def test_a_portal_whose_outlines_hold_only_the_city(app):
    # The fixture portal: metadata/wilayah.geojson has the city alone, and no table keys onto it.
    client = app.test_client()
    page = parse(client.get("/wilayah/35.73"))
    assert text(page, "h1") == "Kota Malang" and page.css_first("#no-datasets") is not None
    assert page.css_first("#no-neighbours") is not None and page.css_first("#place-children") is None
    assert parse(client.get("/wilayah")).css_first('#city-link a[href="/wilayah/35.73"]') is not None


def test_a_portal_without_outlines_has_no_place_pages(tmp_path):
    import shutil

    from portal import create_app
    from portal.publish import publish

    from .conftest import FIXTURE_DATASETS, FIXTURE_METADATA

    metadata = tmp_path / "metadata"
    shutil.copytree(FIXTURE_METADATA, metadata)
    (metadata / "wilayah.geojson").unlink()
    report = publish(FIXTURE_DATASETS, metadata, tmp_path / "build")
    assert report.ok, report.all_issues()
    client = create_app({"BUILD_DIR": str(tmp_path / "build"), "BASE_URL": "http://localhost"}).test_client()
    assert client.get("/wilayah/35.73").status_code == 404
    listing = client.get("/wilayah")
    assert listing.status_code == 200 and "Rilis ini tidak memuat batas wilayah." in listing.get_data(as_text=True)
    assert "localhost/wilayah<" not in client.get("/sitemap.xml").get_data(as_text=True)


def test_a_place_index_that_cannot_be_built_never_stops_a_publish(tmp_path, monkeypatch):
    from portal import create_app
    from portal.publish import place_facts, publish

    from .conftest import FIXTURE_DATASETS, FIXTURE_METADATA

    def broken(*args):
        raise ValueError("geometri rusak")

    monkeypatch.setattr(place_facts, "add_neighbours", broken)
    report = publish(FIXTURE_DATASETS, FIXTURE_METADATA, tmp_path / "build")
    assert report.release_id is not None and all(d.status == "published" for d in report.datasets)
    (problem,) = [i for i in report.issues if i.code == "portal-places"]
    assert "geometri rusak" in problem.message and problem.file.endswith("wilayah.geojson")
    client = create_app({"BUILD_DIR": str(tmp_path / "build"), "BASE_URL": "http://localhost"}).test_client()
    assert client.get("/wilayah/35.73").status_code == 404  # no page rather than a page without its facts
    assert client.get("/dataset/wilayah-mini").status_code == 200
