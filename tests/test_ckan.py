"""The CKAN-compatible Action API, called the way harvesters call it: ckanapi against a real `portal serve`."""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import subprocess
import sys
import uuid

import ckanapi
import httpx
import pytest
from ckanapi.errors import CKANAPIError, NotAuthorized, NotFound, ValidationError

from portal.ckan.ids import organization_id, package_id

from .servers import free_port, wait_until_up

DATASETS = ["layanan-mini", "wilayah-mini"]
THEMES = ["branding", "economy", "environment", "governance", "living", "society"]


@pytest.fixture(scope="module")
def base_url(published_build):
    port = free_port()
    command = [sys.executable, "-m", "portal", "serve", "--build", str(published_build), "--port", str(port),
               "--workers", "2"]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=os.environ.copy())
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/api/3/action/status_show", server)
        yield base
    finally:
        server.terminate()
        try:
            server.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.communicate(timeout=10)


@pytest.fixture(scope="module")
def remote(base_url):
    # GET: under `portal serve` (granian) a request body cannot be read yet, see test_post_through_portal_serve.
    with ckanapi.RemoteCKAN(base_url) as ckan:  # POST with JSON bodies, ckanapi's default
        yield ckan


@pytest.fixture(scope="module")
def manifest(base_url):
    return httpx.get(base_url + "/download/release/manifest.json").json()["files"]


def test_status_and_package_list(remote, base_url):
    status = remote.action.status_show()
    assert status["site_url"] == base_url and status["ckan_version"].startswith("2.")
    assert remote.action.package_list() == DATASETS
    assert remote.action.package_list(limit=1, offset=1) == ["wilayah-mini"]


