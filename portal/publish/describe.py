"""Stage 4: describe one package: its catalog entry (what the pages read) and its part of Datasette's
metadata. entries.py runs these per package and assembles the release from them."""

from __future__ import annotations

import dataclasses
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from html import escape
from pathlib import Path
from typing import Callable
from urllib.parse import quote

import frictionless

from ..formats import GENERATED
from ..catalog import DatasetInfo, FieldInfo, FileInfo, ForeignKey, QueryInfo, ResourceInfo, ValidationInfo
from ..labels import label_column
from .append_charts import grown_chart
from .charts import compute_chart, find_geo, plan_charts
from .maps import compute_map, plan_map
from .descriptor import foreign_keys, normalize_key
from .load import LoadablePackage, TableLoad
from ..profile import missing_recommended
from .release import package_digest
from .report import DatasetOutcome, blocking

FIELD_TEXT_KEYS = {"title": "title", "description": "description", "title_en": "title_en",
                   "description_en": "description_en", "unit": "unit", "concept": "concept",
                   "classification": "classification", "reference_code_list": "referenceCodeList"}


def charts_of(conn: sqlite3.Connection, resource: dict, load: TableLoad, types: dict) -> list:
    """The table's charts; one that cannot be computed is left out (a chart never stops a publish)."""
    charts = []
    for plan in plan_charts(resource, load.stats, load.rows, conn):
        try:  # an appended table's chart, where it adds up exactly, from its live chart and the new rows
            charts.append(grown_chart(conn, resource["name"], plan, types, load.stats, load.earlier)
                          or compute_chart(conn, resource["name"], plan, types))
        except (sqlite3.Error, ValueError, TypeError, ZeroDivisionError, OverflowError):
            continue
    return charts


def charts_in_background(db_path: Path, packages: list[LoadablePackage], loads: dict[str, TableLoad]) -> Callable[[], None]:
    """Start computing the charts of every table loaded in this publish, on a connection of their own, while
    the downloads are written (a million rows' group-bys take seconds, in SQLite, which lets go of the
    GIL); the returned call waits and puts them in each load's ``charts``, where describe finds them.
    If anything fails there, describe computes the charts itself as before."""
    tables = [(r, loads[r["name"]]) for p in packages for r in p.descriptor["resources"]
              if r["name"] in loads and loads[r["name"]].charts is None]

    def compute() -> list[list]:
        with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as conn:
            return [charts_of(conn, r, load, {f["name"]: f.get("type", "string") for f in r["schema"]["fields"]})
                    for r, load in tables]

    pool = ThreadPoolExecutor(max_workers=1)
    computing = pool.submit(compute)
    pool.shutdown(wait=False)

    def finished() -> None:
        try:
            charts = computing.result()
        except Exception:  # noqa: BLE001 - describe computes them again and meets the same error there
            return
        for (_, load), table_charts in zip(tables, charts):
            load.charts = table_charts

    return finished


def choropleth_of(conn: sqlite3.Connection, resource: dict, load: TableLoad):
    """The table's map by area, or None; like a chart, one that cannot be computed is left out."""
    try:
        plan = plan_map(resource, load.stats, conn)
        return compute_map(conn, resource["name"], plan) if plan else None
    except (sqlite3.Error, ValueError, TypeError, ZeroDivisionError, OverflowError):
        return None


def describe_dataset(package: LoadablePackage, loads: dict[str, TableLoad], files: dict[str, FileInfo],
                     outcome: DatasetOutcome, checked_at: str, conn: sqlite3.Connection) -> DatasetInfo:
    d = package.descriptor
    prefix = f"files/{package.name}/"
    resources = [describe_resource(package.name, r, loads[r["name"]], files.get(prefix + r["path"]), conn, files)
                 for r in d["resources"]]
    return DatasetInfo(
        name=package.name,
        title=d["title"],
        description=d.get("description", ""),
        title_en=d.get("title_en", ""),
        description_en=d.get("description_en", ""),
        publisher=d["publisher"],
        author=d.get("author", ""),
        maintainer=d.get("maintainer", ""),
        access_rights=d.get("accessRights", ""),
        themes=list(d.get("themes", [])),
        licenses=list(d.get("licenses", [])),
        sources=list(d.get("sources", [])),
        caveats=[dict(c) for c in d.get("caveats", [])],
        sample=d.get("sample") is True,
        frequency=d.get("accrualPeriodicity", ""),
        keywords=list(d.get("keywords", [])),
        temporal=dict(d.get("temporal", {})),
        version=str(d.get("version", "")),
        citation=d.get("citation", ""),
        **{key: str(d.get(key, "")) for key in ("konsep", "definisi", "satuan", "ukuran", "modified", "metodologi")},
        spatial=dict(d.get("spatial", {})),
        dasar_hukum=list(d.get("dasar_hukum", [])),
        data_prioritas=d.get("data_prioritas"),
        missing_recommended=missing_recommended(d),
        queries=[QueryInfo(q["name"], q["title"], q["sql"], q.get("description", "")) for q in d.get("queries", [])],
        resources=resources,
        package_file=files.get(prefix + "datapackage.json"),
        zip_file=files.get(f"downloads/{package.name}.zip"),
        content_hash=content_hash(prefix, files),
        status=outcome.status,
        validation=ValidationInfo(passed=not blocking(outcome.issues), checked_at=outcome.validated_at or checked_at,
                                  frictionless_version=frictionless.__version__, checks=outcome.checks,
                                  issues=[dataclasses.replace(i, file=package_relative(i.file, package.name))
                                          for i in outcome.issues]),
    )


