"""The catalog as DCAT-AP linked data (rdflib), served as /catalog.jsonld and /catalog.ttl.

IRIs are the portal's own pages: the catalog is the home page, a dataset its dataset page, a publisher
its publisher page, a theme (a skos:Concept in the scheme of /theme) its theme page; a distribution is
``<dataset page>#distribution-<resource>``. A distribution is one table's CSV download.

The Satu Data Indonesia fields that DCAT has no property for keep their national names in the namespace
``sdi:`` = ``<portal base URL>/ns/sdi#`` (described at that URL, see ``sdi_vocabulary``):

- ``sdi:satuan`` unit of the main measure, ``sdi:ukuran`` the measure (jumlah, persentase, daftar…),
- ``sdi:konsep`` the concept measured, ``sdi:definisi`` the definition of the main quantity or record,
- ``sdi:dasar_hukum`` the legal or programme basis (one value per item), ``sdi:metodologi`` how the data
  was produced, ``sdi:data_prioritas`` (xsd:boolean) declared Data Prioritas, ``sdi:sample`` (xsd:boolean)
  synthetic sample data.

The others map to DCAT-AP: accrualPeriodicity to the EU frequency vocabulary, accessRights to the EU
access-right vocabulary, temporal to dct:PeriodOfTime, spatial to dct:Location (kode wilayah as
dct:identifier), author to dct:creator, maintainer (Walidata) to dcat:contactPoint.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, XSD

from .catalog import Catalog, DatasetInfo, Publisher
from .ckan.dictize import license_fields, resource_versions
from .urls import Links

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
FREQUENCY = Namespace("http://publications.europa.eu/resource/authority/frequency/")
ACCESS_RIGHT = Namespace("http://publications.europa.eu/resource/authority/access-right/")
FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
LANGUAGE = Namespace("http://publications.europa.eu/resource/authority/language/")
CSV_MEDIA_TYPE = URIRef("http://www.iana.org/assignments/media-types/text/csv")

FREQUENCIES = {"once": "NEVER", "daily": "DAILY", "weekly": "WEEKLY", "monthly": "MONTHLY",
               "quarterly": "QUARTERLY", "annual": "ANNUAL", "irregular": "IRREG"}
ACCESS_RIGHTS = {"terbuka": "PUBLIC", "terbatas": "RESTRICTED", "tertutup": "NON_PUBLIC"}
# (property, label, English comment, range) of the sdi: vocabulary.
SDI_PROPERTIES = [
    ("satuan", "Satuan", "Unit of the dataset's main measure.", XSD.string),
    ("ukuran", "Ukuran", "The measure: jumlah, persentase, daftar…", XSD.string),
    ("konsep", "Konsep", "The concept the dataset measures.", RDF.langString),
    ("definisi", "Definisi", "Definition of the main quantity or record.", RDF.langString),
    ("dasar_hukum", "Dasar hukum", "A legal or programme basis of the dataset (one value per item).",
     RDF.langString),
    ("metodologi", "Metodologi", "How the data was produced or compiled.", RDF.langString),
    ("data_prioritas", "Data prioritas", "True when the dataset is declared Data Prioritas.", XSD.boolean),
    ("sample", "Data sampel", "True when the data is synthetic sample data, not facts.", XSD.boolean),
]


def sdi_namespace(links: Links) -> Namespace:
    return Namespace(links.home.rstrip("/") + "/ns/sdi#")


def json_ld_context(links: Links) -> dict:
    return {"dcat": str(DCAT), "dct": str(DCTERMS), "foaf": str(FOAF), "vcard": str(VCARD), "spdx": str(SPDX),
            "skos": str(SKOS), "owl": str(OWL), "locn": str(LOCN), "xsd": str(XSD), "rdfs": str(RDFS),
            "sdi": str(sdi_namespace(links))}


def new_graph(links: Links) -> Graph:
    graph = Graph(bind_namespaces="core")
    for prefix, namespace in json_ld_context(links).items():
        graph.bind(prefix, Namespace(namespace), override=True)
    return graph


def texts(graph: Graph, subject, predicate, value: str, value_en: str = "") -> None:
    if value:
        graph.add((subject, predicate, Literal(value, lang="id")))
    if value_en:
        graph.add((subject, predicate, Literal(value_en, lang="en")))


def organization(graph: Graph, catalog: Catalog, publisher_id: str, links: Links) -> URIRef | BNode:
    publisher: Publisher | None = catalog.publisher(publisher_id)
    node = URIRef(links.publisher(publisher_id)) if publisher else BNode()
    graph.add((node, RDF.type, FOAF.Organization))
    texts(graph, node, FOAF.name, publisher.name if publisher else publisher_id, publisher.name_en if publisher else "")
    if publisher and publisher.url:
        graph.add((node, FOAF.homepage, URIRef(publisher.url)))
    return node


def catalog_graph(catalog: Catalog, links: Links) -> Graph:
    graph = new_graph(links)
    portal = catalog.portal
    node = URIRef(links.home)
    graph.add((node, RDF.type, DCAT.Catalog))
    texts(graph, node, DCTERMS.title, portal.get("title", ""), portal.get("title_en", ""))
    texts(graph, node, DCTERMS.description, portal.get("description", ""), portal.get("description_en", ""))
    publisher = BNode()
    graph.add((publisher, RDF.type, FOAF.Organization))
    graph.add((publisher, FOAF.name, Literal(portal.get("organization") or portal.get("title", ""), lang="id")))
    if portal.get("url"):
        graph.add((publisher, FOAF.homepage, URIRef(portal["url"])))
    graph.add((node, DCTERMS.publisher, publisher))
    graph.add((node, FOAF.homepage, URIRef(links.home)))
    graph.add((node, DCTERMS.language, LANGUAGE.IND))
    graph.add((node, DCTERMS.modified, Literal(catalog.created, datatype=XSD.dateTime)))

    scheme = URIRef(links.themes)
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme, DCTERMS.title, Literal("Dimensi smart city", lang="id")))
    graph.add((scheme, DCTERMS.title, Literal("Smart city dimensions", lang="en")))
    graph.add((node, DCAT.themeTaxonomy, scheme))
    for theme in catalog.themes:
        concept = URIRef(links.theme(theme.id))
        graph.add((concept, RDF.type, SKOS.Concept))
        graph.add((concept, SKOS.inScheme, scheme))
        graph.add((concept, SKOS.notation, Literal(theme.id)))
        texts(graph, concept, SKOS.prefLabel, theme.title, theme.title_en)

    for dataset in catalog.datasets:
        graph.add((node, DCAT.dataset, add_dataset(graph, dataset, catalog, links)))
    return graph


def add_dataset(graph: Graph, dataset: DatasetInfo, catalog: Catalog, links: Links) -> URIRef:
    sdi = sdi_namespace(links)
    page = links.dataset(dataset.name)
    node = URIRef(page)
    graph.add((node, RDF.type, DCAT.Dataset))
    graph.add((node, DCTERMS.identifier, Literal(dataset.name)))
    texts(graph, node, DCTERMS.title, dataset.title, dataset.title_en)
    texts(graph, node, DCTERMS.description, dataset.description, dataset.description_en)
    graph.add((node, DCTERMS.publisher, organization(graph, catalog, dataset.publisher, links)))
    if dataset.author:
        graph.add((node, DCTERMS.creator, organization(graph, catalog, dataset.author, links)))
    maintainer = catalog.publisher(dataset.maintainer)
    if maintainer:
        contact = BNode()
        graph.add((contact, RDF.type, VCARD.Organization))
        graph.add((contact, VCARD.fn, Literal(maintainer.name)))
        if maintainer.contact_url:
            graph.add((contact, VCARD.hasURL, URIRef(maintainer.contact_url)))
        graph.add((node, DCAT.contactPoint, contact))
    license = license_fields(dataset, catalog)
    license_node = URIRef(license["license_url"]) if license["license_url"] else None
    if license_node:
        graph.add((license_node, RDF.type, DCTERMS.LicenseDocument))
        graph.add((node, DCTERMS.license, license_node))
        if license["license_title"]:
            graph.add((license_node, DCTERMS.title, Literal(license["license_title"])))
    for theme in dataset.themes:
        graph.add((node, DCAT.theme, URIRef(links.theme(theme))))
    for keyword in dataset.keywords:
        graph.add((node, DCAT.keyword, Literal(keyword, lang="id")))
    if dataset.temporal.get("start") or dataset.temporal.get("end"):
        period = BNode()
        graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
        for key, predicate in (("start", DCAT.startDate), ("end", DCAT.endDate)):
            if dataset.temporal.get(key):
                graph.add((period, predicate, Literal(dataset.temporal[key], datatype=XSD.date)))
        graph.add((node, DCTERMS.temporal, period))
    if dataset.spatial.get("nama") or dataset.spatial.get("kode_wilayah"):
        location = BNode()
        graph.add((location, RDF.type, DCTERMS.Location))
        if dataset.spatial.get("nama"):
            graph.add((location, SKOS.prefLabel, Literal(dataset.spatial["nama"], lang="id")))
            graph.add((location, LOCN.geographicName, Literal(dataset.spatial["nama"], lang="id")))
        if dataset.spatial.get("kode_wilayah"):
            graph.add((location, DCTERMS.identifier, Literal(dataset.spatial["kode_wilayah"])))
        graph.add((node, DCTERMS.spatial, location))
    if dataset.frequency in FREQUENCIES:
        graph.add((node, DCTERMS.accrualPeriodicity, FREQUENCY[FREQUENCIES[dataset.frequency]]))
    if dataset.access_rights in ACCESS_RIGHTS:
        graph.add((node, DCTERMS.accessRights, ACCESS_RIGHT[ACCESS_RIGHTS[dataset.access_rights]]))
    if dataset.versions:
        graph.add((node, DCTERMS.issued, Literal(dataset.versions[0].date, datatype=XSD.dateTime)))
        graph.add((node, DCTERMS.modified, Literal(dataset.versions[-1].date, datatype=XSD.dateTime)))
        graph.add((node, OWL.versionInfo, Literal(str(dataset.versions[-1].number))))
    graph.add((node, DCAT.landingPage, URIRef(page)))

    for key in ("satuan", "ukuran"):
        if getattr(dataset, key):
            graph.add((node, sdi[key], Literal(getattr(dataset, key))))
    for key in ("konsep", "definisi", "metodologi"):
        if getattr(dataset, key):
            graph.add((node, sdi[key], Literal(getattr(dataset, key), lang="id")))
    for basis in dataset.dasar_hukum:
        graph.add((node, sdi.dasar_hukum, Literal(basis, lang="id")))
    if dataset.data_prioritas is not None:
        graph.add((node, sdi.data_prioritas, Literal(bool(dataset.data_prioritas))))
    graph.add((node, sdi.sample, Literal(bool(dataset.sample))))

    for resource in dataset.resources:
        distribution = URIRef(f"{page}#distribution-{resource.name}")
        url = URIRef(links.download(dataset.name, f"{resource.name}.csv"))
        graph.add((node, DCAT.distribution, distribution))
        graph.add((distribution, RDF.type, DCAT.Distribution))
        graph.add((distribution, DCTERMS.identifier, Literal(resource.name)))
        texts(graph, distribution, DCTERMS.title, resource.title or resource.name)
        texts(graph, distribution, DCTERMS.description, resource.description)
        graph.add((distribution, DCAT.downloadURL, url))
        graph.add((distribution, DCAT.accessURL, url))
        graph.add((distribution, DCAT.mediaType, CSV_MEDIA_TYPE))
        graph.add((distribution, DCTERMS.format, FILE_TYPE.CSV))
        if license_node:
            graph.add((distribution, DCTERMS.license, license_node))
        created, last_modified = resource_versions(dataset, resource)
        if created:
            graph.add((distribution, DCTERMS.issued, Literal(created, datatype=XSD.dateTime)))
        if last_modified:
            graph.add((distribution, DCTERMS.modified, Literal(last_modified, datatype=XSD.dateTime)))
        if resource.file:
            # "44.0": the canonical xsd:decimal form, the one Turtle writes, so both serialisations agree.
            graph.add((distribution, DCAT.byteSize, Literal(f"{resource.file.bytes}.0", datatype=XSD.decimal)))
            checksum = BNode()
            graph.add((checksum, RDF.type, SPDX.Checksum))
            graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
            graph.add((checksum, SPDX.checksumValue, Literal(resource.file.sha256, datatype=XSD.hexBinary)))
            graph.add((distribution, SPDX.checksum, checksum))
    return node


def sdi_vocabulary(links: Links) -> Graph:
    """The sdi: properties, described where their namespace points."""
    graph = new_graph(links)
    sdi = sdi_namespace(links)
    ontology = URIRef(str(sdi).rstrip("#"))
    graph.add((ontology, RDF.type, OWL.Ontology))
    graph.add((ontology, DCTERMS.title, Literal("Satu Data Indonesia metadata properties", lang="en")))
    graph.add((ontology, DCTERMS.description, Literal(
        "Properties of the Satu Data Indonesia profile (Perpres 39/2019) that DCAT-AP has no term for, "
        "under their names in Indonesia's national catalog.", lang="en")))
    for name, label, comment, value_range in SDI_PROPERTIES:
        prop = sdi[name]
        graph.add((prop, RDF.type, OWL.DatatypeProperty))
        graph.add((prop, RDFS.isDefinedBy, ontology))
        graph.add((prop, RDFS.label, Literal(label, lang="id")))
        graph.add((prop, RDFS.comment, Literal(comment, lang="en")))
        graph.add((prop, RDFS.domain, DCAT.Dataset))
        graph.add((prop, RDFS.range, value_range))
    return graph


FORMATS = {"json-ld": "application/ld+json", "turtle": "text/turtle"}


def serialize(graph: Graph, fmt: str, links: Links) -> bytes:
    if fmt == "json-ld":
        return graph.serialize(format="json-ld", context=json_ld_context(links), auto_compact=True,
                               indent=1).encode("utf-8")
    return graph.serialize(format=fmt).encode("utf-8")