def test_package_show(remote, base_url, manifest):
    package = remote.action.package_show(id="wilayah-mini")
    assert package["name"] == "wilayah-mini" and package["id"] == package_id("wilayah-mini")
    assert str(uuid.UUID(package["id"])) == package["id"]  # a UUID, stable: derived from the name
    assert remote.action.package_show(id=package["id"]) == package  # CKAN's package_show takes either
    assert package["title"] == "Wilayah mini"
    assert package["url"] == f"{base_url}/dataset/wilayah-mini"
    assert package["organization"]["name"] == "diskominfo"
    assert package["owner_org"] == package["organization"]["id"] == organization_id("diskominfo")
    assert package["organization"]["is_organization"] is True
    assert package["author"] == "Kementerian Dalam Negeri" and package["author_email"] is None  # Produsen Data
    assert package["maintainer"] == "Dinas Komunikasi dan Informatika"  # Walidata
    assert package["maintainer_email"] == "data@example.org"  # from metadata/publishers.yaml
    assert [group["name"] for group in package["groups"]] == ["governance"]
    assert [tag["name"] for tag in package["tags"]] == ["wilayah", "kode"] and package["num_tags"] == 2
    assert all(str(uuid.UUID(tag["id"])) == tag["id"] for tag in package["tags"])
    # MIT is not in CKAN's licence register: "Other (Open)", which CKAN counts as open; the SPDX id stays.
    assert (package["license_id"], package["license_title"], package["isopen"]) == ("other-open", "Other (Open)", True)
    assert package["license_url"] == "https://opensource.org/licenses/MIT"
    assert (package["state"], package["type"], package["private"]) == ("active", "dataset", False)
    assert package["version"] == "1" and package["metadata_created"] <= package["metadata_modified"]
    # As CKAN emits it: naive UTC with microseconds (publish records them), datetime.isoformat()'s form.
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?", package["metadata_modified"])
    assert datetime.datetime.fromisoformat(package["metadata_modified"]).isoformat() == package["metadata_modified"]

    # Every download is a resource: per table CSV, CSV for Excel, XLSX, JSON, Parquet; then the zip.
    resources = package["resources"]
    assert package["num_resources"] == len(resources) == 11
    assert [r["position"] for r in resources] == list(range(11))
    files = {r["url"].rsplit("/", 1)[1]: r for r in resources}
    assert list(files) == ["kecamatan_mini.csv", "kecamatan_mini.excel.csv", "kecamatan_mini.xlsx",
                           "kecamatan_mini.json", "kecamatan_mini.parquet", "kelurahan_mini.csv",
                           "kelurahan_mini.excel.csv", "kelurahan_mini.xlsx", "kelurahan_mini.json",
                           "kelurahan_mini.parquet", "wilayah-mini.zip"]
    assert files["kelurahan_mini.parquet"]["format"] == "Parquet"
    formats = {name: (r["format"], r["mimetype"]) for name, r in files.items()}
    assert formats["kecamatan_mini.csv"] == ("CSV", "text/csv") and formats["wilayah-mini.zip"] == ("ZIP", "application/zip")
    assert formats["kecamatan_mini.xlsx"][0] == "XLSX" and formats["kecamatan_mini.json"] == ("JSON", "application/json")
    for name, resource in files.items():
        listed = manifest[f"files/wilayah-mini/data/{name}" if name.endswith("_mini.csv") else
                          f"downloads/{name}" if name.endswith(".zip") else f"downloads/wilayah-mini/{name}"]
        assert (resource["hash"], resource["size"]) == (listed["sha256"], listed["bytes"]), name
        assert resource["package_id"] == package["id"] and resource["last_modified"] == package["metadata_modified"]
        downloaded = httpx.get(resource["url"])
        assert hashlib.sha256(downloaded.content).hexdigest() == resource["hash"], name
    assert files["kecamatan_mini.csv"]["table_name"] == "kecamatan_mini" and files["kecamatan_mini.csv"]["rows"] == 2

    # The Satu Data Indonesia fields: top-level under their national names, and as extras.
    assert package["accrualPeriodicity"] == "irregular" and package["satuan"] == "kode"
    extras = {extra["key"]: extra["value"] for extra in package["extras"]}
    assert extras["accrualPeriodicity"] == "irregular"
    assert extras["accessRights"] == "terbuka"
    assert extras["satuan"] == "kode" and extras["ukuran"] == "daftar"
    assert extras["data_prioritas"] == "false" and extras["sample"] == "false"
    assert extras["dasar_hukum"] == '["Kepmendagri (uji)"]'
    assert extras["temporal"] == '{"start": "2025-01-01", "end": "2025-12-31"}'
    assert (extras["temporal_start"], extras["temporal_end"]) == ("2025-01-01", "2025-12-31")
    assert extras["license_spdx"] == "MIT"
    # spatial is GeoJSON (ckanext-spatial's field): the outline of Kota Malang; the code on its own.
    assert extras["kode_wilayah"] == package["kode_wilayah"] == "35.73" and extras["spatial_text"] == "Kota Malang"
    geometry = json.loads(extras["spatial"])
    assert geometry["type"] == "Polygon" and len(geometry["coordinates"][0]) > 10
    assert package["spatial"] == extras["spatial"]
    assert all(isinstance(value, str) for value in extras.values())
    assert [extra["key"] for extra in package["extras"]] == sorted(extras)


def test_package_search(remote):
    found = remote.action.package_search(q="wilayah")
    assert found["count"] == 1 and [p["name"] for p in found["results"]] == ["wilayah-mini"]

    everything = remote.action.package_search(**{"facet.field": ["organization", "groups"]})
    assert everything["count"] == 2
    facets = {field: {item["name"]: item["count"] for item in facet["items"]}
              for field, facet in everything["search_facets"].items()}
    assert facets == {"organization": {"diskominfo": 1, "dlh": 1}, "groups": {"governance": 2, "society": 1}}
    assert everything["search_facets"]["groups"]["title"] == "groups"
    assert everything["facets"]["groups"] == {"governance": 2, "society": 1}

    society = remote.action.package_search(fq="groups:society", **{"facet.field": ["organization", "groups"]})
    assert society["count"] == 1 and society["results"][0]["name"] == "layanan-mini"
    assert {item["name"]: item["count"] for item in society["search_facets"]["groups"]["items"]} == \
        {"governance": 1, "society": 1}

    # Facets count every match, not only the page.
    one_row = remote.action.package_search(rows=1, sort="name asc", **{"facet.field": ["groups"]})
    assert one_row["count"] == 2 and [p["name"] for p in one_row["results"]] == ["layanan-mini"]
    assert {i["name"]: i["count"] for i in one_row["search_facets"]["groups"]["items"]}["governance"] == 2
    second = remote.action.package_search(rows=1, start=1, sort="name asc")
    assert [p["name"] for p in second["results"]] == ["wilayah-mini"]
    assert [p["name"] for p in remote.action.package_search(sort="title_string desc")["results"]] == \
        ["wilayah-mini", "layanan-mini"]


