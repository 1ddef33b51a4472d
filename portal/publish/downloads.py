"""Download files built at publish time: Excel-friendly CSV, XLSX, JSON, and the dataset zip
with a README. Nothing is generated per request."""

from __future__ import annotations

import copy
import csv
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from .cast import looks_like_formula, neutralise_formula
from .charts import find_geo
from .descriptor import cross_package_keys, csv_dialect
from .geo_downloads import write_boundary_geojson, write_geoparquet
from .parquet_downloads import write_parquet
from . import parquet_worker
from .parquet_worker import ROWS_WORTH_A_PROCESS
from .geometry import declared_geometry, geometry_resources, has_geometry, read_boundaries
from .disk_full import EXIT_CODE, DiskFull, disk_full_issue, writing
from .release import write_zip
from ..messages import issue
from ..profile import N_
from .report import Issue
from .xlsx import write_xlsx
from .wide import JSON_PAIRS

BOM = b"\xef\xbb\xbf"
# Larger tables get CSV for Excel, JSON and the original CSV, but no XLSX: openpyxl's 18,000 rows/s were
# two thirds of publishing a 200,000-row table. The Rust writer (xlsx.py) is about 6 times faster.
XLSX_BUILD_MAX_ROWS = 100_000
# From this many rows in all, the XLSX files are written by one process per core (see write_xlsx_files).
XLSX_PARALLEL_MIN_ROWS = 20_000
# Bumped whenever download files change shape, so an older release's files are rebuilt, not reused.
# 2: datapackage.json at the zip's root; GeoJSON for tables with coordinates. 3: GeoJSON and GeoParquet
# of tables with declared boundaries. 4: Parquet of every table. 5: XLSX by rustpy-xlsxwriter (xlsx.py).
LAYOUT = "5"
LAYOUT_FILE = "LAYOUT"


@dataclass
class XlsxJob:
    db_path: Path
    descriptor: dict
    resource: dict
    path: Path
    rows: int


def build_downloads(staging: Path, package_name: str, package_folder: Path, descriptor: dict,
                    conn: sqlite3.Connection, formula_like: dict[str, bool | None]) -> tuple[list[XlsxJob], list[Issue]]:
    """Every download of a package but its XLSX files, which are returned for write_xlsx_files.
    ``formula_like``: per table, whether loading saw text cells starting like a formula (None: unknown).
    A generated file that fails is left out and reported (the validated CSV and the rest still publish)."""
    target = staging / "downloads" / package_name
    target.mkdir(parents=True, exist_ok=True)
    extra = zip_extra(descriptor)
    # zlib lets go of the GIL: the zip compresses on the second core while the other formats are written
    xlsx, issues, children = [], [], []
    with ThreadPoolExecutor(max_workers=1) as background, killing(children):
        zip_path = staging / "downloads" / f"{package_name}.zip"
        zipped = background.submit(write_zip, package_folder, zip_path, extra=extra)
        for resource in descriptor["resources"]:
            name = resource["name"]
            columns = [f["name"] for f in resource["schema"]["fields"]]
            geo = find_geo(resource)
            rows = conn.execute(f"select count(*) from {quoted(name)}").fetchone()[0]
            parquet = lambda path: write_parquet(conn, resource, path)  # noqa: E731
            if rows >= ROWS_WORTH_A_PROCESS and (os.cpu_count() or 1) > 1 and not declared_geometry(resource):
                parquet = parquet_worker.started(staging / "portal.db", resource, target / f"{name}.parquet")
                children.append(parquet.worker)
            writers = [(target / f"{name}.excel.csv", lambda path: write_excel_csv(
                           package_folder / resource["path"], resource, path, formula_like.get(name))),
                       (target / f"{name}.json", lambda path: write_json_rows(conn, name, columns, path))]
            if declared_geometry(resource):  # its outlines, as validated (repaired where allowed)
                boundaries = read_boundaries(package_folder, resource)[0]
                writers += [(target / f"{name}.geojson",
                             lambda path: write_boundary_geojson(conn, resource, boundaries, path)),
                            (target / f"{name}.parquet", lambda path: write_geoparquet(conn, resource, boundaries, path))]
            else:  # last: a child process's file is waited for after the others are written
                if geo:
                    writers.append((target / f"{name}.geojson", lambda path: write_geojson(conn, name, columns, geo, path)))
                writers.append((target / f"{name}.parquet", parquet))
            for path, write in writers:
                issues += guarded(path, write, str(package_folder / resource["path"]))
            if rows <= XLSX_BUILD_MAX_ROWS:
                xlsx.append(XlsxJob(staging / "portal.db", descriptor, resource, target / f"{name}.xlsx", rows))
        issues += guarded(zip_path, lambda path: zipped.result(), str(package_folder / "datapackage.json"))
    return xlsx, issues


