"""The portal in a real browser: Debian's Chromium driven by Playwright against `portal serve`.

The bundled datasets (datasets/, metadata/) are published into a temporary build and served
with granian on 127.0.0.1, exactly as production runs. Screenshots of every step land in
test-output/screenshots/ (<test>-<viewport>-<step>.png) for a person to look at.
Chromium must be at /usr/bin/chromium (`apt-get install chromium`; .ci/run does it): when it is
missing these tests fail rather than skip.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from playwright.sync_api import expect, sync_playwright

from portal.publish import publish

from .browser_support import (AXE, CHROMIUM, CHROMIUM_ARGS, ROOT, VIEWPORTS, WAIT_MS, axe_violations,
                              describe_violations, screenshot, start_server, stop_server)
from .html import RELEASE

EN_CATALOG = ROOT / "portal" / "translations" / "en" / "LC_MESSAGES" / "messages.mo"

# Accessibility problems found in the portal's markup/CSS, waiting for a template fix.
# {(path, viewport): reason}. An entry turns that page's axe assertion into an xfail.
KNOWN_A11Y_BUGS: dict[tuple[str, str], str] = {}


# --------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The real bundled datasets, published and served by `python -m portal serve --workers 2`."""
    build = tmp_path_factory.mktemp("browser-build")
    report = publish(ROOT / "datasets", ROOT / "metadata", build)
    assert report.ok, report.all_issues()
    running = start_server(build, tmp_path_factory.mktemp("browser-server") / "server.log")
    yield running
    stop_server(running)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: install Debian's package with "
                    "`apt-get install -y chromium` (.ci/run does this). Never run `playwright install`.")
    assert AXE.exists(), f"vendored axe-core missing at {AXE}"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def open_page(browser, viewport: str, bypass_csp: bool = False):
    context = browser.new_context(viewport=VIEWPORTS[viewport], accept_downloads=True, locale="id-ID",
                                  bypass_csp=bypass_csp)
    context.set_default_timeout(WAIT_MS)
    context.set_default_navigation_timeout(WAIT_MS)
    return context, context.new_page()


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request):
    return request.param


@pytest.fixture()
def page_for(browser):
    """page_for(viewport) -> a fresh page in its own context; contexts are closed afterwards."""
    contexts = []

    def make(viewport: str, bypass_csp: bool = False):
        context, page = open_page(browser, viewport, bypass_csp)
        contexts.append(context)
        return page

    yield make
    for context in contexts:
        context.close()


def is_clipped(locator) -> bool:
    """True when the element is hidden, or a pointer aimed at its centre would hit something else."""
    if not locator.is_visible():
        return True
    locator.scroll_into_view_if_needed()
    return locator.evaluate("""element => {
        const r = element.getBoundingClientRect();
        const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
        return !(hit && element.contains(hit));
    }""")


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlparse(url).query)


# --------------------------------------------------------------------------- flow 1

