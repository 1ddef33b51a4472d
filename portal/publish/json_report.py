"""The ``--json`` output of publish and check: the report with each issue's message in the chosen
language, beside its stable ``code``, the English original (``message_en``) and how to fix it."""

from __future__ import annotations

import dataclasses

from ..messages import issue_text, translator
from ..validation_report import DEFAULT_HINT, HINTS
from .report import Issue, PublishReport


def issue_json(found: Issue, language: str) -> dict:
    _ = translator(language)
    return {"file": found.file, "code": found.code, "row": found.row, "field": found.field, "cell": found.cell,
            "message": issue_text(found, language), "message_en": found.message,
            "hint": _(HINTS.get(found.code, DEFAULT_HINT)[1])}


def publish_json(report: PublishReport, language: str) -> dict:
    _ = translator(language)
    return {"ok": report.ok, "language": language, "release_id": report.release_id, "seconds": report.seconds,
            "issues": [issue_json(i, language) for i in report.issues],
            "datasets": [{**dataclasses.asdict(outcome), "checks": [_(check) for check in outcome.checks],
                          "issues": [issue_json(i, language) for i in outcome.issues]} for outcome in report.datasets]}


def check_json(ok: bool, problems: list[Issue], validations: dict, language: str) -> dict:
    return {"ok": ok, "language": language, "issues": [issue_json(i, language) for i in problems],
            "datasets": {name: {"valid": v.passed, "issues": [issue_json(i, language) for i in v.issues]}
                         for name, v in validations.items()}}
