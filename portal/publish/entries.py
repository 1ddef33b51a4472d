"""Describe the release one package at a time, then assemble it.

Everything the release says about one package (its catalog entry with its version history, its row of
the search index, its part of Datasette's metadata) comes from one guarded step, ``describe_packages``;
an exception there is that package's, and publish then builds the release as if the package were
invalid. ``assemble`` only puts finished entries together, so it cannot fail because of one package.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from contextlib import ExitStack, closing
from dataclasses import dataclass, field
from pathlib import Path

from ..catalog import Catalog, DatasetInfo, FileInfo
from .describe import datasette_entry, describe_dataset
from .diff import ReleaseComparison
from .disk_full import disk_full
from .example_queries import check_queries
from .history import dataset_versions, record_release
from .load import LoadablePackage, TableLoad
from .metadata import PortalMetadata
from .report import DatasetOutcome, Issue
from .search_index import SearchRow, searchable_row


@dataclass
class Describing:
    """What describing a package reads: the release being written, and the live one."""

    release_id: str
    created: str
    metadata: PortalMetadata
    loads: dict[str, TableLoad]
    files: dict[str, FileInfo]  # release-relative path -> FileInfo
    outcomes: dict[str, DatasetOutcome]
    staging: Path
    previous: Catalog | None = None
    previous_release: Path | None = None
    # tables the live rows plus appended ones (publish/append.py): table -> (live largest rowid, rows added)
    appended: dict[str, tuple[int, int]] = field(default_factory=dict)


@dataclass
class Entry:
    """One package as the release describes it."""

    dataset: DatasetInfo
    search_row: SearchRow
    datasette: tuple[dict, dict]  # its tables and canned queries in Datasette's metadata
    issues: list[Issue]  # its example queries that do not run


def describe_packages(packages: list[LoadablePackage],
                      release: Describing) -> tuple[dict[str, Entry], dict[str, Exception]]:
    """Each package's entry, or the exception that describing it raised."""
    entries, failed = {}, {}
    with ExitStack() as stack:
        conn = stack.enter_context(closing(sqlite3.connect(f"file:{release.staging / 'portal.db'}?mode=ro", uri=True)))
        comparison = None
        if release.previous is not None:
            comparison = ReleaseComparison(release.staging / "portal.db", release.previous_release / "portal.db",
                                           release.appended)
            stack.callback(comparison.close)
        for package in packages:
            try:
                entries[package.name] = describe_package(package, release, conn, comparison)
            except Exception as error:  # noqa: BLE001 - whatever it is, this package fails alone
                if disk_full(error, release.staging) is not None:  # a full disk (SQLite's temporary files) is no
                    raise  # package's fault: the release stops
                failed[package.name] = error
    return entries, failed


def describe_package(package: LoadablePackage, release: Describing, conn: sqlite3.Connection,
                     comparison: ReleaseComparison | None) -> Entry:
    dataset = describe_dataset(package, release.loads, release.files, release.outcomes[package.name],
                               release.created, conn)
    issues = check_queries(dataset, conn)
    before = release.previous.dataset(package.name) if release.previous else None
    dataset.versions = dataset_versions(dataset, before, comparison, release.release_id, release.created,
                                        release.staging, release.previous_release)
    entry = Entry(dataset, searchable_row(dataset, release.metadata.publishers), datasette_entry(dataset), issues)
    # Written out later with everything else: whatever cannot be written must fail here, for this package.
    json.dumps([dataclasses.asdict(dataset), entry.datasette], ensure_ascii=False)
    return entry


def assemble(release: Describing, entries: list[Entry], outcomes: list[DatasetOutcome]) -> Catalog:
    """The release's catalog, with this release at the head of its release log."""
    metadata = release.metadata
    catalog = Catalog(release_id=release.release_id, created=release.created, portal=metadata.portal,
                      themes=metadata.themes, publishers=metadata.publishers, licenses=metadata.licenses,
                      places=metadata.places, datasets=sorted((e.dataset for e in entries), key=lambda d: str(d.title).lower()),
                      database=release.files.get("portal.db"))
    record_release(catalog, release.previous, outcomes)
    return catalog
