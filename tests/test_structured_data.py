"""What machines other than harvesters read: schema.org JSON-LD in dataset pages, parsed with extruct as
crawlers' parsers do, and Croissant, loaded with mlcroissant (MLCommons' own library), records and all."""

from __future__ import annotations

import logging

import extruct
import mlcroissant
import pytest

from portal.catalog import Catalog

from .servers import portal_server


@pytest.fixture(scope="module")
def catalog(bundled_build):
    return Catalog.load(bundled_build / "current" / "catalog.json")


def schema_org(client, name: str) -> dict:
    html = client.get(f"/dataset/{name}").get_data(as_text=True)
    found = extruct.extract(html, base_url=f"http://localhost/dataset/{name}", syntaxes=["json-ld"])["json-ld"]
    (dataset,) = [item for item in found if item.get("@type") == "Dataset"]
    return dataset


def test_every_dataset_page_describes_itself_for_search_engines(bundled_app, catalog):
    client = bundled_app.test_client()
    for dataset in catalog.datasets:
        data = schema_org(client, dataset.name)
        assert data["name"] == dataset.title and data["url"] == f"http://localhost/dataset/{dataset.name}"
        assert data["license"], dataset.name  # every dataset: a URL, or the licence by name
        assert data["datePublished"] == dataset.versions[0].date[:10]
        assert data["creator"]["name"] and data["publisher"]["name"]
        columns = {(v["propertyID"]) for v in data["variableMeasured"]}
        assert columns == {f"{r.name}.{f.name}" for r in dataset.resources for f in r.fields}
        assert len(data["distribution"]) == sum(1 + len(r.downloads) for r in dataset.resources) + 1
        if dataset.temporal.get("start"):
            assert data["temporalCoverage"].startswith(dataset.temporal["start"])
        if dataset.spatial.get("kode_wilayah") == "35.73":
            assert data["spatialCoverage"]["geo"]["@type"] == "GeoShape"
            south, west, north, east = map(float, data["spatialCoverage"]["geo"]["box"].split())
            assert -9 < south < north < -7 and 112 < west < east < 113  # Kota Malang, latitude first
        if dataset.sources:
            assert {s["url"] for s in data["isBasedOn"]} == {s["path"] for s in dataset.sources if s.get("path")}


def test_croissant_loads_in_mlcroissant_with_its_records(published_build, caplog):
    with portal_server(published_build, workers=1) as base, caplog.at_level(logging.WARNING):
        dataset = mlcroissant.Dataset(jsonld=f"{base}/dataset/wilayah-mini/croissant.jsonld")
        assert [rs.name for rs in dataset.metadata.record_sets] == ["kecamatan_mini", "kelurahan_mini"]
        rows = list(dataset.records(record_set="kelurahan_mini"))  # downloads the CSV by its contentUrl
        assert [row["kelurahan_mini/nama"] for row in rows] == [b"Balearjosari", b"Arjosari", b"Klojen"]
    assert not [r for r in caplog.records if "not standard" in r.getMessage()]  # the standard @context
