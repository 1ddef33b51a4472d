"""A large table's Parquet file, written by a child process while the parent writes the table's other
downloads. ``started`` begins one; the returned writer waits for it inside guarded().

The child reads the table straight into Arrow batches through ADBC's SQLite driver (2.5× the sqlite3
module's rows turned into Arrow arrays, the same file: tests/test_parquet_downloads.py). Only a process
of its own may: that driver carries its own SQLite library, and two SQLite libraries with one file open
in one process drop each other's POSIX locks (a release database was corrupted so, while the indexing
thread wrote it). Whatever the driver cannot read as declared, the sqlite3 path writes instead.

    python -m portal.publish.parquet_worker   (the job as JSON on stdin: db, resource, path)
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import tempfile
from contextlib import closing
from pathlib import Path

from .disk_full import EXIT_CODE, DiskFull, disk_full_issue, writing

ROWS_WORTH_A_PROCESS = 200_000  # below this, starting Python and pyarrow (~0.5 s) costs more than it saves


def started(db_path: Path, resource: dict, path: Path):
    """Start writing ``path``; the returned callable (a guarded() writer) waits and raises what failed."""
    errors = tempfile.TemporaryFile()  # not a pipe: nobody reads it until the child ends
    worker = subprocess.Popen([sys.executable, "-m", "portal.publish.parquet_worker"], stdin=subprocess.PIPE,
                              stderr=errors)
    worker.stdin.write(json.dumps({"db": str(db_path), "resource": resource, "path": str(path)}).encode())
    worker.stdin.close()

    def finished(_path: Path) -> None:
        status = worker.wait()
        errors.seek(0)
        error = errors.read().decode("utf-8", "replace").strip()
        errors.close()
        if status == EXIT_CODE:
            raise DiskFull(disk_full_issue(path))
        if status:
            raise RuntimeError(error.splitlines()[-1] if error else f"exit status {status}")

    finished.worker = worker  # for the caller's cleanup when the publish is interrupted
    return finished


def write_parquet_through_adbc(db_path: Path, resource: dict, path: Path) -> None:
    """The table as write_parquet writes it. The driver types each column by the values of its first batch
    (an all-NULL start reads as integers, and a text cell later is an error): a first row of the declared
    types, dropped again, types them all."""
    import adbc_driver_sqlite.dbapi
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .parquet_downloads import ROW_GROUP_ROWS, arrow_schema, quoted
    schema, fields = arrow_schema(resource), resource["schema"]["fields"]
    typed = ", ".join(f"{TYPED_VALUES.get(f.get('type', 'string'), chr(39) * 2)} AS c{i}" for i, f in enumerate(fields))
    selected = ", ".join(quoted(f["name"]) for f in fields)
    sql = (f"SELECT {typed}, -9223372036854775808 AS portal_order UNION ALL "
           f"SELECT {selected}, rowid FROM {quoted(resource['name'])} ORDER BY portal_order")
    with adbc_driver_sqlite.dbapi.connect(f"file:{db_path}?mode=ro") as conn, conn.cursor() as cursor:
        cursor.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": str(ROW_GROUP_ROWS)})
        cursor.execute(sql)
        with pq.ParquetWriter(path, schema, compression="zstd") as writer:
            for number, batch in enumerate(cursor.fetch_record_batch()):
                table = pa.Table.from_batches([batch]).drop_columns(["portal_order"])
                table = table.slice(1) if number == 0 else table
                if table.num_rows:
                    writer.write_table(table.rename_columns(schema.names).cast(schema), row_group_size=ROW_GROUP_ROWS)


TYPED_VALUES = {"integer": "0", "year": "0", "boolean": "0", "number": "0.0"}  # text: ''


def main() -> None:
    job = json.load(sys.stdin)
    path = Path(job["path"])
    try:
        with writing(path):
            try:
                write_parquet_through_adbc(Path(job["db"]), job["resource"], path)
            except DiskFull:
                raise
            except Exception as error:  # noqa: BLE001 - a value the driver does not take: the sqlite3 path
                print(f"ADBC: {type(error).__name__}: {error}; written through sqlite3", file=sys.stderr)
                from .parquet_downloads import write_parquet
                with closing(sqlite3.connect(f"file:{job['db']}?mode=ro", uri=True)) as conn:
                    write_parquet(conn, job["resource"], path)
    except DiskFull:
        sys.exit(EXIT_CODE)
    except Exception as error:  # noqa: BLE001 - the parent reports it as this download's failure
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
