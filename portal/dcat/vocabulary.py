"""The vocabularies the DCAT-AP graph uses: namespaces, the EU controlled vocabularies the portal's
codes map onto, and the ``sdi:`` vocabulary for the Satu Data Indonesia fields DCAT has no term for.

The ``sdi:`` namespace IRI is fixed (it never follows the host a request names); the portal describes
it at ``/ns/sdi``, which is where it dereferences when the portal runs at data.malangkota.go.id.
"""

from __future__ import annotations

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, XSD

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
DQV = Namespace("http://www.w3.org/ns/dqv#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
DCAT3 = Namespace("http://www.w3.org/ns/dcat#")  # rdflib's DCAT is DCAT 2: no version terms
SDI = Namespace("https://data.malangkota.go.id/ns/sdi#")

EU = "http://publications.europa.eu/resource/authority/"
FREQUENCY = Namespace(EU + "frequency/")
ACCESS_RIGHT = Namespace(EU + "access-right/")
FILE_TYPE = Namespace(EU + "file-type/")
LANGUAGE = Namespace(EU + "language/")
COUNTRY = Namespace(EU + "country/")
DATA_THEME = Namespace(EU + "data-theme/")
DATA_THEMES = URIRef(EU + "data-theme")
AVAILABILITY = Namespace(EU + "planned-availability/")
PUBLISHER_TYPE = Namespace("http://purl.org/adms/publishertype/")
LICENCE_TYPE = Namespace("http://purl.org/adms/licencetype/")
MEDIA_TYPE = "http://www.iana.org/assignments/media-types/"
TABLE_SCHEMA = URIRef("https://specs.frictionlessdata.io/table-schema/")

FREQUENCIES = {"once": "NEVER", "daily": "DAILY", "weekly": "WEEKLY", "monthly": "MONTHLY",
               "quarterly": "QUARTERLY", "annual": "ANNUAL", "irregular": "IRREG"}
ACCESS_RIGHTS = {"terbuka": "PUBLIC", "terbatas": "RESTRICTED", "tertutup": "NON_PUBLIC"}
FILE_TYPES = {"csv": "CSV", "excel.csv": "CSV", "xlsx": "XLSX", "json": "JSON", "geojson": "GEOJSON", "zip": "ZIP",
              "sqlite": "SQLITE", "parquet": "PARQUET"}
# Each smart city dimension beside the EU data theme(s) it falls under (metadata/themes.yaml may say otherwise).
EU_THEMES = {"governance": ["GOVE"], "branding": ["ECON"], "economy": ["ECON"], "living": ["SOCI", "HEAL"],
             "environment": ["ENVI"], "society": ["SOCI"]}
# ADMS licence types of the licences the portal knows (SPDX ids).
LICENCE_TYPES = {"CC0-1.0": ["PublicDomain"], "CC-BY-4.0": ["Attribution"], "ODC-BY-1.0": ["Attribution"],
                 "CC-BY-SA-4.0": ["Attribution", "ShareAlike"], "ODbL-1.0": ["Attribution", "ShareAlike"],
                 "ODC-PDDL-1.0": ["PublicDomain"], "OGL-UK-3.0": ["Attribution"], "MIT": ["Attribution"],
                 "other-at": ["Attribution"]}
# ADMS publisher types: a Kota Malang OPD is a local authority; other producers say theirs in publishers.yaml.
PUBLISHER_TYPES = {"opd": "LocalAuthority"}
# The English labels of the controlled-vocabulary terms used (as the vocabularies give them).
PUBLISHER_TYPE_LABELS = {"LocalAuthority": "Local Authority", "NationalAuthority": "National authority",
                         "RegionalAuthority": "Regional authority", "Academia-ScientificOrganisation":
                         "Academia/Scientific organisation", "NonGovernmentalOrganisation": "Non-Governmental Organisation"}
LICENCE_TYPE_LABELS = {"PublicDomain": "Public domain", "Attribution": "Attribution", "ShareAlike": "Share-alike"}
DATA_THEME_LABELS = {"AGRI": "Agriculture, fisheries, forestry and food", "ECON": "Economy and finance",
                     "EDUC": "Education, culture and sport", "ENER": "Energy", "ENVI": "Environment",
                     "GOVE": "Government and public sector", "HEAL": "Health", "INTR": "International issues",
                     "JUST": "Justice, legal system and public safety", "REGI": "Regions and cities",
                     "SOCI": "Population and society", "TECH": "Science and technology", "TRAN": "Transport"}

PREFIXES = {"dcat": DCAT, "dct": DCTERMS, "foaf": FOAF, "vcard": VCARD, "spdx": SPDX, "skos": SKOS, "owl": OWL,
            "locn": LOCN, "gsp": GSP, "adms": ADMS, "dcatap": DCATAP, "dqv": DQV, "hydra": HYDRA, "xsd": XSD,
            "rdfs": RDFS, "sdi": SDI}

# (property, label, English comment, range) of the sdi: vocabulary.
SDI_PROPERTIES = [
    ("satuan", "Satuan", "Unit of the dataset's main measure.", XSD.string),
    ("ukuran", "Ukuran", "The measure: jumlah, persentase, daftar…", XSD.string),
    ("konsep", "Konsep", "The concept the dataset measures.", RDF.langString),
    ("definisi", "Definisi", "Definition of the main quantity or record.", RDF.langString),
    ("dasar_hukum", "Dasar hukum", "A legal or programme basis of the dataset (one value per item).",
     RDF.langString),
    ("metodologi", "Metodologi", "How the data was produced or compiled (also given as dct:provenance).",
     RDF.langString),
    ("data_prioritas", "Data prioritas", "True when the dataset is declared Data Prioritas.", XSD.boolean),
    ("sample", "Data sampel", "True when the data is synthetic sample data, not facts.", XSD.boolean),
    ("kode_wilayah", "Kode wilayah", "Kemendagri code of the area a dataset or location covers.", XSD.string),
    ("ckan_license_id", "Lisensi CKAN", "The licence's id in CKAN's default licence register (cc-by, other-open…).",
     XSD.string),
]
SPDX_SHA256 = SPDX.checksumAlgorithm_sha256
QUALITY_SCORE = SDI.skor_kualitas  # the portal's quality score (0–10) as a DQV metric


def new_graph() -> Graph:
    graph = Graph(bind_namespaces="core")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    return graph


def json_ld_context() -> dict:
    return {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}


def sdi_vocabulary() -> Graph:
    """The sdi: properties and the quality metric, described where their namespace points."""
    graph = new_graph()
    ontology = URIRef(str(SDI).rstrip("#"))
    graph.add((ontology, RDF.type, OWL.Ontology))
    graph.add((ontology, DCTERMS.title, Literal("Satu Data Indonesia metadata properties", lang="en")))
    graph.add((ontology, DCTERMS.description, Literal(
        "Properties of the Satu Data Indonesia profile (Perpres 39/2019) that DCAT-AP has no term for, "
        "under their names in Indonesia's national catalog.", lang="en")))
    for name, label, comment, value_range in SDI_PROPERTIES:
        prop = SDI[name]
        graph.add((prop, RDF.type, OWL.DatatypeProperty))
        graph.add((prop, RDFS.isDefinedBy, ontology))
        graph.add((prop, RDFS.label, Literal(label, lang="id")))
        graph.add((prop, RDFS.comment, Literal(comment, lang="en")))
        graph.add((prop, RDFS.domain, {"kode_wilayah": RDFS.Resource, "ckan_license_id": DCTERMS.LicenseDocument}
                   .get(name, DCAT.Dataset)))
        graph.add((prop, RDFS.range, value_range))
    graph.add((QUALITY_SCORE, RDF.type, DQV.Metric))
    graph.add((QUALITY_SCORE, RDFS.isDefinedBy, ontology))
    graph.add((QUALITY_SCORE, SKOS.prefLabel, Literal("Skor kualitas", lang="id")))
    graph.add((QUALITY_SCORE, SKOS.definition, Literal(
        "The portal's quality score of a dataset, 0 to 10, from documented criteria (see /about).", lang="en")))
    graph.add((QUALITY_SCORE, DQV.expectedDataType, XSD.decimal))
    return graph