def test_search_facet_dataset_chart_rows_and_download(server, page_for, viewport):
    """Home search → facet → dataset page (badge, chart) → sortable rows → CSV download with checksum."""
    page = page_for(viewport)
    shot = lambda step: screenshot(page, "flow1-search-to-download", viewport, step)  # noqa: E731

    page.goto(server.base + "/")
    shot("01-home")
    page.fill("#home-q", "pengaduan")
    with page.expect_navigation():
        page.press("#home-q", "Enter")
    assert urlparse(page.url).path == "/dataset"
    assert query(page.url).get("q") == ["pengaduan"]
    shot("02-results")

    panel = page.locator("details.facet-panel")
    if panel.get_attribute("open") is None:  # on a phone the facets are folded behind "Filter"
        panel.locator("summary.facet-toggle").click()
    facet = page.locator("details.facet[data-facet=theme]")
    if facet.get_attribute("open") is None:  # closed facets (e.g. on a narrow screen) open on click
        facet.locator("summary").click()
    with page.expect_navigation():
        facet.locator("a[data-value=governance]").click()
    assert "governance" in query(page.url).get("theme", []), page.url
    total = int(page.locator("#result-count[data-total]").get_attribute("data-total"))
    assert total >= 1
    shot("03-facet-governance")

    first = page.locator(".dataset-card h3 a").first
    with page.expect_navigation():
        first.click()
    dataset_url = page.url
    name = urlparse(dataset_url).path.rstrip("/").split("/")[-1]
    expect(page.locator("#dataset-title")).to_be_visible()
    if name.startswith("sampel-"):
        expect(page.locator(".notice-sample").first).to_be_visible()
    chart = page.locator("svg.chart").first
    expect(chart).to_be_attached()
    assert chart.locator("title").count() >= 1, "the chart has no <title> for screen readers"
    assert page.locator("details.chart-data").count() >= 1, "the chart has no data table fallback"
    shot("04-dataset")

    with page.expect_navigation():
        page.locator("a.browse-link").first.click()
    assert page.locator("table.browse-table tbody tr").count() >= 1
    header = page.locator("th a[data-sort-column]").first
    column = header.get_attribute("data-sort-column")
    with page.expect_navigation():
        if is_clipped(header):
            # On a phone the table turns into cards and its header is visually hidden
            # (.stack-on-phone thead), so sorting has to be offered by the filter form instead.
            assert page.locator("#sort-column").count() == 1, \
                f"column headers are hidden at {viewport} width and there is no other way to sort"
            page.select_option("#sort-column", column)
            page.locator(".row-filter button[type=submit]").click()
        else:
            header.click()
    assert query(page.url).get("sort") == [column], page.url
    expect(page.locator("th[aria-sort]")).to_have_count(1)
    assert page.locator("th[aria-sort]").get_attribute("aria-sort") in ("ascending", "descending")
    assert page.locator("table.browse-table tbody tr").count() >= 1
    assert int(page.locator("#row-count").get_attribute("data-total")) >= 1
    shot("05-rows-sorted")

    page.go_back()
    page.go_back()
    assert page.url == dataset_url, page.url
    expect(page.locator("#dataset-title")).to_be_visible()
    button = page.locator(".actions a.button").first
    resource = urlparse(button.get_attribute("href")).path.rsplit("/", 1)[-1].removesuffix(".csv")
    shown = page.locator(f'.files-table tr[data-file="{resource}.csv"] code.hash').inner_text().strip()
    with page.expect_download() as info:
        button.click()
    download = info.value
    assert download.failure() is None
    data = Path(download.path()).read_bytes()
    first_line = data.split(b"\n", 1)[0].decode("utf-8-sig")
    assert "," in first_line, first_line
    assert hashlib.sha256(data).hexdigest() == shown
    assert re.fullmatch(r"[0-9a-f]{64}", shown)


# --------------------------------------------------------------------------- flow 2

def test_language_switch_travels_with_links(server, page_for):
    page = page_for("desktop")
    page.goto(server.base + "/")
    expect(page.locator("html")).to_have_attribute("lang", "id")

    with page.expect_navigation():
        page.click("#switch-language")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert query(page.url).get("lang") == ["en"], page.url
    if EN_CATALOG.exists():
        assert "Six smart city dimensions" in page.locator("#themes-title").inner_text()
    screenshot(page, "flow2-language", "desktop", "01-home-en")

    with page.expect_navigation():
        page.locator("header nav a").first.click()
    assert urlparse(page.url).path == "/dataset"
    assert query(page.url).get("lang") == ["en"], page.url
    expect(page.locator("html")).to_have_attribute("lang", "en")
    screenshot(page, "flow2-language", "desktop", "02-datasets-en")

    with page.expect_navigation():
        page.click("#switch-language")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    assert query(page.url).get("lang", ["id"]) == ["id"], page.url


@pytest.mark.parametrize("viewport", ["mobile", "desktop"])
def test_chart_labels_are_readable_at_every_width(server, page_for, viewport):
    """Text in an SVG scales with it: each width shows the drawing made for it, labels at least 11 px."""
    page = page_for(viewport)
    page.goto(server.base + "/dataset/sampel-pengaduan-layanan")
    page.wait_for_load_state("load")
    charts = page.evaluate("""() => [...document.querySelectorAll('svg.chart')]
        .filter(svg => svg.getBoundingClientRect().width > 0)
        .map(svg => {
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            const card = svg.closest('figure').getBoundingClientRect().width;
            return {fill: svg.getBoundingClientRect().width / card,
                    sizes: [...svg.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize) * scale)};
        })""")
    screenshot(page, "chart-labels", viewport, "page")
    assert len(charts) == 2, "one visible drawing per chart (two charts on this page)"
    assert all(11 <= size <= 18 for chart in charts for size in chart["sizes"]), charts
    if viewport == "desktop":  # capped at 640 px it filled 60 % of its card
        assert all(chart["fill"] > 0.9 for chart in charts), charts


