"""Pages rendered before visitors ask for them: when a worker starts, and for a new release before the
worker serves it.

A release's pages are rendered once and then served from memory (views/datasets.kept_page), so the first
visitors of a new release each waited for a render: dataset page p99 337 ms in the seconds after a switch
(bench/bench_serve.py --client wrk --switch). So a new release is checked (portal/store.py), then its
Datasette is started and the pages visitors read from the previous release are rendered for it, in the
check's thread, while visitors go on getting the previous release. Only those: rendering every dataset page
in both languages took 3 s of the GIL per worker, and what visitors asked for meanwhile got slower. The new
release is served once they are rendered, or after WARM_SECONDS of rendering, whichever comes first.
"""

from __future__ import annotations

import time

from .release_urls import RELEASE_SCOPE_KEY

WARM_SECONDS = 10.0
# Rendering takes the GIL from the previous release's visitors, whose pages come from memory: after each
# page the renderer sleeps as long as it took, up to this (bench/bench_serve.py --client wrk --switch).
WARM_PAUSE = 0.2


def start_paths(release) -> list[str]:
    """At a worker's start: the home page, search (the stemmer's dictionary), the places and a mapped
    dataset (its first render joins the kelurahan outlines, ~0.4 s, and compiles the map templates)."""
    mapped = next((d.name for d in release.catalog.datasets if any(r.choropleth for r in d.resources)), None)
    return ["/", "/dataset?q=pengaduan", "/wilayah"] + ([f"/dataset/{mapped}"] if mapped else [])


def switch_paths(previous) -> list[str]:
    """For a new release: the pages visitors read today from the ``previous`` one (those it keeps in
    memory), dataset pages first, then catalog pages and searches, the latest first."""
    daily = previous.cache.get("daily", {})
    datasets = [f"/dataset/{name}" + ("" if language == "id" else f"?lang={language}")
                for name, language in list(daily.get("dataset pages", {}))]
    catalog = ["/dataset" + (f"?{query.decode('latin-1')}" if query else "")
               for query, _ in reversed(list(daily.get("catalog pages", {})))]
    return datasets + catalog


def render_pages(flask_app, origin: str, paths: list[str], release_id: str | None = None,
                 seconds: float = WARM_SECONDS, pause: float = 0) -> int:
    """Ask the Flask app for ``paths`` (pinned to ``release_id`` if given, as portal.asgi pins a request);
    stops after ``seconds``, and after each page waits as long as it took (at most ``pause`` seconds) when
    visitors are being served beside it. Returns how many were rendered."""
    deadline = time.monotonic() + seconds
    environ = {"asgi.scope": {RELEASE_SCOPE_KEY: release_id}} if release_id else {}
    rendered = 0
    with flask_app.test_client() as client:
        for path in paths:
            if time.monotonic() > deadline:
                break
            began = time.monotonic()
            client.get(path, base_url=origin, environ_overrides=environ)
            rendered += 1
            if pause:  # the GIL back to the visitors' requests for as long as the page took
                time.sleep(min(time.monotonic() - began, pause))
    return rendered
