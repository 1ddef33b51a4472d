"""/anggaran: the APBD as a citizen reads it. Its numbers are SQL sums over the published table, written
in Indonesian (or English) number words, drawn as accessible SVG bars beside a data table, with the 2023
caveat next to the 2023 figures."""

from __future__ import annotations

import pytest

from portal import create_app
from portal.asgi import PortalApplication
from portal.budget import percent, rupiah

from .conftest import SyncASGIClient
from .html import parse, text

SUMS = ("select tahun_anggaran as year, bagian as part, akun as account, tingkat as level, "
        "sum(anggaran_miliar_rp) as budget, sum(realisasi_miliar_rp) as actual from apbd_kota_malang "
        "where bagian in ('Pendapatan', 'Belanja') and tingkat in (1, 2) group by 1, 2, 3, 4")


@pytest.fixture(scope="module")
def site(bundled_build):
    app = create_app({"BUILD_DIR": str(bundled_build), "BASE_URL": "http://localhost"})
    client = SyncASGIClient(PortalApplication(app))
    yield app.test_client(), client
    client.close()


@pytest.fixture(scope="module")
def sums(site):
    _, client = site
    rows = client.get("/sql/portal.json", params={"sql": SUMS, "_shape": "array"}).json()
    return {(r["year"], r["account"]): r for r in rows}


def test_rupiah_and_percent_in_each_language():
    assert rupiah(2250.89) == "Rp 2,25 triliun" and rupiah(603.79) == "Rp 603,79 miliar"
    assert rupiah(2250.89, "en") == "Rp 2.25 trillion" and rupiah(603.79, "en") == "Rp 603.79 billion"
    assert rupiah(1007.34) == "Rp 1,01 triliun" and rupiah(0) == "Rp 0,00 miliar"
    assert percent(61.0511) == "61,1 %" and percent(61.0511, "en") == "61.1%" and percent(None) == "–"


def test_every_figure_is_the_sql_sum_of_the_published_table(site, sums):
    pages, _ = site
    page = parse(pages.get("/anggaran"))
    rows = page.css("table.budget-table tbody tr")
    assert len(rows) == len(sums) == 4 * (4 + 5)  # per year: revenue total + 3 groups, spending total + 4 groups
    for row in rows:
        year = int(row.parent.parent.attributes["data-year"])
        expected = sums[(year, row.attributes["data-account"])]
        budget, actual = float(row.attributes["data-anggaran"]), float(row.attributes["data-realisasi"])
        assert (budget, actual) == (pytest.approx(expected["budget"]), pytest.approx(expected["actual"]))
        cells = [" ".join(td.text().split()) for td in row.css("td")]
        rate = 100 * expected["actual"] / expected["budget"] if expected["budget"] else None
        assert cells == [rupiah(expected["budget"]), rupiah(expected["actual"]), percent(rate)], (year, cells)


def test_totals_are_the_sum_of_their_account_groups(sums):
    for (year, account), row in sums.items():
        if row["level"] == 1:
            groups = [r for r in sums.values() if r["year"] == year and r["part"] == row["part"] and r["level"] == 2]
            assert sum(g["budget"] for g in groups) == pytest.approx(row["budget"], abs=0.05), (year, account)
            assert sum(g["actual"] for g in groups) == pytest.approx(row["actual"], abs=0.05), (year, account)


def test_known_figures_read_as_a_citizen_reads_them(site):
    pages, _ = site
    page = parse(pages.get("/anggaran"))
    total_2021 = page.css_first('table[data-year="2021"][data-part="Pendapatan"] tr[data-level="1"]')
    assert [" ".join(c.text().split()) for c in total_2021.css("td")] == ["Rp 2,25 triliun", "Rp 2,15 triliun", "95,6 %"]
    english = parse(pages.get("/anggaran?lang=en"))
    total_2021 = english.css_first('table[data-year="2021"][data-part="Pendapatan"] tr[data-level="1"]')
    assert [" ".join(c.text().split()) for c in total_2021.css("td")] == ["Rp 2.25 trillion", "Rp 2.15 trillion", "95.6%"]
    assert text(english, "h1") == "Kota Malang's budget (APBD) and its realisation, 2021–2024"


def test_the_2023_caveat_stands_beside_the_2023_figures_only(site):
    pages, _ = site
    for lang, words in (("id", ("kemungkinan parsial", "61,1 %", "51,4 %")), ("en", ("probably partial", "61.1%", "51.4%"))):
        page = parse(pages.get(f"/anggaran?lang={lang}"))
        assert [n.attributes["data-partial"] for n in page.css(".partial-caveat")] == ["2023"]
        caveat = text(page, "#tahun-2023 .partial-caveat")
        assert all(w in caveat for w in words), (lang, caveat)
        # and in the charts: 2023's realised bar is drawn apart and its label marked
        headline = page.css_first("#anggaran-pendapatan svg.chart-wide")
        assert len(headline.css("rect.bar-partial")) == 1 and "2023 *" in headline.text()
        assert page.css_first("#tahun-2021 .partial-caveat") is None


def test_charts_are_accessible_svg_with_their_data_table(site):
    pages, _ = site
    page = parse(pages.get("/anggaran"))
    figures = page.css("figure.budget-chart")
    assert len(figures) == 2 + 4 * 2
    for figure in figures:
        svgs = figure.css("svg.chart")
        assert {s.attributes["class"].split()[-1] for s in svgs} == {"chart-large", "chart-wide", "chart-narrow"}
        for svg in svgs:
            assert svg.attributes["role"] == "img"
            title, desc = svg.css_first("title").text(), svg.css_first("desc").text()
            assert title == text(figure, "figcaption") and "anggaran Rp" in desc and "realisasi Rp" in desc
    assert len(page.css("table.budget-table")) == 4 * 2


def test_page_states_source_and_licence_and_is_linked(site):
    pages, _ = site
    for lang, licence in (("id", "Lisensi tidak dinyatakan oleh sumber"), ("en", "Licence not stated by the source")):
        page = parse(pages.get(f"/anggaran?lang={lang}"))
        assert text(page, '#budget-caveats [data-field="license"]') == licence
        assert "djpk.kemenkeu.go.id" in " ".join(a.attributes["href"] for a in page.css("#budget-caveats a"))
    home = parse(pages.get("/"))
    assert home.css_first("#home-budget-link").attributes["href"] == "/anggaran"
    dataset = parse(pages.get("/dataset/apbd-kota-malang-djpk"))
    assert dataset.css_first("#budget-link").attributes["href"] == "/anggaran"
    assert parse(pages.get("/dataset/pdrb-adhb-jatim-bps")).css_first("#budget-link") is None
    assert "<loc>http://localhost/anggaran</loc>" in pages.get("/sitemap.xml").get_data(as_text=True)


def test_no_budget_view_without_the_budget_dataset(app):
    """The fixture catalog has no APBD: no page, and no link on the home page."""
    pages = app.test_client()
    assert pages.get("/anggaran").status_code == 404
    assert parse(pages.get("/")).css_first("#home-budget-link") is None
