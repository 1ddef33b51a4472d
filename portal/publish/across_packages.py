"""Checks across packages: names unique across the portal (each table is one SQL table, each query one
canned query), reference code lists and foreign keys that point at tables of the portal, and the
values of foreign keys into other packages."""

from __future__ import annotations

import csv
import re

from .descriptor import SQL_NAME, csv_dialect, foreign_keys, normalize_key
from .discover import PackageSource
from ..messages import issue
from ..profile import N_
from .report import Issue, blocking


def check_unique_resource_names(sources: list[PackageSource], established: set[str] = frozenset()
                                ) -> dict[str, list[Issue]]:
    """Resource names are unique across the portal; when a live, unchanged package has the name, only the
    others are told (a copied template, say), else every package claiming it."""
    owners: dict[str, list[PackageSource]] = {}
    for source in sources:
        for resource in (source.descriptor or {}).get("resources", []):
            if isinstance(resource, dict) and isinstance(resource.get("name"), str):
                owners.setdefault(resource["name"], []).append(source)
    issues: dict[str, list[Issue]] = {}
    for table, packages in owners.items():
        if len(packages) > 1:
            names = ", ".join(p.name for p in packages)
            keeper = any(p.name in established for p in packages)
            for package in (p for p in packages if not (keeper and p.name in established)):
                issues.setdefault(package.name, []).append(issue(
                    str(package.descriptor_file), "portal-duplicate-resource",
                    N_("nama resource %(table)s dipakai beberapa paket (%(names)s); nama harus unik di seluruh portal "
                       "karena masing-masing menjadi satu tabel SQL"), field="resources", table=repr(table), names=names))
    return issues


def check_reference_code_lists(sources: list[PackageSource]) -> dict[str, list[Issue]]:
    """A column's referenceCodeList names a table of the portal (<package>/<resource>) or a URL."""
    tables = {f"{s.name}/{r.get('name')}" for s in sources for r in (s.descriptor or {}).get("resources", [])
              if isinstance(r, dict)}
    issues: dict[str, list[Issue]] = {}
    for source in sources:
        for i, resource in enumerate((source.descriptor or {}).get("resources", [])):
            fields = resource.get("schema", {}).get("fields", []) if isinstance(resource, dict) else []
            for j, field in enumerate(fields if isinstance(fields, list) else []):
                code_list = field.get("referenceCodeList") if isinstance(field, dict) else None
                if code_list is None or code_list in tables or str(code_list).startswith(("https://", "http://")):
                    continue
                issues.setdefault(source.name, []).append(issue(
                    str(source.descriptor_file), "portal-reference-code",
                    N_("referenceCodeList %(value)s bukan <paket>/<resource> portal ini dan bukan URL"),
                    field=f"resources[{i}].schema.fields[{j}].referenceCodeList", value=repr(code_list)))
    return issues


def check_query_names(sources: list[PackageSource]) -> dict[str, list[Issue]]:
    """Example queries become Datasette canned queries: one namespace with the tables."""
    tables = {r.get("name") for s in sources for r in (s.descriptor or {}).get("resources", []) if isinstance(r, dict)}
    seen: dict[str, str] = {}
    issues: dict[str, list[Issue]] = {}
    for source in sources:
        queries = (source.descriptor or {}).get("queries", [])
        for i, query in enumerate(queries if isinstance(queries, list) else [None]):
            where, problem, params = f"queries[{i}]", None, {}
            if not (isinstance(query, dict) and isinstance(query.get("sql"), str) and query.get("title")
                    and isinstance(query.get("name"), str) and SQL_NAME.match(query["name"])):
                problem = N_("contoh kueri perlu name (pengenal SQL huruf kecil), title dan sql")
            elif query["name"] in tables:
                problem, params = N_("nama kueri %(name)s sudah dipakai sebuah tabel"), {"name": repr(query["name"])}
            elif query["name"] in seen:
                problem = N_("nama kueri %(name)s sudah dipakai paket %(package)s")
                params = {"name": repr(query["name"]), "package": seen[query["name"]]}
            elif not re.match(r"^\s*(select|with)\b", query["sql"], re.I):
                problem = N_("contoh kueri harus satu pernyataan SELECT")
            else:
                seen[query["name"]] = source.name
            if problem:
                issues.setdefault(source.name, []).append(
                    issue(str(source.descriptor_file), "portal-query", problem, field=where, **params))
    return issues