@contextmanager
def killing(children: list[subprocess.Popen]):
    """An interrupted publish removes its staging folder: no child may go on writing into it."""
    try:
        yield
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()


def zip_extra(descriptor: dict) -> dict[str, bytes]:
    """The zip's files that are not the package's own: a README, and a standalone descriptor if needed."""
    extra = {"README.md": readme(descriptor).encode("utf-8")}
    if cross_package_keys(descriptor) or has_geometry(descriptor):
        extra["datapackage.json"] = standalone_descriptor(descriptor)
    return extra


def guarded(path: Path, write, file: str) -> list[Issue]:
    """Write one generated file; on any exception but a full disk remove what was written and report it."""
    try:
        with writing(path):
            write(path)
    except Exception as error:  # noqa: BLE001 - a generated download never stops the publish
        path.unlink(missing_ok=True)
        return [issue(file, "portal-internal-error", N_("gagal membuat %(name)s: %(error)s"), field=path.name,
                      name=path.name, error=f"{type(error).__name__}: {error}"[:480])]
    return []


def write_xlsx_files(jobs: list[XlsxJob]) -> None:
    """Each row's cells are made by Python (xlsx.records), so many rows are worth a process per core. They are plain child
    processes (``python -m portal.publish.xlsx_worker``), not multiprocessing: forking a process that holds
    threads (the database's indexing thread) is unsafe, and spawning re-runs the caller's main module."""
    cores = os.cpu_count() or 1
    if cores < 2 or len(jobs) < 2 or sum(job.rows for job in jobs) < XLSX_PARALLEL_MIN_ROWS:
        for job in jobs:
            write_xlsx_job(job)
        return
    shares: list[list[XlsxJob]] = [[] for _ in range(min(cores, len(jobs)))]
    for job in sorted(jobs, key=lambda job: -job.rows):  # the largest first, each to the lightest share
        min(shares, key=lambda share: sum(j.rows for j in share)).append(job)
    command = [sys.executable, "-m", "portal.publish.xlsx_worker"]
    workers = [subprocess.Popen(command, stdin=subprocess.PIPE) for _ in shares]
    try:
        for worker, share in zip(workers, shares):
            worker.stdin.write(json.dumps([asdict(job) for job in share], default=str).encode())
            worker.stdin.close()
        for worker, share in zip(workers, shares):
            # a job that failed left no file: missing_xlsx reports it; a full disk stops the release
            if worker.wait() == EXIT_CODE:
                raise DiskFull(disk_full_issue(next((job.path for job in share if not Path(job.path).is_file()),
                                                    share[0].path)))
    finally:  # an interrupted publish removes its staging folder: nothing may go on writing into it
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()


def write_xlsx_job(job: XlsxJob) -> None:
    """One XLSX file; on failure none (a partial file is removed) and the error on stderr."""
    try:
        with writing(job.path), closing(sqlite3.connect(f"file:{job.db_path}?mode=ro", uri=True)) as conn:
            write_xlsx(conn, job.descriptor, job.resource, Path(job.path))
    except DiskFull:
        Path(job.path).unlink(missing_ok=True)
        raise
    except Exception as error:  # noqa: BLE001 - a missing XLSX is reported from its absence
        Path(job.path).unlink(missing_ok=True)
        print(f"{job.path}: {type(error).__name__}: {error}", file=sys.stderr)


def missing_xlsx(jobs: list[XlsxJob]) -> list[tuple[str, Issue]]:
    """(package, issue) for every XLSX job whose file was not written."""
    return [(Path(job.path).parent.name, issue(str(job.path), "portal-internal-error", N_("gagal membuat %(name)s"),
                                               field=Path(job.path).name, name=Path(job.path).name))
            for job in jobs if not Path(job.path).is_file()]


def write_excel_csv(source: Path, resource: dict, path: Path, formula_like: bool | None = None) -> None:
    """The CSV with a BOM, so Excel reads it as UTF-8: the original bytes, or, when some cells look like
    formulas, rewritten with those cells prefixed by "'" so a spreadsheet shows them as text.
    ``formula_like`` False (loading saw no cell starting with = + - @ tab or CR) skips reading the cells."""
    risky = formula_like
    if risky is not False:
        with open(source, newline="", encoding="utf-8-sig") as data:
            risky = any(looks_like_formula(cell) for row in csv.reader(data, **csv_dialect(resource)) for cell in row)
    if risky:
        with open(source, newline="", encoding="utf-8-sig") as data, \
                open(path, "w", newline="", encoding="utf-8-sig") as out:
            writer = csv.writer(out, **csv_dialect(resource), lineterminator="\r\n")
            for row in csv.reader(data, **csv_dialect(resource)):
                writer.writerow([neutralise_formula(cell) for cell in row])
        return
    with open(source, "rb") as data, open(path, "wb") as out:
        if data.read(len(BOM)) != BOM:
            data.seek(0)
        out.write(BOM)
        shutil.copyfileobj(data, out)


