"""The portal's JSON API, its OpenAPI document, and a schemathesis run against it."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from .html import parse


def test_dataset_list_and_one_dataset(client):
    listing = client.get("/api/v1/datasets").get_json()
    assert listing["count"] == 2 and [d["name"] for d in listing["datasets"]] == ["layanan-mini", "wilayah-mini"]
    assert listing["datasets"][1]["api_url"] == "http://localhost/api/v1/datasets/wilayah-mini"
    one = client.get("/api/v1/datasets/wilayah-mini").get_json()
    (kecamatan, _) = one["resources"]
    assert [f["name"] for f in kecamatan["fields"]] == ["kode", "nama"]
    assert kecamatan["downloads"]["xlsx"] == "http://localhost/download/wilayah-mini/kecamatan_mini.xlsx"
    assert kecamatan["sql_url"] == "http://localhost/sql/portal/kecamatan_mini"
    assert one["versions"][0]["number"] == 1 and one["author"] == "kemendagri"


def test_search_with_facets_and_paging(client):
    result = client.get("/api/v1/search?q=mini&theme=society").get_json()
    assert result["count"] == 1 and result["results"][0]["name"] == "layanan-mini"
    themes = {v["value"]: v for v in result["facets"]["theme"]}
    assert themes["society"] == {"value": "society", "count": 1, "selected": True}
    assert client.get("/api/v1/search?page=2").get_json()["page"] == 1  # past the end: the last page


def test_releases(client, published_build):
    from portal.releases import current_release_id

    data = client.get("/api/v1/releases").get_json()
    assert data["current"] == current_release_id(published_build)
    assert data["releases"][0]["added"] == ["layanan-mini", "wilayah-mini"]


def test_errors_are_json_with_cors(client):
    for url, status in [("/api/v1/datasets/nope", 404), ("/api/v1/datasets?per_page=0", 400),
                        ("/api/v1/search?sort=x", 400), ("/api/v1/nothing-here", 404)]:
        response = client.get(url)
        assert response.status_code == status, url
        assert response.get_json()["status"] == status
    assert client.get("/api/v1/datasets").headers["Access-Control-Allow-Origin"] == "*"


def test_openapi_document_and_docs_page(client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.") and set(spec["paths"]) == {
        "/api/v1/datasets", "/api/v1/datasets/{name}", "/api/v1/search", "/api/v1/releases"}
    page = parse(client.get("/api"))
    assert len(page.css(".endpoint")) == 4


@pytest.fixture(scope="module")
def api_schema(app):
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_never_answers_with_a_server_error(case):
    case.call_and_validate()


def test_odd_numbers_are_refused_not_crashed_on(client):
    # Found by schemathesis: "²".isdigit() is True but int("²") raises.
    for value in ("²", "0", "-1", "1.5", "1e3", ""):
        assert client.get("/api/v1/search", query_string={"page": value}).status_code in (200, 400), value
    assert client.get("/api/v1/datasets", query_string={"per_page": "²"}).status_code == 400
