"""What a publish found: problems as data, and the outcome per dataset.

Stages return ``Issue`` lists instead of raising, like frictionless does; only the CLI
turns the report into an exit code.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from ..catalog import Issue

# Outcome of one dataset in one publish.
PUBLISHED = "published"  # valid: this release holds the new version
KEPT_PREVIOUS = "kept-previous"  # invalid: the previously published version stays live
FAILED = "failed"  # invalid and never published before: not in the release



# Issue codes that flag something without making the package invalid (Validation.passed ignores them).
WARNINGS = frozenset({"portal-formula-cell", "portal-geometry-repaired"})


def blocking(issues: list[Issue]) -> list[Issue]:
    """The issues that make a package invalid: all but the warnings (WARNINGS)."""
    return [issue for issue in issues if issue.code not in WARNINGS]

@dataclass
class DatasetOutcome:
    name: str
    status: str
    issues: list[Issue] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)  # the validation checks that ran
    rows: int = 0
    previous_release: str | None = None  # for kept-previous: where the kept version came from
    reused_from: str | None = None  # unchanged: carried over from this release without new checks
    validated_at: str | None = None  # for reused packages: when they last passed validation


@dataclass
class PublishReport:
    release_id: str | None = None  # None when nothing was released
    datasets: list[DatasetOutcome] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)  # portal-wide problems (metadata, release)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Everything published, with nothing the portal failed to build for it."""
        return not self.issues and all(d.status == PUBLISHED and not any(i.code == "portal-internal-error"
                                                                          for i in d.issues) for d in self.datasets)

    def outcome(self, name: str) -> DatasetOutcome | None:
        return next((d for d in self.datasets if d.name == name), None)

    def all_issues(self) -> list[Issue]:
        return self.issues + [issue for d in self.datasets for issue in d.issues]

    def to_dict(self) -> dict:
        return {"ok": self.ok, **dataclasses.asdict(self)}
