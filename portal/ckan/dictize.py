"""Catalog objects as CKAN 2.11 dicts, field for field as ``package_show`` gives them.

- a dataset is a package: ``id`` a stable UUID (``portal.ckan.ids``), ``name`` its slug; ``author`` the
  Produsen Data, ``maintainer`` the Walidata (with their e-mail when metadata/publishers.yaml has one),
  ``organization``/``owner_org`` the publisher, ``groups`` the smart city themes, ``tags`` the keywords
  (made valid CKAN tag names), ``license_id`` the licence's CKAN register id (the SPDX id stays in the
  ``license_spdx`` extra), ``version`` the portal's version number;
- every download is a resource: each table's CSV (``url`` the validated file, ``table_name`` its SQL
  table), CSV for Excel, XLSX, JSON and GeoJSON where built, and the whole package as a zip, each with
  format, mimetype, size, sha256 ``hash`` and ``last_modified``;
- the Satu Data Indonesia fields keep their national names both as top-level keys (native JSON values)
  and as ``extras`` (strings), so a harvester without a matching schema keeps them too; ``spatial`` is
  the area's GeoJSON (ckanext-spatial's field), its kode wilayah in ``kode_wilayah``.
"""

from __future__ import annotations

import datetime
import json
import re

from ..catalog import Catalog, DatasetInfo, FileInfo
from ..formats import table_files
from ..urls import Links
from .ids import download_id, group_id, organization_id, package_id, resource_id, tag_id
from .licenses import ckan_license

TAG_INVALID = re.compile(r"[^\w \-.]+")  # ckan/logic/validators.py tag_name_validator


def ckan_datetime(value: str | None) -> str | None:
    """ISO 8601 with an offset -> CKAN's naive UTC form, as CKAN writes it: ``datetime.isoformat()``
    (2026-11-28T07:50:41.123456; publish records microseconds). Harvesters compare these as strings
    (ckanext-harvest base.py), so the form must be the one a CKAN gives back after storing it."""
    if not value:
        return None
    parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return parsed.isoformat()


def tag_name(keyword: str) -> str:
    """A keyword as a name CKAN's tag validators accept (word characters, space, - and .; 2–100 long)."""
    return re.sub(r"\s+", " ", TAG_INVALID.sub(" ", keyword)).strip()[:100]


def organization_dict(catalog: Catalog, publisher_id: str, links: Links, package_count: int | None = None) -> dict:
    publisher = catalog.publisher(publisher_id)
    data = group_like(catalog, organization_id(publisher_id), publisher_id, publisher.name if publisher else "",
                      publisher.description if publisher else "", links.publisher(publisher_id) if publisher else "",
                      True, package_count)
    if publisher and publisher.url:
        data["homepage"] = publisher.url
    return data


def group_dict(catalog: Catalog, theme_id: str, links: Links, package_count: int | None = None) -> dict:
    theme = catalog.theme(theme_id)
    return group_like(catalog, group_id(theme_id), theme_id, theme.title if theme else "",
                      theme.description if theme else "", links.theme(theme_id) if theme else "", False, package_count)


def group_like(catalog: Catalog, uuid: str, name: str, title: str, description: str, url: str, is_organization: bool,
               package_count: int | None) -> dict:
    """An organisation (a publisher) or a group (a theme), as CKAN's group_show gives both."""
    data = {
        "id": uuid,
        "name": name,
        "title": title or name,
        "display_name": title or name,
        "description": description,
        "type": "organization" if is_organization else "group",
        "is_organization": is_organization,
        "state": "active",
        "approval_status": "approved",
        "image_url": "",
        "image_display_url": "",
        "created": ckan_datetime(catalog.created),
        "url": url,
    }
    if package_count is not None:
        data["package_count"] = package_count
    return data


def tag_dict(name: str) -> dict:
    return {"id": tag_id(name), "name": name, "display_name": name, "state": "active", "vocabulary_id": None}


