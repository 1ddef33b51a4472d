"""A read-only CKAN Action API over the catalog, so CKAN harvesters (data.go.id, Satu Data Indonesia) can
harvest the portal as if it were a CKAN site.

Pure functions over ``Catalog`` objects: ``portal/views/ckan_api.py`` only reads the request and wraps
what comes back in CKAN's envelope. Mapping:

- a dataset is a CKAN package: ``id`` = ``name`` = the dataset name (stable across releases);
  ``author`` the Produsen Data, ``maintainer`` the Walidata, ``organization`` / ``owner_org`` the publisher,
  ``groups`` the smart city themes, ``tags`` the keywords, ``version`` the portal's version number,
  ``metadata_created`` / ``metadata_modified`` the dates of the first / current version;
- the Satu Data Indonesia fields keep their national names both as top-level keys (native JSON values) and
  as ``extras`` (strings; JSON for lists, dicts and booleans), so a harvester without a matching schema
  keeps them too;
- a table (resource) is a CKAN resource whose ``url`` is the CSV download, with ``hash`` = its sha256;
  its ``id`` is a UUID derived from ``<dataset>/<resource>`` (stable, and safe inside CKAN's resource
  URLs, which a ``/`` would break); ``resource_show`` also accepts ``<dataset>/<resource>`` itself.

Errors are exceptions carrying CKAN's HTTP status and error dict (``__type`` and a message, or for a
validation error the field names with lists of messages).
"""

from __future__ import annotations

import datetime
import json
import re
import uuid
from dataclasses import dataclass
from typing import Any, Callable

from .catalog import Catalog, DatasetInfo, ResourceInfo
from .facets import matches
from .search import cached_facet_values, fts_query, ranked_names
from .publish.search_index import SEARCH_DB

API_LEVEL = "2.10.0"  # the CKAN version whose Action API this read-only subset follows
DEFAULT_ROWS = 10
MAX_ROWS = 1000
DEFAULT_FACET_LIMIT = 50
RESOURCE_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/malang-open-data-portal/resource")
FACET_FIELDS = ("organization", "groups", "tags", "res_format", "license_id")
# CKAN filter fields that are portal search facets (portal.facets): passed on as `selected`.
FACET_OF_FIELD = {"organization": "publisher", "owner_org": "publisher", "groups": "theme",
                  "license_id": "license", "res_format": "format"}
DEFAULT_SORT = "score desc, metadata_modified desc"
SORT_FIELDS = ("score", "metadata_modified", "metadata_created", "name", "title_string", "title")


# --- errors ------------------------------------------------------------------------------------------

class ActionError(Exception):
    status = 500

    def __init__(self, error: dict):
        super().__init__(error)
        self.error = error


class BadRequest(ActionError):
    status = 400

    def __init__(self, message: str):
        super().__init__({"__type": "Bad request", "message": f"Bad request - {message}"})


class NotFound(ActionError):
    status = 404

    def __init__(self, message: str = "Not found"):
        super().__init__({"__type": "Not Found Error", "message": message})


class ValidationError(ActionError):
    status = 409

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__({"__type": "Validation Error", **errors})


class SearchQueryError(ActionError):
    status = 409

    def __init__(self, message: str):
        super().__init__({"__type": "Search Query Error", "message": f"Search Query is invalid: {message}"})


# --- links -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Links:
    """Absolute URLs of the portal's pages and downloads (the views build them with url_for)."""

    home: str
    dataset: Callable[[str], str]  # dataset name -> dataset page
    download: Callable[[str, str], str]  # dataset name, resource name -> CSV download
    theme: Callable[[str], str]  # theme id -> theme page
    themes: str  # the list of themes
    publisher: Callable[[str], str]  # publisher id -> publisher page


@dataclass
class Context:
    """What an action needs: the pinned release (catalog and search index), links and today."""

    release: Any  # portal.store.Release
    links: Links
    today: datetime.date
    packages: dict  # cache: dataset name -> package dict, for this release and these links

    @property
    def catalog(self) -> Catalog:
        return self.release.catalog


# --- conversion --------------------------------------------------------------------------------------

def ckan_datetime(value: str) -> str | None:
    """ISO 8601 with an offset -> CKAN's naive UTC form (2026-11-28T07:50:41)."""
    if not value:
        return None
    parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return parsed.isoformat()


def resource_id(dataset_name: str, resource_name: str) -> str:
    return str(uuid.uuid5(RESOURCE_NAMESPACE, f"{dataset_name}/{resource_name}"))


