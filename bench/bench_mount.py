"""Datasette mounted in the portal (/sql/, portal.asgi) against bare Datasette (bench/bare_datasette.py), both
under granian with the same worker count, on the same release database: row JSON, table JSON, table HTML and
a canned query's JSON. Interleaved rounds (bare, portal, portal, bare, …), the same keep-alive load each time;
prints each round's ratio portal/bare in requests/s and their median per endpoint.

    python bench/bench_mount.py [--rounds 6] [--seconds 4] [--connections 8] [--workers 1]
                                [--pair bare,portal] [--env NAME=VALUE …]

--pair names the two contenders among bare (Datasette alone), plugged (the portal's Datasette instance with its
plugins and limits, no portal around it: bench/portal_datasette.py) and portal; --env sets a variable for the
second (a PORTAL_* setting, to see what it costs).

The load comes from a small raw-socket HTTP/1.1 client (below): httpx spent more CPU per request than the
servers did, which on 2 cores hid the difference being measured.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]
from tests.servers import free_port, wait_until_up  # noqa: E402

from portal.publish import publish  # noqa: E402

ENDPOINTS = {  # what Datasette answers, as bare Datasette spells it; the portal's is /sql + this
    "row JSON": "/portal/sampel_pengaduan_layanan/ADU-00001.json",
    "table JSON": "/portal/sampel_pengaduan_layanan.json",
    "table HTML": "/portal/sampel_pengaduan_layanan",
    "query JSON": "/portal/pengaduan_per_kecamatan.json",
}


async def connection(port: int, path: str, deadline: float, counts: list[int]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
    try:
        while time.monotonic() < deadline:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            headers = {line.split(b":", 1)[0].strip().lower(): line.split(b":", 1)[1].strip()
                       for line in head.split(b"\r\n")[1:] if b":" in line}
            if b"content-length" in headers:
                await reader.readexactly(int(headers[b"content-length"]))
            else:  # chunked
                while (size := int((await reader.readuntil(b"\r\n")).strip(), 16)):
                    await reader.readexactly(size + 2)
                await reader.readuntil(b"\r\n")
            counts[0 if status == 200 else 1] += 1
    finally:
        writer.close()


def rate(port: int, path: str, connections: int, seconds: float) -> float:
    counts = [0, 0]  # answered 200, other

    async def run():
        deadline = time.monotonic() + seconds
        await asyncio.gather(*(connection(port, path, deadline, counts) for _ in range(connections)))

    asyncio.run(run())
    if counts[1]:
        raise SystemExit(f"{counts[1]} answers other than 200 from :{port}{path}")
    return counts[0] / seconds


CONTENDERS = {  # name -> (ASGI app, path prefix of Datasette's URLs, environment given the build folder)
    "bare": ("bench.bare_datasette:app", "", lambda build, port: {"BARE_RELEASE": str(build / "current")}),
    "plugged": ("bench.portal_datasette:app", "", lambda build, port: {"BARE_BUILD": str(build)}),
    "portal": ("portal.asgi:app", "/sql",
               lambda build, port: {"PORTAL_BUILD_DIR": str(build), "PORTAL_BASE_URL": f"http://127.0.0.1:{port}"}),
}


def granian(module: str, port: int, workers: int, env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "granian", "--interface", "asgi", "--host", "127.0.0.1", "--port",
                             str(port), "--workers", str(workers), module], cwd=ROOT, env={**os.environ, **env},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=4)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--pair", default="bare,portal", help="two of: " + ", ".join(CONTENDERS))
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the second contender")
    args = parser.parse_args()
    first, second = args.pair.split(",")
    extra = dict(item.split("=", 1) for item in args.env)
    with tempfile.TemporaryDirectory() as tmp:
        build = Path(tmp) / "build"
        publish(ROOT / "datasets", ROOT / "metadata", build)
        ports = {first: free_port(), second: free_port()}
        servers = []
        try:
            for name in (first, second):
                module, prefix, environment = CONTENDERS[name]
                env = {**environment(build, ports[name]), **(extra if name == second else {})}
                servers.append(granian(module, ports[name], args.workers, env))
                wait_until_up(f"http://127.0.0.1:{ports[name]}{prefix}/portal", seconds=60)
            for path in ENDPOINTS.values():  # warm both (templates, statements) before measuring
                for name in (first, second):
                    rate(ports[name], CONTENDERS[name][1] + path, 2, 0.5)
            ratios: dict[str, list[float]] = {endpoint: [] for endpoint in ENDPOINTS}
            for number in range(args.rounds):
                for endpoint, path in ENDPOINTS.items():
                    order = [first, second] if number % 2 == 0 else [second, first]  # ABBA: neither always first
                    got = {name: rate(ports[name], CONTENDERS[name][1] + path, args.connections, args.seconds)
                           for name in order}
                    ratios[endpoint].append(got[second] / got[first])
                    print(f"round {number + 1} {endpoint:<11} {first} {got[first]:7.0f} req/s  {second} "
                          f"{got[second]:7.0f} req/s  ratio {ratios[endpoint][-1]:.3f}", flush=True)
            print(f"\n{args.workers} worker(s) each, {args.connections} connections, {args.rounds} rounds of "
                  f"{args.seconds:g} s per endpoint and contender{'; ' + ' '.join(args.env) if args.env else ''}")
            for endpoint, values in ratios.items():
                print(f"{endpoint:<11} median ratio {second}/{first} {statistics.median(values):.3f}  "
                      f"(rounds: {', '.join(f'{v:.2f}' for v in values)})")
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=30)


if __name__ == "__main__":
    main()
