"""The nodes a DCAT-AP dataset points to: agents, contact points, licences, places, periods, the
quality measurement. Each node carries the class DCAT-AP's range shapes ask for, so the graph
validates without inference (tests/test_dcat_shacl.py)."""

from __future__ import annotations

import json

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from ..catalog import Catalog, DatasetInfo, License, Place
from ..ckan.dictize import license_fields
from ..urls import Links
from .vocabulary import (COUNTRY, DQV, GSP, LICENCE_TYPE, LICENCE_TYPE_LABELS, LICENCE_TYPES, LOCN, PUBLISHER_TYPE,
                         PUBLISHER_TYPE_LABELS, PUBLISHER_TYPES, QUALITY_SCORE, SDI, VCARD)


def texts(graph: Graph, subject, predicate, value: str, value_en: str = "") -> None:
    if value:
        graph.add((subject, predicate, Literal(value, lang="id")))
    if value_en:
        graph.add((subject, predicate, Literal(value_en, lang="en")))


def concept(graph: Graph, iri: URIRef, label: str) -> URIRef:
    """A term of a controlled vocabulary, typed and labelled as the shapes ask (English: its own label)."""
    graph.add((iri, RDF.type, SKOS.Concept))
    graph.add((iri, SKOS.prefLabel, Literal(label, lang="en")))
    return iri


def document(graph: Graph, url: str) -> URIRef:
    """A web page (foaf:Document, the range of landing pages and homepages)."""
    node = URIRef(url)
    graph.add((node, RDF.type, FOAF.Document))
    return node


def agent(graph: Graph, node, name: str, name_en: str = "", homepage: str = "", kind: str = "") -> None:
    graph.add((node, RDF.type, FOAF.Agent))
    graph.add((node, RDF.type, FOAF.Organization))
    texts(graph, node, FOAF.name, name, name_en)
    if homepage:
        graph.add((node, FOAF.homepage, document(graph, homepage)))
    if kind:
        graph.add((node, DCTERMS.type, concept(graph, PUBLISHER_TYPE[kind], PUBLISHER_TYPE_LABELS.get(kind, kind))))


def organization(graph: Graph, catalog: Catalog, publisher_id: str, links: Links):
    """A publisher of metadata/publishers.yaml: its page is its IRI."""
    publisher = catalog.publisher(publisher_id)
    if publisher is None:
        node = BNode()
        agent(graph, node, publisher_id)
        return node
    node = URIRef(links.publisher(publisher_id))
    agent(graph, node, publisher.name, publisher.name_en, publisher.url,
          publisher.adms_type or PUBLISHER_TYPES.get(publisher.kind, ""))
    return node


def rights(graph: Graph, subject, statement: str) -> None:
    node = BNode()
    graph.add((node, RDF.type, DCTERMS.RightsStatement))
    graph.add((node, RDFS.label, Literal(statement, lang="id")))
    graph.add((subject, DCTERMS.rights, node))


def contact_point(graph: Graph, catalog: Catalog, publisher_id: str) -> BNode | None:
    publisher = catalog.publisher(publisher_id)
    if publisher is None:
        return None
    node = BNode()
    graph.add((node, RDF.type, VCARD.Kind))
    graph.add((node, RDF.type, VCARD.Organization))
    graph.add((node, VCARD.fn, Literal(publisher.name)))
    if publisher.email:
        graph.add((node, VCARD.hasEmail, URIRef(f"mailto:{publisher.email}")))
    if publisher.contact_url or publisher.url:
        graph.add((node, VCARD.hasURL, URIRef(publisher.contact_url or publisher.url)))
    return node


def license_document(graph: Graph, license: License | None, spdx_id: str, title: str):
    """The licence as a dct:LicenseDocument: its URL when it has one, else a node with its title; its
    SPDX id, and its id in CKAN's licence register for harvesting CKANs (deploy/ckan/sdi_profile.py)."""
    node = URIRef(license.url) if license and license.url else BNode()
    graph.add((node, RDF.type, DCTERMS.LicenseDocument))
    graph.add((node, DCTERMS.title, Literal(license.title if license else title)))
    graph.add((node, DCTERMS.identifier, Literal(spdx_id)))
    if license and license.ckan_id:
        graph.add((node, SDI.ckan_license_id, Literal(license.ckan_id)))
    for kind in LICENCE_TYPES.get(spdx_id, []):
        graph.add((node, DCTERMS.type, concept(graph, LICENCE_TYPE[kind], LICENCE_TYPE_LABELS[kind])))
    return node


def dataset_license(graph: Graph, dataset: DatasetInfo, catalog: Catalog):
    if not dataset.licenses:
        return None
    declared = dataset.licenses[0]
    spdx = declared.get("name", "")
    return license_document(graph, catalog.license(spdx), spdx, license_fields(dataset, catalog)["license_title"] or spdx)


