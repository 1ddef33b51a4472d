"""Version history of every dataset and the portal-wide release log.

A dataset gets a new version whenever its content hash changes; the version records what
changed (rows by primary key, schema, metadata) and where its files are kept for good.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..catalog import Catalog, DatasetChanges, DatasetInfo, FileInfo, ReleaseEntry, VersionInfo
from ..releases import object_path
from .diff import ReleaseComparison
from .report import FAILED, KEPT_PREVIOUS, DatasetOutcome

RELEASE_LOG_LENGTH = 500


def dataset_versions(dataset: DatasetInfo, before: DatasetInfo | None, comparison: ReleaseComparison | None,
                     release_id: str, date: str, new_release: Path, previous_release: Path | None) -> list[VersionInfo]:
    """The dataset's versions: those it had, and a new one (with what changed) when its content did."""
    versions = list(before.versions) if before else []
    if before is not None and before.content_hash == dataset.content_hash:
        return versions
    changes = DatasetChanges(first=True)
    if before is not None:
        changes = compare_datasets(comparison, dataset, before, new_release, previous_release)
    versions.append(VersionInfo(number=len(versions) + 1, release_id=release_id, date=date,
                                content_hash=dataset.content_hash, files=stored_files(dataset), changes=changes))
    return versions


def record_release(catalog: Catalog, previous: Catalog | None, outcomes: list[DatasetOutcome]) -> None:
    """Prepend this release, with what it added, changed, removed, kept and failed, to ``catalog.releases``."""
    entry = ReleaseEntry(catalog.release_id, catalog.created)
    for dataset in catalog.datasets:
        before = previous.dataset(dataset.name) if previous else None
        if before is None:
            entry.added.append(dataset.name)
        elif before.content_hash != dataset.content_hash:
            entry.changed.append(dataset.name)
    names = {d.name for d in catalog.datasets}
    entry.removed = [d.name for d in previous.datasets if d.name not in names] if previous else []
    entry.kept_previous = [o.name for o in outcomes if o.status == KEPT_PREVIOUS]
    entry.failed = [o.name for o in outcomes if o.status == FAILED]
    catalog.releases = [entry] + (previous.releases if previous else [])[:RELEASE_LOG_LENGTH - 1]


def compare_datasets(comparison: ReleaseComparison, new: DatasetInfo, old: DatasetInfo, new_release: Path,
                     previous_release: Path) -> DatasetChanges:
    names = [r.name for r in new.resources] + [r.name for r in old.resources if not new.resource(r.name)]
    resources = [comparison.compare(new.resource(name), old.resource(name)) for name in names]
    return DatasetChanges(first=False, resources=resources,
                          metadata=metadata_changes(new_release / "files" / new.name / "datapackage.json",
                                                    previous_release / "files" / old.name / "datapackage.json"))


def metadata_changes(new_file: Path, old_file: Path) -> list[str]:
    """Descriptor properties whose value changed (data rows are compared separately)."""
    new, old = (json.loads(p.read_text(encoding="utf-8")) for p in (new_file, old_file))
    changed = sorted(k for k in set(new) | set(old) if k != "resources" and new.get(k) != old.get(k))
    old_resources = {r["name"]: r for r in old.get("resources", [])}
    for resource in new.get("resources", []):
        before = old_resources.get(resource["name"])
        if before is None:
            continue
        for key in sorted(set(resource) | set(before)):
            if key != "schema" and resource.get(key) != before.get(key):
                changed.append(f"{resource['name']}.{key}")
        if _documentation(resource) != _documentation(before):
            changed.append(f"{resource['name']}.schema")
    return changed


def _documentation(resource: dict) -> list:
    """The schema as far as metadata goes; added, removed or retyped fields show in the row diff."""
    schema = resource.get("schema", {})
    return [{k: v for k, v in f.items() if k not in ("name", "type")} for f in schema.get("fields", [])] + \
        [schema.get("primaryKey"), schema.get("foreignKeys")]


def stored_files(dataset: DatasetInfo) -> dict[str, FileInfo]:
    """The version's files in the object store, where they outlive the releases that made them."""
    files = {r.name: FileInfo(object_path(r.file.sha256), r.file.bytes, r.file.sha256)
             for r in dataset.resources if r.file}
    for resource in dataset.resources:
        for key, info in resource.downloads.items():
            files[f"{resource.name}.{key}"] = FileInfo(object_path(info.sha256), info.bytes, info.sha256)
    if dataset.zip_file:
        files["zip"] = FileInfo(object_path(dataset.zip_file.sha256), dataset.zip_file.bytes, dataset.zip_file.sha256)
    return files


def kept_objects(catalog: Catalog) -> set[str]:
    """sha256 of every file some version still offers for download."""
    return {info.sha256 for d in catalog.datasets for v in d.versions for info in v.files.values()}
