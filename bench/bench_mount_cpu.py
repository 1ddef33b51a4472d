"""CPU time per request of bare Datasette and of the portal's Datasette (its plugins, limits and templates),
each in a process of its own, requests one after another through httpx's ASGI transport (no server, no
concurrency): what each request costs, apart from what load adds (bench_mount.py measures that).

    python bench/bench_mount_cpu.py [--rounds 2] [--requests 60] [--contenders bare,plugged,portal]

Prints, per round and contender, milliseconds of process CPU per request for row JSON, table JSON, table
HTML and a canned query, then the median ratio of each contender to the first per endpoint (the contenders
alternate: each round runs them in the opposite order of the one before). portal is the whole application
(portal.asgi) around the plugged instance: the difference between the two is the portal's ASGI layer.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
URLS = {"row JSON": "/portal/sampel_pengaduan_layanan/ADU-00001.json", "table JSON": "/portal/sampel_pengaduan_layanan.json",
        "table HTML": "/portal/sampel_pengaduan_layanan", "query JSON": "/portal/apbd_realisasi_per_tahun.json"}

MEASURE = """
import asyncio, json, sys, time
import httpx
contender, requests, urls = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
if contender == "bare":
    import bench.bare_datasette as served
    datasette, app, prefix = served.datasette, served.app, ""
elif contender == "portal":  # the whole portal (portal.asgi): its ASGI layer around the plugged instance
    from portal.asgi import app
    datasette, prefix = None, "/sql"
else:
    import bench.portal_datasette as served
    from portal.release_urls import scoped_path
    datasette, app = served.datasette, served.datasette_app
    prefix = scoped_path(served.release.id, "/sql")

async def main():
    if datasette is not None:
        await datasette.invoke_startup()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        costs = {}
        for name, url in urls.items():
            for _ in range(5):
                response = await client.get(prefix + url)
            assert response.status_code == 200, (name, response.status_code)
            started = time.process_time()
            for _ in range(requests):
                await client.get(prefix + url)
            costs[name] = (time.process_time() - started) / requests * 1000
        print(json.dumps(costs))

asyncio.run(main())
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--contenders", default="bare,plugged",
                        help="two or three of bare, plugged, portal; each is compared with the first")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from portal.publish import publish
    with tempfile.TemporaryDirectory() as tmp:
        build = Path(tmp) / "build"
        publish(ROOT / "datasets", ROOT / "metadata", build)
        env = {**os.environ, "BARE_RELEASE": str(build / "current"), "BARE_BUILD": str(build), "PYTHONPATH": str(ROOT),
               "PORTAL_BUILD_DIR": str(build), "PORTAL_BASE_URL": "http://bench"}
        contenders = args.contenders.split(",")
        ratios = {(other, name): [] for other in contenders[1:] for name in URLS}
        for number in range(1, args.rounds + 1):
            costs = {}
            for contender in contenders if number % 2 else contenders[::-1]:
                output = subprocess.run([sys.executable, "-c", MEASURE, contender, str(args.requests), json.dumps(URLS)],
                                        env=env, cwd=ROOT, capture_output=True, text=True, check=True).stdout
                costs[contender] = json.loads(output.splitlines()[-1])
                print(f"round {number} {contender:8}" + "".join(f"  {name} {ms:6.2f} ms" for name, ms in costs[contender].items()),
                      flush=True)
            for other, name in ratios:
                ratios[other, name].append(costs[other][name] / costs[contenders[0]][name])
        for (other, name), values in ratios.items():
            print(f"{name:11} CPU per request {other}/{contenders[0]}: median {statistics.median(values):.2f} "
                  f"(rounds: {', '.join(f'{v:.2f}' for v in values)})")


if __name__ == "__main__":
    main()
