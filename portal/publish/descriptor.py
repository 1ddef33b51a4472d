"""Small readers of Data Package descriptors shared by the stages."""

from __future__ import annotations

import re

PACKAGE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")  # also its folder's and URLs' name
# Table and column names: plain lower-case SQL identifiers. A leading underscore is
# kept for the portal's own tables, and sqlite_ for SQLite's.
SQL_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


def normalize_key(value) -> list[str]:
    """Table Schema allows a key as one string or a list of strings."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def foreign_keys(resource: dict) -> list[dict]:
    return resource.get("schema", {}).get("foreignKeys", []) or []


def cross_package_keys(descriptor: dict) -> list[tuple[dict, dict]]:
    """(resource, foreign key) pairs whose reference names another package."""
    return [
        (resource, fk)
        for resource in descriptor.get("resources", [])
        if isinstance(resource, dict)
        for fk in foreign_keys(resource)
        if isinstance(fk, dict) and isinstance(fk.get("reference"), dict) and fk["reference"].get("package")
    ]


def without_cross_package_keys(descriptor: dict) -> dict:
    """The descriptor frictionless can check: it knows nothing of other packages."""
    for resource in descriptor.get("resources", []):
        schema = resource.get("schema") if isinstance(resource, dict) else None
        if isinstance(schema, dict) and "foreignKeys" in schema:
            schema["foreignKeys"] = [fk for fk in schema["foreignKeys"]
                                     if not (isinstance(fk, dict) and (fk.get("reference") or {}).get("package"))]
    return descriptor


def csv_dialect(resource: dict) -> dict:
    """csv module options for the resource's declared CSV dialect."""
    dialect = resource.get("dialect") or {}
    options = {"delimiter": dialect.get("delimiter", ","), "quotechar": dialect.get("quoteChar", '"')}
    if "doubleQuote" in dialect:
        options["doublequote"] = dialect["doubleQuote"]
    return options
