"""Frictionless' own validation of a package, on a copy of its descriptor made for it: used where the
one-pass loader cannot vouch for a file, so its errors are frictionless's."""

from __future__ import annotations

import copy

from frictionless import FrictionlessException, Package

from .descriptor import without_cross_package_keys
from .discover import PackageSource
from .frictionless_issues import descriptor_issues, error_issue
from .report import Issue


NOT_FOR_FRICTIONLESS = ("profile", "$schema")


def frictionless_descriptor(descriptor: dict) -> dict:
    """The copy frictionless checks: no cross-package keys, no profiles to fetch, UTF-8 stated (the
    scan checked it; frictionless would otherwise guess an encoding from a sample), and the CSV dialect
    the portal reads stated too. Without a declared one frictionless guesses it from a sample, where the
    Data Package spec and the portal's own reader take a comma: a comma-separated file whose cells hold
    semicolons was read split at the semicolons, and its header was "missing" labels."""
    descriptor = without_cross_package_keys(copy.deepcopy(descriptor))
    for obj in [descriptor] + descriptor["resources"] + [r.get("schema") for r in descriptor["resources"]] \
            + [r.get("dialect") for r in descriptor["resources"]]:
        for key in NOT_FOR_FRICTIONLESS:
            if isinstance(obj, dict):
                obj.pop(key, None)
    for resource in descriptor["resources"]:
        resource["encoding"] = "utf-8"
        if isinstance(resource.get("dialect", {}), dict) and resource.get("format", "csv") == "csv":
            dialect = resource.setdefault("dialect", {})
            dialect.setdefault("delimiter", ",")
            dialect.setdefault("quoteChar", '"')
    return descriptor


def frictionless_refusal(source: PackageSource) -> list[Issue]:
    """Why frictionless would refuse the descriptor (a licence without path or name, a title that is a
    number…), each reason at its property; nothing is read."""
    descriptor = frictionless_descriptor(source.descriptor)
    try:
        Package(descriptor, basepath=str(source.folder))
    except FrictionlessException as error:
        return descriptor_issues(str(source.descriptor_file), descriptor, error)
    return []


def validate_with_frictionless(source: PackageSource) -> list[Issue]:
    descriptor = frictionless_descriptor(source.descriptor)
    files = {r.get("name"): source.folder / r["path"] for r in descriptor.get("resources", [])}
    try:
        package = Package(descriptor, basepath=str(source.folder))
        report = package.validate()
    except FrictionlessException as error:  # "descriptor is not valid": say why, and where
        return descriptor_issues(str(source.descriptor_file), descriptor, error)
    issues = [error_issue(str(source.descriptor_file), error) for error in report.errors]
    for task in report.tasks:
        file = str(files.get(task.name, source.descriptor_file))
        issues += [error_issue(file, error) for error in task.errors]
    return issues