def organization_dict(catalog: Catalog, publisher_id: str, links: Links, package_count: int | None = None) -> dict:
    publisher = catalog.publisher(publisher_id)
    title = publisher.name if publisher else publisher_id
    data = {
        "id": publisher_id,
        "name": publisher_id,
        "title": title,
        "display_name": title,
        "description": publisher.description if publisher else "",
        "type": "organization",
        "is_organization": True,
        "state": "active",
        "approval_status": "approved",
        "image_url": "",
        "url": links.publisher(publisher_id) if publisher else "",
    }
    if publisher and publisher.url:
        data["homepage"] = publisher.url
    if package_count is not None:
        data["package_count"] = package_count
    return data


def group_dict(catalog: Catalog, theme_id: str, links: Links, package_count: int | None = None) -> dict:
    theme = catalog.theme(theme_id)
    title = theme.title if theme else theme_id
    data = {
        "id": theme_id,
        "name": theme_id,
        "title": title,
        "display_name": title,
        "description": theme.description if theme else "",
        "type": "group",
        "is_organization": False,
        "state": "active",
        "approval_status": "approved",
        "image_url": "",
        "image_display_url": "",
        "url": links.theme(theme_id) if theme else "",
    }
    if package_count is not None:
        data["package_count"] = package_count
    return data


def license_fields(dataset: DatasetInfo, catalog: Catalog) -> dict:
    declared = dataset.licenses[0] if dataset.licenses else {}
    license_id = declared.get("name", "")
    known = catalog.license(license_id) if license_id else None
    return {
        "license_id": license_id or None,
        "license_title": (known.title if known else declared.get("title")) or license_id or None,
        "license_url": (known.url if known else "") or declared.get("path") or None,
        "isopen": bool(known.open) if known else False,
    }


def sdi_fields(dataset: DatasetInfo) -> dict:
    """The Satu Data Indonesia fields under their national names, as native JSON values."""
    return {
        "satuan": dataset.satuan,
        "ukuran": dataset.ukuran,
        "konsep": dataset.konsep,
        "definisi": dataset.definisi,
        "accrualPeriodicity": dataset.frequency,
        "accessRights": dataset.access_rights,
        "temporal": dataset.temporal,
        "spatial": dataset.spatial,
        "dasar_hukum": dataset.dasar_hukum,
        "metodologi": dataset.metodologi,
        "data_prioritas": dataset.data_prioritas,
        "sample": dataset.sample,
    }


def extra_value(value) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def extras(dataset: DatasetInfo) -> list[dict]:
    """CKAN extras (key/value strings), sorted by key as CKAN returns them; empty values left out."""
    fields = sdi_fields(dataset)
    fields.update(title_en=dataset.title_en, description_en=dataset.description_en, modified=dataset.modified)
    return [{"key": key, "value": extra_value(value)} for key, value in sorted(fields.items())
            if value is not None and value != "" and value != [] and value != {}]


def resource_versions(dataset: DatasetInfo, resource: ResourceInfo) -> tuple[str | None, str | None]:
    """(created, modified) as ISO 8601: the first version holding the table, and the version since
    which its bytes are what they are now (the current version when the history does not say)."""
    created = modified = previous = None
    for version in dataset.versions:
        info = version.files.get(resource.name)
        if info is None:
            continue
        created = created or version.date
        if info.sha256 != previous:
            modified, previous = version.date, info.sha256
    current = dataset.current_version.date if dataset.current_version else None
    return created or current, modified or current


def resource_dates(dataset: DatasetInfo, resource: ResourceInfo) -> tuple[str | None, str | None]:
    """resource_versions in CKAN's form."""
    created, modified = resource_versions(dataset, resource)
    return ckan_datetime(created or ""), ckan_datetime(modified or "")


def resource_dict(dataset: DatasetInfo, resource: ResourceInfo, position: int, links: Links) -> dict:
    created, last_modified = resource_dates(dataset, resource)
    return {
        "id": resource_id(dataset.name, resource.name),
        "package_id": dataset.name,
        "name": resource.title or resource.name,
        "description": resource.description,
        "url": links.download(dataset.name, resource.name),
        "format": "CSV",
        "mimetype": "text/csv",
        "hash": resource.file.sha256 if resource.file else "",
        "size": resource.file.bytes if resource.file else None,
        "created": created,
        "last_modified": last_modified,
        "metadata_modified": last_modified,
        "position": position,
        "state": "active",
        "url_type": None,
        "datastore_active": False,
        "table_name": resource.name,  # the SQL table name under /sql/portal/
        "rows": resource.rows,
    }


