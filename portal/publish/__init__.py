"""The publish pipeline: datasets/ + metadata/ -> a new immutable release in the build folder.

discover -> validate -> load -> describe -> release. Each stage lives in its own module
and can be called alone; ``publish`` only wires them together.
"""

from __future__ import annotations

import datetime
import json
import shutil
import time
from pathlib import Path
from typing import Callable

from ..releases import current_release_id, releases_dir
from .describe import build_catalog, datasette_metadata
from .discover import discover
from .load import LoadablePackage, load_database
from .metadata import load_metadata
from .release import (activate, check_release, copy_package, hash_files, new_release_id, prune, publish_lock,
                      start_staging, write_manifest, write_zip)
from .report import FAILED, KEPT_PREVIOUS, PUBLISHED, DatasetOutcome, Issue, PublishReport
from .validate import validate

DESCRIBING_FILES = ("catalog.json", "datasette.json", "report.json")


def publish(datasets_dir: Path, metadata_dir: Path, build_dir: Path,
            log: Callable[[str], None] = lambda message: None) -> PublishReport:
    started = time.perf_counter()
    report = PublishReport()
    metadata, problems = load_metadata(Path(metadata_dir))
    if problems:
        report.issues = problems
        return report
    log("discover")
    sources = discover(Path(datasets_dir))
    log(f"validate {len(sources)} packages")
    issues = validate(sources, metadata)
    with publish_lock(Path(build_dir)):
        now = datetime.datetime.now(datetime.timezone.utc)
        release_id = new_release_id(Path(build_dir), now)
        previous_id = current_release_id(Path(build_dir))
        staging = start_staging(Path(build_dir), release_id)
        try:
            packages = []
            for source in sources:
                outcome = DatasetOutcome(source.name, PUBLISHED, issues[source.name])
                target = staging / "files" / source.name
                if not outcome.issues:
                    copy_package(source.folder, source.descriptor_file.name, source.descriptor, target)
                    packages.append(LoadablePackage(source.name, target, source.descriptor))
                elif previous_id and (releases_dir(build_dir) / previous_id / "files" / source.name).is_dir():
                    # Invalid now, published before: the previous version stays live.
                    shutil.copytree(releases_dir(build_dir) / previous_id / "files" / source.name, target)
                    descriptor = json.loads((target / "datapackage.json").read_text(encoding="utf-8"))
                    packages.append(LoadablePackage(source.name, target, descriptor))
                    outcome.status, outcome.previous_release = KEPT_PREVIOUS, previous_id
                else:
                    outcome.status = FAILED
                report.datasets.append(outcome)
            if not packages:
                report.issues.append(Issue(str(datasets_dir), "portal-nothing-to-publish", "no valid data package found"))
                shutil.rmtree(staging)
                return report
            log(f"load {len(packages)} packages into SQLite")
            loads = load_database(staging / "portal.db", packages, progress=lambda table, rows: log(f"  {table}: {rows} rows"))
            for package in packages:
                write_zip(package.folder, staging / "downloads" / f"{package.name}.zip", package.name)
                report.outcome(package.name).rows = sum(t.rows for t in loads.values() if t.package == package.name)
            log("describe")
            files = hash_files(staging)
            statuses = {o.name: o.status for o in report.datasets}
            catalog = build_catalog(release_id, now.isoformat(timespec="seconds"), metadata, packages, loads, files, statuses)
            catalog.dump(staging / "catalog.json")
            write_json(staging / "datasette.json", datasette_metadata(catalog))
            report.release_id = release_id
            write_json(staging / "report.json", report.to_dict())
            files.update(hash_files(staging, names=DESCRIBING_FILES))
            write_manifest(staging, release_id, files)
            log("check and switch")
            problems = check_release(staging)
            if problems:
                raise ReleaseCheckFailed(problems)
            activate(Path(build_dir), staging, release_id)
            prune(Path(build_dir))
        except ReleaseCheckFailed as failed:
            report.release_id = None
            report.issues += failed.issues
            shutil.rmtree(staging, ignore_errors=True)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    report.seconds = round(time.perf_counter() - started, 3)
    return report


class ReleaseCheckFailed(Exception):
    def __init__(self, issues: list[Issue]):
        super().__init__("release check failed")
        self.issues = issues


def write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