@pytest.mark.parametrize("fq, expected", [
    ('organization:"dlh"', ["layanan-mini"]),
    ("groups:governance AND tags:kode", ["wilayah-mini"]),
    ("res_format:CSV license_id:other-open", ["wilayah-mini"]),
    ("organization:dlh OR organization:diskominfo", DATASETS),  # ckanext-harvest's organizations_filter_include
    ("-organization:dlh -organization:kemendagri", ["wilayah-mini"]),  # organizations_filter_exclude
    ("organization:dlh OR organization:diskominfo groups:society OR groups:living", ["layanan-mini"]),
    ("(organization:dlh OR groups:governance) AND NOT tags:kode", ["layanan-mini"]),
    ('title:"wilayah mini"', ["wilayah-mini"]),
    ("title:wilay*", ["wilayah-mini"]),
    ("metadata_modified:[NOW-1DAY TO NOW+1DAY]", DATASETS),
    ("metadata_modified:[* TO NOW-10YEARS]", []),
    ("num_resources:[9 TO *]", ["wilayah-mini"]),
    ("extras_satuan:kode", ["wilayah-mini"]),
    ("satuan:kode", ["wilayah-mini"]),
    ("no_such_field:x", []),  # a field no package has matches nothing, as Solr's dynamic fields do
    ("-tags:kode", ["layanan-mini"]),
    ("+dataset_type:dataset metadata_modified:[2000-01-01T00:00:00Z TO *]", DATASETS),
    ("groups:living", []),
])
def test_package_search_filters(remote, fq, expected):
    result = remote.action.package_search(fq=fq, sort="name asc")
    assert [p["name"] for p in result["results"]] == expected and result["count"] == len(expected)


def test_organizations_groups_tags(remote):
    assert remote.action.organization_list(sort="name asc") == ["diskominfo", "dlh", "kemendagri"]
    organizations = {o["name"]: o for o in remote.action.organization_list(all_fields=True)}
    assert organizations["dlh"]["package_count"] == 1 and organizations["kemendagri"]["package_count"] == 0
    assert organizations["dlh"]["title"] == "Dinas Lingkungan Hidup"
    shown = remote.action.organization_show(id="diskominfo", include_datasets=True)
    assert [p["name"] for p in shown["packages"]] == ["wilayah-mini"]
    assert "packages" not in remote.action.organization_show(id="diskominfo")

    assert sorted(remote.action.group_list()) == THEMES
    groups = {g["name"]: g for g in remote.action.group_list(all_fields=True)}
    assert groups["governance"]["package_count"] == 2 and groups["governance"]["title"] == "Smart Governance"
    assert remote.action.tag_list() == ["kode", "wilayah"]


def test_resource_show(remote):
    package = remote.action.package_show(id="layanan-mini")
    resource = package["resources"][0]
    assert remote.action.resource_show(id=resource["id"]) == resource
    assert remote.action.resource_show(id="layanan-mini/pengaduan_mini")["id"] == resource["id"]
    with pytest.raises(NotFound):
        remote.action.resource_show(id="no-such-resource")


def test_errors_are_ckans(remote, base_url):
    with pytest.raises(NotFound):
        remote.action.package_show(id="tidak-ada")
    response = httpx.get(base_url + "/api/3/action/package_show", params={"id": "tidak-ada"})
    assert response.status_code == 404
    assert response.json()["success"] is False and response.json()["error"]["__type"] == "Not Found Error"

    with pytest.raises(NotAuthorized):  # write actions answer as CKAN answers an anonymous caller
        remote.call_action("package_create", {"name": "x"})
    for action in ("package_update", "resource_patch", "organization_delete", "dataset_purge", "package_revise"):
        response = httpx.post(base_url + f"/api/3/action/{action}", json={"id": "x"})
        assert response.status_code == 403 and response.json()["error"]["__type"] == "Authorization Error", action
    with pytest.raises(CKANAPIError) as raised:
        remote.call_action("no_such_action", {})
    assert type(raised.value) is CKANAPIError  # not a Not Found or Validation Error: an unknown action

    with pytest.raises(ValidationError) as invalid:
        remote.action.package_search(rows="abc")
    assert "rows" in invalid.value.error_dict
    response = httpx.get(base_url + "/api/3/action/package_search", params={"rows": "abc"})
    assert response.status_code == 409
    assert response.json()["error"] == {"__type": "Validation Error", "rows": ["Invalid integer"]}

    with pytest.raises(ckanapi.errors.SearchQueryError):  # CKAN refuses an invalid sort itself: 400
        remote.action.package_search(sort="rows sideways")
    for fq in ("(groups:a OR groups:b", "title:udara~2", "{!lucene}x", "_val_:1", "metadata_modified:2026-01-01T00:00:00Z",
               "metadata_modified:[yesterday TO *]", "title:/ud.ra/"):
        with pytest.raises(ckanapi.errors.SearchError):  # what Solr cannot run: 409 Search Error
            remote.action.package_search(fq=fq)


