"""Release-scoped URLs (/r/<release>/sql|api|download/…) answer for good with `immutable`; today's URLs are
aliases of the live release, cached a minute with an ETag naming it (portal/release_urls.py). Through the
ASGI object production serves, on a build with two releases."""

from __future__ import annotations

import asyncio
import re
import shutil

import httpx
import pytest

from portal import create_app
from portal.asgi import PortalApplication
from portal.publish import publish
from portal.releases import release_ids

from .conftest import FIXTURE_DATASETS, FIXTURE_METADATA, SyncASGIClient
from .html import RELEASE, links, parse

IMMUTABLE = "public, max-age=31536000, immutable"
TABLE = "pengaduan_mini"


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    """Two releases: the second has one complaint fewer."""
    folder, datasets = tmp_path_factory.mktemp("build"), tmp_path_factory.mktemp("datasets") / "d"
    assert publish(FIXTURE_DATASETS, FIXTURE_METADATA, folder).ok
    shutil.copytree(FIXTURE_DATASETS, datasets)
    csv = next((datasets / "layanan-mini").rglob(f"{TABLE}.csv"))
    lines = csv.read_text(encoding="utf-8").splitlines(keepends=True)
    csv.write_text("".join(lines[:-1]), encoding="utf-8")
    assert publish(datasets, FIXTURE_METADATA, folder).ok
    return folder


@pytest.fixture(scope="module")
def releases(build):
    old, new = release_ids(build)
    return old, new


@pytest.fixture(scope="module")
def http(build):
    client = SyncASGIClient(PortalApplication(create_app({"BUILD_DIR": str(build), "BASE_URL": "http://localhost"})))
    yield client
    client.close()


def rows(response: httpx.Response) -> int:
    assert response.status_code == 200, response.text
    return len(response.json())


def test_a_release_scoped_url_answers_as_that_release_did_for_good(http, releases):
    old, new = releases
    old_rows = rows(http.get(f"/r/{old}/sql/portal/{TABLE}.json?_shape=array"))
    new_answer = http.get(f"/r/{new}/sql/portal/{TABLE}.json?_shape=array")
    assert old_rows == rows(new_answer) + 1  # the old release is still there, as it was
    assert new_answer.headers["cache-control"] == IMMUTABLE
    assert rows(http.get(f"/sql/portal/{TABLE}.json?_shape=array")) == old_rows - 1  # the alias: the live one
    api = http.get(f"/r/{old}/api/v1/releases")
    assert api.json()["current"] == old and api.headers["cache-control"] == IMMUTABLE
    assert http.get("/api/v1/releases").json()["current"] == new


