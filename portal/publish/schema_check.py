"""Table Schema fields checked with frictionless before any data is read: a field frictionless cannot
even build (``"type": "string"`` with ``"format": "%Y-%m-%d"``, an unknown type) is that package's
error, with the field named, instead of an exception in the middle of loading."""

from __future__ import annotations

import re

from frictionless import Field, FrictionlessException

from ..messages import issue
from ..profile import N_
from .frictionless_issues import note_text, reason_at
from .report import Issue


def field_issues(file: str, where: str, fields: list) -> list[Issue]:
    issues = []
    for index, field in enumerate(fields):
        if not isinstance(field, dict):
            continue
        at = f"{where}.schema.fields[{index}]"
        try:
            Field.from_descriptor(field)
        except FrictionlessException as error:
            for reason in error.reasons or [error.error]:
                prop, note = reason_at(at, reason)
                issues.append(Issue(file, error.error.type, f"field {field.get('name')!r} is not valid: {reason.message}",
                                    field=at, template=N_("Definisi kolom %(name)s tidak valid di %(property)s: %(note)s"),
                                    params={"name": repr(field.get("name")), "property": prop, "note": note_text(note)}))
            continue
        pattern = (field.get("constraints") or {}).get("pattern")
        if pattern is not None:  # frictionless only finds out while reading the cells
            try:
                re.compile(str(pattern))
            except re.error as error:
                issues.append(issue(file, "field-error", N_("Definisi kolom %(name)s: pola %(pattern)s bukan ekspresi "
                                                            "reguler yang sah (%(error)s)"),
                                    field=f"{at}.constraints.pattern", name=repr(field.get("name")),
                                    pattern=repr(pattern), error=str(error)))
    return issues
