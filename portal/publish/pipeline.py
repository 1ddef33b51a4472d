"""The publish pipeline: datasets/ + metadata/ -> a new immutable release in the build folder.

discover -> validate -> load -> describe -> release. Each stage lives in its own module
and can be called alone; ``publish`` only wires them together.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..releases import current_release_id, releases_dir
from ..catalog import Catalog, CatalogVersionError
from ..messages import issue
from ..profile import N_
from .append import AppendingDatabase
from .append_downloads import grow_downloads
from .append_plan import append_plans
from .describe import charts_in_background, content_hash, datasette_metadata
from .downloads import build_downloads, mark_layout, missing_xlsx, reuse_downloads, write_xlsx_files
from .entries import Describing, assemble, describe_packages
from .history import kept_objects
from .key_figures import compute_key_figures
from .place_facts import build_place_index
from ..place_index import PLACES_INDEX
from .licenses import canonical_licenses
from .search_index import SEARCH_DB, build_search_index
from .discover import PackageSource, discover
from .disk_full import disk_full, writing
from .load import LoadablePackage, ReleaseDatabase, TableLoad
from .metadata import PortalMetadata, load_metadata
from .descriptor import cross_package_keys
from .release import (MANIFEST, activate, check_release, copy_package, hash_files, new_release_id, prune,
                      publish_lock, source_hash, start_staging, store_objects, write_manifest)
from .report import FAILED, KEPT_PREVIOUS, PUBLISHED, DatasetOutcome, Issue, PublishReport
from .validate import Validation, internal_error, validate

DESCRIBING_FILES = ("catalog.json", "datasette.json", "report.json", SEARCH_DB, PLACES_INDEX)


def publish(datasets_dir: Path, metadata_dir: Path, build_dir: Path,
            log: Callable[[str], None] = lambda message: None, *, only: set[str] | None = None,
            full: bool = False, dry_run: bool = False) -> PublishReport:
    """Validate every package and release the valid ones; what was live stays live on any failure.

    Packages unchanged since the live release are carried over without validating or loading them
    again (``full`` forces everything); with ``only``, every other package is carried over as it is
    live. ``dry_run`` builds and checks the release but does not switch to it."""
    started = time.perf_counter()
    build_dir = Path(build_dir)
    metadata, problems = load_metadata(Path(metadata_dir))
    if problems:
        return PublishReport(issues=problems)
    log("discover")
    # Licences are made canonical here, before anything hashes or copies a descriptor.
    sources = [canonical_licenses(source, metadata.licenses) for source in discover(Path(datasets_dir))]
    with publish_lock(build_dir):
        previous = current_release_id(build_dir)
        previous_release = releases_dir(build_dir) / previous if previous else None
        run = Run(Path(datasets_dir), Path(metadata_dir), build_dir, metadata, previous_release,
                  previous_catalog(previous_release), log, only, full, dry_run)
        while True:
            report, undescribed = build_release(run, sources)
            if not undescribed:
                break
            # A package that could not be described is then invalid, and the release is built again: its live
            # version stays if that one can be described, and packages referring to it are refused, as for
            # any invalid package. Every round adds an issue, and a package fails at most twice, so this ends.
            for name, issue in undescribed.items():
                run.undescribed.setdefault(name, []).append(issue)
                outcome = report.outcome(name)
                if outcome.status == KEPT_PREVIOUS or outcome.reused_from:  # what failed is the live version
                    run.unkeepable.add(name)
            log(f"describing {', '.join(sorted(undescribed))} failed: building the release without them")
    report.seconds = round(time.perf_counter() - started, 3)
    return report


@dataclass
class Run:
    """One publish: its inputs, and what earlier attempts found that could not be described."""

    datasets_dir: Path
    metadata_dir: Path
    build_dir: Path
    metadata: PortalMetadata
    previous_release: Path | None
    live: Catalog | None
    log: Callable[[str], None]
    only: set[str] | None
    full: bool
    dry_run: bool
    undescribed: dict[str, list[Issue]] = field(default_factory=dict)  # package -> why it is now invalid
    unkeepable: set[str] = field(default_factory=set)  # packages whose live version could not be described


def build_release(run: Run, sources: list[PackageSource]) -> tuple[PublishReport, dict[str, Issue]]:
    """Build, check and (unless a dry run) activate one release. A package whose description failed
    stops it before anything is assembled: the release is removed and the failures returned. A full
    disk, wherever it stops the build, removes the release too and is the report's one issue."""
    log, build_dir, previous_release, live = run.log, run.build_dir, run.previous_release, run.live
    sources = [dataclasses.replace(s, issues=s.issues + run.undescribed[s.name]) if s.name in run.undescribed else s
               for s in sources]
    report = PublishReport()
    reused = carried_over(sources, live, run.only, run.full)
    now = datetime.datetime.now(datetime.timezone.utc)
    release_id = new_release_id(build_dir, now)
    # packages whose CSV files only gained rows load just those (append.py); any doubt, the full path
    plans, whole = append_plans(sources, live, previous_release, reused, run.full,
                                lambda name: previous_loads(live, name))
    for name, reason in whole.items():
        log(f"{name}: not appended ({reason})")
    staging, database = start_staging(build_dir, release_id), None
    try:
        database = AppendingDatabase(staging / "portal.db", previous_release / "portal.db" if previous_release else None,
                                     plans)
        for source in sources:
            if source.name in reused:
                database.copy_package(source.descriptor, previous_loads(live, source.name))
        log(f"validate and load {len(sources) - len(reused)} packages ({len(reused)} unchanged)")
        validations = validate(sources, run.metadata, skip=reused, database=database,
                               established=carried_over(sources, live, None, full=False))
        for name, reason in database.unvouched.items():
            log(f"{name}: read cell by cell by frictionless ({reason})")
        for name, reason in database.not_appended.items():
            log(f"{name}: loaded in full, not appended ({reason})")
        for name, plan in database.appended.items():
            for table, rows in plan.appended.items():
                log(f"{name}: {table}: appended {rows} rows ({plan.loads[table].rows} live rows copied, not read)")
        keepable = keepable_packages(previous_release, live, run.unkeepable)
        for source in sources:  # an invalid package keeps what the live release has of it
            if not validations[source.name].passed and source.name in keepable and source.name not in reused:
                database.copy_package(previous_descriptor(previous_release, source.name),
                                      previous_loads(live, source.name))
        loads = database.finish()
        packages, report.datasets = gather_packages(sources, validations, staging / "files", previous_release,
                                                    reused, live, keepable)
        if not packages:
            report.issues.append(issue(str(run.datasets_dir), "portal-nothing-to-publish",
                                       N_("tidak ada paket data yang valid")))
            database.close()
            shutil.rmtree(staging)
            return report, {}
        report.release_id = release_id
        catalog, undescribed = write_release(build_dir, staging, previous_release, live, now, run.metadata, packages,
                                             loads, database, report, log, run.metadata_dir)
        if undescribed:
            database.close()
            shutil.rmtree(staging)
            by_name = {s.name: s for s in sources}
            return report, {name: internal_error(by_name[name], "describe", error) for name, error in undescribed.items()}
        log("check and switch")
        problems = check_release(staging, hashes=False)  # write_release hashed every file just now
        if problems or run.dry_run:
            report.release_id = None
            report.issues += problems
            shutil.rmtree(staging)
        else:
            activate(build_dir, staging, release_id)
            prune(build_dir, keep_objects=kept_objects(catalog))
    except BaseException as error:
        if database is not None:
            database.close()
        shutil.rmtree(staging, ignore_errors=True)  # on a full disk, this frees the space the release took
        # Wherever the disk filled up (loading, indexes, copies, downloads, catalog), it is this one issue.
        full = disk_full(error, staging)
        if full is None:
            raise
        if live is not None or previous_release is None:  # which objects old versions offer is known:
            # those only the staged release linked to give their space back too, as the next publish would
            prune(build_dir, keep_objects=kept_objects(live) if live else set(), keep=0)
        return PublishReport(issues=[full.issue]), {}
    return report, {}


