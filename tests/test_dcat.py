"""The catalog as DCAT-AP: both serialisations parse with rdflib and say what the catalog says."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, RDF, XSD

BASE = "http://localhost"
SPDX = Namespace("http://spdx.org/rdf/terms#")
SDI = Namespace("https://data.malangkota.go.id/ns/sdi#")  # fixed: never the host a request names
FREQUENCY = Namespace("http://publications.europa.eu/resource/authority/frequency/")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
FORMATS = {"/catalog.jsonld": ("application/ld+json", "json-ld"), "/catalog.ttl": ("text/turtle", "turtle")}

DISTRIBUTIONS = """
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX spdx: <http://spdx.org/rdf/terms#>
SELECT ?dataset ?title ?url ?access ?sha ?size WHERE {
  ?catalog a dcat:Catalog ; dcat:dataset ?d .
  ?d a dcat:Dataset ; dct:identifier ?dataset ; dcat:distribution ?dist .
  ?dist a dcat:Distribution ; dct:title ?title ; dcat:downloadURL ?url ; dcat:accessURL ?access ;
        dcat:byteSize ?size ;
        spdx:checksum [ a spdx:Checksum ; spdx:algorithm spdx:checksumAlgorithm_sha256 ; spdx:checksumValue ?sha ] .
}
"""


@pytest.fixture(scope="module")
def catalog(app):
    return app.extensions["release_store"].current().catalog


@pytest.fixture(scope="module", params=sorted(FORMATS))
def graph(request, app):
    path = request.param
    response = app.test_client().get(path)
    mimetype, fmt = FORMATS[path]
    assert response.status_code == 200 and response.mimetype == mimetype
    return Graph().parse(data=response.data, format=fmt)


def test_every_dataset_is_a_dcat_dataset(graph, catalog):
    datasets = set(graph.subjects(RDF.type, DCAT.Dataset))
    assert datasets == {URIRef(f"{BASE}/dataset/{d.name}") for d in catalog.datasets}
    (catalog_node,) = graph.subjects(RDF.type, DCAT.Catalog)
    assert set(graph.objects(catalog_node, DCAT.dataset)) == datasets
    assert Literal("Portal Uji", lang="id") in set(graph.objects(catalog_node, DCTERMS.title))
    assert graph.value(catalog_node, DCTERMS.modified) == Literal(catalog.created, datatype=XSD.dateTime)


def test_every_resource_is_a_distribution_with_its_checksum(graph, catalog):
    found = {(str(row.dataset), str(row.url), str(row.sha), int(row.size))
             for row in graph.query(DISTRIBUTIONS) if str(row.url).endswith("_mini.csv")}
    expected = {(d.name, f"{BASE}/download/{d.name}/{r.name}.csv", r.file.sha256, r.file.bytes)
                for d in catalog.datasets for r in d.resources}
    assert found == expected
    for row in graph.query(DISTRIBUTIONS):
        assert row.url == row.access
        assert row.size.datatype == XSD.nonNegativeInteger


def test_dataset_properties(graph):
    wilayah = URIRef(f"{BASE}/dataset/wilayah-mini")
    assert graph.value(wilayah, SDI.satuan) == Literal("kode")
    assert graph.value(wilayah, SDI.ukuran) == Literal("daftar")
    assert graph.value(wilayah, SDI.data_prioritas).toPython() is False
    assert {str(t) for t in graph.objects(wilayah, DCTERMS.title)} == {"Wilayah mini", "Mini regions"}
    assert graph.value(wilayah, DCTERMS.accrualPeriodicity) == FREQUENCY.IRREG
    assert graph.value(URIRef(f"{BASE}/dataset/layanan-mini"), DCTERMS.accrualPeriodicity) == FREQUENCY.DAILY
    assert graph.value(URIRef(f"{BASE}/dataset/layanan-mini"), SDI.sample).toPython() is True
    assert graph.value(wilayah, DCTERMS.accessRights) == \
        URIRef("http://publications.europa.eu/resource/authority/access-right/PUBLIC")
    assert graph.value(wilayah, DCAT.landingPage) == wilayah
    assert graph.value(wilayah, DCTERMS.license) == URIRef("https://opensource.org/licenses/MIT")
    assert {str(k) for k in graph.objects(wilayah, DCAT.keyword)} == {"wilayah", "kode"}
    assert set(graph.objects(wilayah, DCAT.theme)) == {
        URIRef(f"{BASE}/theme/governance"), URIRef("http://publications.europa.eu/resource/authority/data-theme/GOVE")}

    publisher = graph.value(wilayah, DCTERMS.publisher)
    assert str(graph.value(publisher, URIRef("http://xmlns.com/foaf/0.1/name"))) == "Dinas Komunikasi dan Informatika"
    creator = graph.value(wilayah, DCTERMS.creator)
    assert str(graph.value(creator, URIRef("http://xmlns.com/foaf/0.1/name"))) == "Kementerian Dalam Negeri"
    contact = graph.value(wilayah, DCAT.contactPoint)
    vcard = Namespace("http://www.w3.org/2006/vcard/ns#")
    assert {vcard.Organization, vcard.Kind} <= set(graph.objects(contact, RDF.type))
    assert graph.value(contact, vcard.hasEmail) == URIRef("mailto:data@example.org")
    assert graph.value(contact, vcard.hasURL) == URIRef("https://example.org/kontak")

    period = graph.value(wilayah, DCTERMS.temporal)
    assert graph.value(period, DCAT.startDate) == Literal("2025-01-01", datatype=XSD.date)
    assert graph.value(period, DCAT.endDate) == Literal("2025-12-31", datatype=XSD.date)
    place = graph.value(wilayah, DCTERMS.spatial)
    assert place == URIRef(f"{BASE}/wilayah/35.73") and graph.value(place, RDF.type) == DCTERMS.Location
    assert str(graph.value(place, DCTERMS.identifier)) == "35.73"
    assert str(graph.value(wilayah, URIRef("http://www.w3.org/2002/07/owl#versionInfo"))) == "1"
    assert graph.value(wilayah, DCTERMS.issued) is not None and graph.value(wilayah, DCTERMS.modified) is not None


def test_both_serialisations_give_the_same_graph(client):
    jsonld = Graph().parse(data=client.get("/catalog.jsonld").data, format="json-ld")
    turtle = Graph().parse(data=client.get("/catalog.ttl").data, format="turtle")
    for graph in (jsonld, turtle):  # the paging triples name each serialisation's own URL
        for page in list(graph.subjects(RDF.type, HYDRA.PagedCollection)):
            graph.remove((page, None, None))
    assert len(jsonld) == len(turtle) > 0
    assert isomorphic(jsonld, turtle)


def test_jsonld_uses_the_prefixes(client):
    context = client.get("/catalog.jsonld").get_json()["@context"]
    assert context["dcat"] == str(DCAT) and context["sdi"] == str(SDI)
    assert {"dct", "foaf", "vcard", "spdx"} <= set(context)


def test_serialisations_are_cached_per_release(app, client):
    first = client.get("/catalog.ttl")
    release = app.extensions["release_store"].current()
    cached = release.cache["daily"]["dcat"]  # the quality score in it changes with the day
    assert cached[("catalog", "turtle", 1)] == first.data
    assert client.get("/catalog.ttl").data is not None and cached[("catalog", "turtle", 1)] == first.data
    again = client.get("/catalog.ttl", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_sdi_vocabulary_is_served(client):
    response = client.get("/ns/sdi")
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    vocabulary = Graph().parse(data=response.data, format="turtle")
    assert (SDI.satuan, RDF.type, URIRef("http://www.w3.org/2002/07/owl#DatatypeProperty")) in vocabulary
