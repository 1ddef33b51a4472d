"""Stage 2: validate packages with the portal's rules, then have their data read once by the release
database (load.py), which validates while loading and hands to frictionless whatever it cannot vouch for.

Returns, for every package, the problems found (none = valid) and which checks ran.
"""

from __future__ import annotations

import datetime
import re
import tempfile
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

from .charts import AGGREGATES
from .charts import KINDS as CHART_KINDS
from .maps import map_declaration_issues
from .descriptor import PACKAGE_NAME, SQL_NAME, cross_package_keys
from .discover import PackageSource
from .load import LoadError, ReleaseDatabase
from .progress import package as watched_package
from .scan import COMPRESSED_SUFFIXES, MAX_COLUMNS, declared_encoding, known_encoding, scan_data_files
from ..messages import issue
from .fill_in import advise, is_placeholder, placeholder_issue
from .frictionless_check import frictionless_refusal, validate_with_frictionless
from .schema_check import field_issues
from .geometry import CHECK as GEOMETRY_CHECK, check_geometries, geometry_rules, has_geometry
from .licenses import resolve as resolve_license
from .metadata import PortalMetadata
from ..profile import ACCESS_RIGHTS, FREQUENCIES, PUBLISHABLE_ACCESS, N_
from ..scaffold import placeholders
from .across_packages import (check_foreign_key_targets, check_query_names, check_reference,
                             check_reference_code_lists, check_unique_resource_names)
from .report import WARNINGS, Issue, blocking




# Descriptor properties holding links (the pages render them as <a href>): http, https or mailto only,
# or a relative file reference without ':' (the samples cite "samples/society.py").
SAFE_URL = re.compile(r"^(?:https?|mailto):", re.I)


# The checks, in the order they run; a package's data is read only once its descriptor passed.
DESCRIPTOR_CHECKS = [
    N_("Berkas data lokal di dalam folder paket (tanpa URL, '..' atau tautan simbolik)"),
    N_("Profil metadata Satu Data Indonesia: isian wajib ada dan merujuk ke metadata portal"),
    N_("Nama tabel dan kolom aman untuk SQL dan unik di seluruh portal"),
]
DATA_CHECKS = [
    N_("Frictionless: struktur CSV, tipe, batasan, kunci primer dan kunci asing di dalam paket"),
    N_("Kunci asing ke paket lain dan daftar kode referensi"),
]


@dataclass
class Validation:
    issues: list[Issue] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not blocking(self.issues)


def validate(sources: list[PackageSource], metadata: PortalMetadata, skip: set[str] = frozenset(),
             database: ReleaseDatabase | None = None, established: set[str] = frozenset()) -> dict[str, Validation]:
    """``skip``: packages carried over unchanged (already copied into ``database``); they stay
    available as targets of references. Valid packages end up loaded in ``database``; without one
    (``portal check``) they load into a throwaway database. ``established``: packages live and
    unchanged, which keep their names when a new or changed package claims them too."""
    if database is None:
        with tempfile.TemporaryDirectory(prefix="portal-check-") as folder:
            database = ReleaseDatabase(Path(folder) / "check.db")
            try:
                return validate(sources, metadata, skip, database, established)
            finally:
                database.close()
    issues = find_issues(sources, metadata, database, skip, set(skip) | set(established))
    geometric = {s.name for s in sources if has_geometry(s.descriptor or {})}
    return {name: Validation(found, DESCRIPTOR_CHECKS + ([] if _descriptor_failed(found) else
                                                         DATA_CHECKS + [GEOMETRY_CHECK] * (name in geometric)))
            for name, found in issues.items()}


def _descriptor_failed(issues: list[Issue]) -> bool:
    return any(i.code.startswith("portal-") and i.code not in WARNINGS | {"portal-foreign-key"} for i in issues)


def find_issues(sources: list[PackageSource], metadata: PortalMetadata, database: ReleaseDatabase,
                skip: set[str] = frozenset(), established: set[str] = frozenset()) -> dict[str, list[Issue]]:
    issues = {source.name: list(source.issues) for source in sources}
    for source in sources:
        if source.descriptor is not None and not issues[source.name] and source.name not in skip:
            issues[source.name] += check_portal_rules(source, metadata)
    # Names are claimed by live, unchanged packages first; a package already rejected claims none.
    claimants = sorted((s for s in sources if not blocking(issues[s.name])), key=lambda s: s.name not in established)
    for name, found in check_unique_resource_names(claimants, established).items():
        issues[name] += found
    for name, found in check_reference_code_lists(sources).items():
        issues[name] += found
    for name, found in check_foreign_key_targets(sources).items():
        issues[name] += found
    for name, found in check_query_names(claimants).items():
        issues[name] += found
    # Only well-formed descriptors get their data read.
    readable = [s for s in sources if not issues[s.name] and s.name not in skip]
    check_and_load_data(readable, sources, issues, database)
    return issues


