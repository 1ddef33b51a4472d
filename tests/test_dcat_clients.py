"""The catalog as the national catalog's DCAT stack reads it: ckanext-dcat's own RDFParser with the
euro_dcat_ap_3 profile (and the portal's sdi profile, deploy/ckan/sdi_profile.py), following the
hydra paging as its DCAT harvester does; every bundled dataset comes out with its fields."""

from __future__ import annotations

import json

import pytest

from portal.catalog import Catalog

from . import ckan_dcat


@pytest.fixture(scope="module")
def client(bundled_app, tmp_path_factory):
    ckan_dcat.install(tmp_path_factory.mktemp("entry-points"))
    return bundled_app.test_client()


@pytest.fixture(scope="module")
def catalog(bundled_build):
    return Catalog.load(bundled_build / "current" / "catalog.json")


def parsed(client, path: str, fmt: str, profiles=("euro_dcat_ap_3",)) -> dict[str, dict]:
    response = client.get(path)
    assert response.status_code == 200, path
    return {ckan_dcat.extras(d)["identifier"]: d for d in ckan_dcat.parser(response.data, fmt, profiles).datasets()}


@pytest.mark.parametrize("path, fmt", [("/catalog.ttl", "turtle"), ("/catalog.jsonld", "json-ld"),
                                       ("/catalog.rdf", "xml")])
def test_euro_dcat_ap_3_reads_every_dataset(client, catalog, path, fmt):
    found = parsed(client, path, fmt)
    assert sorted(found) == sorted(d.name for d in catalog.datasets)  # versions are not taken for datasets
    for dataset in catalog.datasets:
        package, extras = found[dataset.name], ckan_dcat.extras(found[dataset.name])
        assert package["title"] == dataset.title and package["notes"] == dataset.description
        assert {tag["name"] for tag in package["tags"]} == set(dataset.keywords)
        assert package["url"] == extras["uri"] == f"http://localhost/dataset/{dataset.name}"
        assert package["version"] == str(dataset.current_version.number)
        assert extras["frequency"].startswith("http://publications.europa.eu/resource/authority/frequency/")
        assert extras["access_rights"].endswith("/access-right/PUBLIC")
        assert (extras.get("temporal_start"), extras.get("temporal_end")) == \
            (dataset.temporal.get("start"), dataset.temporal.get("end"))
        maintainer = catalog.publisher(dataset.maintainer)
        assert extras["contact_name"] == maintainer.name
        assert extras["publisher_uri"] == f"http://localhost/publisher/{dataset.publisher}"
        if dataset.spatial.get("kode_wilayah") == "35.73":
            assert extras["spatial_uri"] == "http://localhost/wilayah/35.73" and extras["spatial_text"] == "Kota Malang"
            assert json.loads(extras["spatial_bbox"])["type"] == "Polygon"
            assert json.loads(extras["spatial_centroid"])["type"] == "Point"
        elif dataset.spatial.get("kode_wilayah"):  # an area without an outline here (Jawa Timur): named, no IRI
            assert "spatial_uri" not in extras and extras["spatial_text"] == dataset.spatial["nama"]
        else:
            assert extras["spatial_uri"] == "http://publications.europa.eu/resource/authority/country/IDN"
        if dataset.metodologi:
            assert extras["provenance"] == dataset.metodologi
        # Every download is a distribution, with its format, size and sha256.
        expected = {(r.name + suffix, info.sha256, info.bytes) for r in dataset.resources
                    for suffix, info in [(".csv", r.file), *((f".{key}", i) for key, i in r.downloads.items())]}
        expected.add((f"{dataset.name}.zip", dataset.zip_file.sha256, dataset.zip_file.bytes))
        assert {(res["url"].rsplit("/", 1)[1], res["hash"], res["size"]) for res in package["resources"]} == expected
        assert all(res["format"] and res["mimetype"] and res["license"] for res in package["resources"])


def test_sdi_profile_keeps_the_national_fields(client, catalog):
    found = parsed(client, "/catalog.ttl", "turtle", ("euro_dcat_ap_3", "sdi"))
    for dataset in catalog.datasets:
        package, extras = found[dataset.name], ckan_dcat.extras(found[dataset.name])
        assert package["license_id"] == catalog.license(dataset.licenses[0]["name"]).ckan_id
        assert extras["sample"] == json.dumps(dataset.sample)
        for key in ("satuan", "ukuran", "konsep", "definisi", "metodologi"):
            assert extras.get(key, "") == getattr(dataset, key), (dataset.name, key)
        assert json.loads(extras.get("dasar_hukum", "[]")) == sorted(dataset.dasar_hukum)
        assert 0 <= int(extras["quality_score"]) <= 100
        if dataset.spatial.get("kode_wilayah") == "35.73":
            assert json.loads(extras["spatial"]) == catalog.place("35.73").geometry  # ckanext-spatial's field


def test_harvester_follows_the_pages(bundled_build, tmp_path_factory, catalog):
    """Two datasets a page: RDFParser.next_page() walks every page, as DCATRDFHarvester does."""
    from portal import create_app

    ckan_dcat.install(tmp_path_factory.mktemp("entry-points-paged"))
    paged = create_app({"BUILD_DIR": str(bundled_build), "BASE_URL": "http://localhost", "DCAT_PAGE_SIZE": 2})
    client, url, seen, pages = paged.test_client(), "http://localhost/catalog.ttl", [], 0
    while url:
        rdf = ckan_dcat.parser(client.get(url.removeprefix("http://localhost")).data, "turtle")
        seen += [ckan_dcat.extras(d)["identifier"] for d in rdf.datasets()]
        url, pages = rdf.next_page(), pages + 1
    assert pages == (len(catalog.datasets) + 1) // 2 and sorted(seen) == sorted(d.name for d in catalog.datasets)
    assert client.get("/catalog.ttl?page=99").status_code == 404
    assert client.get("/catalog.ttl?page=0").status_code == 400


@pytest.mark.parametrize("suffix, fmt, mimetype", [(".ttl", "turtle", "text/turtle"),
                                                   (".jsonld", "json-ld", "application/ld+json"),
                                                   (".rdf", "xml", "application/rdf+xml")])
def test_each_dataset_alone_and_by_content_negotiation(client, catalog, suffix, fmt, mimetype):
    for dataset in catalog.datasets:
        response = client.get(f"/dataset/{dataset.name}{suffix}")
        assert response.status_code == 200 and response.mimetype == mimetype
        negotiated = client.get(f"/dataset/{dataset.name}", headers={"Accept": f"{mimetype}, text/html;q=0.5"})
        assert negotiated.mimetype == mimetype and negotiated.data == response.data
        assert "Accept" in negotiated.headers["Vary"]
        (package,) = ckan_dcat.parser(response.data, fmt).datasets()
        assert package["title"] == dataset.title
    page = client.get(f"/dataset/{catalog.datasets[0].name}", headers={"Accept": "text/html,*/*;q=0.8"})
    assert page.mimetype == "text/html" and "Accept" in page.headers["Vary"]
    assert client.get("/dataset/no-such-dataset.ttl").status_code == 404
