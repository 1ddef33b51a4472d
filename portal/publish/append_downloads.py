"""Downloads of a package whose tables only gained rows (append.py): grown, not rebuilt, where the
format allows, to the same content a full build gives.

Excel CSV: the live file plus the new bytes of the CSV (append.py made sure no new cell looks like a
formula and the live file was the plain bytes). JSON and GeoJSON: the live file up to its closing
bracket, then the new rows. Parquet: the live row groups are copied as bytes and the new rows
follow in row groups of their own (parquet_append.py); after a few appends, the file is written
again with full row groups, the live ones decoded by pyarrow (no SQLite read). XLSX (up to XLSX_BUILD_MAX_ROWS) and the zip, which compresses the whole CSV, are built
again. Tables that did not grow keep the live files (hard links). Whatever fails to grow is built
the full way instead.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .append_plan import AppendPlan
from .charts import find_geo
from .downloads import (GEOJSON_END, JSON_END, XLSX_BUILD_MAX_ROWS, XlsxJob, geojson_features, guarded, json_rows,
                        write_excel_csv, write_geojson, write_json_rows, zip_extra)
from . import parquet_downloads  # ROW_GROUP_ROWS read at call time, as write_parquet does
from .parquet_append import append_row_groups
from .parquet_downloads import arrow_schema, batch, quoted, write_parquet
from .release import write_zip
from .report import Issue


def grow_downloads(previous_release: Path, staging: Path, package_name: str, package_folder: Path, descriptor: dict,
                   conn: sqlite3.Connection, plan: AppendPlan) -> tuple[list[XlsxJob], list[Issue]]:
    """build_downloads' files for an appended package (its XLSX files returned as jobs, as there)."""
    old, target = previous_release / "downloads" / package_name, staging / "downloads" / package_name
    target.mkdir(parents=True, exist_ok=True)
    xlsx, issues = [], []
    with ThreadPoolExecutor(max_workers=1) as background:  # the zip compresses on another core meanwhile
        zip_path = staging / "downloads" / f"{package_name}.zip"
        zipped = background.submit(write_zip, package_folder, zip_path, extra=zip_extra(descriptor))
        for resource in descriptor["resources"]:
            name = resource["name"]
            grown = plan.grown.get(name)
            if grown is None or name not in plan.appended:
                for path in old.glob(f"{name}.*"):  # a table that did not grow: its live files
                    os.link(path, target / path.name)
                continue
            after, columns, geo = plan.old_max_rowid[name], [f["name"] for f in resource["schema"]["fields"]], \
                find_geo(resource)
            source = package_folder / resource["path"]
            writers = [(f"{name}.excel.csv", lambda path: append_bytes(old / path.name, source, grown.offset, path),
                        lambda path: write_excel_csv(source, resource, path, False)),
                       (f"{name}.json", lambda path: append_framed(old / path.name, path, JSON_END, plan.loads[name].rows,
                                                                   json_rows(conn, name, columns, after)),
                        lambda path: write_json_rows(conn, name, columns, path)),
                       (f"{name}.parquet", lambda path: grow_parquet(old / path.name, conn, resource, after, path),
                        lambda path: write_parquet(conn, resource, path))]
            if geo:
                writers.append((f"{name}.geojson", lambda path: append_framed(
                    old / path.name, path, GEOJSON_END, plan.loads[name].rows,
                    geojson_features(conn, name, columns, geo, after)),
                    lambda path: write_geojson(conn, name, columns, geo, path)))
            for file_name, grow, build in writers:
                issues += guarded(target / file_name, lambda path: grown_or_built(grow, build, path), str(source))
            rows = plan.loads[name].rows + plan.appended[name]
            if rows <= XLSX_BUILD_MAX_ROWS:
                xlsx.append(XlsxJob(staging / "portal.db", descriptor, resource, target / f"{name}.xlsx", rows))
        issues += guarded(zip_path, lambda path: zipped.result(), str(package_folder / "datapackage.json"))
    return xlsx, issues


def grown_or_built(grow, build, path: Path) -> None:
    try:
        grow(path)
    except (OSError, ValueError, pa.ArrowException):  # a live file missing or not as expected: built in full
        path.unlink(missing_ok=True)
        build(path)


def append_bytes(old: Path, source: Path, offset: int, path: Path) -> None:
    """The live file (a copy: released files are never edited in place) and the source's bytes from ``offset``."""
    shutil.copyfile(old, path)
    with open(source, "rb") as data, open(path, "ab") as out:
        data.seek(offset)
        shutil.copyfileobj(data, out, 1 << 20)


def append_framed(old: Path, path: Path, end: str, old_rows: int, batches) -> None:
    """A JSON array file grown: the live file without its ``end``, then each new item after ",\\n"."""
    closing = end.encode("utf-8")
    shutil.copyfile(old, path)
    with open(path, "r+b") as out:
        out.seek(-len(closing), os.SEEK_END)
        if out.read() != closing:
            raise ValueError(f"{old.name} does not end as expected")
        out.seek(-len(closing), os.SEEK_END)
        out.truncate()
        separator = ",\n" if old_rows else "\n"
        for items in batches:
            out.write((separator + ",\n".join(items)).encode("utf-8"))
            separator = ",\n"
        out.write(closing)


# Row groups shorter than ROW_GROUP_ROWS a Parquet file may gather, one or more per append, before an
# append rewrites it with full row groups (as write_parquet writes them): readers skip by row group.
MAX_SHORT_ROW_GROUPS = 8


def grow_parquet(old: Path, conn: sqlite3.Connection, resource: dict, after: int, path: Path) -> None:
    """The live file's row groups, then the new rows'. While the file has few short row groups, the
    live ones are copied as bytes (parquet_append.py); otherwise they are decoded and written again,
    the last partial one filled up first, so every group but the last has ROW_GROUP_ROWS rows."""
    schema, group_rows = arrow_schema(resource), parquet_downloads.ROW_GROUP_ROWS
    live = pq.ParquetFile(old)
    if not live.schema_arrow.equals(schema):
        raise ValueError(f"{old.name} has another schema")
    selected = ", ".join(quoted(f["name"]) for f in resource["schema"]["fields"])
    cursor = conn.execute(f"select {selected} from {quoted(resource['name'])} where rowid > ? order by rowid", [after])
    short = sum(live.metadata.row_group(i).num_rows < group_rows for i in range(live.num_row_groups))
    if short < MAX_SHORT_ROW_GROUPS:
        rows = cursor.fetchmany(4 * group_rows + 1)
        if len(rows) <= 4 * group_rows:  # more new rows are streamed below instead
            try:
                return append_row_groups(old, batch(rows, schema), path, group_rows)
            except ValueError:  # a footer this module does not know: written again below
                path.unlink(missing_ok=True)
        cursor = conn.execute(f"select {selected} from {quoted(resource['name'])} where rowid > ? order by rowid",
                              [after])
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        pending = None
        for group in range(live.num_row_groups):
            table = live.read_row_group(group)
            if table.num_rows == group_rows:
                writer.write_table(table, row_group_size=group_rows)
            elif group == live.num_row_groups - 1:
                pending = table
            else:
                raise ValueError(f"{old.name}: a short row group before the last")
        if pending is not None:
            rows = cursor.fetchmany(group_rows - pending.num_rows)
            writer.write_table(pa.concat_tables([pending, batch(rows, schema)]).combine_chunks(),
                               row_group_size=group_rows)
        while rows := cursor.fetchmany(group_rows):
            writer.write_table(batch(rows, schema), row_group_size=group_rows)