def keepable_packages(previous_release: Path | None, live: Catalog | None, unkeepable: set[str]) -> set[str]:
    """Packages whose live version an invalid new one can fall back on."""
    if previous_release is None or live is None:
        return set()
    return {d.name for d in live.datasets if (previous_release / "files" / d.name).is_dir()} - unkeepable


def carried_over(sources: list[PackageSource], live: Catalog | None, only: set[str] | None, full: bool) -> set[str]:
    """Packages to carry over from the live release: unchanged ones (same content hash), or with
    ``only`` every package not named. A package pointing into a package that is not carried over is
    checked again, since the rows it points at may have changed."""
    if live is None:
        return set()
    candidates = set()
    for source in sources:
        before = live.dataset(source.name)
        if before is None or before.status != PUBLISHED or source.descriptor is None or source.issues:
            continue
        if only is not None and source.name not in only:
            candidates.add(source.name)
        elif not full and (only is None) and \
                before.content_hash == source_hash(source.folder, source.descriptor_file.name, source.descriptor,
                                                   source.rewritten):
            candidates.add(source.name)
    references = {s.name: {fk["reference"]["package"] for _, fk in cross_package_keys(s.descriptor or {})}
                  for s in sources}
    changed = True
    while changed:  # drop, until stable, packages whose referenced packages are not carried over
        dropped = {name for name in candidates if references.get(name, set()) - candidates}
        changed = bool(dropped)
        candidates -= dropped
    return candidates


