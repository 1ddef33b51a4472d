"""Time and server memory of "Unduh hasil filter": a Parquet export of a table's filtered rows
(/sql/portal/<table>.parquet?<filters>, capped at PORTAL_MAX_EXPORT_ROWS) beside Datasette's
streaming CSV of the same filter.

Publishes a generated table (generate_large.py, --rows rows), starts `portal serve` (granian, one
worker) on 127.0.0.1 and samples the RSS of its process tree while each export downloads (as
bench_download_memory.py): a filter matching just under 100,000 rows, the same sorted by a column
without an index, filters matching more than the cap (refused: known from the count, and with
_nocount=1 only after reading cap + 1 rows), and the CSV stream.

    python bench/bench_export.py [--rows 250000]
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
from bench_download_memory import measure  # noqa: E402
from generate_large import generate  # noqa: E402
from tests.process_memory import Sampler, server_root  # noqa: E402
from tests.servers import portal_server  # noqa: E402

from portal.publish import publish  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=250_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        datasets = generate(Path(tmp), args.rows)
        build = Path(tmp) / "build"
        assert publish(datasets, ROOT / "metadata", build).ok
        print(f"generated and published {args.rows:,} rows in {time.perf_counter() - started:.1f} s", flush=True)
        table = f"laporan_besar_{args.rows}"
        # jumlah is uniform in 1..499: jumlah <= 198 is just under 40 %, ~99,200 of 250,000 rows
        under_cap = "jumlah__lte=198"
        with portal_server(build, workers=1) as base:
            sampler = Sampler(server_root())
            sampler.start()
            for path in ("/about", f"/sql/portal/{table}?{under_cap}", f"/sql/portal/{table}.parquet?id__lt=100"):
                assert httpx.get(base + path, timeout=60).status_code == 200, path
            time.sleep(1)
            idle, _ = sampler.settle(2.0)
            print(f"idle RSS {idle:.1f} MB", flush=True)
            cases = [("Parquet, filter ~100k rows", f"/sql/portal/{table}.parquet?{under_cap}"),
                     ("Parquet, same, _sort_desc=nilai", f"/sql/portal/{table}.parquet?{under_cap}&_sort_desc=nilai"),
                     ("Parquet, whole table (> cap)", f"/sql/portal/{table}.parquet"),
                     ("Parquet, _where (> cap, counted)", f"/sql/portal/{table}.parquet?_where=jumlah+<+300"),
                     ("Parquet, > cap, _nocount=1", f"/sql/portal/{table}.parquet?_nocount=1&_where=jumlah+<+300"),
                     ("CSV _stream, filter ~100k rows", f"/sql/portal/{table}.csv?{under_cap}&_stream=on&_size=max")]
            for label, path in cases:
                status, _, _, tail, _ = measure(sampler, idle, label, base, [path])["results"][0]
                if status != 200:
                    print(f"    {status}: {tail[-200:]}")
            response = httpx.get(base + cases[0][1], timeout=120)
            exported = pq.read_table(io.BytesIO(response.content))
            print(f"Parquet export: {exported.num_rows:,} rows (X-Export-Rows {response.headers['x-export-rows']}), "
                  f"{len(response.content) / 1e6:.1f} MB; schema {[(f.name, str(f.type)) for f in exported.schema]}")
            sampler.stopped.set()
            sampler.join()


if __name__ == "__main__":
    main()
