"""The absolute URLs the machine-readable views (CKAN API, DCAT, JSON-LD) build: from url_for, so
from the configured base URL (portal.urls), never from the request's Host header."""

from __future__ import annotations

from flask import g, url_for

from ..urls import Links


def request_links() -> Links:
    return Links(
        home=url_for("pages.home", _external=True, lang=None),
        dataset=lambda name: url_for("pages.dataset", name=name, _external=True, lang=None),
        download=lambda dataset, file_name: url_for("downloads.resource_file", dataset_name=dataset,
                                                    file_name=file_name, _external=True),
        dataset_zip=lambda dataset: url_for("downloads.dataset_zip", dataset_name=dataset, _external=True),
        theme=lambda theme_id: url_for("pages.theme", theme_id=theme_id, _external=True, lang=None),
        themes=url_for("pages.theme_list", _external=True, lang=None),
        publisher=lambda publisher_id: url_for("pages.publisher", publisher_id=publisher_id, _external=True,
                                               lang=None),
        place=lambda code: url_for("pages.place", code=code, _external=True, lang=None),
    )


def release_cache(name: str) -> dict:
    """A cache kept on the pinned release, dropped with it."""
    return g.release.cache.setdefault(name, {})