def gather_packages(sources: list[PackageSource], validations: dict[str, Validation], files_dir: Path,
                    previous_release: Path | None, reused: set[str], live: Catalog | None,
                    keepable: set[str]) -> tuple[list[LoadablePackage], list[DatasetOutcome]]:
    """Copy each valid package into the release; an invalid one keeps its previously published copy,
    an unchanged one is linked from the live release."""
    packages, outcomes = [], []
    for source in sources:
        validation = validations[source.name]
        outcome = DatasetOutcome(source.name, PUBLISHED, validation.issues, validation.checks)
        target = files_dir / source.name
        kept = previous_release / "files" / source.name if previous_release else None
        if source.name in reused:
            shutil.copytree(kept, target, copy_function=os.link)  # hard links: nothing is copied
            descriptor = json.loads((target / "datapackage.json").read_text(encoding="utf-8"))
            packages.append(LoadablePackage(source.name, target, descriptor))
            before = live.dataset(source.name)
            outcome.reused_from, outcome.checks = previous_release.name, before.validation.checks if before.validation else []
            outcome.validated_at = before.validation.checked_at if before.validation else None
        elif validation.passed:  # warnings (validate.WARNINGS) are reported but do not block
            copy_package(source.folder, source.descriptor_file.name, source.descriptor, target, source.rewritten)
            packages.append(LoadablePackage(source.name, target, source.descriptor))
        elif source.name in keepable:
            shutil.copytree(kept, target, copy_function=os.link)
            descriptor = json.loads((target / "datapackage.json").read_text(encoding="utf-8"))
            packages.append(LoadablePackage(source.name, target, descriptor))
            outcome.status, outcome.previous_release = KEPT_PREVIOUS, previous_release.name
        else:
            outcome.status = FAILED
        outcomes.append(outcome)
    return packages, outcomes


