"""Reading a dataset: language in links, table browsing, charts, embeds, being found."""

import json
import xml.etree.ElementTree as ElementTree

from portal.publish.charts import find_geo

from .html import links, parse, text, texts

ATOM = "{http://www.w3.org/2005/Atom}"


def test_language_travels_in_links_and_hreflang(client):
    page = parse(client.get("/dataset?lang=en"))
    assert page.css_first("html").attributes["lang"] == "en"
    switch = page.css_first("#switch-language").attributes["href"]
    internal = [h for h in links(page) if h.startswith("/") and not h.startswith(("/static", "/download", "/sql"))
                and h != switch]
    assert internal and all("lang=en" in h for h in internal), [h for h in internal if "lang=en" not in h]
    assert switch == "/dataset?lang=id"
    alternates = {n.attributes["hreflang"]: n.attributes["href"] for n in page.css("link[rel=alternate][hreflang]")}
    assert alternates["en"].endswith("lang=en") and alternates["id"].endswith("lang=id")
    default = parse(client.get("/dataset"))
    assert default.css_first("html").attributes["lang"] == "id"
    assert [h for h in links(default) if "lang=" in h] == ["/dataset?lang=en"]  # only the switch


def test_table_browsing_sorts_filters_and_pages(client):
    url = "/dataset/layanan-mini/data/pengaduan_mini"
    page = parse(client.get(url + "?sort=biaya&order=desc"))
    first_row = [td.text(strip=True) for td in page.css(".browse-table tbody tr")[0].css("td")]
    assert first_row[:4] == ["3", "2024-02-01", "35.73.02.1001Klojen", "20000.0"]  # the code, and its name
    assert page.css_first("th[aria-sort=descending] a").attributes["data-sort-column"] == "biaya"
    filtered = parse(client.get(url + "?column=kode_kelurahan&contains=35.73.02"))
    assert filtered.css_first("#row-count").attributes["data-total"] == "2"
    assert texts(filtered, ".browse-table tbody td[data-label=id]") == ["3", "5"]
    # Only catalogued columns can be sorted or filtered on; anything else is ignored, not run.
    hostile = client.get(url, query_string={"sort": 'id"; drop table x; --', "column": "x\"", "contains": "%"})
    assert hostile.status_code == 200
    assert len(parse(hostile).css(".browse-table tbody tr")) == 5
    assert client.get("/dataset/layanan-mini/data/nope").status_code == 404


def test_paging_of_rows(client):
    from portal import preview

    page = parse(client.get("/dataset/layanan-mini/data/pengaduan_mini"))
    assert page.css_first(".pagination") is None  # 5 rows fit one page
    assert preview.PAGE_ROWS == 25


def test_automatic_chart_with_title_description_and_data_table(client):
    page = parse(client.get("/dataset/layanan-mini"))
    (figure,) = page.css("#resource-pengaduan_mini figure.chart-figure")
    large, wide, narrow = figure.css("svg.chart")  # one drawing for desktops, one for tablets, one for phones
    assert [svg.attributes["class"].split()[-1] for svg in (large, wide, narrow)] == ["chart-large", "chart-wide", "chart-narrow"]
    for svg in (large, wide, narrow):
        assert svg.attributes["role"] == "img" and svg.attributes["data-points"] == "5"
        assert text(svg, "title") == "Pengaduan per hari"  # rows dated by the day, counted
        assert "5 titik data" in text(svg, "desc")
    ids = [node.attributes["id"] for node in figure.css("[id]")]
    assert len(ids) == len(set(ids))
    assert len(figure.css("details.chart-data tbody tr")) == 5
    assert "/embed/layanan-mini/pengaduan_mini/chart/0" in text(figure, "textarea")


