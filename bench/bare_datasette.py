"""Bare Datasette over a release's database, as an ASGI app for granian: the baseline of bench/bench_mount.py.

Same settings as the portal's mounted Datasette (portal/sql.py), the same canned queries (the release's
datasette.json) and the same known row counts (so neither counts a table per request), no plugin of ours.

    BARE_RELEASE=build/current granian --interface asgi bench.bare_datasette:app
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from datasette.app import Datasette

RELEASE = Path(os.environ.get("BARE_RELEASE", "build/current")).resolve()
catalog = json.loads((RELEASE / "catalog.json").read_text(encoding="utf-8"))
metadata = json.loads((RELEASE / "datasette.json").read_text(encoding="utf-8"))
metadata.pop("plugins", None)
counts = {r["name"]: {"count": r["rows"]} for d in catalog["datasets"] for r in d["resources"]}
database = catalog["database"]

datasette = Datasette(
    immutables=[str(RELEASE / "portal.db")],
    inspect_data={"portal": {"hash": database["sha256"], "size": database["bytes"], "file": "portal.db", "tables": counts}},
    metadata=metadata,
    settings={"suggest_facets": False, "default_page_size": 50, "sql_time_limit_ms": 1000, "max_returned_rows": 1000,
              "max_csv_mb": 100, "facet_time_limit_ms": 200, "num_sql_threads": 6, "allow_download": True},
)
app = datasette.app()