def standalone_descriptor(descriptor: dict) -> bytes:
    """The zip's datapackage.json must validate on its own: foreign keys into other packages
    of the portal move to "x-portal-foreignKeys", where they stay documented; the GeoJSON files of
    tables with boundaries are listed as (non-tabular) resources of their own."""
    standalone = copy.deepcopy(descriptor)
    outlines = geometry_resources(descriptor)
    if outlines:
        standalone["resources"] += outlines
        standalone["profile"] = "data-package"  # a tabular-data-package may hold tables only
    for resource in standalone["resources"]:
        schema = resource.get("schema", {})
        external = [fk for fk in schema.get("foreignKeys", []) if fk.get("reference", {}).get("package")]
        if external:
            schema["foreignKeys"] = [fk for fk in schema["foreignKeys"] if fk not in external]
            schema["x-portal-foreignKeys"] = external
    return (json.dumps(standalone, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def mark_layout(staging: Path) -> None:
    (staging / "downloads").mkdir(parents=True, exist_ok=True)
    (staging / "downloads" / LAYOUT_FILE).write_text(LAYOUT + "\n", encoding="ascii")


def reuse_downloads(previous_release: Path, staging: Path, package_name: str) -> bool:
    """Link the previous release's files for an unchanged dataset instead of building them again
    (when they have this publish's layout)."""
    layout = previous_release / "downloads" / LAYOUT_FILE
    if not layout.is_file() or layout.read_text(encoding="ascii").strip() != LAYOUT:
        return False
    old_zip, old_folder = previous_release / "downloads" / f"{package_name}.zip", previous_release / "downloads" / package_name
    if not old_zip.is_file() or not old_folder.is_dir():
        return False
    target = staging / "downloads" / package_name
    target.mkdir(parents=True, exist_ok=True)
    os.link(old_zip, staging / "downloads" / f"{package_name}.zip")
    for path in old_folder.iterdir():
        os.link(path, target / path.name)
    return True


JSON_BATCH = 10_000
# A batch of rows is encoded by SQLite into one string (json_object joined by group_concat): no Python
# object per row, 1.6x faster. A batch longer than this (rows of long text) is written row by row instead.
JSON_BATCH_BYTES = 64 * 1024 ** 2


def write_json_rows(conn: sqlite3.Connection, table: str, columns: list[str], path: Path) -> None:
    """A JSON array of objects, one per line, written in batches so a large table never sits in memory."""
    with open(path, "w", encoding="utf-8") as out:
        out.write("[")
        separator = "\n"
        for batch in json_rows(conn, table, columns):
            out.write(separator + ",\n".join(batch))
            separator = ",\n"
        out.write(JSON_END)


JSON_END = "\n]\n"  # what ends a JSON download (appended rows go before it: append_downloads.py)
GEOJSON_END = "\n]}\n"


def json_rows(conn: sqlite3.Connection, table: str, columns: list[str], after: int | None = None):
    """Batches of the rows as JSON objects, in rowid order (only rowids above ``after``, if given), each a
    list of texts to join with ",\n". SQLite's json_object encodes the rows (in C), as Datasette's JSON would
    show the values; a table too wide for one json_object call (wide.JSON_PAIRS) is encoded by Python."""
    if len(columns) > JSON_PAIRS:
        return json_rows_by_python(conn, table, columns, after)
    return json_rows_by_sqlite(conn, table, columns, after)


def json_rows_by_sqlite(conn: sqlite3.Connection, table: str, columns: list[str], after: int | None):
    """Each batch one text, joined by SQLite (group_concat): no Python object per row."""
    pairs = ", ".join(f"'{column}', {quoted(column)}" for column in columns)  # names are SQL identifiers
    rows = f"SELECT rowid AS r, json_object({pairs}) AS j FROM {quoted(table)}"
    while True:
        where, bound = ("WHERE rowid > ? ", (after,)) if after is not None else ("", ())
        batch = f"SELECT group_concat(j, ',\n'), max(r), count(*) FROM ({rows} {where}ORDER BY rowid LIMIT {JSON_BATCH})"
        limit = conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, JSON_BATCH_BYTES)  # only while SQLite joins the batch
        try:
            text, last, count = conn.execute(batch, bound).fetchone()
        except sqlite3.DataError:  # "string or blob too big": this batch one row at a time
            conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, limit)
            found = conn.execute(f"{rows} {where}ORDER BY rowid LIMIT {JSON_BATCH}", bound).fetchall()
            text, last, count = ",\n".join(j for _, j in found), found[-1][0] if found else None, len(found)
        finally:
            conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, limit)
        if not count:
            return
        yield [text]
        after = last