def place(graph: Graph, found: Place, links: Links) -> URIRef:
    """An area as a dct:Location with its outline (WKT and GeoJSON), bounding box and centroid."""
    node = URIRef(links.place(found.code))
    graph.add((node, RDF.type, DCTERMS.Location))
    graph.add((node, SKOS.prefLabel, Literal(found.name, lang="id")))
    graph.add((node, LOCN.geographicName, Literal(found.name, lang="id")))
    graph.add((node, DCTERMS.identifier, Literal(found.code)))
    graph.add((node, SDI.kode_wilayah, Literal(found.code)))
    west, south, east, north = found.bbox
    box = {"type": "Polygon", "coordinates": [[[west, south], [east, south], [east, north], [west, north], [west, south]]]}
    graph.add((node, DCAT.bbox, Literal(wkt(box), datatype=GSP.wktLiteral)))
    graph.add((node, DCAT.centroid, Literal(f"POINT({found.centroid[0]} {found.centroid[1]})", datatype=GSP.wktLiteral)))
    # The outline as a GeoSPARQL geometry. Not as locn:geometry: DCAT-AP 3.0.1's shapes want a
    # locn:Geometry node there, and ckanext-dcat 2.4's parser fails on anything but a literal.
    geometry = URIRef(f"{node}#geometry")
    graph.add((geometry, RDF.type, GSP.Geometry))
    graph.add((geometry, GSP.asWKT, Literal(wkt(found.geometry), datatype=GSP.wktLiteral)))
    graph.add((geometry, GSP.asGeoJSON, Literal(json.dumps(found.geometry, separators=(",", ":")),
                                                datatype=GSP.geoJSONLiteral)))
    graph.add((node, GSP.hasGeometry, geometry))
    return node


def wkt(geometry: dict) -> str:
    """A GeoJSON Polygon or MultiPolygon as WKT."""
    def rings(polygon) -> str:
        return "(" + ", ".join("(" + ", ".join(f"{x} {y}" for x, y, *_ in ring) + ")" for ring in polygon) + ")"
    if geometry["type"] == "Polygon":
        return "POLYGON" + rings(geometry["coordinates"])
    return "MULTIPOLYGON(" + ", ".join(rings(polygon) for polygon in geometry["coordinates"]) + ")"


def spatial(graph: Graph, subject, dataset: DatasetInfo, catalog: Catalog, links: Links) -> None:
    """dct:spatial: the area of its kode wilayah (with its geometry), or else Indonesia."""
    code = dataset.spatial.get("kode_wilayah") or ""
    found = catalog.place(code) if code else None
    if found:
        graph.add((subject, DCTERMS.spatial, place(graph, found, links)))
        return
    if code:
        location = BNode()
        graph.add((location, RDF.type, DCTERMS.Location))
        if dataset.spatial.get("nama"):
            graph.add((location, SKOS.prefLabel, Literal(dataset.spatial["nama"], lang="id")))
        graph.add((location, DCTERMS.identifier, Literal(code)))
        graph.add((subject, DCTERMS.spatial, location))
    else:  # no kode wilayah: the datasets here (kode wilayah, national facts) cover Indonesia
        country(graph, subject)


def country(graph: Graph, subject) -> None:
    graph.add((COUNTRY.IDN, RDF.type, DCTERMS.Location))
    graph.add((subject, DCTERMS.spatial, COUNTRY.IDN))


def period(graph: Graph, subject, start: str | None, end: str | None) -> None:
    if not (start or end):
        return
    node = BNode()
    graph.add((node, RDF.type, DCTERMS.PeriodOfTime))
    if start:
        graph.add((node, DCAT.startDate, Literal(start, datatype=XSD.date)))
    if end:
        graph.add((node, DCAT.endDate, Literal(end, datatype=XSD.date)))
    graph.add((subject, DCTERMS.temporal, node))


def quality(graph: Graph, subject, score: int, day: str) -> None:
    """The portal's quality score (0–100, /about explains it) as a DQV measurement."""
    node = BNode()
    graph.add((node, RDF.type, DQV.QualityMeasurement))
    graph.add((node, DQV.isMeasurementOf, QUALITY_SCORE))
    graph.add((node, DQV.computedOn, subject))
    graph.add((node, DQV.value, Literal(score, datatype=XSD.integer)))
    graph.add((node, DCTERMS.date, Literal(day, datatype=XSD.date)))
    graph.add((subject, DQV.hasQualityMeasurement, node))


def provenance(graph: Graph, subject, statement: str) -> None:
    node = BNode()
    graph.add((node, RDF.type, DCTERMS.ProvenanceStatement))
    graph.add((node, RDFS.label, Literal(statement, lang="id")))
    graph.add((subject, DCTERMS.provenance, node))