def test_post_through_portal_serve(base_url):
    """ckanapi's default: POST with a JSON body (granian's receive had to be wrapped for a2wsgi)."""
    with ckanapi.RemoteCKAN(base_url) as ckan:
        assert ckan.action.package_show(id="layanan-mini")["organization"]["name"] == "dlh"
        assert ckan.action.package_search(q="pengaduan", **{"facet.field": ["groups"]})["count"] == 1


def test_post_json_through_the_asgi_application(asgi_client):
    """POST with a JSON body through the object production serves (httpx's ASGI transport)."""
    post = asgi_client.client.post("/api/3/action/package_search",
                                   json={"fq": "groups:society", "facet.field": ["organization"]})
    response = asgi_client.loop.run_until_complete(post)
    assert response.status_code == 200 and response.headers["access-control-allow-origin"] == "*"
    result = response.json()["result"]
    assert result["count"] == 1 and result["search_facets"]["organization"]["items"][0]["name"] == "dlh"


def test_envelope_and_cors_through_flask(client):
    response = client.get("/api/3/action/package_show?id=layanan-mini")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    body = response.get_json()
    assert set(body) == {"help", "success", "result"} and body["success"] is True
    assert body["help"] == "http://localhost/api/3/action/help_show?name=package_show"
    assert body["result"]["groups"][0]["name"] == "governance"
    assert {extra["key"] for extra in body["result"]["extras"]} >= {"accrualPeriodicity", "accessRights", "sample"}

    posted = client.post("/api/3/action/package_search",
                         json={"q": "pengaduan", "facet.field": ["organization"], "rows": 5})
    assert posted.status_code == 200 and posted.headers["Access-Control-Allow-Origin"] == "*"
    assert posted.get_json()["result"]["search_facets"]["organization"]["items"][0]["name"] == "dlh"

    preflight = client.options("/api/3/action/package_search")
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]


@pytest.mark.parametrize("method, url, body, status, error_type", [
    ("get", "/api/3/action/no_such_action", None, 400, "Bad request"),
    ("get", "/api/3/action/package_show", None, 409, "Validation Error"),
    ("get", "/api/3/action/package_search?rows=-1", None, 409, "Validation Error"),
    ("get", "/api/3/action/package_search?facet.field=%5Bnotjson", None, 409, "Validation Error"),
    ("get", "/api/3/action/package_search?sort=rows%20sideways", None, 400, "Search Query Error"),
    ("get", "/api/3/action/package_search?fq=title:(udara", None, 409, "Search Error"),
    ("get", "/api/3/action/package_create", None, 403, "Authorization Error"),
    ("get", "/api/3/action/organization_show?id=none", None, 404, "Not Found Error"),
    ("post", "/api/3/action/package_list", b"{not json", 400, "Bad request"),
    ("delete", "/api/3/action/package_list", None, 405, "Bad request"),
])
def test_errors_are_json_never_html(client, method, url, body, status, error_type):
    response = getattr(client, method)(url, data=body, content_type="application/json")
    assert response.status_code == status and response.mimetype == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    payload = response.get_json()
    assert payload["success"] is False and payload["error"]["__type"] == error_type


def test_rows_are_capped(client):
    result = client.get("/api/3/action/package_search?rows=5000").get_json()["result"]
    assert result["count"] == 2 and len(result["results"]) == 2
