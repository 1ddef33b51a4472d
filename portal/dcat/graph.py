"""The catalog as a DCAT-AP 3 graph (rdflib).

IRIs are the portal's own pages: the catalog is the home page, a dataset its dataset page, a publisher
its publisher page, a theme (a skos:Concept in the scheme of /theme) its theme page, an area its
``/wilayah/<kode>``; a distribution is ``<dataset page>#distribution-<file>``, a version
``<dataset page>/changes#v<N>`` (its entry on the changes page). Every download is a distribution: each table's CSV (the validated
file), CSV for Excel, XLSX, JSON and GeoJSON where built, and the zip of the whole package.

The Satu Data Indonesia fields DCAT has no property for keep their national names in ``sdi:``
(``vocabulary.py``); the others map to DCAT-AP: accrualPeriodicity to the EU frequency vocabulary,
accessRights to the EU access-right vocabulary, temporal to dct:PeriodOfTime, spatial to dct:Location,
metodologi to dct:provenance, author to dct:creator, maintainer (Walidata) to dcat:contactPoint,
the smart city dimensions to dcat:theme beside the EU data themes, the quality score to DQV.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, XSD

from ..catalog import Catalog, DatasetInfo, FileInfo
from ..ckan.dictize import file_versions
from ..formats import table_files
from ..urls import Links
from . import parts
from .vocabulary import (ACCESS_RIGHT, ACCESS_RIGHTS, ADMS, AVAILABILITY, DATA_THEME, DCAT3, DCATAP, DATA_THEMES, EU_THEMES,
                         DATA_THEME_LABELS, FILE_TYPE, FILE_TYPES, FREQUENCIES, FREQUENCY, LANGUAGE, MEDIA_TYPE, SDI, SPDX,
                         SPDX_SHA256, TABLE_SCHEMA,
                         new_graph)

def eu_themes(catalog: Catalog, theme_id: str) -> list[str]:
    theme = catalog.theme(theme_id)
    return (theme.eu_themes if theme and theme.eu_themes else None) or EU_THEMES.get(theme_id, [])


def catalog_node(graph: Graph, catalog: Catalog, links: Links, datasets: list[DatasetInfo]) -> URIRef:
    portal = catalog.portal
    node = URIRef(links.home)
    graph.add((node, RDF.type, DCAT.Catalog))
    parts.texts(graph, node, DCTERMS.title, portal.get("title", ""), portal.get("title_en", ""))
    parts.texts(graph, node, DCTERMS.description, portal.get("description", ""), portal.get("description_en", ""))
    publisher = URIRef(links.home + "#publisher")
    parts.agent(graph, publisher, portal.get("organization") or portal.get("title", ""), "", portal.get("url", ""),
                "LocalAuthority")
    graph.add((node, DCTERMS.publisher, publisher))
    contact = parts.contact_point(graph, catalog, portal.get("operator", ""))
    if contact is not None:
        graph.add((node, DCAT.contactPoint, contact))
    graph.add((node, FOAF.homepage, parts.document(graph, links.home)))
    for code in ("IND", "ENG"):
        graph.add((LANGUAGE[code], RDF.type, DCTERMS.LinguisticSystem))
        graph.add((node, DCTERMS.language, LANGUAGE[code]))
    first_release = catalog.releases[-1].date if catalog.releases else catalog.created
    graph.add((node, DCTERMS.issued, Literal(first_release, datatype=XSD.dateTime)))
    graph.add((node, DCTERMS.modified, Literal(catalog.created, datatype=XSD.dateTime)))
    metadata_license = catalog.license(portal.get("metadata_license", ""))
    if metadata_license:
        graph.add((node, DCTERMS.license, parts.license_document(graph, metadata_license, metadata_license.id,
                                                                 metadata_license.title)))
    for keyword in portal.get("keywords", []) or []:
        graph.add((node, DCAT.keyword, Literal(keyword, lang="id")))
    city = catalog.place(portal.get("kode_wilayah", ""))
    if city:
        graph.add((node, DCTERMS.spatial, parts.place(graph, city, links)))
    parts.country(graph, node)
    starts = [d.temporal["start"] for d in catalog.datasets if d.temporal.get("start")]
    ends = [d.temporal["end"] for d in catalog.datasets if d.temporal.get("end")]
    parts.period(graph, node, min(starts) if starts else None, max(ends) if ends else None)

    scheme = URIRef(links.themes)
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme, DCTERMS.title, Literal("Dimensi smart city", lang="id")))
    graph.add((scheme, DCTERMS.title, Literal("Smart city dimensions", lang="en")))
    graph.add((node, DCAT.themeTaxonomy, scheme))
    graph.add((DATA_THEMES, RDF.type, SKOS.ConceptScheme))
    graph.add((DATA_THEMES, DCTERMS.title, Literal("Data theme", lang="en")))
    graph.add((node, DCAT.themeTaxonomy, DATA_THEMES))
    for theme in catalog.themes:
        theme_concept(graph, catalog, links, theme.id)
    for code in sorted({code for d in catalog.datasets for t in d.themes for code in eu_themes(catalog, t)}):
        graph.add((node, DCAT.theme, eu_theme(graph, code)))
    if catalog.database:
        whole = URIRef(links.home + "#distribution-portal.db")
        distribution(graph, whole, catalog.database, links.home.rstrip("/") + "/download/portal.db", "sqlite",
                     "application/vnd.sqlite3", None, (first_release, catalog.created))
        parts.texts(graph, whole, DCTERMS.title, "Seluruh basis data portal (SQLite)", "The portal's whole database (SQLite)")
        parts.texts(graph, whole, DCTERMS.description, "Setiap tabel dari setiap dataset, siap untuk kueri SQL yang "
                    "menggabungkan dataset.", "Every table of every dataset, ready for SQL that joins datasets.")
        parts.rights(graph, whole, "Setiap tabel berlisensi seperti dataset asalnya (lihat halaman datasetnya).")
        graph.add((node, DCAT.distribution, whole))
    for dataset in datasets:
        graph.add((node, DCAT.dataset, URIRef(links.dataset(dataset.name))))
    return node


def theme_concept(graph: Graph, catalog: Catalog, links: Links, theme_id: str) -> URIRef:
    """A smart city dimension: a skos:Concept of the scheme /theme, close to its EU data themes."""
    concept = URIRef(links.theme(theme_id))
    graph.add((concept, RDF.type, SKOS.Concept))
    graph.add((concept, SKOS.inScheme, URIRef(links.themes)))
    graph.add((concept, SKOS.notation, Literal(theme_id)))
    theme = catalog.theme(theme_id)
    if theme:
        parts.texts(graph, concept, SKOS.prefLabel, theme.title, theme.title_en)
    else:
        graph.add((concept, SKOS.prefLabel, Literal(theme_id)))
    for code in eu_themes(catalog, theme_id):
        graph.add((concept, SKOS.closeMatch, DATA_THEME[code]))
    return concept


def eu_theme(graph: Graph, code: str) -> URIRef:
    concept = parts.concept(graph, DATA_THEME[code], DATA_THEME_LABELS[code])
    graph.add((concept, SKOS.inScheme, DATA_THEMES))
    return concept


def resource(graph: Graph, url: str) -> URIRef:
    """A web resource, typed as DCAT-AP 3.0.0's range shapes still ask (3.0.1 dropped that)."""
    node = URIRef(url)
    graph.add((node, RDF.type, RDFS.Resource))
    return node