def license_fields(dataset: DatasetInfo, catalog: Catalog) -> dict:
    """license_id from CKAN's register, with CKAN's title, URL (or the licence's own) and isopen."""
    declared = dataset.licenses[0] if dataset.licenses else {}
    spdx = declared.get("name", "")
    known = catalog.license(spdx) if spdx else None
    register = ckan_license(known.ckan_id) if known else None
    if register is None:
        return {"license_id": spdx or None, "license_title": (known.title if known else declared.get("title")) or spdx
                or None, "license_url": (known.url if known else "") or declared.get("path") or None, "isopen": False}
    return {"license_id": register.id, "license_title": register.title,
            "license_url": register.url or (known.url if known else "") or declared.get("path") or None,
            "isopen": register.isopen}


def place_fields(dataset: DatasetInfo, catalog: Catalog) -> dict:
    """ckanext-spatial's ``spatial`` (GeoJSON geometry as a string), its label and kode wilayah."""
    code = dataset.spatial.get("kode_wilayah") or ""
    place = catalog.place(code) if code else None
    return {
        "spatial": json.dumps(place.geometry, separators=(",", ":")) if place else None,
        "spatial_text": dataset.spatial.get("nama") or (place.name if place else None),
        "kode_wilayah": code or None,
    }


def sdi_fields(dataset: DatasetInfo, catalog: Catalog) -> dict:
    """The Satu Data Indonesia fields under their national names, as native JSON values."""
    return {
        "satuan": dataset.satuan,
        "ukuran": dataset.ukuran,
        "konsep": dataset.konsep,
        "definisi": dataset.definisi,
        "accrualPeriodicity": dataset.frequency,
        "accessRights": dataset.access_rights,
        "temporal": dataset.temporal,
        "dasar_hukum": dataset.dasar_hukum,
        "metodologi": dataset.metodologi,
        "data_prioritas": dataset.data_prioritas,
        "sample": dataset.sample,
        **place_fields(dataset, catalog),
    }


def extra_value(value) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def extras(dataset: DatasetInfo, catalog: Catalog) -> list[dict]:
    """CKAN extras (key/value strings), sorted by key as CKAN returns them; empty values left out.
    temporal_start/_end are ckanext-dcat's names for the period."""
    fields = sdi_fields(dataset, catalog)
    fields.update(title_en=dataset.title_en, description_en=dataset.description_en, modified=dataset.modified,
                  temporal_start=dataset.temporal.get("start"), temporal_end=dataset.temporal.get("end"),
                  license_spdx=dataset.licenses[0].get("name") if dataset.licenses else None)
    return [{"key": key, "value": extra_value(value)} for key, value in sorted(fields.items())
            if value is not None and value != "" and value != [] and value != {}]


def file_versions(dataset: DatasetInfo, key: str) -> tuple[str | None, str | None]:
    """(created, modified) as ISO 8601: the first version holding the file, and the version since
    which its bytes are what they are now (the current version when the history does not say)."""
    created = modified = previous = None
    for version in dataset.versions:
        info = version.files.get(key)
        if info is None:
            continue
        created = created or version.date
        if info.sha256 != previous:
            modified, previous = version.date, info.sha256
    current = dataset.current_version.date if dataset.current_version else None
    return created or current, modified or current


def distribution(dataset: DatasetInfo, rid: str, name: str, description: str, url: str, fmt: str,
                 mimetype: str, info: FileInfo | None, dates: tuple[str | None, str | None], position: int,
                 **more) -> dict:
    created, modified = (ckan_datetime(date) for date in dates)
    return {
        "id": rid,
        "package_id": package_id(dataset.name),
        "name": name,
        "description": description,
        "url": url,
        "format": fmt,
        "mimetype": mimetype,
        "mimetype_inner": None,
        "hash": info.sha256 if info else "",
        "size": info.bytes if info else None,
        "created": created,
        "last_modified": modified,
        "metadata_modified": modified,
        "position": position,
        "state": "active",
        "url_type": None,
        "resource_type": None,
        "cache_url": None,
        "cache_last_updated": None,
        "datastore_active": False,
        **more,
    }


