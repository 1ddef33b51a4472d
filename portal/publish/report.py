"""What a publish found: problems as data, and the outcome per dataset.

Stages return ``Issue`` lists instead of raising, like frictionless does; only the CLI
turns the report into an exit code.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

# Outcome of one dataset in one publish.
PUBLISHED = "published"  # valid: this release holds the new version
KEPT_PREVIOUS = "kept-previous"  # invalid: the previously published version stays live
FAILED = "failed"  # invalid and never published before: not in the release


@dataclass
class Issue:
    file: str  # path as the publisher knows it, e.g. datasets/x/data/y.csv
    code: str  # frictionless error type (type-error, foreign-key, ...) or a portal-* code
    message: str
    row: int | None = None  # line in the file, header = 1 (frictionless' row number)
    field: str | None = None  # column name, or descriptor property

    def location(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.field:
            parts.append(f"field {self.field}")
        return ", ".join(parts)


@dataclass
class DatasetOutcome:
    name: str
    status: str
    issues: list[Issue] = field(default_factory=list)
    rows: int = 0
    previous_release: str | None = None  # for kept-previous: where the kept version came from


@dataclass
class PublishReport:
    release_id: str | None = None  # None when nothing was released
    datasets: list[DatasetOutcome] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)  # portal-wide problems (metadata, release)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.issues and all(d.status == PUBLISHED for d in self.datasets)

    def outcome(self, name: str) -> DatasetOutcome | None:
        return next((d for d in self.datasets if d.name == name), None)

    def all_issues(self) -> list[Issue]:
        return self.issues + [issue for d in self.datasets for issue in d.issues]

    def to_dict(self) -> dict:
        return {"ok": self.ok, **dataclasses.asdict(self)}