def distribution(graph: Graph, node: URIRef, info: FileInfo | None, url: str, key: str, mimetype: str,
                 license_node, dates: tuple[str | None, str | None]) -> None:
    """One downloadable file: where, what format, how big, its checksum, licence and dates."""
    graph.add((node, RDF.type, DCAT.Distribution))
    graph.add((node, DCAT.downloadURL, resource(graph, url)))
    graph.add((node, DCAT.accessURL, resource(graph, url)))
    media = URIRef(MEDIA_TYPE + mimetype)
    graph.add((media, RDF.type, DCTERMS.MediaType))
    graph.add((node, DCAT.mediaType, media))
    file_type = FILE_TYPE[FILE_TYPES[key]]
    graph.add((file_type, RDF.type, DCTERMS.MediaTypeOrExtent))
    graph.add((node, DCTERMS["format"], file_type))
    graph.add((node, DCATAP.availability, parts.concept(graph, AVAILABILITY.STABLE, "stable")))
    if license_node is not None:
        graph.add((node, DCTERMS.license, license_node))
    created, modified = dates
    if created:
        graph.add((node, DCTERMS.issued, Literal(created, datatype=XSD.dateTime)))
    if modified:
        graph.add((node, DCTERMS.modified, Literal(modified, datatype=XSD.dateTime)))
    if info:
        graph.add((node, DCAT.byteSize, Literal(info.bytes, datatype=XSD.nonNegativeInteger)))
        checksum = URIRef(f"{node}-sha256")
        graph.add((checksum, RDF.type, SPDX.Checksum))
        graph.add((SPDX_SHA256, RDF.type, SPDX.ChecksumAlgorithm))
        graph.add((checksum, SPDX.algorithm, SPDX_SHA256))
        graph.add((checksum, SPDX.checksumValue, Literal(info.sha256, datatype=XSD.hexBinary)))
        graph.add((node, SPDX.checksum, checksum))