def package_dict(dataset: DatasetInfo, catalog: Catalog, links: Links) -> dict:
    author, maintainer = catalog.publisher(dataset.author), catalog.publisher(dataset.maintainer)
    first, current = (dataset.versions[0], dataset.versions[-1]) if dataset.versions else (None, None)
    tags = [{"name": keyword, "display_name": keyword, "state": "active", "vocabulary_id": None}
            for keyword in dataset.keywords]
    resources = [resource_dict(dataset, resource, position, links)
                 for position, resource in enumerate(dataset.resources)]
    data = {
        "id": dataset.name,
        "name": dataset.name,
        "title": dataset.title,
        "notes": dataset.description,
        "url": links.dataset(dataset.name),
        "author": author.name if author else dataset.author,
        "author_email": None,
        "maintainer": maintainer.name if maintainer else dataset.maintainer,
        "maintainer_email": None,
        **license_fields(dataset, catalog),
        "organization": organization_dict(catalog, dataset.publisher, links),
        "owner_org": dataset.publisher,
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
        "title_en": dataset.title_en,
        "notes_en": dataset.description_en,
        **sdi_fields(dataset),
        "extras": extras(dataset),
    }
    return data


def cached_package(context: Context, dataset: DatasetInfo) -> dict:
    package = context.packages.get(dataset.name)
    if package is None:
        package = context.packages[dataset.name] = package_dict(dataset, context.catalog, context.links)
    return package


# --- parameters --------------------------------------------------------------------------------------

def required(params: dict, key: str) -> str:
    value = params.get(key)
    if value is None or value == "":
        raise ValidationError({key: ["Missing value"]})
    if not isinstance(value, str):
        raise ValidationError({key: ["Must be a string"]})
    return value


def integer(params: dict, key: str, default: int | None, maximum: int | None = None) -> int | None:
    value = params.get(key)
    if value is None or value == "":
        return default
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValidationError({key: ["Invalid integer"]})
    try:
        number = int(value)
    except ValueError:
        raise ValidationError({key: ["Invalid integer"]}) from None
    if number < 0:
        raise ValidationError({key: ["Must be a positive integer"]})
    return min(number, maximum) if maximum is not None else number


def boolean(params: dict, key: str, default: bool = False) -> bool:
    """Like CKAN's boolean_validator: true, yes, 1, on (any case) are true."""
    value = params.get(key)
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("true", "yes", "1", "on", "t", "y")


def json_list(params: dict, key: str) -> list:
    value = params.get(key)
    if value is None or value == "":
        return []
    if isinstance(value, str):
        if not value.lstrip().startswith("["):
            return [value]  # one value of a repeated GET parameter (facet.field=groups)
        try:
            value = json.loads(value)
        except ValueError:
            raise ValidationError({key: ["Could not parse as valid JSON"]}) from None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError({key: ["Must be a list of strings"]})
    return value


def page(items: list, params: dict) -> list:
    offset = integer(params, "offset", 0) or 0
    limit = integer(params, "limit", None)
    return items[offset: offset + limit if limit is not None else None]


# --- search ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Term:
    field: str
    value: str  # exact value, "*" (any), or a range "[a TO b]"
    negated: bool = False


TERM = re.compile(r'([+-]?)([A-Za-z_][\w.]*):("(?:[^"\\]|\\.)*"|\[[^\]]*\]|[^\s()"]+)')
CONNECTIVE = re.compile(r"(AND|&&)(?=\s|$)")
FILTER_FIELDS = {"organization", "owner_org", "groups", "tags", "res_format", "license_id", "name", "id",
                 "dataset_type", "type", "state", "capacity", "metadata_modified", "metadata_created"}


def parse_filters(text: str, what: str = "fq") -> list[Term]:
    """CKAN/Solr filter syntax, the subset harvesters use: ``field:value`` terms joined by spaces or AND,
    values quoted or not, ``+``/``-`` prefixes, ``[a TO b]`` ranges on the date fields."""
    terms, position = [], 0
    while position < len(text):
        if text[position].isspace():
            position += 1
            continue
        connective = CONNECTIVE.match(text, position)
        if connective:
            position = connective.end()
            continue
        term = TERM.match(text, position)
        if not term:
            raise SearchQueryError(f'unsupported {what} syntax at "{text[position:position + 40]}"; '
                                   f"use field:value terms joined by spaces or AND")
        sign, field_name, value = term.groups()
        if field_name not in FILTER_FIELDS:
            raise SearchQueryError(f'undefined field {field_name} in {what}')
        if value.startswith('"'):
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        terms.append(Term(field_name, value, sign == "-"))
        position = term.end()
    return terms