def test_catalog_facets_fold_behind_a_filter_control_on_phones(server, page_for):
    """1,450 px of facets came before the first result on a phone: now the first card is on the first screen."""
    phone = page_for("mobile")
    phone.goto(server.base + "/dataset")
    phone.wait_for_load_state("load")
    toggle = phone.locator("summary.facet-toggle")
    expect(toggle).to_be_visible()
    assert phone.locator("details.facet-panel").evaluate("panel => panel.open") is False
    first_card = phone.locator(".dataset-card").first.bounding_box()
    assert first_card["y"] < VIEWPORTS["mobile"]["height"], first_card
    toggle.click()
    expect(phone.locator("details.facet[data-facet=theme] summary")).to_be_visible()
    screenshot(phone, "catalog-filter", "mobile", "opened")
    desktop = page_for("desktop")
    desktop.goto(server.base + "/dataset")
    desktop.wait_for_load_state("load")
    expect(desktop.locator("summary.facet-toggle")).to_be_hidden()
    expect(desktop.locator("details.facet[data-facet=theme] summary")).to_be_visible()


NARROW_PAGES = ["/", "/dataset", "/dataset/sampel-pengaduan-layanan", "/dataset/kode-wilayah-indonesia",
                "/dataset/sampel-pengaduan-layanan/validation", "/dataset/sampel-pengaduan-layanan/changes", "/about",
                "/publisher", "/theme/governance", "/anggaran", "/anggaran?lang=en", "/dataset/apbd-kota-malang-djpk",
                "/dataset/sekolah-kota-malang-kemdikbud-2019", "/dataset/pdrb-adhb-jatim-bps"]


@pytest.mark.parametrize("path", NARROW_PAGES)
def test_no_page_scrolls_sideways_on_a_phone(server, page_for, path):
    """Wide tables scroll inside their own box; the page itself is never wider than a 375 px screen,
    and every file's SHA-256 is on the screen in full."""
    page = page_for("mobile")
    page.goto(server.base + path)
    page.wait_for_load_state("load")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= VIEWPORTS["mobile"]["width"], f"{path} is {width} px wide at 375 px"
    for hash_box in page.locator(".files-table code.hash").all():
        box = hash_box.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= VIEWPORTS["mobile"]["width"], box


def test_downloads_and_main_chart_come_before_the_metadata(server, page_for, viewport):
    """On every dataset page a journalist reaches the first download and the first chart without
    scrolling past the metadata (the first chart was at y≈4,600 px)."""
    page = page_for(viewport)
    names = httpx.get(server.base + "/api/3/action/package_list", timeout=30).json()["result"]
    assert len(names) >= 5
    for name in names:
        page.goto(server.base + f"/dataset/{name}")
        page.wait_for_load_state("load")
        tops = page.evaluate("""() => {
            const top = e => e ? e.getBoundingClientRect().top + window.scrollY : null;
            const visible = [...document.querySelectorAll('svg.chart')].find(s => s.getBoundingClientRect().width > 0);
            return {download: top(document.querySelector('.resource .actions a.button')), chart: top(visible),
                    metadata: top(document.querySelector('#meta-title'))};
        }""")
        assert tops["download"] is not None and tops["download"] < tops["metadata"], (name, tops)
        if tops["chart"] is not None:
            assert tops["chart"] < tops["metadata"], (name, tops)


# --------------------------------------------------------------------------- flow 3

def test_point_map_draws_offline(server, page_for):
    page = page_for("desktop")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(server.base + "/dataset/sampel-hotspot-wifi")
    rendered = page.locator(".point-map[data-rendered]").first
    rendered.wait_for(state="attached")
    assert int(rendered.get_attribute("data-rendered")) > 0
    page.wait_for_load_state("networkidle")
    rendered.scroll_into_view_if_needed()
    assert rendered.get_attribute("data-clustered") == "true"  # 2,000 points: grouped, with their counts
    assert page.locator(".point-map .point-cluster").count() > 3
    assert page.locator(".point-map path.leaflet-interactive, .point-map svg path").count() >= 1  # the outlines
    screenshot(page, "flow3-map", "desktop", "01-hotspot-wifi")
    outside = [url for url in requests
               if not url.startswith(server.base + "/") and not url.startswith(("data:", "blob:"))]
    assert not outside, f"requests left {server.base}: {outside}"