def json_rows_by_python(conn: sqlite3.Connection, table: str, columns: list[str], after: int | None):
    where, bound = ("where rowid > ? ", [after]) if after is not None else ("", [])
    selected = ", ".join(quoted(column) for column in columns)
    cursor = conn.execute(f"select {selected} from {quoted(table)} {where}order by rowid", bound)
    while batch := cursor.fetchmany(JSON_BATCH):
        yield [json.dumps(dict(zip(columns, row)), ensure_ascii=False, separators=(",", ":")) for row in batch]


def write_geojson(conn: sqlite3.Connection, table: str, columns: list[str], geo, path: Path) -> None:
    """A FeatureCollection: one point per row, every column as a property (a row without both
    coordinates has a null geometry, as RFC 7946 allows), streamed like the JSON download."""
    with open(path, "w", encoding="utf-8") as out:
        out.write('{"type": "FeatureCollection", "features": [')
        separator = "\n"
        for features in geojson_features(conn, table, columns, geo):
            out.write(separator + ",\n".join(features))
            separator = ",\n"
        out.write(GEOJSON_END)


def geojson_features(conn: sqlite3.Connection, table: str, columns: list[str], geo, after: int | None = None):
    """Batches of the rows as GeoJSON features, in rowid order (only rowids above ``after``, if given)."""
    where, bound = ("where rowid > ? ", [after]) if after is not None else ("", [])
    selected = ", ".join(quoted(column) for column in columns)
    cursor = conn.execute(f"select {selected} from {quoted(table)} {where}order by rowid", bound)
    lat, lon = columns.index(geo.latitude), columns.index(geo.longitude)
    while batch := cursor.fetchmany(JSON_BATCH):
        features = []
        for row in batch:
            point = {"type": "Point", "coordinates": [row[lon], row[lat]]} \
                if row[lat] is not None and row[lon] is not None else None
            features.append(json.dumps({"type": "Feature", "geometry": point,
                                        "properties": dict(zip(columns, row))}, ensure_ascii=False))
        yield features


def readme(descriptor: dict) -> str:
    """README.md of the zipped package, in Indonesian and English."""
    licenses = "; ".join(f"{lic.get('title') or lic.get('name')} {lic.get('path', '')}".strip()
                         for lic in descriptor.get("licenses", []))
    sources = "\n".join(f"- {s.get('title', '')} {s.get('path', '')}".rstrip() for s in descriptor.get("sources", []))
    files = "\n".join(f"- `{r['path']}`: {r.get('title', r['name'])}"
                      for r in descriptor["resources"] + geometry_resources(descriptor))
    sample = ("\n**Data sampel sintetis — bukan fakta tentang Kota Malang. / Synthetic sample data — not facts "
              "about Kota Malang.**\n" if descriptor.get("sample") else "")
    citation = f"\n## Cara mengutip / How to cite\n\n{descriptor['citation']}\n" if descriptor.get("citation") else ""
    caveats = "".join(f"- {c.get('text', '')}\n" + (f"  / {c['text_en']}\n" if c.get("text_en") else "")
                      for c in descriptor.get("caveats", []) if isinstance(c, dict))
    citation = (f"\n## Catatan penting / Important notes\n\n{caveats}" if caveats else "") + citation
    return f"""# {descriptor['title']}
{sample}
{descriptor.get('description', '')}

{descriptor.get('title_en', '')}

{descriptor.get('description_en', '')}

## Berkas / Files

- `datapackage.json`: metadata dan skema tabel (Frictionless Data Package) / metadata and table schemas
{files}

## Sumber / Sources

{sources or '-'}

## Lisensi / Licence

{licenses}
{citation}
## Tabel rujukan / Reference tables

Kunci asing ke paket lain portal (misalnya kode kelurahan) tercatat di `x-portal-foreignKeys` dalam
datapackage.json; tabel rujukannya ada di paket yang disebut di sana. / Foreign keys into other portal
packages (such as kelurahan codes) are listed under `x-portal-foreignKeys` in datapackage.json; the
reference tables are in the packages named there.

## Memeriksa berkas / Verifying the files

Validasi paket ini dengan / Validate this package with: `frictionless validate datapackage.json`.
Checksum SHA-256 setiap berkas tercantum di halaman dataset dan di SHA256SUMS rilis portal. /
The SHA-256 of every file is listed on the dataset page and in the portal release's SHA256SUMS.
"""


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'

