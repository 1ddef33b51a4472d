import re

from .html import RELEASE, links, parse, text, texts


def test_home_shows_figures_and_the_six_dimensions(client):
    page = parse(client.get("/"))
    assert text(page, "h1") == "Portal Uji"
    assert text(page, "#figure-datasets") == "2"
    assert text(page, "#figure-tables") == "3"
    assert text(page, "#figure-rows") == "10"
    counts = {node.attributes["data-theme-count"]: node.text(strip=True) for node in page.css("[data-theme-count]")}
    assert counts == {"governance": "2 dataset", "branding": "0 dataset", "economy": "0 dataset",
                      "living": "0 dataset", "environment": "0 dataset", "society": "1 dataset"}
    assert page.css_first("html").attributes["lang"] == "id"


def test_dataset_list_and_search(client):
    page = parse(client.get("/dataset"))
    assert texts(page, ".dataset-card h3") == ["Wilayah mini", "Layanan mini (Data sampel sintetis)"]  # real first
    page = parse(client.get("/dataset?q=KELURAHAN"))  # a column/table word, any case
    assert texts(page, ".dataset-card h3") == ["Wilayah mini", "Layanan mini (Data sampel sintetis)"]
    page = parse(client.get("/dataset?q=lingkungan"))  # the publisher's name
    assert texts(page, ".dataset-card h3") == ["Layanan mini (Data sampel sintetis)"]
    page = parse(client.get("/dataset?q=tidakadakatainix"))
    assert texts(page, ".dataset-card") == [] and page.css_first(".empty") is not None


def test_dataset_page_shows_metadata_downloads_columns_and_preview(client):
    page = parse(client.get("/dataset/wilayah-mini"))
    assert text(page, "#dataset-title") == "Wilayah mini"
    assert text(page, "[data-field=publisher]") == "Dinas Komunikasi dan Informatika · kontak"
    assert text(page, "[data-field=licenses]") == "MIT License"
    assert text(page, "ul[data-field=sources]") == "Kepmendagri (uji)"
    assert text(page, "[data-field=accrualPeriodicity]") == "Tidak tentu"
    assert page.css_first(".badge-sample") is None
    assert page.css_first("#resource-kelurahan_mini .rows").attributes["data-rows"] == "3"
    assert texts(page, "table.preview[data-table=kecamatan_mini] tbody td") == ["35.73.01", "Blimbing",
                                                                                 "35.73.02", "Klojen"]
    hrefs = links(page)
    assert "/download/wilayah-mini/kecamatan_mini.csv" in hrefs
    assert "/download/wilayah-mini.zip" in hrefs
    assert [h for h in hrefs if re.fullmatch(RELEASE + "/sql/portal/kelurahan_mini", h)]  # browsing: this release
    assert "/sql/portal/kelurahan_mini.json?_shape=array" in hrefs  # the API for scripts: the live release
    assert text(page, "#cite-apa").startswith("Kementerian Dalam Negeri. (2")
    assert "Wilayah mini (Versi 1) [Data set]. Dinas Komunikasi dan Informatika. Diakses" in text(page, "#cite-apa")
    assert text(page, "#cite-bibtex").startswith("@misc{wilayah_mini_v1,")


def test_sample_dataset_is_badged_everywhere_it_appears(client):
    page = parse(client.get("/dataset/layanan-mini"))
    assert text(page, ".notice-sample .badge-sample") == "Data sampel sintetis"
    for url in ("/", "/dataset", "/theme/society", "/publisher/dlh"):
        card = parse(client.get(url)).css_first("[data-dataset=layanan-mini]")
        assert card is not None and text(card, ".badge-sample") == "Data sampel sintetis", url


def test_dictionary_shows_units_and_links_foreign_keys(client):
    page = parse(client.get("/dataset/layanan-mini"))
    row = page.css_first(".dictionary-table tr[data-field=biaya]")
    assert text(row, "[data-part=title]") == "Biaya"
    assert text(row, "[data-part=description]") == "Biaya penanganan"
    assert text(row, "[data-part=unit]") == "rupiah"
    assert text(row, "[data-part=type]") == "number"
    reference = page.css_first(".dictionary-table tr[data-field=kode_kelurahan] [data-part=reference]")
    assert reference.attributes["href"] == "/dataset/wilayah-mini#resource-kelurahan_mini"


def test_theme_and_publisher_pages(client):
    page = parse(client.get("/theme/governance"))
    assert text(page, "h1") == "Smart Governance"
    assert sorted(texts(page, ".dataset-card h3")) == ["Layanan mini (Data sampel sintetis)", "Wilayah mini"]
    page = parse(client.get("/publisher/diskominfo"))
    assert text(page, "h1") == "Dinas Komunikasi dan Informatika"
    assert texts(page, ".dataset-card h3") == ["Wilayah mini"]
    assert len(parse(client.get("/theme")).css(".theme-list > li")) == 6
    assert len(parse(client.get("/publisher")).css(".leaderboard tbody tr")) == 2  # the ones with datasets


def test_about_names_the_live_release(client, published_build):
    from portal.releases import current_release_id

    page = parse(client.get("/about"))
    assert text(page, "#release-id") == current_release_id(published_build)


def test_unknown_things_are_404_with_a_search_box(client):
    for url in ("/dataset/nope", "/theme/nope", "/publisher/nope", "/nope"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert parse(response).css_first("form[role=search]") is not None


def test_no_release_yet_is_a_clear_503(tmp_path):
    from portal import create_app

    response = create_app({"BUILD_DIR": str(tmp_path)}).test_client().get("/")
    assert response.status_code == 503
    assert "publish.py" in response.get_data(as_text=True)
