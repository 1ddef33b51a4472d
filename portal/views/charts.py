"""A resource's charts: titles a person would write, the SVG for wide screens and phones, and each
chart as a file to download (SVG, PNG, and its data as CSV)."""

from __future__ import annotations

import csv
import io
import re

from flask import Response, abort, g
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ..chart_svg import LARGE, NARROW, WIDE, render_chart
from ..formatting import format_number
from .pages import blueprint, localized

# "per" + the time step for lines over time, "menurut" + the category for bars.
TIME_STEPS = {10: _l("hari"), 7: _l("bulan"), 4: _l("tahun")}
TITLES = {
    ("count", "line"): _l("%(subject)s per %(x)s"), ("count", "bar"): _l("%(subject)s menurut %(x)s"),
    ("sum", "line"): _l("%(y)s per %(x)s"), ("sum", "bar"): _l("%(y)s menurut %(x)s"),
    ("avg", "line"): _l("Rata-rata %(y)s per %(x)s"), ("avg", "bar"): _l("Rata-rata %(y)s menurut %(x)s"),
    ("min", "line"): _l("Nilai terkecil %(y)s per %(x)s"), ("min", "bar"): _l("Nilai terkecil %(y)s menurut %(x)s"),
    ("max", "line"): _l("Nilai terbesar %(y)s per %(x)s"), ("max", "bar"): _l("Nilai terbesar %(y)s menurut %(x)s"),
}
DOWNLOADS = {"svg": "image/svg+xml", "png": "image/png", "csv": "text/csv; charset=utf-8"}


def mid_sentence(text: str) -> str:
    """'Kecamatan' → 'kecamatan' inside a title; acronyms (OPD, APBD) stay as they are."""
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def time_step(chart) -> str | None:
    """The step of a line over dates, from its labels: 2024-01-31 a day, 2024-01 a month, 2024 a year."""
    lengths = {len(str(label)) for label, _ in chart.points}
    if len(lengths) == 1 and all(re.fullmatch(r"\d{4}(-\d\d){0,2}", str(label)) for label, _ in chart.points):
        step = TIME_STEPS.get(lengths.pop())
        return str(step) if step else None
    return None


def chart_title(resource, chart) -> str:
    """The publisher's title, else one like "Pengaduan per bulan" or "Jumlah penduduk menurut kecamatan"."""
    if chart.title:
        return chart.title
    names = {f.name: (f.title or f.name) for f in resource.fields}
    subject = re.sub(r"\s*\([^)]*\)\s*$", "", localized(resource, "title") or resource.name)  # "(data sampel)"
    x = (time_step(chart) if chart.kind == "line" else None) or mid_sentence(names.get(chart.x, chart.x))
    x = re.sub(r"^(nama|name of|name) ", "", x)  # "menurut nama kecamatan" → "menurut kecamatan"
    y = names.get(chart.y, chart.y) or ""
    aggregate = chart.aggregate
    if aggregate == "avg" and mid_sentence(y).startswith(("rata-rata", "average")):
        aggregate = "sum"  # the column is already an average: no "Rata-rata rata-rata …"
    template = TITLES[(aggregate, chart.kind)]
    title = str(template) % {"subject": subject, "x": x, "y": mid_sentence(y) if aggregate != "sum" else y}
    return title[:1].upper() + title[1:]


def chart_text(resource, index: int) -> dict:
    """The id, title and screen-reader description of one of a resource's charts."""
    chart = resource.charts[index]
    highest = max(chart.points, key=lambda point: point[1] or 0) if chart.points else ["", 0]
    description = gettext("%(kind)s dengan %(n)s titik data; tertinggi: %(label)s (%(value)s).",
                          kind=gettext("Grafik garis") if chart.kind == "line" else gettext("Grafik batang"),
                          n=len(chart.points), label=highest[0], value=format_number(highest[1]))
    return {"id": f"chart-{resource.name}-{index}", "title": chart_title(resource, chart), "description": description,
            "chart": chart}


@blueprint.app_template_global()
def chart_view(resource, index: int) -> dict:
    """chart_text, and the three SVGs (large, wide, narrow) of the chart."""
    text = chart_text(resource, index)
    chart, chart_id, title, description = text["chart"], text["id"], text["title"], text["description"]
    return {**text,
            "svg_large": render_chart(chart, f"{chart_id}-l", title, description, format_number, LARGE),
            "svg": render_chart(chart, chart_id, title, description, format_number, WIDE),
            "svg_narrow": render_chart(chart, f"{chart_id}-n", title, description, format_number, NARROW)}


@blueprint.route("/dataset/<name>/<resource_name>/chart/<int:index>.<fmt>")
def chart_download(name: str, resource_name: str, index: int, fmt: str):
    """One chart as a file: SVG (styles inside), PNG (drawn from that SVG by resvg) or its data as CSV."""
    dataset = g.release.catalog.dataset(name) or abort(404)
    resource = dataset.resource(resource_name) or abort(404)
    if fmt not in DOWNLOADS or not 0 <= index < len(resource.charts):
        abort(404)
    chart = resource.charts[index]
    view = chart_text(resource, index)  # a file is one drawing: the page's three are not needed
    filename = f"{resource.name}-grafik-{index + 1}.{fmt}"
    cache = g.release.cache.setdefault("chart downloads", {})
    key = (name, resource_name, index, fmt, view["title"])
    if key not in cache:
        cache[key] = chart_file(chart, view, fmt, resource)
    response = Response(cache[key], content_type=DOWNLOADS[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def chart_file(chart, view: dict, fmt: str, resource) -> bytes:
    if fmt == "csv":
        names = {f.name: (f.title or f.name) for f in resource.fields}
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([names.get(chart.x, chart.x), names.get(chart.y, chart.y) if chart.y else gettext("jumlah baris")])
        writer.writerows(chart.points)
        return out.getvalue().encode("utf-8")
    svg = str(render_chart(chart, view["id"], view["title"], view["description"], format_number, WIDE, standalone=True))
    if fmt == "svg":
        return svg.encode("utf-8")
    import resvg_py  # only here: drawing PNGs is the one use

    return bytes(resvg_py.svg_to_bytes(svg_string=svg, zoom=2))
