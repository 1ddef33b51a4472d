"""Read actions over organisations (publishers), groups (themes), tags and licences, and the
``*_autocomplete`` actions CKAN's forms and clients call."""

from __future__ import annotations

from ..catalog import DatasetInfo
from .context import Context
from .dictize import group_dict, organization_dict, tag_dict
from .errors import NotFound, ValidationError
from .ids import group_id, organization_id
from .licenses import REGISTER
from .params import boolean, integer, json_list, optional_text, page, required

MAX_DATASETS = 1000  # ckan.search.rows_max also limits include_datasets


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


def group_listing(items: list[dict], params: dict, wanted_key: str) -> list:
    wanted = json_list(params, wanted_key)
    if wanted:
        items = [item for item in items if item["name"] in wanted or item["id"] in wanted]
    items = page(sorted_groups(items, params), params)
    return items if boolean(params, "all_fields") else [item["name"] for item in items]


def organization_list(context: Context, params: dict) -> list:
    """The publishers (``all_fields`` for dicts with package_count; ``sort``, ``limit``, ``offset``,
    ``organizations`` to keep only some)."""
    catalog = context.catalog
    counts = counted([dataset.publisher for dataset in catalog.datasets])
    return group_listing([organization_dict(catalog, p.id, context.links, counts.get(p.id, 0))
                          for p in catalog.publishers], params, "organizations")


def group_list(context: Context, params: dict) -> list:
    """The six smart city themes (``all_fields`` for dicts with package_count; ``groups`` to keep some)."""
    catalog = context.catalog
    counts = counted([theme for dataset in catalog.datasets for theme in dataset.themes])
    return group_listing([group_dict(catalog, t.id, context.links, counts.get(t.id, 0)) for t in catalog.themes],
                         params, "groups")


def with_datasets(context: Context, data: dict, datasets: list[DatasetInfo], params: dict) -> dict:
    data["package_count"] = len(datasets)
    if boolean(params, "include_datasets"):
        data["packages"] = [context.package(dataset) for dataset in datasets[:MAX_DATASETS]]
    return data


def organization_show(context: Context, params: dict) -> dict:
    """One publisher, by name or id; ``include_datasets`` adds its packages."""
    catalog, wanted = context.catalog, required(params, "id")
    publisher = next((p for p in catalog.publishers if wanted in (p.id, organization_id(p.id))), None)
    if publisher is None:
        raise NotFound("Organization was not found.")
    return with_datasets(context, organization_dict(catalog, publisher.id, context.links),
                         catalog.datasets_of_publisher(publisher.id), params)


def group_show(context: Context, params: dict) -> dict:
    """One theme, by name or id; ``include_datasets`` adds its packages."""
    catalog, wanted = context.catalog, required(params, "id")
    theme = next((t for t in catalog.themes if wanted in (t.id, group_id(t.id))), None)
    if theme is None:
        raise NotFound("Group was not found.")
    return with_datasets(context, group_dict(catalog, theme.id, context.links),
                         catalog.datasets_of_theme(theme.id), params)


def all_tags(context: Context) -> list[dict]:
    tags = {tag["name"]: tag for package in context.all_packages() for tag in package["tags"]}
    return [tags[name] for name in sorted(tags)]


def tag_list(context: Context, params: dict) -> list:
    """Every tag, sorted (``query`` keeps those containing it; ``all_fields`` for dicts)."""
    tags = all_tags(context)
    query = params.get("query") or params.get("q")
    if isinstance(query, str) and query:
        tags = [tag for tag in tags if query.lower() in tag["name"].lower()]
    return tags if boolean(params, "all_fields") else [tag["name"] for tag in tags]


def tag_show(context: Context, params: dict) -> dict:
    """One tag by name or id; ``include_datasets`` adds the packages carrying it."""
    wanted = required(params, "id")
    tag = next((tag for tag in all_tags(context) if wanted in (tag["id"], tag["name"])), None)
    if tag is None:
        raise NotFound("Could not find tag")
    data = dict(tag_dict(tag["name"]))
    if boolean(params, "include_datasets"):
        data["packages"] = [p for p in context.all_packages() if any(t["name"] == tag["name"] for t in p["tags"])]
    return data


def license_list(context: Context, params: dict) -> list[dict]:
    """CKAN's licence register, which the packages' ``license_id`` values come from."""
    return [license.as_dict() for license in REGISTER]


def limited(params: dict, default: int) -> int:
    return integer(params, "limit", default, 1000)


def autocomplete_query(params: dict) -> str:
    return (optional_text(params, "q") or optional_text(params, "query") or optional_text(params, "incomplete")).lower()


def package_autocomplete(context: Context, params: dict) -> list[dict]:
    """Datasets whose name or title contains ``q`` (``limit``, default 10)."""
    query, found = autocomplete_query(params), []
    for package in sorted(context.all_packages(), key=lambda p: p["name"]):
        field = "name" if query in package["name"].lower() else "title" if query in package["title"].lower() else None
        if query and field:
            found.append({"match_field": field, "match_displayed": package[field] if field == "title" else
                          f"{package['title']} ({package['name']})", "name": package["name"], "title": package["title"]})
    return found[:limited(params, 10)]


def named_autocomplete(items: list[dict], params: dict) -> list[dict]:
    query = autocomplete_query(params)
    found = [{"id": item["id"], "name": item["name"], "title": item["title"]} for item in items
             if query and (query in item["name"].lower() or query in item["title"].lower())]
    return found[:limited(params, 20)]


def organization_autocomplete(context: Context, params: dict) -> list[dict]:
    """Publishers whose name or title contains ``q``."""
    return named_autocomplete([organization_dict(context.catalog, p.id, context.links)
                               for p in context.catalog.publishers], params)


def group_autocomplete(context: Context, params: dict) -> list[dict]:
    """Themes whose name or title contains ``q``."""
    return named_autocomplete([group_dict(context.catalog, t.id, context.links) for t in context.catalog.themes],
                              params)


def tag_autocomplete(context: Context, params: dict) -> list[str]:
    """Tag names containing ``query`` (or ``q``)."""
    query = autocomplete_query(params)
    return [tag["name"] for tag in all_tags(context) if query and query in tag["name"].lower()][:limited(params, 10)]


def format_autocomplete(context: Context, params: dict) -> list[str]:
    """Resource formats containing ``q``, lower-case as CKAN gives them."""
    query = autocomplete_query(params)
    formats = sorted({r["format"].lower() for p in context.all_packages() for r in p["resources"]})
    return [fmt for fmt in formats if query and query in fmt][:limited(params, 5)]


ACTIONS = (organization_list, organization_show, group_list, group_show, tag_list, tag_show, license_list,
           package_autocomplete, organization_autocomplete, group_autocomplete, tag_autocomplete,
           format_autocomplete)
