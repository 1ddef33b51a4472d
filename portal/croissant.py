"""A dataset as Croissant 1.0 (MLCommons' schema.org-based format for machine-learning datasets):
its CSV files as FileObjects with sha256, each table a RecordSet whose fields come from the data
dictionary, typed from the Table Schema. tests/test_dcat_clients.py loads it with mlcroissant."""

from __future__ import annotations

from .catalog import Catalog, DatasetInfo
from .ckan.dictize import license_fields
from .urls import Links

CONTEXT = {
    "@language": "id",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "samplingRate": "cr:samplingRate",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}
# Table Schema types as Croissant data types.
DATA_TYPES = {"integer": "sc:Integer", "number": "sc:Float", "boolean": "sc:Boolean", "date": "sc:Date",
              "datetime": "sc:DateTime", "year": "sc:Integer"}


def croissant(dataset: DatasetInfo, catalog: Catalog, links: Links) -> dict:
    license = license_fields(dataset, catalog)
    author, publisher = catalog.publisher(dataset.author), catalog.publisher(dataset.publisher)
    files, record_sets = [], []
    for resource in dataset.resources:
        if resource.file is None:
            continue
        file_id = f"{resource.name}.csv"
        files.append({"@type": "cr:FileObject", "@id": file_id, "name": file_id,
                      "description": resource.title or resource.name,
                      "contentUrl": links.download(dataset.name, file_id), "encodingFormat": "text/csv",
                      "contentSize": f"{resource.file.bytes} B", "sha256": resource.file.sha256})
        record_sets.append({
            "@type": "cr:RecordSet", "@id": resource.name, "name": resource.name,
            "description": resource.description or resource.title or resource.name,
            **({"key": [{"@id": f"{resource.name}/{name}"} for name in resource.primary_key]}
               if resource.primary_key else {}),
            "field": [{"@type": "cr:Field", "@id": f"{resource.name}/{field.name}", "name": field.name,
                       "description": field.description or field.title or field.name,
                       "dataType": DATA_TYPES.get(field.type, "sc:Text"),
                       "source": {"fileObject": {"@id": file_id}, "extract": {"column": field.name}}}
                      for field in resource.fields],
        })
    data = {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": "http://mlcommons.org/croissant/1.0",
        "name": dataset.name,
        "description": dataset.description or dataset.title,
        "url": links.dataset(dataset.name),
        "license": license["license_url"] or license["license_title"],
        "version": f"{dataset.current_version.number}.0.0" if dataset.current_version else "1.0.0",
        "keywords": dataset.keywords,
        "creator": {"@type": "sc:Organization", "name": author.name if author else dataset.author},
        "publisher": {"@type": "sc:Organization", "name": publisher.name if publisher else dataset.publisher},
        "citeAs": dataset.citation or f"{author.name if author else dataset.author}. {dataset.title}. "
                                      f"{links.dataset(dataset.name)}",
        "distribution": files,
        "recordSet": record_sets,
    }
    if dataset.versions:
        data["datePublished"] = dataset.versions[0].date[:10]
        data["dateModified"] = dataset.versions[-1].date[:10]
    if dataset.temporal.get("start"):
        data["temporalCoverage"] = f"{dataset.temporal['start']}/{dataset.temporal.get('end') or '..'}"
    if dataset.spatial.get("nama"):
        data["spatialCoverage"] = {"@type": "sc:Place", "name": dataset.spatial["nama"]}
    if dataset.sample:
        data["isAccessibleForFree"] = True
        data["description"] += " (Data sampel sintetis, bukan fakta tentang Kota Malang.)"
    return data