def split_query(q: str) -> tuple[str, list[Term]]:
    """q may hold field:value terms for known fields (as CKAN's q does); the rest is full text."""
    q = (q or "").strip()
    if q in ("*:*", "*"):
        return "", []
    terms = []

    def take(match: re.Match) -> str:
        if match.group(2) in FILTER_FIELDS:
            terms.extend(parse_filters(match.group(0), "q"))
            return " "
        return match.group(0)

    return TERM.sub(take, q).strip(), terms


def parse_when(value: str, field_name: str) -> datetime.datetime | None:
    if value == "*":
        return None
    if value.startswith("NOW"):
        now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
        offset = re.fullmatch(r"NOW(?:([+-])(\d+)(DAYS?|HOURS?|MINUTES?))?(?:/DAY)?", value)
        if not offset:
            raise SearchQueryError(f"unsupported date {value} for {field_name}")
        if offset.group(1):
            unit = {"D": "days", "H": "hours", "M": "minutes"}[offset.group(3)[0]]
            delta = datetime.timedelta(**{unit: int(offset.group(2))})
            now = now + delta if offset.group(1) == "+" else now - delta
        return now
    try:
        parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise SearchQueryError(f"invalid date {value} for {field_name}") from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return parsed


def values_of(package: dict, field_name: str) -> set[str]:
    if field_name in ("organization", "owner_org"):
        return {package["owner_org"]}
    if field_name == "groups":
        return {group["name"] for group in package["groups"]}
    if field_name == "tags":
        return {tag["name"] for tag in package["tags"]}
    if field_name == "res_format":
        return {resource["format"] for resource in package["resources"]}
    if field_name == "license_id":
        return {package["license_id"]} if package["license_id"] else set()
    if field_name in ("name", "id"):
        return {package["name"]}
    if field_name in ("dataset_type", "type"):
        return {package["type"]}
    if field_name == "state":
        return {package["state"]}
    if field_name == "capacity":
        return {"public"}
    return set()


def term_matches(package: dict, term: Term) -> bool:
    if term.field in ("metadata_modified", "metadata_created"):
        value = term.value
        when = datetime.datetime.fromisoformat(package[term.field])
        if value.startswith("["):
            bounds = re.fullmatch(r"\[\s*(\S+)\s+TO\s+(\S+)\s*\]", value)
            if not bounds:
                raise SearchQueryError(f"invalid range {value} for {term.field}")
            low, high = (parse_when(bound, term.field) for bound in bounds.groups())
            found = (low is None or when >= low) and (high is None or when <= high)
        elif value == "*":
            found = True
        else:
            found = when == parse_when(value, term.field)
    else:
        values = values_of(package, term.field)
        if term.value == "*":
            found = bool(values)
        elif term.field == "res_format":
            found = term.value.upper() in {v.upper() for v in values}
        else:
            found = term.value in values
    return found != term.negated


def parse_sort(text: str) -> list[tuple[str, bool]]:
    keys = []
    for part in (text or DEFAULT_SORT).split(","):
        words = part.split()
        if not words:
            continue
        if len(words) > 2 or words[0] not in SORT_FIELDS or (len(words) == 2 and words[1] not in ("asc", "desc")):
            raise SearchQueryError(f'cannot sort by "{part.strip()}"; sort by one of {", ".join(SORT_FIELDS)} '
                                   f"with asc or desc")
        keys.append((words[0], len(words) == 2 and words[1] == "desc"))
    return keys


def sort_key(field_name: str, package: dict, rank: dict[str, int]):
    if field_name == "score":
        return -rank.get(package["name"], 0)  # a better rank is a higher score
    if field_name in ("title_string", "title"):
        return package["title"].lower()
    return package[field_name] or ""


def facet_items(packages: list[dict], field_name: str, catalog: Catalog, limit: int) -> list[dict]:
    counts: dict[str, int] = {}
    for package in packages:
        for value in values_of(package, field_name) if field_name in FACET_FIELDS else ():
            counts[value] = counts.get(value, 0) + 1
    items = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if limit >= 0:
        items = items[:limit]
    return [{"name": name, "display_name": display_name(catalog, field_name, name), "count": count}
            for name, count in items]