def test_aliases_are_cached_a_minute_and_revalidate_by_release(http, releases):
    old, new = releases
    first = http.get(f"/sql/portal/{TABLE}.json")
    assert first.headers["cache-control"] == "public, max-age=60, stale-while-revalidate=60"
    assert new in first.headers["etag"]
    again = http.get(f"/sql/portal/{TABLE}.json", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == first.headers["etag"]
    stale = http.get(f"/sql/portal/{TABLE}.json", headers={"If-None-Match": first.headers["etag"].replace(new, old)})
    assert stale.status_code == 200  # a tag of an older release is not this answer
    api = http.get("/api/v1/datasets")
    assert api.headers["cache-control"].startswith("public, max-age=60") and new in api.headers["etag"]
    assert http.get("/api/v1/datasets", headers={"If-None-Match": api.headers["etag"]}).status_code == 304
    # Each language of Datasette's pages has its own tag: the cookie chooses the page.
    english = http.get(f"/sql/portal/{TABLE}", headers={"Cookie": "portal_lang=en"})
    assert english.headers["etag"] != http.get(f"/sql/portal/{TABLE}").headers["etag"]


def test_downloads_of_a_version_are_immutable_and_latest_downloads_are_aliases(http):
    dataset = http.get("/api/v1/datasets/layanan-mini").json()
    versioned = http.get(f"/download/layanan-mini/v{dataset['versions'][-1]['number']}/{TABLE}.csv")
    assert versioned.status_code == 200 and versioned.headers["cache-control"] == IMMUTABLE
    latest = http.get(f"/download/layanan-mini/{TABLE}.csv")
    assert latest.headers["cache-control"].startswith("public, max-age=60")
    assert latest.headers["etag"].strip('W/"') == latest.headers["x-content-sha256"]  # the file's own tag


@pytest.mark.parametrize("path", ["/r/19990101-000000/sql/portal", "/r/not-a-release/api/v1/datasets", "/r/",
                                  "/r/{new}/dataset", "/r/{new}", "/r/{new}/sql/portal/nope",
                                  "/r/{new}/sql/portal.json?sql=select+nope"])
def test_what_a_release_does_not_have_is_an_error_never_cached(http, releases, path):
    response = http.get(path.format(new=releases[1]))
    assert response.status_code in (400, 404) and response.headers["cache-control"] == "no-store"
    assert "Traceback" not in response.text


def test_a_release_not_here_yet_sends_the_proxy_to_another_replica(http):
    response = http.get("/r/20991231-235959/sql/portal")
    assert response.status_code == 503 and response.headers["retry-after"] == "1"
    assert response.headers["cache-control"] == "no-store"


def test_pages_link_into_this_release_and_datasette_links_stay_in_it(http, releases):
    new = releases[1]
    page = links(parse(http.get("/dataset/layanan-mini")))
    assert f"/r/{new}/sql/portal/{TABLE}" in page
    table = parse(http.get(f"/r/{new}/sql/portal/{TABLE}"))
    datasette_links = [h for h in links(table) if "/sql/" in h and not h.startswith("/sql/portal?")]
    assert datasette_links and all(h.startswith(f"/r/{new}/sql/") for h in datasette_links if h != "/sql/portal")
    # Datasette's own pages reached by the alias link into the release too (their assets included).
    alias = parse(http.get(f"/sql/portal/{TABLE}"))
    assert [h for h in (link.attributes.get("href") for link in alias.css("link")) if h.startswith(f"/r/{new}/sql/-/static/")]
    assert any(re.fullmatch(RELEASE + f"/sql/portal/{TABLE}/1", h) for h in links(alias))


def test_redirects_keep_the_form_asked_for(http, releases):
    new = releases[1]
    alias = http.get(f"/sql/portal/{TABLE}/")
    assert alias.status_code == 302 and alias.headers["location"] == f"/sql/portal/{TABLE}"
    scoped = http.get(f"/r/{new}/sql/portal/{TABLE}/")
    assert scoped.status_code == 302 and scoped.headers["location"] == f"/r/{new}/sql/portal/{TABLE}"
    language = http.get(f"/r/{new}/sql/portal/{TABLE}?lang=en")
    assert language.status_code == 302 and language.headers["location"] == f"/r/{new}/sql/portal/{TABLE}"
    assert "Path=/;" in language.headers["set-cookie"]  # the cookie reaches /sql and /r/…/sql alike


def test_requests_across_old_and_new_releases_at_once_all_succeed(build, releases):
    """Three releases, two Datasette instances kept: one is evicted while requests run on it, and closed
    only once they are done (closing it at once failed them)."""
    assert publish(FIXTURE_DATASETS, FIXTURE_METADATA, build).ok
    ids = release_ids(build)
    application = PortalApplication(create_app({"BUILD_DIR": str(build), "BASE_URL": "http://localhost"}))

    async def run() -> list[int]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=application), base_url="http://x") as c:
            paths = [f"/r/{ids[i % len(ids)]}/sql/portal/{TABLE}.json?_shape=array&_size=2" for i in range(60)]
            return [r.status_code for r in await asyncio.gather(*(c.get(p) for p in paths))]

    loop = asyncio.new_event_loop()
    try:
        assert set(loop.run_until_complete(run())) == {200}
    finally:
        loop.close()
