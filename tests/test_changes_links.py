"""Issue 15: every file link on a dataset's changes page is a real file with its own Content-Type."""

from .html import parse

MIMETYPES = {".excel.csv": "text/csv", ".csv": "text/csv", ".json": "application/json", ".zip": "application/zip",
             ".geojson": "application/geo+json", ".parquet": "application/vnd.apache.parquet",
             ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def expected_type(url: str) -> str:
    return next(mimetype for suffix, mimetype in MIMETYPES.items() if url.endswith(suffix))


def test_every_version_link_of_every_bundled_dataset_answers_with_its_format(bundled_app):
    client = bundled_app.test_client()
    catalog = client.get("/api/3/action/package_list").get_json()["result"]
    assert catalog, "the bundled datasets publish"
    checked = set()
    for name in catalog:
        page = parse(client.get(f"/dataset/{name}/changes"))
        urls = [node.attributes["href"] for node in page.css(".downloads-inline a")]
        assert urls, name
        for url in urls:
            response = client.head(url)
            assert response.status_code == 200, url
            assert response.mimetype == expected_type(url), url
            assert not url.endswith((".xlsx.csv", ".json.csv", ".excel.csv.csv")), url
            checked.add(url.rsplit(".", 1)[-1])
    assert {"csv", "xlsx", "json", "zip"} <= checked


def test_link_text_is_the_file_name(bundled_app):
    page = parse(bundled_app.test_client().get("/dataset/sampel-kualitas-udara/changes"))
    for node in page.css(".downloads-inline a"):
        assert node.attributes["href"].endswith("/" + node.text(strip=True)) or node.text(strip=True).endswith(".zip")