def test_map_by_area_reads_at_every_width_and_opens_interactively(server, page_for, viewport):
    """The SVG drawn for the width shows (text about 11 px or more), its table lists all 57 kelurahan,
    and the interactive map draws the same areas offline, with a tooltip naming area and value."""
    page = page_for(viewport)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    blocked: list[str] = []  # Leaflet, loaded on demand, must work under the portal's CSP
    page.on("console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None)
    page.goto(server.base + "/dataset/sampel-fasilitas-layanan-dasar")
    figure = page.locator("figure.choropleth-figure").first
    shown = figure.locator("svg.choropleth-narrow" if viewport == "mobile" else "svg.choropleth-wide")
    hidden = figure.locator("svg.choropleth-wide" if viewport == "mobile" else "svg.choropleth-narrow")
    expect(shown).to_be_visible()
    expect(hidden).to_be_hidden()
    box = shown.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= VIEWPORTS[viewport]["width"]
    view_width = float(shown.get_attribute("viewBox").split()[2])
    assert 12 * box["width"] / view_width >= 10.5, "legend text would be too small to read"
    assert figure.locator(".choropleth-table tbody tr").count() == 57
    assert figure.locator(".choropleth-table").evaluate("e => e.scrollWidth <= e.clientWidth"), "values cut off"
    figure.locator("details.interactive-map summary").click()
    drawn = figure.locator(".choropleth-map[data-rendered]")
    drawn.wait_for(state="attached")
    assert drawn.get_attribute("data-rendered") == "57"
    area = figure.locator(".choropleth-map path.leaflet-interactive").first
    area.hover(force=True)
    expect(page.locator(".leaflet-tooltip")).to_contain_text(":")
    page.wait_for_load_state("networkidle")
    screenshot(page, "flow3-map-by-area", viewport, "01-facilities")
    assert not blocked, blocked
    outside = [url for url in requests
               if not url.startswith(server.base + "/") and not url.startswith(("data:", "blob:"))]
    assert not outside, f"requests left {server.base}: {outside}"


@pytest.mark.parametrize("path", ["/dataset/penduduk-kecamatan-kota-malang", "/dataset/sampel-pengaduan-layanan"])
def test_the_table_beside_a_map_shows_its_values_without_scrolling(server, page_for, viewport, path):
    """A long measure name ("Penduduk (KDA 2023) (jiwa)") wraps: it never pushes the values out of view."""
    page = page_for(viewport)
    page.goto(server.base + path)
    table = page.locator(".choropleth-table").first
    assert table.evaluate("e => e.scrollWidth <= e.clientWidth"), f"{path}: the values need sideways scrolling"
    expect(table.locator("tbody tr td.num").first).to_be_visible()


# --------------------------------------------------------------------------- accessibility

# Datasette's page families under /sql: database, table, row, query, canned query, error.
SQL_PAGES = ["/sql/portal", "/sql/portal/sampel_pengaduan_layanan", "/sql/portal/kota_malang_kelurahan/35~2E73~2E01~2E1001",
             "/sql/portal?sql=select+1", "/sql/portal/pengaduan_per_kecamatan", "/sql/portal/nope"]
A11Y_PAGES = ["/", "/dataset", "/dataset/kode-wilayah-indonesia", "/dataset/sampel-pengaduan-layanan", "/about", "/anggaran",
              "/anggaran?lang=en", "/dataset/apbd-kota-malang-djpk", "/dataset/sekolah-kota-malang-kemdikbud-2019",
              "/dataset/pdrb-adhb-jatim-bps", "/dataset/sampel-fasilitas-layanan-dasar",
              "/dataset/penduduk-kecamatan-kota-malang",
              "/embed/sampel-fasilitas-layanan-dasar/sampel_fasilitas_layanan_dasar/map", *SQL_PAGES]


@pytest.mark.parametrize("path", A11Y_PAGES)
def test_no_serious_accessibility_violations(server, page_for, viewport, path):
    # axe is injected as an inline script, which the portal's Content-Security-Policy rightly blocks.
    page = page_for(viewport, bypass_csp=True)
    page.goto(server.base + path)
    page.wait_for_load_state("load")
    screenshot(page, "a11y" + (path if path != "/" else "-home"), viewport, "page")
    violations = axe_violations(page)
    serious = [v for v in violations if v.get("impact") in ("serious", "critical")]
    minor = [v for v in violations if v not in serious]
    if minor:
        print(f"axe (minor/moderate) on {path} at {viewport}:\n{describe_violations(minor)}")
    if serious and (path, viewport) in KNOWN_A11Y_BUGS:
        pytest.xfail(KNOWN_A11Y_BUGS[(path, viewport)] + "\n" + describe_violations(serious))
    assert not serious, f"axe on {path} at {viewport}:\n{describe_violations(serious)}"


@pytest.mark.parametrize("path", A11Y_PAGES)
def test_no_page_scrolls_sideways_on_a_phone(server, page_for, path):
    """At 375 px only tables scroll, inside their own box; the page itself never does (a canned
    query's SQL on one line made it 1,943 px wide)."""
    page = page_for("mobile")
    page.goto(server.base + path)
    page.wait_for_load_state("load")
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if widths[0] > widths[1]:
        screenshot(page, "overflow" + path, "mobile", "page")
    assert widths[0] <= widths[1], f"{path} is {widths[0]} px wide at {widths[1]} px"


def test_language_switch_on_sql_pages(server, page_for):
    """Indonesian by default; the switch gives English (kept in a cookie, never a column filter),
    and English portal pages lead into /sql in English."""
    page = page_for("desktop")
    table = "/sql/portal/sampel_pengaduan_layanan"
    page.goto(server.base + table)
    expect(page.locator("html")).to_have_attribute("lang", "id")
    assert "baris" in page.locator("h2.row-count").inner_text()
    page.wait_for_load_state("load")
    # Datasette's column menu (built by its table.js) is in the page's language too.
    assert page.locator(".dropdown-menu a.dropdown-sort-asc").text_content() == "Urutkan naik"
    page.locator(".rows-and-columns th svg.dropdown-menu-icon").nth(1).click()
    expect(page.locator(".dropdown-menu .dropdown-column-type")).to_contain_text("Tipe: ")
    screenshot(page, "flow4-sql-language", "desktop", "01-table-id")

    with page.expect_navigation():
        page.click("#switch-language")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    # The same table, in the release the page showed (Datasette's links are release-scoped).
    assert re.fullmatch(RELEASE + table, urlparse(page.url).path) and "lang" not in query(page.url), page.url
    count = page.locator("h2.row-count").inner_text()
    assert "rows" in count and "where" not in count and "lang" not in count, count  # not filtered by lang
    assert page.locator(".dropdown-menu a.dropdown-sort-asc").text_content() == "Sort ascending"
    if EN_CATALOG.exists():
        assert page.locator('form.filters input[type="submit"]').get_attribute("value") == "Apply"
    screenshot(page, "flow4-sql-language", "desktop", "02-table-en")

    with page.expect_navigation():  # English follows to other Datasette pages, and to the dataset page
        page.click("#dataset-link")
    assert urlparse(page.url).path == "/dataset/sampel-pengaduan-layanan" and query(page.url).get("lang") == ["en"]

    with page.expect_navigation():
        page.locator("header nav a", has_text="SQL").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert urlparse(page.url).path == "/sql/portal", page.url

    with page.expect_navigation():
        page.click("#switch-language")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    screenshot(page, "flow4-sql-language", "desktop", "03-database-id")


# --------------------------------------------------------------------------- page weight

def test_dataset_page_weighs_under_200_kb(server, page_for):
    page = page_for("desktop")
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(server.base + "/dataset/kode-wilayah-indonesia")
    page.wait_for_load_state("networkidle")
    sizes = {}
    for response in responses:
        if not response.url.startswith(server.base + "/") or 300 <= response.status < 400:
            continue
        sizes[response.url] = len(response.body())
    total = sum(sizes.values())
    detail = "\n".join(f"  {size:>8} {url}" for url, size in sorted(sizes.items(), key=lambda item: -item[1]))
    print(f"page weight of /dataset/kode-wilayah-indonesia: {total} bytes\n{detail}")
    assert total < 200 * 1024, f"{total} bytes:\n{detail}"


@pytest.mark.parametrize("path", ["/", "/dataset?q=pengaduan", "/dataset/sampel-hotspot-wifi",
                                  "/dataset/sampel-pengaduan-layanan/data/sampel_pengaduan_layanan", "/about",
                                  "/sql/portal/kota_malang_kelurahan", "/sql/portal?sql=select+1",
                                  "/embed/sampel-pengaduan-layanan/sampel_pengaduan_layanan/chart/0"])
def test_no_content_security_policy_violations(server, page_for, path):
    """Every page family works under the portal's CSP: the browser reports no violation."""
    page = page_for("desktop")
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    response = page.goto(server.base + path)
    page.wait_for_load_state("networkidle")
    assert "content-security-policy" in response.headers
    assert violations == []