def test_embed_pages_carry_the_source_line(client):
    chart = parse(client.get("/embed/layanan-mini/pengaduan_mini/chart/0"))
    assert chart.css_first("svg.chart") is not None
    source = chart.css_first(".source-line")
    assert "Layanan mini" in text(source, "a") and "Data sampel sintetis" in text(source, "*")
    table = parse(client.get("/embed/wilayah-mini/kecamatan_mini/table"))
    assert texts(table, "td[data-label=nama]") == ["Blimbing", "Klojen"]
    assert client.get("/embed/layanan-mini/pengaduan_mini/chart/9").status_code == 404


def test_declared_views_and_maps_are_read_from_the_descriptor():
    resource = {"name": "titik", "schema": {"fields": [{"name": "nama", "type": "string"},
                                                       {"name": "lintang", "type": "number"},
                                                       {"name": "bujur", "type": "number"}],
                                            "primaryKey": ["nama"]}}
    geo = find_geo(resource)
    assert (geo.latitude, geo.longitude, geo.label) == ("lintang", "bujur", "nama")
    assert find_geo({"name": "x", "schema": {"fields": [{"name": "nama", "type": "string"}]}}) is None


def test_structured_data_and_open_graph(client):
    page = parse(client.get("/dataset/wilayah-mini"))
    data = json.loads(page.css_first("script[type='application/ld+json']").text())
    assert data["@type"] == "Dataset" and data["name"] == "Wilayah mini"
    assert data["license"] == "https://opensource.org/licenses/MIT"
    assert data["creator"]["name"] == "Kementerian Dalam Negeri"
    assert data["temporalCoverage"] == "2025-01-01/2025-12-31"
    assert data["spatialCoverage"]["name"] == "Kota Malang" and data["spatialCoverage"]["identifier"] == "35.73"
    assert [d["contentUrl"] for d in data["distribution"]][:2] == [
        "http://localhost/download/wilayah-mini/kecamatan_mini.csv",
        "http://localhost/download/wilayah-mini/kecamatan_mini.excel.csv"]
    og = {n.attributes["property"]: n.attributes["content"] for n in page.css("meta[property^='og:']")}
    assert og["og:title"] == "Wilayah mini" and og["og:url"] == "http://localhost/dataset/wilayah-mini"


def test_atom_feed_sitemap_and_robots(client):
    feed = ElementTree.fromstring(client.get("/feed.atom").data)
    entries = feed.findall(f"{ATOM}entry")
    assert sorted(e.find(f"{ATOM}title").text for e in entries) == [
        "Layanan mini (Data sampel sintetis) — versi 1", "Wilayah mini — versi 1"]
    assert client.get("/feed.atom").mimetype == "application/atom+xml"
    sitemap = ElementTree.fromstring(client.get("/sitemap.xml").data)
    locations = [loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "http://localhost/dataset/wilayah-mini" in locations and "http://localhost/changes" in locations
    assert "Sitemap: http://localhost/sitemap.xml" in client.get("/robots.txt").get_data(as_text=True)


def test_home_key_figures_link_their_source(client):
    page = parse(client.get("/"))
    (figure,) = page.css(".key-figures li")
    assert text(figure, ".figure-value") == "3"
    assert figure.css_first("a").attributes["href"] == "/dataset/wilayah-mini"
    assert texts(page, ".latest .dataset-card h3")  # latest updates listed


def test_dataset_page_is_light(client):
    html = client.get("/dataset/wilayah-mini").data
    css = client.get("/static/portal.css").data
    assert len(html) + len(css) < 200_000
    assert b"leaflet" not in html  # the map library loads only where there is a map


def test_the_table_browser_shows_names_beside_codes(client):
    """As Datasette does: a column pointing at a reference table shows the referenced row's name."""
    page = parse(client.get("/dataset/layanan-mini/data/pengaduan_mini"))
    cells = page.css("td[data-label=kode_kelurahan]")
    assert cells and all(cell.css_first(".code-label") is not None for cell in cells)
    assert text(cells[0], ".code-label") == "Balearjosari" and text(cells[0], "*").startswith("35.73.01.1001")
    assert page.css_first("td[data-label=kategori] .code-label") is None  # not a code
