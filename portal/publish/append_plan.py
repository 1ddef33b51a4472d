"""Which changed packages only had rows appended to their CSV files since the live release.

Such a package (descriptor and every other file the same, each grown file the live one's bytes plus
more after its last line end) can be republished by copying the live tables and loading only the new
rows (append.py), and its downloads grown instead of rebuilt (append_downloads.py). Whatever this
module is not sure of leaves the package to the full path: correctness first.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..catalog import Catalog
from .descriptor import csv_dialect
from .discover import PackageSource
from .downloads import BOM, LAYOUT, LAYOUT_FILE
from .geometry import has_geometry
from .load import TableLoad
from .release import manifest_files, published_files, sha256_file
from .report import PUBLISHED
from . import scan

CHUNK = 1 << 20


@dataclass
class GrownTable:
    """A resource whose CSV grew: its first ``offset`` bytes are the live file, ``old_rows`` rows."""

    path: Path
    offset: int
    old_rows: int
    excel_raw: bool  # the live Excel CSV was the file's bytes behind a BOM (no cell looked like a formula)


@dataclass
class AppendPlan:
    grown: dict[str, GrownTable]  # by resource (table) name
    loads: dict[str, TableLoad]  # the live release's row counts, stats and charts of every table
    appended: dict[str, int] = field(default_factory=dict)  # table -> rows appended (once loaded)
    old_max_rowid: dict[str, int] = field(default_factory=dict)  # table -> largest rowid of the live rows


def append_plans(sources: list[PackageSource], live: Catalog | None, previous_release: Path | None,
                 reused: set[str], full: bool, loads_of) -> tuple[dict[str, AppendPlan], dict[str, str]]:
    """(plans by package, why each other changed package is not appended). ``loads_of(name)``: the
    live TableLoads of a package (pipeline.previous_loads)."""
    if full or live is None or previous_release is None:
        return {}, {}
    layout = previous_release / "downloads" / LAYOUT_FILE
    if not layout.is_file() or layout.read_text(encoding="ascii").strip() != LAYOUT:
        return {}, {}
    manifest = manifest_files(previous_release)
    plans, refused = {}, {}
    for source in sources:
        before = live.dataset(source.name)
        if source.name in reused or before is None or before.status != PUBLISHED or source.descriptor is None \
                or source.issues:
            continue
        try:
            plan = package_plan(source, previous_release, manifest, loads_of(source.name))
        except Exception as error:  # noqa: BLE001 - anything odd (a malformed descriptor...): the full path decides
            plan = f"{type(error).__name__}: {error}"
        if isinstance(plan, AppendPlan):
            plans[source.name] = plan
        elif plan:
            refused[source.name] = plan
    return plans, refused


def package_plan(source: PackageSource, previous_release: Path, manifest: dict, loads: dict[str, TableLoad]):
    """An AppendPlan, a reason why not (str), or None when no file grew."""
    descriptor = source.descriptor
    if has_geometry(descriptor):
        return "outlines are checked as a whole"
    previous = json.loads((previous_release / "files" / source.name / "datapackage.json").read_text(encoding="utf-8"))
    if previous != descriptor:
        return "the descriptor changed"
    prefix = f"files/{source.name}/"
    old_files = {path[len(prefix):]: info for path, info in manifest.items() if path.startswith(prefix)}
    new_files = published_files(source.folder, source.descriptor_file.name, descriptor, source.rewritten)
    if old_files.keys() != new_files.keys():
        return "files were added or removed"
    by_path = {r.get("path"): r for r in descriptor["resources"]}
    if len(by_path) != len(descriptor["resources"]):
        return "resources share a file"
    grown = {}
    for relative, content in new_files.items():
        old = old_files[relative]
        if isinstance(content, bytes):
            if hashlib.sha256(content).hexdigest() != old.sha256:
                return f"{relative} changed"
            continue
        size = content.stat().st_size
        if size == old.bytes and sha256_file(content) == old.sha256:
            continue
        resource = by_path.get(relative)
        if resource is None or not relative.endswith(".csv") or size <= old.bytes or \
                {"hash", "bytes"} & resource.keys() or resource["name"] not in loads:
            return f"{relative} changed"
        load = loads[resource["name"]]
        if {f["name"] for f in resource["schema"]["fields"]} - load.stats.keys():
            return f"{relative}: the live statistics are incomplete"
        excel = manifest.get(f"downloads/{source.name}/{resource['name']}.excel.csv")
        table = grown_table(content, old.bytes, old.sha256, excel.sha256 if excel else "", load.rows,
                            csv_dialect(resource)["quotechar"])
        if isinstance(table, str):
            return f"{relative}: {table}"
        grown[resource["name"]] = table
    return AppendPlan(grown, loads) if grown else None


def grown_table(path: Path, old_bytes: int, old_sha256: str, excel_sha256: str, old_rows: int,
                quotechar: str) -> GrownTable | str:
    """The file as the live one plus rows, or why not. The first ``old_bytes`` are hashed (and hashed
    behind a BOM too, to tell whether the live Excel CSV was the plain bytes) and their line ends
    counted: with one line per row, and no quote on the last line, the live file ends at a row end,
    so the new rows parse alone as they do in the whole file (a quoted cell left open at the end of
    the live file would otherwise swallow them)."""
    plain, behind_bom, lines = hashlib.sha256(), hashlib.sha256(BOM), 0
    with open(path, "rb") as data:
        left = old_bytes
        while left:
            chunk = data.read(min(CHUNK, left))
            if not chunk:
                return "shorter than the live file"
            left -= len(chunk)
            plain.update(chunk)
            behind_bom.update(chunk)
            lines += chunk.count(b"\n")
        window = min(old_bytes, scan.MAX_LINE_BYTES + 2)  # lines are at most MAX_LINE_BYTES (scan.py)
        data.seek(old_bytes - window)
        last = data.read(window)
        data.seek(0)
        starts_with_bom = data.read(len(BOM)) == BOM
    if plain.hexdigest() != old_sha256:
        return "the live rows changed"
    if not last.endswith(b"\n"):
        return "the live file does not end with a line end"
    if lines != old_rows + 1:
        return "some row spans lines, or the file has blank lines"
    final_line = last[:-1].rsplit(b"\n", 1)
    if (len(final_line) < 2 and window < old_bytes) or quotechar.encode() in final_line[-1]:
        return "the last live line may leave a quoted cell open"
    excel_raw = excel_sha256 == (plain.hexdigest() if starts_with_bom else behind_bom.hexdigest())
    return GrownTable(path, old_bytes, old_rows, excel_raw)
