"""A dataset as schema.org JSON-LD in its page, with what Google Dataset Search and other crawlers
read: licence, creator and publisher, dates, temporal and spatial coverage (with the area's box),
the variables from the data dictionary, every download, and the sources it is based on.
tests/test_schema_org.py reads pages with extruct, as crawlers' parsers do."""

from __future__ import annotations

from .catalog import Catalog, DatasetInfo
from .ckan.dictize import license_fields
from .formats import table_files
from .urls import Links


def organization(catalog: Catalog, publisher_id: str) -> dict:
    publisher = catalog.publisher(publisher_id)
    data = {"@type": "Organization", "name": publisher.name if publisher else publisher_id}
    if publisher and publisher.url:
        data["url"] = publisher.url
    if publisher and publisher.email:
        data["email"] = publisher.email
    return data


def downloads(dataset: DatasetInfo, links: Links) -> list[dict]:
    found = [{"@type": "DataDownload", "name": f.file_name, "encodingFormat": f.format.mimetype,
              "contentSize": f"{f.info.bytes} B", "sha256": f.info.sha256,
              "contentUrl": links.download(dataset.name, f.file_name)}
             for resource in dataset.resources for f in table_files(resource)]
    if dataset.zip_file:
        found.append({"@type": "DataDownload", "name": f"{dataset.name}.zip", "encodingFormat": "application/zip",
                      "contentSize": f"{dataset.zip_file.bytes} B", "sha256": dataset.zip_file.sha256,
                      "contentUrl": links.dataset_zip(dataset.name)})
    return found


def variables(dataset: DatasetInfo) -> list[dict]:
    """Every column, documented by the data dictionary."""
    found = []
    for resource in dataset.resources:
        for field in resource.fields:
            variable = {"@type": "PropertyValue", "name": field.name, "propertyID": f"{resource.name}.{field.name}"}
            if field.title or field.description:
                variable["description"] = " — ".join(part for part in (field.title, field.description) if part)
            if field.unit:
                variable["unitText"] = field.unit
            found.append(variable)
    return found


def spatial_coverage(dataset: DatasetInfo, catalog: Catalog, links: Links) -> dict | None:
    code = dataset.spatial.get("kode_wilayah") or ""
    place = catalog.place(code) if code else None
    name = dataset.spatial.get("nama") or (place.name if place else "")
    if not name:
        return None
    data = {"@type": "Place", "name": name}
    if code:
        data["identifier"] = code
    if place:
        west, south, east, north = place.bbox
        data["@id"] = links.place(code)
        data["geo"] = {"@type": "GeoShape", "box": f"{south} {west} {north} {east}"}  # schema.org: lat lon lat lon
    return data


def dataset_jsonld(dataset: DatasetInfo, catalog: Catalog, links: Links) -> dict:
    url = links.dataset(dataset.name)
    license = license_fields(dataset, catalog)
    data = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": url,
        "name": dataset.title,
        "description": dataset.description[:5000] or dataset.title,
        "url": url,
        "identifier": url,
        "keywords": dataset.keywords,
        "inLanguage": "id",
        "isAccessibleForFree": True,
        # The licence's URL, or (a cited fact with no licence URL) what the licence says, by name.
        "license": license["license_url"] or {"@type": "CreativeWork", "name": license["license_title"] or "-"},
        "creator": organization(catalog, dataset.author or dataset.publisher),
        "publisher": organization(catalog, dataset.publisher),
        "includedInDataCatalog": {"@type": "DataCatalog", "name": catalog.portal.get("title", ""), "url": links.home},
        "distribution": downloads(dataset, links),
        "variableMeasured": variables(dataset),
    }
    if dataset.maintainer and catalog.publisher(dataset.maintainer):
        data["maintainer"] = organization(catalog, dataset.maintainer)
    if dataset.current_version:
        data["version"] = str(dataset.current_version.number)
        data["datePublished"] = dataset.versions[0].date[:10]
        data["dateModified"] = dataset.current_version.date[:10]
    if dataset.temporal.get("start") or dataset.temporal.get("end"):
        data["temporalCoverage"] = f"{dataset.temporal.get('start') or '..'}/{dataset.temporal.get('end') or '..'}"
    coverage = spatial_coverage(dataset, catalog, links)
    if coverage:
        data["spatialCoverage"] = coverage
    sources = [{"@type": "CreativeWork", "name": s.get("title") or s["path"], "url": s["path"]}
               for s in dataset.sources if s.get("path")]
    if sources:
        data["isBasedOn"] = sources
    if dataset.citation:
        data["citation"] = dataset.citation
    if dataset.title_en:
        data["alternateName"] = dataset.title_en
    return data


def place_jsonld(entry, outline, index, links: Links) -> dict:
    """A place page's schema.org Place: name, kode wilayah, centroid and box, and the areas it lies in,
    contains and borders (``entry`` a place_index.PlaceEntry, ``outline`` its catalog.Place)."""

    def named(code: str) -> dict:
        other = index.place(code)
        return {"@type": "Place", "@id": links.place(code), "name": other.name if other else code}

    west, south, east, north = outline.bbox
    data = {
        "@context": "https://schema.org/",
        "@type": "Place",
        "@id": links.place(entry.code),
        "url": links.place(entry.code),
        "name": entry.name,
        "identifier": {"@type": "PropertyValue", "propertyID": "kode wilayah Kemendagri", "value": entry.code},
        "geo": {"@type": "GeoShape", "box": f"{south} {west} {north} {east}"},  # schema.org: lat lon lat lon
    }
    if outline.centroid:
        data["latitude"], data["longitude"] = outline.centroid[1], outline.centroid[0]
    if entry.parent:
        data["containedInPlace"] = named(entry.parent)
    if entry.children:
        data["containsPlace"] = [named(code) for code in entry.children]
    if entry.neighbours:
        data["geoTouches"] = [named(code) for code in entry.neighbours]
    return data