def display_name(catalog: Catalog, field_name: str, value: str) -> str:
    if field_name == "organization" and catalog.publisher(value):
        return catalog.publisher(value).name
    if field_name == "groups" and catalog.theme(value):
        return catalog.theme(value).title
    if field_name == "license_id" and catalog.license(value):
        return catalog.license(value).title
    return value


def search_packages(context: Context, params: dict) -> dict:
    """Full text through the release's FTS index (portal.search: the same ranking as /dataset),
    filters through the portal's facets where they exist, CKAN's sort and facets over all matches."""
    rows = integer(params, "rows", DEFAULT_ROWS, MAX_ROWS)
    start = integer(params, "start", 0)
    facet_limit_value = params.get("facet.limit")
    if facet_limit_value in (-1, "-1"):
        facet_limit = -1
    else:
        facet_limit = integer(params, "facet.limit", DEFAULT_FACET_LIMIT)
    facet_fields = json_list(params, "facet.field")
    sort_text = params.get("sort") or DEFAULT_SORT
    if not isinstance(sort_text, str):
        raise ValidationError({"sort": ["Must be a string"]})
    sort_keys = parse_sort(sort_text)
    for key in ("q", "fq"):
        if params.get(key) is not None and not isinstance(params[key], str):
            raise ValidationError({key: ["Must be a string"]})
    text, terms = split_query(params.get("q") or "")
    terms += parse_filters(params.get("fq") or "")

    catalog, release = context.catalog, context.release
    query = fts_query(text)
    if query:
        names = ranked_names(release.file(SEARCH_DB), query)
        found = [dataset for dataset in (catalog.dataset(name) for name in names) if dataset]
    elif text:  # words without any letter or digit: nothing to find
        found = []
    else:
        found = list(catalog.datasets)
    # Relevance: the FTS rank; without words every dataset scores the same (as in CKAN).
    rank = {dataset.name: position for position, dataset in enumerate(found)} if query else {}
    selected: dict[str, set[str]] = {}
    for term in terms:
        facet = FACET_OF_FIELD.get(term.field)
        if facet and not term.negated and term.value != "*" and facet not in selected:
            selected[facet] = {term.value.upper() if facet == "format" else term.value}
    found = [dataset for dataset in found
             if matches(cached_facet_values(release, dataset, context.today), selected)]
    packages = [cached_package(context, dataset) for dataset in found]
    packages = [package for package in packages if all(term_matches(package, term) for term in terms)]
    for field_name, descending in reversed(sort_keys):
        packages.sort(key=lambda package: sort_key(field_name, package, rank), reverse=descending)

    search_facets = {field_name: {"title": field_name,
                                  "items": facet_items(packages, field_name, catalog, facet_limit)}
                     for field_name in facet_fields}
    return {
        "count": len(packages),
        "results": packages[start: start + rows],
        "sort": sort_text,
        "facets": {field_name: {item["name"]: item["count"] for item in facet["items"]}
                   for field_name, facet in search_facets.items()},
        "search_facets": search_facets,
    }


# --- actions -----------------------------------------------------------------------------------------

def status_show(context: Context, params: dict) -> dict:
    """Site information: the CKAN API level served, site URL, title and the live release."""
    portal = context.catalog.portal
    return {
        "ckan_version": API_LEVEL,
        "site_url": context.links.home.rstrip("/"),
        "site_title": portal.get("title", ""),
        "site_description": portal.get("description", ""),
        "site_about": portal.get("about", ""),
        "error_emails_to": None,
        "locale_default": "id",
        "extensions": ["malang-portal-readonly", "sdi"],
        "release_id": context.catalog.release_id,
        "release_created": ckan_datetime(context.catalog.created),
    }


def package_list(context: Context, params: dict) -> list[str]:
    """The names of all datasets, sorted (``limit``, ``offset``)."""
    return page(sorted(dataset.name for dataset in context.catalog.datasets), params)


def package_show(context: Context, params: dict) -> dict:
    """One dataset (``id`` = its name) as a CKAN package."""
    dataset = context.catalog.dataset(required(params, "id"))
    if dataset is None:
        raise NotFound()
    return cached_package(context, dataset)


def package_search(context: Context, params: dict) -> dict:
    """Search datasets: ``q``, ``fq``, ``rows`` (default 10, at most 1000), ``start``, ``sort``,
    ``facet.field`` (JSON list of organization, groups, tags, res_format, license_id), ``facet.limit``."""
    return search_packages(context, params)


