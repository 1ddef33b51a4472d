"""Shared fixtures: tiny fixture packages published once per session into a temp build.

Pages are tested with Flask's test client; the whole application (pages + /sql) with
an httpx ASGI client on the same object production serves.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import httpx
import pytest

from portal import create_app
from portal.asgi import PortalApplication
from portal.publish import publish

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_DATASETS = FIXTURES / "datasets"
FIXTURE_METADATA = FIXTURES / "metadata"
BROKEN = FIXTURES / "broken"


def copy_datasets(target: Path, *packages: Path) -> Path:
    """A fresh datasets folder holding copies of the given package folders."""
    target.mkdir(parents=True, exist_ok=True)
    for package in packages:
        shutil.copytree(package, target / package.name)
    return target


@pytest.fixture(scope="session")
def published_build(tmp_path_factory) -> Path:
    """The good fixture packages, published once."""
    build = tmp_path_factory.mktemp("build")
    report = publish(FIXTURE_DATASETS, FIXTURE_METADATA, build)
    assert report.ok, report.all_issues()
    return build


@pytest.fixture(scope="session")
def bundled_build(tmp_path_factory) -> Path:
    """The bundled datasets (datasets/, metadata/), published once: what the national catalog harvests."""
    build = tmp_path_factory.mktemp("bundled")
    assert publish(ROOT / "datasets", ROOT / "metadata", build).ok
    return build


@pytest.fixture(scope="session")
def bundled_app(bundled_build):
    return create_app({"BUILD_DIR": str(bundled_build), "BASE_URL": "http://localhost"})


@pytest.fixture(scope="session")
def app(published_build):
    return create_app({"BUILD_DIR": str(published_build), "TESTING": True, "BASE_URL": "http://localhost"})


@pytest.fixture()
def client(app):
    return app.test_client()


class SyncASGIClient:
    """httpx's ASGI transport driven from plain (sync) tests, on one event loop."""

    def __init__(self, application):
        self.loop = asyncio.new_event_loop()
        self.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=application), base_url="http://portal.test")

    def get(self, path: str, **kwargs) -> httpx.Response:
        return self.loop.run_until_complete(self.client.get(path, **kwargs))

    def close(self):
        self.loop.run_until_complete(self.client.aclose())
        self.loop.close()


@pytest.fixture(scope="session")
def asgi_client(app):
    client = SyncASGIClient(PortalApplication(app))
    yield client
    client.close()