def check_and_load_data(readable: list[PackageSource], sources: list[PackageSource], issues: dict[str, list[Issue]],
                        database: ReleaseDatabase) -> None:
    """Read each package's data once, referenced packages first: validated while it loads when the fast
    path can vouch for it; otherwise the byte scan, frictionless and the cross-package check report
    every problem (one run reports every bad row) and a package with none loads cell by cell."""
    by_name = {s.name: s for s in sources}
    graph = {s.name: {fk["reference"]["package"] for _, fk in cross_package_keys(s.descriptor)} for s in readable}
    key_cache: dict[tuple, set] = {}
    for name in references_first(graph, by_name, issues):
        source = by_name.get(name)
        if name not in graph:
            continue  # a carried-over package, or one missing or invalid (reported by check_reference)
        try:
            with watched_package(name, [source.resource_file(r) for r in source.descriptor["resources"]]):
                outlines = check_geometries(source.folder, source.descriptor)  # bad outlines: the data is not loaded
                issues[name] += outlines + ([] if blocking(outlines) else check_and_load(source, by_name, issues,
                                                                                         database, key_cache))
        except Exception as error:  # noqa: BLE001 - whatever it is, this package fails alone
            issues[name].append(internal_error(source, "validate and load", error))


def check_and_load(source: PackageSource, by_name: dict[str, PackageSource], issues: dict[str, list[Issue]],
                   database: ReleaseDatabase, key_cache: dict) -> list[Issue]:
    refused = frictionless_refusal(source)
    if refused:  # the fast path reads only data: frictionless judges the descriptor first
        return refused
    if database.load_checked(source):
        # only warnings remain: which cells look like formulas
        return scan_data_files(source) if database.formula_like(source) else []
    found = scan_data_files(source)
    if not blocking(found):
        found += validate_with_frictionless(source)
        for resource, ref in cross_package_keys(source.descriptor):
            found += check_reference(source, resource, ref, by_name, issues, key_cache)
    if not blocking(found):
        try:
            database.load_unchecked(source)
        except LoadError as error:
            found.append(error.issue)
    return found


def internal_error(source: PackageSource, stage: str, error: Exception) -> Issue:
    """An exception while handling one package, as that package's error (the others go on)."""
    return issue(str(source.descriptor_file), "portal-internal-error", N_("kesalahan di portal saat %(stage)s: %(error)s"),
                 stage=stage, error=f"{type(error).__name__}: {error}".strip()[:480])


def references_first(graph: dict[str, set[str]], by_name: dict[str, PackageSource],
                     issues: dict[str, list[Issue]]) -> list[str]:
    """Package names, each after the packages it references. Packages referencing each other in a
    cycle get an issue and are left out (and so is, later, whatever references them)."""
    graph = dict(graph)
    while True:
        try:
            return [name for name in TopologicalSorter(graph).static_order() if name in graph]
        except CycleError as error:
            for name in set(error.args[1]) & graph.keys():
                issues[name].append(issue(str(by_name[name].descriptor_file), "portal-foreign-key",
                                          N_("paket-paket saling merujuk dalam lingkaran"), field="foreignKeys"))
                del graph[name]