def counted(values: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


def sorted_groups(items: list[dict], params: dict) -> list[dict]:
    sort = params.get("sort") or "title asc"
    words = sort.split() if isinstance(sort, str) else []
    if not words or words[0] not in ("name", "title", "package_count") or len(words) > 2 \
            or (len(words) == 2 and words[1] not in ("asc", "desc")):
        raise ValidationError({"sort": ["Invalid sort: use name, title or package_count, asc or desc"]})
    field_name, descending = words[0], len(words) == 2 and words[1] == "desc"
    return sorted(items, key=lambda item: item[field_name].lower() if isinstance(item[field_name], str)
                  else item[field_name], reverse=descending)


def group_listing(items: list[dict], params: dict) -> list:
    items = page(sorted_groups(items, params), params)
    return items if boolean(params, "all_fields") else [item["name"] for item in items]


def organization_list(context: Context, params: dict) -> list:
    """The publishers (``all_fields`` for dicts with package_count; ``sort``, ``limit``, ``offset``)."""
    catalog = context.catalog
    counts = counted([dataset.publisher for dataset in catalog.datasets])
    return group_listing([organization_dict(catalog, p.id, context.links, counts.get(p.id, 0))
                          for p in catalog.publishers], params)


def group_list(context: Context, params: dict) -> list:
    """The six smart city themes (``all_fields`` for dicts with package_count)."""
    catalog = context.catalog
    counts = counted([theme for dataset in catalog.datasets for theme in dataset.themes])
    return group_listing([group_dict(catalog, t.id, context.links, counts.get(t.id, 0)) for t in catalog.themes],
                         params)


def with_datasets(context: Context, data: dict, datasets: list[DatasetInfo], params: dict) -> dict:
    data["package_count"] = len(datasets)
    if boolean(params, "include_datasets"):
        data["packages"] = [cached_package(context, dataset) for dataset in datasets]
    return data


def organization_show(context: Context, params: dict) -> dict:
    """One publisher (``id``); ``include_datasets`` adds its packages."""
    catalog = context.catalog
    publisher = catalog.publisher(required(params, "id"))
    if publisher is None:
        raise NotFound("Organization was not found.")
    return with_datasets(context, organization_dict(catalog, publisher.id, context.links),
                         catalog.datasets_of_publisher(publisher.id), params)


def group_show(context: Context, params: dict) -> dict:
    """One theme (``id``); ``include_datasets`` adds its packages."""
    catalog = context.catalog
    theme = catalog.theme(required(params, "id"))
    if theme is None:
        raise NotFound("Group was not found.")
    return with_datasets(context, group_dict(catalog, theme.id, context.links),
                         catalog.datasets_of_theme(theme.id), params)


def tag_list(context: Context, params: dict) -> list:
    """Every keyword, sorted (``query`` keeps those containing it; ``all_fields`` for dicts)."""
    tags = sorted({keyword for dataset in context.catalog.datasets for keyword in dataset.keywords})
    query = params.get("query") or params.get("q")
    if isinstance(query, str) and query:
        tags = [tag for tag in tags if query.lower() in tag.lower()]
    if boolean(params, "all_fields"):
        return [{"id": tag, "name": tag, "display_name": tag, "vocabulary_id": None} for tag in tags]
    return tags


def resource_show(context: Context, params: dict) -> dict:
    """One resource by its ``id`` (from package_show, or ``<dataset>/<resource>``)."""
    wanted = required(params, "id")
    for dataset in context.catalog.datasets:
        for resource in dataset.resources:
            if wanted in (resource_id(dataset.name, resource.name), f"{dataset.name}/{resource.name}"):
                return next(r for r in cached_package(context, dataset)["resources"]
                            if r["id"] == resource_id(dataset.name, resource.name))
    raise NotFound("Resource was not found.")


def help_show(context: Context, params: dict) -> str:
    """The documentation of an action (``name``)."""
    name = required(params, "name")
    if name not in ACTIONS:
        raise NotFound("Action function not found")
    return ACTIONS[name].__doc__


ACTIONS: dict[str, Callable[[Context, dict], Any]] = {
    action.__name__: action
    for action in (status_show, package_list, package_show, package_search, organization_list, organization_show,
                   group_list, group_show, tag_list, resource_show, help_show)
}


def call_action(name: str, context: Context, params: dict):
    action = ACTIONS.get(name)
    if action is None:
        raise BadRequest(f"Action name not known: {name}")
    return action(context, params)
