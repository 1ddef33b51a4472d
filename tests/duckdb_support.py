"""DuckDB as a researcher runs it, offline: its extensions (httpfs for http:// URLs, spatial for GeoParquet)
come from the duckdb-ext-* wheels on PyPI (pyproject.toml's test extra) instead of DuckDB's download site."""

from __future__ import annotations

from pathlib import Path

import duckdb
import duckdb_ext

# The wheels install <dir>/v<version>/<platform>/<name>.duckdb_extension: DuckDB's own layout.
EXTENSIONS = Path(next(iter(duckdb_ext.__path__))) / "extensions"


def connect() -> duckdb.DuckDBPyConnection:
    """A connection that loads httpfs and spatial from the wheels when a query needs them, never from the web."""
    return duckdb.connect(config={"extension_directory": str(EXTENSIONS), "autoinstall_known_extensions": False,
                                  "autoload_known_extensions": True})