def check_portal_rules(source: PackageSource, metadata: PortalMetadata) -> list[Issue]:
    """The metadata profile (portal/publish/profile.py): required properties present and resolvable."""
    d, file = source.descriptor, str(source.descriptor_file)
    issues = []

    # The choice properties' checks below decide what is wrong; advise() (fill_in.py) then says it once per
    # property, with the valid values and a suggestion, in the reader's language.
    def problem(message, field, code="portal-metadata"):
        issues.append(Issue(file, code, message, field=field))

    if d.get("name") != source.name:
        issues.append(issue(file, "portal-name", N_("name %(name)s harus sama dengan nama folder %(folder)s"),
                            field="name", name=repr(d.get("name")), folder=repr(source.name)))
    elif not PACKAGE_NAME.match(source.name):
        issues.append(issue(file, "portal-name", N_("name hanya boleh berisi huruf kecil, angka dan '-'"), field="name"))
    for key in ("title", "description"):
        if not isinstance(d.get(key), str) or not d[key].strip():
            issues.append(issue(file, "portal-metadata", N_("%(property)s wajib diisi"), field=key, property=key))
    for key in ("publisher", "author", "maintainer"):
        if not isinstance(d.get(key), str) or d[key] not in metadata.ids("publishers"):
            problem(f"{key} {d.get(key)!r} is not listed in metadata/publishers.yaml", key)
    themes = d.get("themes")
    if not isinstance(themes, list) or not themes:
        problem("themes must list at least one smart city dimension", "themes")
    else:
        for theme in themes:
            if not isinstance(theme, str) or theme not in metadata.ids("themes"):
                problem(f"theme {theme!r} is not listed in metadata/themes.yaml", "themes")
    licenses = d.get("licenses")
    if not isinstance(licenses, list) or not licenses:
        problem("licenses is required", "licenses")
    else:
        for index, lic in enumerate(licenses):
            found = None if placeholders({"licenses": [lic]}) else resolve_license(lic, metadata.licenses)[1]
            if found:  # a placeholder is said by advise(), with the valid ids
                at = next((f".{key}" for key in ("name", "id", "path") if isinstance(lic, dict) and key in lic), "")
                issues.append(issue(file, "portal-license", found[0], field=f"licenses[{index}]{at}", **found[1]))
    if d.get("sample") is not True:
        sources = d.get("sources")
        if not isinstance(sources, list) or not sources or not all(isinstance(s, dict) and s.get("title") for s in sources):
            issues.append(issue(file, "portal-metadata", N_("data nyata perlu sources (title dan path); data "
                                                            "sintetis perlu \"sample\": true"), field="sources"))
    if d.get("accrualPeriodicity") not in FREQUENCIES:
        problem(f"accrualPeriodicity must be one of {', '.join(FREQUENCIES)}", "accrualPeriodicity")
    if d.get("accessRights") != PUBLISHABLE_ACCESS:
        problem(f"accessRights must be {PUBLISHABLE_ACCESS!r}: only open data is published here "
                f"(the profile knows {', '.join(ACCESS_RIGHTS)})", "accessRights")
    issues += [placeholder_issue(file, path, value) for path, value in placeholders(d)]
    issues += check_recommended_shapes(file, d)
    for where, value in url_properties(d):
        if not is_safe_url(value) and not is_placeholder(value):  # "ISI: URL sumber" is to be filled, not a link
            issues.append(issue(file, "portal-unsafe-url", N_("%(property)s %(value)s bukan tautan http, https atau "
                                                              "mailto (juga bukan rujukan berkas relatif)"),
                                field=where, property=where, value=repr(value)))
    for index, resource in enumerate(d.get("resources", [])):
        issues += check_resource_rules(file, index, resource)
        issues += geometry_rules(file, index, resource, source.folder)
    return advise(file, d, issues, metadata)


def check_recommended_shapes(file: str, d: dict) -> list[Issue]:
    """Recommended properties may be missing (that lowers the quality score) but not malformed."""
    issues = []
    # a placeholder `portal new` wrote is reported once, as one (fill_in.py), not also as malformed
    d = {key: value for key, value in d.items() if not placeholders({key: value})}

    def problem(key, template):
        issues.append(issue(file, "portal-metadata", template, field=key, property=key))

    for key in ("modified",):
        if key in d and not _is_date(d[key]):
            problem(key, N_("%(property)s harus berupa tanggal (YYYY-MM-DD)"))
    temporal = d.get("temporal")
    if temporal is not None and not (isinstance(temporal, dict) and all(_is_date(temporal.get(k, "")) for k in temporal)
                                     and set(temporal) <= {"start", "end"}):
        problem("temporal", N_("%(property)s harus berbentuk {start, end} dengan tanggal YYYY-MM-DD"))
    if "spatial" in d and not isinstance(d["spatial"], dict):
        problem("spatial", N_("%(property)s harus berbentuk {kode_wilayah, nama}"))
    for key in ("title_en", "description_en", "konsep", "definisi", "satuan", "ukuran", "metodologi", "citation"):
        if key in d and not isinstance(d[key], str):
            problem(key, N_("%(property)s harus berupa teks"))
    for key in ("dasar_hukum", "keywords"):
        if key in d and not (isinstance(d[key], list) and all(isinstance(v, str) for v in d[key])):
            problem(key, N_("%(property)s harus berupa daftar teks"))
    caveats = d.get("caveats")
    if caveats is not None and not (isinstance(caveats, list) and all(
            isinstance(c, dict) and isinstance(c.get("text"), str) and c["text"].strip()
            and isinstance(c.get("text_en", ""), str) for c in caveats)):
        problem("caveats", N_("%(property)s harus berupa daftar objek {text, text_en} berisi teks"))
    if "data_prioritas" in d and not isinstance(d["data_prioritas"], bool):
        problem("data_prioritas", N_("%(property)s harus true atau false"))
    return issues


