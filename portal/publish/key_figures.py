"""The home page's key figures: SQL from metadata/portal.yaml, run on the new release's database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..catalog import Catalog, KeyFigure
from ..messages import issue
from ..profile import N_
from .report import Issue


def compute_key_figures(catalog: Catalog, db_path: Path, metadata_file: str) -> list[Issue]:
    """Fill catalog.key_figures; a figure that cannot be computed is left out and reported."""
    issues = []
    # mode=ro: a figure's SQL can read the release, never change it.
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        for index, spec in enumerate(catalog.portal.get("key_figures", []) or []):
            where = f"key_figures[{index}]"
            if not isinstance(spec, dict) or not spec.get("label") or not isinstance(spec.get("sql"), str) \
                    or not isinstance(spec.get("dataset", ""), str):
                issues.append(issue(metadata_file, "portal-metadata",
                                    N_("angka kunci perlu label dan sql (dan dataset, bila ada, berupa teks)"),
                                    field=where))
                continue
            if not catalog.dataset(spec.get("dataset", "")):
                continue  # its dataset is not in this release (e.g. a test portal): nothing to show
            try:
                row = conn.execute(spec["sql"]).fetchone()
            except sqlite3.Error as error:
                issues.append(issue(metadata_file, "portal-metadata", N_("angka kunci %(label)s: %(error)s"), field=where,
                                    label=repr(spec["label"]), error=str(error)))
                continue
            catalog.key_figures.append(KeyFigure(spec["label"], row[0] if row else None, spec["dataset"],
                                                 spec.get("label_en", ""), spec.get("unit", "")))
    finally:
        conn.close()
    return issues