FORMAT_NAMES = {"csv": "CSV", "excel.csv": "CSV", "xlsx": "XLSX", "json": "JSON", "geojson": "GeoJSON",
                "parquet": "Parquet"}


def format_name(key: str, resource) -> str:
    """CKAN's format of a download: a table with outlines (a GeoJSON but no point columns) has GeoParquet."""
    if key == "parquet" and resource.geo is None and "geojson" in resource.downloads:
        return "GeoParquet"
    return FORMAT_NAMES[key]


def resource_dicts(dataset: DatasetInfo, links: Links) -> list[dict]:
    """Every download of the dataset: per table its original CSV first, then the generated formats,
    then the zip of the whole package."""
    found = []
    for resource in dataset.resources:
        title = resource.title or resource.name
        for table_file in table_files(resource):
            fmt, original = table_file.format, table_file.original
            found.append(distribution(
                dataset, resource_id(dataset.name, resource.name) if original else download_id(dataset.name, table_file.file_name),
                title if original else f"{title} ({fmt.short})", resource.description if original else str(fmt.label),
                links.download(dataset.name, table_file.file_name), format_name(fmt.key, resource), fmt.mimetype,
                table_file.info, file_versions(dataset, table_file.history_key), len(found),
                **({"table_name": resource.name, "rows": resource.rows} if original else {"table_name": resource.name})))
    if dataset.zip_file:
        found.append(distribution(
            dataset, download_id(dataset.name, f"{dataset.name}.zip"), "Paket data lengkap (ZIP)",
            "datapackage.json, data, README dan lisensi: dapat divalidasi dengan `frictionless validate`.",
            links.dataset_zip(dataset.name), "ZIP", "application/zip", dataset.zip_file,
            file_versions(dataset, "zip"), len(found)))
    return found


def package_dict(dataset: DatasetInfo, catalog: Catalog, links: Links) -> dict:
    author, maintainer = catalog.publisher(dataset.author), catalog.publisher(dataset.maintainer)
    first, current = (dataset.versions[0], dataset.versions[-1]) if dataset.versions else (None, None)
    names = list(dict.fromkeys(name for name in (tag_name(keyword) for keyword in dataset.keywords) if len(name) >= 2))
    tags = [tag_dict(name) for name in names]
    resources = resource_dicts(dataset, links)
    return {
        "id": package_id(dataset.name),
        "name": dataset.name,
        "title": dataset.title,
        "notes": dataset.description,
        "url": links.dataset(dataset.name),
        "author": author.name if author else dataset.author,
        "author_email": (author.email if author else "") or None,
        "maintainer": maintainer.name if maintainer else dataset.maintainer,
        "maintainer_email": (maintainer.email if maintainer else "") or None,
        **license_fields(dataset, catalog),
        "organization": organization_dict(catalog, dataset.publisher, links),
        "owner_org": organization_id(dataset.publisher),
        "groups": [group_dict(catalog, theme, links) for theme in dataset.themes],
        "tags": tags,
        "resources": resources,
        "num_resources": len(resources),
        "num_tags": len(tags),
        "metadata_created": ckan_datetime(first.date if first else catalog.created),
        "metadata_modified": ckan_datetime(current.date if current else catalog.created),
        "version": str(current.number) if current else None,
        "state": "active",
        "type": "dataset",
        "private": False,
        "creator_user_id": None,
        "relationships_as_object": [],
        "relationships_as_subject": [],
        "title_en": dataset.title_en,
        "notes_en": dataset.description_en,
        **sdi_fields(dataset, catalog),
        "extras": extras(dataset, catalog),
    }