def check_foreign_key_targets(sources: list[PackageSource]) -> dict[str, list[Issue]]:
    """A foreign key must point at the primary key (or a unique column) of its table, as SQLite requires."""
    resources = {(s.name, r.get("name")): r for s in sources for r in (s.descriptor or {}).get("resources", [])
                 if isinstance(r, dict)}
    issues: dict[str, list[Issue]] = {}
    for source in sources:
        for resource in (source.descriptor or {}).get("resources", []):
            for fk in foreign_keys(resource) if isinstance(resource, dict) else []:
                reference = fk.get("reference") or {}
                package = reference.get("package") or source.name
                target = resources.get((package, reference.get("resource") or resource.get("name")))
                if target is None:
                    continue  # a missing table is reported by frictionless or the cross-package check
                columns = normalize_key(reference.get("fields"))
                schema = target.get("schema", {})
                unique = [f.get("name") for f in schema.get("fields", [])
                          if isinstance(f, dict) and f.get("constraints", {}).get("unique")]
                if columns != normalize_key(schema.get("primaryKey")) and not (len(columns) == 1 and columns[0] in unique):
                    issues.setdefault(source.name, []).append(issue(
                        str(source.descriptor_file), "portal-foreign-key",
                        N_("kunci asing %(resource)s merujuk %(target)s(%(columns)s), yang bukan kunci primernya dan "
                           "bukan kolom unik"), field="foreignKeys", resource=str(resource.get("name")),
                        target=str(target.get("name")), columns=", ".join(columns)))
    return issues


def check_reference(source, resource, foreign_key, by_name, issues, key_cache) -> list[Issue]:
    file = str(source.descriptor_file)
    reference = foreign_key["reference"]
    target = by_name.get(reference["package"])
    if target is None:
        return [issue(file, "portal-foreign-key", N_("paket rujukan %(package)s tidak ada"), field="foreignKeys",
                      package=repr(reference["package"]))]
    if blocking(issues[target.name]):
        return [issue(file, "portal-foreign-key", N_("paket rujukan %(package)s tidak valid dalam penerbitan ini"),
                      field="foreignKeys", package=repr(target.name))]
    target_resource = next((r for r in target.descriptor["resources"] if r.get("name") == reference.get("resource")), None)
    fields, target_fields = normalize_key(foreign_key.get("fields")), normalize_key(reference.get("fields"))
    if target_resource is None or not set(target_fields) <= _field_names(target_resource) or len(fields) != len(target_fields):
        return [issue(file, "portal-foreign-key", N_("rujukan ke %(table)s (%(fields)s) tidak menyebut resource dan "
                                                     "kolom yang ada"), field="foreignKeys",
                      table=f"{target.name}/{reference.get('resource')}", fields=", ".join(target_fields))]
    cache_key = (target.name, target_resource["name"], tuple(target_fields))
    if cache_key not in key_cache:
        key_cache[cache_key] = {tuple(row[f] for f in target_fields)
                                for _, row in _read_rows(target.resource_file(target_resource), target_resource)}
    known = key_cache[cache_key]
    missing_values = set(resource.get("schema", {}).get("missingValues", [""]))
    data_file = source.resource_file(resource)
    found = []
    for row_number, row in _read_rows(data_file, resource):
        values = tuple(row.get(f) for f in fields)  # None: the row ends before the cell (frictionless reports it)
        if any(v is None or v in missing_values for v in values) or values in known:
            continue
        found.append(issue(str(data_file), "foreign-key", N_("nilai %(value)s bukan %(key)s di %(table)s"),
                           row=row_number, field=",".join(fields), cell=", ".join(values), value=repr(", ".join(values)),
                           key=", ".join(target_fields), table=f"{target.name}/{target_resource['name']}"))
        if len(found) >= 100:
            break
    return found


def _field_names(resource: dict) -> set[str]:
    return {f.get("name") for f in resource.get("schema", {}).get("fields", [])}


def _read_rows(path, resource):
    """(row number, dict) pairs; row numbers count the header as 1, as frictionless does."""
    with open(path, newline="", encoding="utf-8-sig") as file:
        yield from enumerate(csv.DictReader(file, **csv_dialect(resource)), start=2)
