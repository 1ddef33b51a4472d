"""Child process of split_load.py: inserts a CSV file's rows from a byte offset on into a table of its
own database, through the same checked INSERT as the parent (fastload.insert_resource).

Run as a script (``python tail_worker.py``, the job as JSON on stdin), not as a module of the package: it
needs only csv and sqlite3, and importing the portal (Flask, frictionless) would cost as long as a
tenth of the rows it loads. It reports nothing itself: any error ends it with status 1 and the error on
stderr, and the parent then has frictionless read the whole file.
"""

import csv
import io
import json
import sqlite3
import sys


def main() -> None:
    job = json.load(sys.stdin)
    csv.field_size_limit(job["max_cell_bytes"])
    conn = sqlite3.connect(job["db"], isolation_level=None)
    conn.execute("PRAGMA journal_mode = OFF")  # a scratch file: the parent copies it and removes it
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute(job["create"])
    raw = open(job["path"], "rb")
    raw.seek(job["offset"])  # the first byte of a row: split_load.split_offset
    with io.TextIOWrapper(raw, encoding="utf-8", newline="") as file:
        conn.execute("BEGIN")
        conn.executemany(job["insert"], csv.reader(file, **job["dialect"]))
        conn.execute("COMMIT")
    conn.close()


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # noqa: BLE001 - the parent hands the file to frictionless
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(1)