def add_distributions(graph: Graph, node: URIRef, page: str, dataset: DatasetInfo, links: Links, license_node) -> None:
    for resource in dataset.resources:
        for table_file in table_files(resource):
            fmt, original = table_file.format, table_file.original
            iri = URIRef(f"{page}#distribution-{resource.name if original else table_file.file_name}")
            distribution(graph, iri, table_file.info, links.download(dataset.name, table_file.file_name), fmt.key,
                         fmt.mimetype, license_node, file_versions(dataset, table_file.history_key))
            graph.add((iri, DCTERMS.identifier, Literal(resource.name if original else table_file.file_name)))
            title = resource.title or resource.name
            parts.texts(graph, iri, DCTERMS.title, title if original else f"{title} ({fmt.short})")
            parts.texts(graph, iri, DCTERMS.description, resource.description if original else str(fmt.label))
            if fmt.key in ("csv", "excel.csv"):
                graph.add((TABLE_SCHEMA, RDF.type, DCTERMS.Standard))
                graph.add((iri, DCTERMS.conformsTo, TABLE_SCHEMA))
            graph.add((node, DCAT.distribution, iri))
    if dataset.zip_file:
        iri = URIRef(f"{page}#distribution-{dataset.name}.zip")
        distribution(graph, iri, dataset.zip_file, links.dataset_zip(dataset.name), "zip", "application/zip",
                     license_node, file_versions(dataset, "zip"))
        graph.add((iri, DCTERMS.identifier, Literal(f"{dataset.name}.zip")))
        parts.texts(graph, iri, DCTERMS.title, "Paket data lengkap (ZIP)", "The whole data package (ZIP)")
        parts.texts(graph, iri, DCTERMS.description, "datapackage.json, data, README dan lisensi.",
                    "datapackage.json, data files, README and licences.")
        graph.add((node, DCAT.distribution, iri))


def add_versions(graph: Graph, node: URIRef, page: str, dataset: DatasetInfo, links: Links) -> None:
    """The version chain of DCAT 3: each published version (number, date, notes, its zip at a URL that
    never changes) points to the one before (dcat:previousVersion); the dataset to its current version.
    Versions are dcat:Resource and not linked with dcat:hasVersion, whose DCAT-AP range is dcat:Dataset:
    a harvester (ckanext-dcat's) takes every dcat:Dataset in a catalog for a dataset of its own."""
    previous = None
    for version in dataset.versions:
        iri = URIRef(f"{page}/changes#v{version.number}")
        graph.add((iri, RDF.type, DCAT3.Resource))
        graph.add((iri, DCAT3.version, Literal(str(version.number))))
        graph.add((iri, DCTERMS.issued, Literal(version.date, datatype=XSD.dateTime)))
        parts.texts(graph, iri, DCTERMS.title, f"{dataset.title} — versi {version.number}",
                    f"{dataset.title_en} — version {version.number}" if dataset.title_en else "")
        graph.add((iri, ADMS.versionNotes, Literal(version_notes(version), lang="id")))
        if previous is not None:
            graph.add((iri, DCAT3.previousVersion, previous))
        if version.files.get("zip"):
            url = links.dataset_zip(dataset.name).removesuffix(".zip") + f"/v{version.number}.zip"
            graph.add((iri, RDFS.seeAlso, resource(graph, url)))
        previous = iri
    if previous is not None:
        graph.add((node, DCAT3.hasCurrentVersion, previous))
        before = graph.value(previous, DCAT3.previousVersion)
        if before is not None:
            graph.add((node, DCAT3.previousVersion, before))


def version_notes(version) -> str:
    changes = version.changes
    if changes is None or changes.first:
        return f"Versi {version.number}: terbit pertama."
    tables = [f"{c.name}: +{c.added} −{c.removed} baris" + (f", {c.changed} berubah" if c.changed else "")
              for c in changes.resources if c.status != "unchanged"]
    metadata = f"; metadata: {', '.join(changes.metadata)}" if changes.metadata else ""
    return f"Versi {version.number}: " + ("; ".join(tables) or "data tidak berubah") + metadata