def write_release(build_dir: Path, staging: Path, previous_release: Path | None, previous: Catalog | None,
                  now: datetime.datetime, metadata: PortalMetadata, packages: list[LoadablePackage],
                  loads: dict[str, TableLoad], database: ReleaseDatabase, report: PublishReport,
                  log: Callable[[str], None], metadata_dir: Path) -> tuple[Catalog | None, dict[str, Exception]]:
    """Everything else in the release folder: zips, catalog with history, Datasette metadata, manifest.
    portal.db is read meanwhile, while ``database`` still builds its indexes. When describing some
    package fails, nothing is assembled: the exceptions are returned by package instead."""
    files = hash_files(staging, under="files", previous=previous_release)
    log("build downloads")
    charts_computed = charts_in_background(staging / "portal.db", packages, loads)
    try:
        write_downloads(build_dir, staging, previous_release, previous, packages, loads, database, report, files)
    finally:  # also when something failed: no thread may read the staged database once it is removed
        charts_computed()
    log("describe")
    outcomes = {outcome.name: outcome for outcome in report.datasets}
    appended = {table: (plan.old_max_rowid[table], rows) for plan in getattr(database, "appended", {}).values()
                for table, rows in plan.appended.items()}
    release = Describing(report.release_id, now.isoformat(timespec="microseconds"), metadata, loads, files, outcomes,
                         staging, previous, previous_release, appended)
    described, undescribed = describe_packages(packages, release)
    if undescribed:
        return None, undescribed
    entries = [described[package.name] for package in packages]
    catalog = assemble(release, entries, report.datasets)
    report.issues += [issue for entry in entries for issue in entry.issues]
    report.issues += compute_key_figures(catalog, staging / "portal.db", str(Path(metadata_dir) / "portal.yaml"))
    places, problems = build_place_index(catalog, staging / "portal.db", Path(metadata_dir))
    report.issues += problems
    with writing(staging / PLACES_INDEX):
        places.dump(staging / PLACES_INDEX)
    log("wait for the database's indexes")
    database.wait()
    files.update(hash_files(staging, names=("portal.db",)))
    catalog.database = files["portal.db"]
    with writing(staging / "catalog.json"):
        catalog.dump(staging / "catalog.json")
    with writing(staging / SEARCH_DB):
        build_search_index([entry.search_row for entry in entries], metadata.synonyms, staging / SEARCH_DB)
    write_json(staging / "datasette.json", datasette_metadata(catalog.portal, [entry.datasette for entry in entries]))
    write_json(staging / "report.json", report.to_dict())
    files.update(hash_files(staging, names=DESCRIBING_FILES))
    with writing(staging / MANIFEST):
        write_manifest(staging, report.release_id, files)
    return catalog, {}


def write_downloads(build_dir: Path, staging: Path, previous_release: Path | None, previous: Catalog | None,
                    packages: list[LoadablePackage], loads: dict[str, TableLoad], database: ReleaseDatabase,
                    report: PublishReport, files: dict) -> None:
    """Every package's downloads (reused, grown by appended rows, or built), hashed and stored into ``files``."""
    conn = sqlite3.connect(f"file:{staging / 'portal.db'}?mode=ro", uri=True)
    xlsx = []
    mark_layout(staging)
    try:
        for package in packages:
            before = previous.dataset(package.name) if previous else None
            unchanged = before is not None and before.content_hash == content_hash(f"files/{package.name}/", files)
            if unchanged and reuse_downloads(previous_release, staging, package.name):
                pass
            elif package.name in getattr(database, "appended", {}) and report.outcome(package.name).status == PUBLISHED:
                jobs, problems = grow_downloads(previous_release, staging, package.name, package.folder,
                                                package.descriptor, conn, database.appended[package.name])
                xlsx += jobs
                report.outcome(package.name).issues += problems
            else:
                jobs, problems = build_downloads(staging, package.name, package.folder, package.descriptor, conn,
                                                 {table: load.formula_like for table, load in loads.items()})
                xlsx += jobs
                report.outcome(package.name).issues += problems
            report.outcome(package.name).rows = sum(t.rows for t in loads.values() if t.package == package.name)
    finally:
        conn.close()
    write_xlsx_files(xlsx)
    for name, problem in missing_xlsx(xlsx):
        report.outcome(name).issues.append(problem)
    files.update(hash_files(staging, under="downloads", previous=previous_release))
    store_objects(build_dir, staging, files)


def previous_loads(live: Catalog, name: str) -> dict[str, TableLoad]:
    """Row counts, column stats and charts of a package's tables in the live release."""
    return {r.name: TableLoad(name, r.rows, {f.name: f.stats for f in r.fields if f.stats}, charts=r.charts)
            for r in live.dataset(name).resources}


def previous_descriptor(previous_release: Path, name: str) -> dict:
    return json.loads((previous_release / "files" / name / "datapackage.json").read_text(encoding="utf-8"))


def previous_catalog(previous_release: Path | None) -> Catalog | None:
    """The live release's catalog, or None when there is none this version can read."""
    try:
        return Catalog.load(previous_release / "catalog.json") if previous_release else None
    except (FileNotFoundError, CatalogVersionError):
        return None


def write_json(path: Path, data) -> None:
    with writing(path):
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