def package_relative(path: str, package_name: str) -> str:
    """datasets/x/data/y.csv -> x/data/y.csv: the published catalog shows no publisher's local paths."""
    parts = path.replace("\\", "/").split("/")
    return "/".join(parts[parts.index(package_name):]) if package_name in parts else parts[-1]


def describe_resource(package_name: str, resource: dict, load: TableLoad, file: FileInfo | None,
                      conn: sqlite3.Connection, files: dict[str, FileInfo]) -> ResourceInfo:
    schema = resource["schema"]
    types = {f["name"]: f.get("type", "string") for f in schema["fields"]}
    fields = [
        FieldInfo(
            name=f["name"],
            type=f.get("type", "string"),
            **{attribute: str(f.get(key, "")) for attribute, key in FIELD_TEXT_KEYS.items()},
            constraints=dict(f.get("constraints", {})),
            stats=load.stats.get(f["name"]),
        )
        for f in schema["fields"]
    ]
    keys = [
        ForeignKey(
            fields=normalize_key(fk.get("fields")),
            table=fk["reference"].get("resource") or resource["name"],
            columns=normalize_key(fk["reference"].get("fields")),
            package=fk["reference"].get("package") or package_name,
        )
        for fk in foreign_keys(resource)
    ]
    return ResourceInfo(
        name=resource["name"],
        title=resource.get("title", ""),
        description=resource.get("description", ""),
        title_en=str(resource.get("title_en", "")),
        description_en=str(resource.get("description_en", "")),
        path=resource["path"],
        file=file,
        rows=load.rows,
        fields=fields,
        primary_key=normalize_key(schema.get("primaryKey")),
        foreign_keys=keys,
        charts=load.charts if load.charts is not None else charts_of(conn, resource, load, types),
        downloads={fmt.key: files[path] for fmt in GENERATED
                   if (path := f"downloads/{package_name}/{resource['name']}{fmt.suffix}") in files},
        geo=find_geo(resource),
        choropleth=choropleth_of(conn, resource, load),
    )


def content_hash(prefix: str, files: dict[str, FileInfo]) -> str:
    """The content hash of the dataset whose published files are under ``prefix`` in the release."""
    return package_digest({path[len(prefix):]: info.sha256 for path, info in files.items() if path.startswith(prefix)})


def datasette_entry(dataset: DatasetInfo) -> tuple[dict, dict]:
    """Datasette 0.65 metadata of one dataset: title, licence and source per table, description and unit
    per column (tables by name), and its canned queries (by name)."""
    tables = {}
    license = dataset.licenses[0] if dataset.licenses else {}
    source = dataset.sources[0] if dataset.sources else {}
    for resource in dataset.resources:
        description = resource.description or dataset.description
        if dataset.sample:
            description = "[Data sampel sintetis — bukan fakta tentang Kota Malang] " + description
        table = {
            "title": f"{resource.title or resource.name} — {dataset.title}",
            "description_html": table_description_html(description, dataset.name, resource.name),
            "license": license.get("title") or license.get("name", ""),
            "license_url": license.get("path", ""),
            "source": source.get("title", ""),
            "source_url": source.get("path", "") if str(source.get("path", "")).startswith("http") else "",
            "columns": {f.name: column_description(f) for f in resource.fields if column_description(f)},
            "sort": resource.primary_key[0] if len(resource.primary_key) == 1 else None,
            "label_column": label_column(resource),
        }
        tables[resource.name] = {k: v for k, v in table.items() if v}
    queries = {query.name: {"sql": query.sql, "title": query.title,
                            "description": f"{query.description} ({dataset.title})".strip()}
               for query in dataset.queries}
    return tables, queries


def datasette_metadata(portal: dict, entries: list[tuple[dict, dict]]) -> dict:
    """The whole of Datasette's metadata from each dataset's ``datasette_entry``."""
    return {
        "title": portal.get("title", "Portal Data"),
        "description": portal.get("description", ""),
        "databases": {"portal": {"tables": {name: table for tables, _ in entries for name, table in tables.items()},
                                 "queries": {name: query for _, queries in entries for name, query in queries.items()}}},
    }


def table_description_html(description: str, dataset: str, table: str) -> str:
    """The description, then links to the dataset page and to the whole table as a prebuilt CSV:
    Datasette's own CSV export stops at PORTAL_MAX_CSV_MB. Relative links, from /sql/portal/<table>."""
    return (f"<p>{escape(description)}</p><p><a href=\"../../dataset/{quote(dataset)}\">Halaman dataset / dataset "
            f"page</a> · <a href=\"../../download/{quote(dataset)}/{quote(table)}.csv\" data-part=\"full-csv\">"
            "Unduh seluruh tabel (CSV, dengan checksum) / download the whole table</a></p>")


def column_description(field: FieldInfo) -> str:
    # Units go into the text: Datasette's own "units" need pint, which knows neither jiwa nor rupiah.
    text = field.description or field.title
    return f"{text} (satuan: {field.unit})" if field.unit else text
