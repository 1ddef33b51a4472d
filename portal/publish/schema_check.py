"""Table Schema fields checked with frictionless before any data is read: a field frictionless cannot
even build (``"type": "string"`` with ``"format": "%Y-%m-%d"``, an unknown type) is that package's
error, with the field named, instead of an exception in the middle of loading."""

from __future__ import annotations

import re

from frictionless import Field, FrictionlessException

from .report import Issue


def field_issues(file: str, where: str, fields: list) -> list[Issue]:
    issues = []
    for index, field in enumerate(fields):
        if not isinstance(field, dict):
            continue
        try:
            Field.from_descriptor(field)
        except FrictionlessException as error:
            reasons = "; ".join(reason.message for reason in error.reasons) or error.error.message
            issues.append(Issue(file, error.error.type, f"field {field.get('name')!r} is not valid: {reasons}",
                                field=f"{where}.schema.fields[{index}]"))
            continue
        pattern = (field.get("constraints") or {}).get("pattern")
        if pattern is not None:  # frictionless only finds out while reading the cells
            try:
                re.compile(str(pattern))
            except re.error as error:
                issues.append(Issue(file, "field-error", f"field {field.get('name')!r}: the pattern {pattern!r} is "
                                    f"not a valid regular expression ({error})",
                                    field=f"{where}.schema.fields[{index}].constraints.pattern"))
    return issues
