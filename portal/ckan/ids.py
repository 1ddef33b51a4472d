"""Stable CKAN ids: UUIDs derived from names, so a package, resource, organisation, group or tag
keeps its id across releases and machines while its ``name`` stays the portal's slug."""

from __future__ import annotations

import uuid

# Namespaces of the uuid5 ids; the resource one predates the others and keeps its old ids.
RESOURCE_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/malang-open-data-portal/resource")
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/malang-open-data-portal/ckan")


def package_id(name: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"package/{name}"))


def resource_id(dataset_name: str, resource_name: str) -> str:
    return str(uuid.uuid5(RESOURCE_NAMESPACE, f"{dataset_name}/{resource_name}"))


def download_id(dataset_name: str, file_name: str) -> str:
    """A generated download of a dataset (``x.xlsx``, ``x.json``, the zip…)."""
    return str(uuid.uuid5(RESOURCE_NAMESPACE, f"{dataset_name}/download/{file_name}"))


def organization_id(name: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"organization/{name}"))


def group_id(name: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"group/{name}"))


def tag_id(name: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"tag/{name}"))
