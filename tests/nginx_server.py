"""nginx for tests: Debian's binary in the foreground, every file it writes under a temporary prefix,
the shipped deploy/nginx/ snippets reachable as portal/… from its configuration."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

from .conftest import ROOT

NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)
DEPLOY = ROOT / "deploy"
NOT_INSTALLED = "nginx is not installed (Debian: apt-get install nginx, as .ci/run does)"


@contextmanager
def nginx(prefix: Path, http_block: str, port: int):
    """nginx in the foreground, its files under ``prefix`` (where `portal/` is the shipped deploy/nginx/);
    ``http_block`` goes inside http {}. Stopped afterwards."""
    prefix.mkdir()
    (prefix / "portal").symlink_to(DEPLOY / "nginx")
    # Everything nginx writes stays under prefix (Debian's compiled-in folders are in /var).
    temp = "".join(f"    {name}_temp_path {prefix / name};\n" for name in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                             "scgi"))
    # As root, workers would run as nobody, who cannot enter pytest's temporary folders.
    (prefix / "nginx.conf").write_text(
        f"user {pwd.getpwuid(os.getuid()).pw_name};\nworker_processes 1;\npid {prefix / 'nginx.pid'};\n"
        f"error_log {prefix / 'error.log'} warn;\nevents {{ worker_connections 256; }}\n"
        f"http {{\n    access_log {prefix / 'access.log'};\n{temp}{http_block}\n}}\n")
    command = [NGINX, "-e", str(prefix / "error.log"), "-p", str(prefix), "-c", str(prefix / "nginx.conf")]
    checked = subprocess.run(command + ["-t"], check=False, capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen(command + ["-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            assert process.poll() is None and time.monotonic() < deadline, (prefix / "error.log").read_text()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
