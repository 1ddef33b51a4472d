"""SDI spatial coverage below the city: a dataset about one kecamatan or one kelurahan carries that area's
outline and bounding box in DCAT, schema.org and the CKAN API, as one about the city does."""

from __future__ import annotations

import json

import extruct
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS

from portal import create_app
from portal.catalog import Catalog
from portal.dcat.vocabulary import GSP
from portal.publish import publish

from .conftest import ROOT

AREAS = {"cakupan-kecamatan": ("35.73.02", "Klojen"), "cakupan-kelurahan": ("35.73.02.1001", "Klojen"),
         "cakupan-kota": ("35.73", "Kota Malang")}


def tiny_package(folder, name: str, code: str, area: str) -> None:
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "hitungan.csv").write_text("tahun,jumlah\n2024,1\n", encoding="utf-8")
    descriptor = {
        "name": name, "title": f"Uji cakupan {area}", "description": "Paket uji cakupan wilayah.", "sample": True,
        "publisher": "diskominfo", "author": "diskominfo", "maintainer": "diskominfo", "themes": ["governance"],
        "licenses": [{"name": "CC-BY-4.0"}], "accrualPeriodicity": "irregular", "accessRights": "terbuka",
        "spatial": {"kode_wilayah": code, "nama": area},
        "resources": [{"name": name.replace("-", "_"), "path": "data/hitungan.csv", "format": "csv", "schema": {
            "fields": [{"name": "tahun", "type": "integer"}, {"name": "jumlah", "type": "integer"}]}}],
    }
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    datasets = tmp_path_factory.mktemp("datasets")
    for name, (code, area) in AREAS.items():
        tiny_package(datasets / name, name, code, area)
    build = tmp_path_factory.mktemp("build")
    report = publish(datasets, ROOT / "metadata", build)  # metadata/wilayah.geojson: city, kecamatan, kelurahan
    assert report.ok, report.all_issues()
    return build


@pytest.fixture(scope="module")
def catalog(build):
    return Catalog.load(build / "current" / "catalog.json")


@pytest.fixture(scope="module")
def client(build):
    return create_app({"BUILD_DIR": str(build), "TESTING": True, "BASE_URL": "http://localhost"}).test_client()


@pytest.mark.parametrize("name", AREAS)
def test_dcat_names_the_area_with_its_outline_and_box(client, catalog, name):
    code = AREAS[name][0]
    place = catalog.place(code)
    assert place is not None and place.geometry["type"] in ("Polygon", "MultiPolygon")
    graph = Graph().parse(data=client.get(f"/dataset/{name}.ttl").get_data(as_text=True), format="turtle")
    (dataset,) = {s for s in graph.subjects(DCTERMS.spatial, None) if str(s).endswith(f"/dataset/{name}")}
    (area,) = graph.objects(dataset, DCTERMS.spatial)
    assert area == URIRef(f"http://localhost/wilayah/{code}")
    assert str(graph.value(area, DCTERMS.identifier)) == code
    west, south, east, north = place.bbox
    assert str(graph.value(area, DCAT.bbox)).startswith(f"POLYGON(({west} {south}, {east} {south}")
    geometry = graph.value(area, GSP.hasGeometry)
    assert json.loads(str(graph.value(geometry, GSP.asGeoJSON))) == place.geometry


@pytest.mark.parametrize("name", AREAS)
def test_schema_org_and_ckan_carry_the_area(client, catalog, name):
    code, area = AREAS[name]
    place = catalog.place(code)
    html = client.get(f"/dataset/{name}").get_data(as_text=True)
    found = extruct.extract(html, base_url=f"http://localhost/dataset/{name}", syntaxes=["json-ld"])["json-ld"]
    (data,) = [item for item in found if item.get("@type") == "Dataset"]
    west, south, east, north = place.bbox
    assert data["spatialCoverage"]["identifier"] == code and data["spatialCoverage"]["name"] == area
    assert data["spatialCoverage"]["geo"]["box"] == f"{south} {west} {north} {east}"
    package = client.get(f"/api/3/action/package_show?id={name}").get_json()["result"]
    assert json.loads(package["spatial"]) == place.geometry and package["kode_wilayah"] == code


def test_a_kelurahan_box_lies_inside_its_kecamatan_and_city(catalog):
    def inside(inner, outer):
        return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and inner[3] <= outer[3]
    kelurahan, kecamatan, city = (catalog.place(code).bbox for code in ("35.73.02.1001", "35.73.02", "35.73"))
    assert inside(kelurahan, kecamatan) and inside(kecamatan, city) and kelurahan != kecamatan
