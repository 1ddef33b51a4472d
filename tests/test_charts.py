"""Charts: titles a person would write, axes a person can read, and each chart as a file (SVG, PNG,
CSV) to put in a story or a report."""

import csv
import io
import xml.etree.ElementTree as ElementTree

import pytest

from portal.catalog import ChartInfo, FieldInfo, ResourceInfo
from portal.chart_svg import NARROW, WIDE, nice_ticks, render_chart
from portal.views.charts import chart_title

from .html import parse, texts


@pytest.mark.parametrize("high, integers, ticks", [
    (7, True, [0, 2, 4, 6, 8]), (3, True, [0, 1, 2, 3]), (1, True, [0, 1]), (0.7, False, [0, 0.2, 0.4, 0.6, 0.8]),
    (9_829_164, True, [0, 2_000_000, 4_000_000, 6_000_000, 8_000_000, 10_000_000]),
])
def test_ticks_are_round_and_counts_are_whole(high, integers, ticks):
    assert nice_ticks(high, integers) == pytest.approx(ticks)


def line(points, aggregate="count"):
    return ChartInfo(title="", kind="line", x="tahun", y=None if aggregate == "count" else "nilai",
                     aggregate=aggregate, points=points)


@pytest.mark.parametrize("width", [WIDE, NARROW])
def test_every_year_of_a_short_series_is_labelled(width):
    chart = line([[str(year), year - 2000] for year in range(2019, 2025)])
    svg = ElementTree.fromstring(str(render_chart(chart, "c", "t", "d", str, width)))
    labels = [node.text for node in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert all(str(year) in labels for year in range(2019, 2025))
    assert "0" in labels and "2.5" not in labels  # whole-number ticks from zero


def test_long_series_get_labels_that_fit():
    chart = line([[f"{2020 + i // 12}-{i % 12 + 1:02d}", i] for i in range(60)])
    for width in (WIDE, NARROW):
        svg = ElementTree.fromstring(str(render_chart(chart, "c", "t", "d", str, width)))
        dates = [n.text for n in svg.iter("{http://www.w3.org/2000/svg}text") if "-" in (n.text or "")]
        assert "2020-01" in dates and "2024-12" in dates
        assert len(dates) * 7 * 12 * 0.62 < width  # their widths add up to less than the chart's


def resource(title, *fields):
    return ResourceInfo(name="t", title=title, fields=[FieldInfo(name=n, type="string", title=t) for n, t in fields])


@pytest.mark.parametrize("chart, expected", [
    (ChartInfo("", "line", "tanggal", None, "count", [["2024-01", 3], ["2024-02", 4]]), "Pengaduan per bulan"),
    (ChartInfo("", "line", "tanggal", None, "count", [["2024", 3], ["2025", 4]]), "Pengaduan per tahun"),
    (ChartInfo("", "bar", "kategori", None, "count", [["a", 3]]), "Pengaduan menurut kategori"),
    (ChartInfo("", "bar", "nama_kecamatan", "penduduk", "sum", [["a", 3]]), "Jumlah penduduk menurut kecamatan"),
    (ChartInfo("", "bar", "jenis", "rata", "avg", [["a", 3]]), "Rata-rata pengguna harian menurut jenis lokasi"),
    (ChartInfo("", "bar", "opd", "pagu", "avg", [["a", 3]]), "Rata-rata pagu menurut OPD"),
    (ChartInfo("Judul penerbit", "bar", "opd", None, "count", [["a", 3]]), "Judul penerbit"),
])
def test_titles_read_like_a_person_wrote_them(app, chart, expected):
    table = resource("Pengaduan (data sampel)", ("tanggal", "Tanggal"), ("kategori", "Kategori"),
                     ("nama_kecamatan", "Nama kecamatan"), ("penduduk", "Jumlah penduduk"), ("jenis", "Jenis lokasi"),
                     ("rata", "Rata-rata pengguna harian"), ("opd", "OPD"), ("pagu", "Pagu"))
    with app.test_request_context("/"):
        assert chart_title(table, chart) == expected


def test_each_chart_downloads_as_svg_png_and_csv(client):
    page = parse(client.get("/dataset/layanan-mini"))
    links = page.css("#resource-pengaduan_mini .chart-figure .chart-downloads a")
    assert texts(page, "#resource-pengaduan_mini .chart-figure .chart-downloads a") == ["SVG", "PNG", "data (CSV)"]
    responses = {link.attributes["href"].rsplit(".", 1)[1]: client.get(link.attributes["href"]) for link in links}
    svg = responses["svg"]
    assert svg.status_code == 200 and svg.content_type == "image/svg+xml"
    root = ElementTree.fromstring(svg.data)  # a file of its own: well-formed, sized, styled, titled
    assert root.get("width") == str(WIDE) and root.find("{http://www.w3.org/2000/svg}style") is not None
    assert "Pengaduan per hari" in svg.get_data(as_text=True)
    png = responses["png"]
    assert png.status_code == 200 and png.content_type == "image/png" and png.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(png.data[16:20], "big") == 2 * WIDE  # IHDR width: drawn at twice the size
    rows = list(csv.reader(io.StringIO(responses["csv"].get_data(as_text=True))))
    assert rows[0] == ["Tanggal", "jumlah baris"] and len(rows) == 6
    assert "attachment" in responses["csv"].headers["Content-Disposition"]
    assert client.get("/dataset/layanan-mini/pengaduan_mini/chart/7.png").status_code == 404
    assert client.get("/dataset/layanan-mini/pengaduan_mini/chart/0.gif").status_code == 404