def url_properties(d: dict) -> list[tuple[str, object]]:
    """(property path, value) of every link-valued property of the package and its resources:
    homepage, image, profile, and the path of sources, licenses and contributors."""
    found = []

    def collect(obj: dict, prefix: str) -> None:
        for key in ("homepage", "image", "profile", "$schema"):
            if key in obj:
                found.append((f"{prefix}{key}", obj[key]))
        for key in ("sources", "licenses", "contributors"):
            entries = obj.get(key)
            for i, entry in enumerate(entries if isinstance(entries, list) else []):
                if isinstance(entry, dict) and "path" in entry:
                    found.append((f"{prefix}{key}[{i}].path", entry["path"]))

    collect(d, "")
    for index, resource in enumerate(d.get("resources", [])):
        if isinstance(resource, dict):
            collect(resource, f"resources[{index}].")
            if isinstance(resource.get("schema"), dict):
                collect(resource["schema"], f"resources[{index}].schema.")
    return found


def is_safe_url(value: object) -> bool:
    if not isinstance(value, str):
        return False
    if SAFE_URL.match(value):
        return True
    # no scheme at all: a relative reference, and not one a browser reads as another host (//host)
    return ":" not in value and not value.startswith(("//", "\\")) and value.isprintable()


def _is_date(value) -> bool:
    try:
        datetime.date.fromisoformat(value)
        return True
    except (TypeError, ValueError):
        return False


def check_resource_rules(file: str, index: int, resource: dict) -> list[Issue]:
    issues = []
    name = resource.get("name")
    where = f"resources[{index}]"

    def problem(code, template, at, **params):
        issues.append(issue(file, code, template, field=f"{where}{at}", **params))

    if not isinstance(name, str) or not SQL_NAME.match(name):
        problem("portal-name", N_("nama resource %(name)s harus berupa pengenal SQL huruf kecil (huruf, angka, _; "
                                  "diawali huruf)"), ".name", name=repr(name))
    path = str(resource.get("path", "")).lower()
    if path.endswith(COMPRESSED_SUFFIXES) or resource.get("compression") not in (None, "", "no"):
        problem("portal-compression", N_("data terkompresi (.gz, .zip, compression) tidak diterima; terbitkan berkas "
                                         "CSV biasa"), ".compression" if "compression" in resource else ".path")
    elif resource.get("format", "csv") != "csv" or not path.endswith(".csv"):
        problem("portal-format", N_("hanya resource CSV yang dapat diterbitkan"), ".path")
    declared = declared_encoding(resource)
    if declared and not known_encoding(declared):  # a known one is checked against the bytes by the scan
        problem("portal-encoding", N_("encoding %(encoding)s tidak dikenal: berkas data harus UTF-8"), ".encoding",
                encoding=repr(declared))
    schema = resource.get("schema")
    if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list) or not schema["fields"]:
        problem("portal-schema", N_("Table Schema dengan fields wajib ditulis langsung di resource"), ".schema")
        return issues
    if len(schema["fields"]) > MAX_COLUMNS:
        problem("portal-too-many-columns", N_("skema mendaftar %(fields)s kolom; batasnya %(limit)s kolom per tabel"),
                ".schema.fields", fields=len(schema["fields"]), limit=MAX_COLUMNS)
        return issues
    for field in schema["fields"]:
        column = field.get("name") if isinstance(field, dict) else None
        if not isinstance(column, str) or not SQL_NAME.match(column):
            problem("portal-name", N_("nama kolom %(name)s harus berupa pengenal SQL huruf kecil"), ".schema.fields",
                    name=repr(column))
    issues += field_issues(file, where, schema["fields"])
    columns = {f.get("name") for f in schema["fields"] if isinstance(f, dict)}
    for i, view in enumerate(resource.get("views", []) or []):
        if not (isinstance(view, dict) and view.get("type") in CHART_KINDS and view.get("x") in columns
                and view.get("y", None) in columns | {None} and view.get("aggregate", "sum") in AGGREGATES
                and (view.get("y") or view.get("aggregate") == "count")):
            problem("portal-view", N_("grafik perlu type (%(kinds)s), kolom x dan y dari tabel ini (y boleh tidak "
                                      "ditulis dengan aggregate count) dan aggregate (%(aggregates)s)"),
                    f".views[{i}]", kinds=", ".join(CHART_KINDS), aggregates=", ".join(AGGREGATES))
    return issues + map_declaration_issues(file, where, resource)
