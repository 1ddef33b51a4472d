"""What an action needs: the pinned release, the links to build URLs with, and the release's package
dicts and search documents (built once per release, kept on it)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from ..catalog import Catalog, DatasetInfo
from ..urls import Links
from .dictize import package_dict
from .matching import Document

_build_lock = threading.Lock()


@dataclass
class Context:
    release: Any  # portal.store.Release
    links: Links
    cache: dict  # kept on the release: package dicts and search documents

    @property
    def catalog(self) -> Catalog:
        return self.release.catalog

    def package(self, dataset: DatasetInfo) -> dict:
        return self.packages()[dataset.name]

    def packages(self) -> dict[str, dict]:
        """Every package dict, by dataset name (all at once: search needs them all anyway)."""
        if "packages" not in self.cache:
            with _build_lock:  # Flask serves from a thread pool: build once
                if "packages" not in self.cache:
                    packages = {d.name: package_dict(d, self.catalog, self.links) for d in self.catalog.datasets}
                    self.cache["documents"] = {name: Document.of(p) for name, p in packages.items()}
                    self.cache["packages"] = packages
        return self.cache["packages"]

    def all_packages(self) -> list[dict]:
        return list(self.packages().values())

    def documents(self) -> list[Document]:
        self.packages()
        return list(self.cache["documents"].values())