def add_dataset(graph: Graph, dataset: DatasetInfo, catalog: Catalog, links: Links, score: int | None,
                day: str) -> URIRef:
    page = links.dataset(dataset.name)
    node = URIRef(page)
    graph.add((node, RDF.type, DCAT.Dataset))
    graph.add((node, DCTERMS.identifier, Literal(dataset.name)))
    parts.texts(graph, node, DCTERMS.title, dataset.title, dataset.title_en)
    parts.texts(graph, node, DCTERMS.description, dataset.description, dataset.description_en)
    graph.add((node, DCTERMS.publisher, parts.organization(graph, catalog, dataset.publisher, links)))
    if dataset.author:
        graph.add((node, DCTERMS.creator, parts.organization(graph, catalog, dataset.author, links)))
    contact = parts.contact_point(graph, catalog, dataset.maintainer)
    if contact is not None:
        graph.add((node, DCAT.contactPoint, contact))
    license_node = parts.dataset_license(graph, dataset, catalog)
    if license_node is not None:
        graph.add((node, DCTERMS.license, license_node))
    for theme in dataset.themes:
        graph.add((node, DCAT.theme, theme_concept(graph, catalog, links, theme)))
        for code in eu_themes(catalog, theme):
            graph.add((node, DCAT.theme, eu_theme(graph, code)))
    for keyword in dataset.keywords:
        graph.add((node, DCAT.keyword, Literal(keyword, lang="id")))
    parts.period(graph, node, dataset.temporal.get("start"), dataset.temporal.get("end"))
    parts.spatial(graph, node, dataset, catalog, links)
    if dataset.frequency in FREQUENCIES:
        graph.add((FREQUENCY[FREQUENCIES[dataset.frequency]], RDF.type, DCTERMS.Frequency))
        graph.add((node, DCTERMS.accrualPeriodicity, FREQUENCY[FREQUENCIES[dataset.frequency]]))
    if dataset.access_rights in ACCESS_RIGHTS:
        graph.add((ACCESS_RIGHT[ACCESS_RIGHTS[dataset.access_rights]], RDF.type, DCTERMS.RightsStatement))
        graph.add((node, DCTERMS.accessRights, ACCESS_RIGHT[ACCESS_RIGHTS[dataset.access_rights]]))
    graph.add((LANGUAGE.IND, RDF.type, DCTERMS.LinguisticSystem))
    graph.add((node, DCTERMS.language, LANGUAGE.IND))
    if dataset.versions:
        graph.add((node, DCTERMS.issued, Literal(dataset.versions[0].date, datatype=XSD.dateTime)))
        graph.add((node, DCTERMS.modified, Literal(dataset.versions[-1].date, datatype=XSD.dateTime)))
        graph.add((node, DCAT3.version, Literal(str(dataset.versions[-1].number))))
        graph.add((node, OWL.versionInfo, Literal(str(dataset.versions[-1].number))))
        graph.add((node, ADMS.versionNotes, Literal(version_notes(dataset.versions[-1]), lang="id")))
    graph.add((node, DCAT.landingPage, parts.document(graph, page)))
    for source in dataset.sources:
        if source.get("path"):
            related = resource(graph, source["path"])
            graph.add((node, DCTERMS.relation, related))
            if source.get("title"):
                graph.add((related, RDFS.label, Literal(source["title"])))
    if dataset.metodologi:
        parts.provenance(graph, node, dataset.metodologi)
    if score is not None:
        parts.quality(graph, node, score, day)
    add_sdi_fields(graph, node, dataset)
    add_distributions(graph, node, page, dataset, links, license_node)
    add_versions(graph, node, page, dataset, links)
    return node


def add_sdi_fields(graph: Graph, node: URIRef, dataset: DatasetInfo) -> None:
    for key in ("satuan", "ukuran"):
        if getattr(dataset, key):
            graph.add((node, SDI[key], Literal(getattr(dataset, key))))
    for key in ("konsep", "definisi", "metodologi"):
        if getattr(dataset, key):
            graph.add((node, SDI[key], Literal(getattr(dataset, key), lang="id")))
    for basis in dataset.dasar_hukum:
        graph.add((node, SDI.dasar_hukum, Literal(basis, lang="id")))
    if dataset.data_prioritas is not None:
        graph.add((node, SDI.data_prioritas, Literal(bool(dataset.data_prioritas))))
    graph.add((node, SDI.sample, Literal(bool(dataset.sample))))
    if dataset.spatial.get("kode_wilayah"):
        graph.add((node, SDI.kode_wilayah, Literal(dataset.spatial["kode_wilayah"])))


def catalog_graph(catalog: Catalog, links: Links, scores: dict[str, int], day: str,
                  datasets: list[DatasetInfo] | None = None) -> Graph:
    """The catalog with ``datasets`` (all of them unless a page is given)."""
    graph = new_graph()
    chosen = catalog.datasets if datasets is None else datasets
    catalog_node(graph, catalog, links, chosen)
    for dataset in chosen:
        add_dataset(graph, dataset, catalog, links, scores.get(dataset.name), day)
    return graph


def dataset_graph(dataset: DatasetInfo, catalog: Catalog, links: Links, score: int | None, day: str) -> Graph:
    """One dataset, its distributions and versions (as ckanext-dcat serves /dataset/<id>.ttl)."""
    graph = new_graph()
    add_dataset(graph, dataset, catalog, links, score, day)
    return graph
