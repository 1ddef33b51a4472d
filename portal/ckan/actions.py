"""The read-only CKAN Action API: site, package, resource and activity actions, and the registry
``call_action`` dispatches through (``portal.ckan.listings`` has the group, tag and licence ones).

Write actions (``*_create``, ``*_update``, ``*_patch``, ``*_delete``…) answer as CKAN answers an
anonymous caller: 403 Authorization Error. Publishing happens in git, never through this API.
"""

from __future__ import annotations

import re
import uuid
from typing import Any, Callable

from . import listings
from .context import Context
from .dictize import ckan_datetime
from .errors import BadRequest, NotAuthorized, NotFound
from .ids import NAMESPACE, package_id, resource_id
from .params import integer, page, required
from .search import search_packages

API_LEVEL = "2.11.0"  # the CKAN version whose Action API and dicts this read-only subset follows
WRITE_ACTION = re.compile(r".*_(create|update|patch|delete|purge|revise|upsert|insert|clear|"
                          r"member_create|follow|unfollow)$|^(bulk|vocabulary|task_status|term_translation)_")


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


def site_read(context: Context, params: dict) -> bool:
    """Whether the site may be read: always."""
    return True


def package_list(context: Context, params: dict) -> list[str]:
    """The names of all datasets, sorted (``limit``, ``offset``)."""
    return page(sorted(dataset.name for dataset in context.catalog.datasets), params)


def find_dataset(context: Context, wanted: str):
    """A dataset by its name or its package id, as CKAN's package_show takes either."""
    dataset = context.catalog.dataset(wanted) or next(
        (d for d in context.catalog.datasets if package_id(d.name) == wanted), None)
    if dataset is None:
        raise NotFound()
    return dataset


def package_show(context: Context, params: dict) -> dict:
    """One dataset (``id`` = its name or id) as a CKAN package."""
    return context.package(find_dataset(context, required(params, "id")))


def package_search(context: Context, params: dict) -> dict:
    """Search datasets: ``q`` (free text, or Solr syntax with a colon), ``fq``, ``rows`` (default 10, at
    most 1000), ``start``, ``sort`` (score, id, name, metadata_modified, metadata_created, title_string,
    num_resources, num_tags; asc or desc), ``fl``, ``facet.field``, ``facet.limit``, ``facet.mincount``."""
    return search_packages(context, params)


def current_package_list_with_resources(context: Context, params: dict) -> list[dict]:
    """Every package with its resources, most recently modified first (``limit``, ``offset``)."""
    packages = sorted(context.all_packages(), key=lambda p: (p["metadata_modified"], p["name"]), reverse=True)
    return page(packages, params)


def resource_show(context: Context, params: dict) -> dict:
    """One resource by its ``id`` (from package_show, or ``<dataset>/<resource>``)."""
    wanted = required(params, "id")
    for package in context.all_packages():
        for resource in package["resources"]:
            table = resource.get("table_name")
            original = table is not None and resource["id"] == resource_id(package["name"], table)
            if wanted == resource["id"] or (original and wanted == f"{package['name']}/{table}"):
                return resource
    raise NotFound("Resource was not found.")


def package_activity_list(context: Context, params: dict) -> list[dict]:
    """The versions of a dataset as CKAN activities, newest first (``limit`` default 31, ``offset``)."""
    dataset = find_dataset(context, required(params, "id"))
    package = context.package(dataset)
    activities = []
    for version in dataset.versions:
        activities.append({
            "id": str(uuid.uuid5(NAMESPACE, f"activity/{dataset.name}/{version.number}")),
            "timestamp": ckan_datetime(version.date),
            "user_id": None,
            "object_id": package["id"],
            "activity_type": "new package" if version is dataset.versions[0] else "changed package",
            "data": {"package": {"id": package["id"], "name": dataset.name, "title": dataset.title,
                                 "version": str(version.number)},
                     "release_id": version.release_id},
        })
    activities.reverse()
    offset, limit = integer(params, "offset", 0), integer(params, "limit", 31, 100)
    return activities[offset: offset + limit]


def help_show(context: Context, params: dict) -> str:
    """The documentation of an action (``name``)."""
    name = required(params, "name")
    if name not in ACTIONS:
        raise NotFound("Action function not found")
    return ACTIONS[name].__doc__


ACTIONS: dict[str, Callable[[Context, dict], Any]] = {
    action.__name__: action
    for action in (status_show, site_read, package_list, package_show, package_search,
                   current_package_list_with_resources, resource_show, package_activity_list, help_show,
                   *listings.ACTIONS)
}


def call_action(name: str, context: Context, params: dict):
    action = ACTIONS.get(name)
    if action is None:
        if WRITE_ACTION.match(name):
            raise NotAuthorized(f"Action {name} requires an authenticated user; this portal is read-only")
        raise BadRequest(f"Action name not known: {name}")
    return action(context, params)

