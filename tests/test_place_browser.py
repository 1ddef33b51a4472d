"""Place pages in a real browser (Debian's Chromium via Playwright, `portal serve` on the bundled
datasets): axe finds no serious violations, nothing scrolls sideways at 375 px, the interactive map
draws where JavaScript runs and the server's SVG stays where it does not. Screenshots land in
test-output/screenshots/place-*.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright

from portal.publish import publish

from .browser_support import (AXE, CHROMIUM, CHROMIUM_ARGS, ROOT, VIEWPORTS, WAIT_MS, axe_violations,
                              describe_violations, screenshot, start_server, stop_server)

KELURAHAN = "/wilayah/35.73.05.1011"  # Lowokwaru, six neighbours in three kecamatan
JATIMULYO = "35.73.05.1007"
PAGES = ["/wilayah", "/wilayah/35.73", "/wilayah/35.73.02", KELURAHAN, KELURAHAN + "?lang=en"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    build = tmp_path_factory.mktemp("place-browser-build")
    report = publish(ROOT / "datasets", ROOT / "metadata", build)
    assert report.ok, report.all_issues()
    running = start_server(build, tmp_path_factory.mktemp("place-browser-server") / "server.log")
    yield running
    stop_server(running)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: `apt-get install -y chromium` (.ci/run does this).")
    assert AXE.exists(), f"vendored axe-core missing at {AXE}"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture()
def page_for(browser):
    contexts = []

    def make(viewport: str, **options):
        context = browser.new_context(viewport=VIEWPORTS[viewport], locale="id-ID", **options)
        context.set_default_timeout(WAIT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("path", PAGES)
def test_place_pages_pass_axe(server, page_for, viewport, path):
    # axe is injected as an inline script, which the portal's Content-Security-Policy rightly blocks.
    page = page_for(viewport, bypass_csp=True)
    page.goto(server.base + path)
    page.wait_for_load_state("networkidle")
    violations = axe_violations(page)
    serious = [v for v in violations if v.get("impact") in ("serious", "critical")]
    assert not serious, f"axe on {path} at {viewport}:\n{describe_violations(serious)}"


@pytest.mark.parametrize("path", PAGES)
def test_place_pages_do_not_scroll_sideways_on_a_phone(server, page_for, path):
    page = page_for("mobile")
    page.goto(server.base + path)
    page.wait_for_load_state("networkidle")
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{path} is {widths[0]} px wide at {widths[1]} px"


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_kelurahan_map_is_interactive_where_javascript_runs(server, page_for, viewport):
    requests = []
    page = page_for(viewport)
    page.on("request", lambda request: requests.append(request.url))
    page.goto(server.base + KELURAHAN)
    drawn = page.locator("#place-map[data-rendered]")
    drawn.wait_for(state="visible")
    assert int(drawn.get_attribute("data-rendered")) == 7  # the kelurahan and its six neighbours
    assert not page.locator("#place-outline").is_visible()  # the SVG gives way to the map
    assert page.locator(".leaflet-tooltip.place-tooltip", has_text="Samaan").count() == 1
    page.wait_for_load_state("networkidle")
    screenshot(page, "place-kelurahan", viewport, "interactive")
    outside = [u for u in requests if not u.startswith(server.base + "/") and not u.startswith(("data:", "blob:"))]
    assert not outside, f"requests left {server.base}: {outside}"
    # A neighbour on the map leads to its own page.
    # (A label lets the pointer through to its area, as Leaflet's tooltips do.)
    box = page.locator(".leaflet-tooltip.place-tooltip", has_text="Jatimulyo").bounding_box()
    with page.expect_navigation():
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert page.url.split("?")[0] == server.base + "/wilayah/" + JATIMULYO
    assert page.locator("h1").inner_text() == "Jatimulyo"


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_without_javascript_the_outline_is_the_servers_svg(server, page_for, viewport):
    page = page_for(viewport, java_script_enabled=False)
    page.goto(server.base + KELURAHAN)
    outline = page.locator("svg#place-outline")
    assert outline.is_visible() and not page.locator("#place-map").is_visible()
    box = outline.bounding_box()
    assert box["width"] <= VIEWPORTS[viewport]["width"] and box["height"] > 150
    screenshot(page, "place-kelurahan", viewport, "svg")
