"""Helpers for the browser tests (tests/test_browser.py): a real `portal serve`, Chromium, axe.

The browser is Debian's Chromium (apt package `chromium`, installed by .ci/run), driven by the
PyPI `playwright` package. Nothing here ever downloads a browser.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from .servers import free_port

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
SCREENSHOTS = ROOT / "test-output" / "screenshots"

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "mobile": {"width": 375, "height": 812}}
WAIT_MS = 15_000  # every single wait in the browser tests is bounded by this


@dataclass
class Server:
    base: str
    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def start_server(build: Path, log: Path, seconds: float = 30) -> Server:
    """`python -m portal serve` on a free port of 127.0.0.1; returns once /about answers."""
    port = free_port()
    command = [sys.executable, "-m", "portal", "serve", "--build", str(build), "--port", str(port), "--workers", "2"]
    handle = log.open("wb")
    process = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, cwd=ROOT, env=os.environ.copy())
    handle.close()
    server = Server(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"portal serve exited with {process.returncode}:\n{server.output()}")
        try:
            if httpx.get(server.base + "/about", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    stop_server(server)
    raise RuntimeError(f"portal serve did not answer within {seconds} s:\n{server.output()}")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=5)


def screenshot(page, test: str, viewport: str, step: str) -> Path:
    """A full-page PNG at test-output/screenshots/<test>-<viewport>-<step>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", f"{test}-{viewport}-{step}").strip("-")
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page) -> list[dict]:
    """Runs the vendored axe-core on the current page; returns its violations."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")


def describe_violations(violations: list[dict], targets: int = 5) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v.get('help')} [{len(v['nodes'])} node(s)] {v.get('helpUrl', '')}")
        for node in v["nodes"][:targets]:
            lines.append(f"    {node.get('target')}: {(node.get('failureSummary') or '').splitlines()[-1:]}")
    return "\n".join(lines)
