"""A resource's map by area (its choropleth): title, legend and table in the page's language, the SVG
for wide screens and phones, the map as a file (SVG, PNG, data as CSV), its areas as GeoJSON for the
interactive map, its embed, and the outlines every map draws over."""

from __future__ import annotations

import csv
import io
import re

from flask import Response, abort, g, jsonify, render_template
from flask_babel import gettext

from ..areas import release_areas
from ..catalog import ChartInfo
from ..formatting import format_number
from ..map_svg import NARROW, NO_DATA, WIDE, MapDrawing, class_of, palette, render_map
from .charts import chart_title, mid_sentence
from .pages import blueprint, localized

DOWNLOADS = {"svg": "image/svg+xml", "png": "image/png", "csv": "text/csv; charset=utf-8"}
LEVEL_NAMES = {"kelurahan": "kelurahan", "kecamatan": "kecamatan"}


def map_rows(resource) -> list[dict]:
    """The table beside the map: each area with its kecamatan and value, highest first, no data last."""
    choropleth, areas = resource.choropleth, release_areas(g.release)
    rows = []
    for code, value in choropleth.values:
        area = areas.by_code.get(code)
        parent = areas.by_code.get(code[:8]) if choropleth.level == "kelurahan" else None
        rows.append({"code": code, "name": area.name if area else code, "kecamatan": parent.name if parent else "",
                     "value": value, "class": class_of(value, choropleth.breaks)})
    return sorted(rows, key=lambda row: (row["value"] is None, -(row["value"] or 0), row["name"]))


def value_heading(resource) -> str:
    """What the numbers are: the measure's title (and unit), its average, or the number of rows."""
    choropleth = resource.choropleth
    field = next((f for f in resource.fields if f.name == choropleth.measure), None)
    if field is None:
        return gettext("Jumlah %(subject)s", subject=mid_sentence(subject_of(resource)))
    heading = field.title or field.name
    if choropleth.aggregate == "mean" and not heading.lower().startswith(("rata-rata", "average")):
        heading = gettext("Rata-rata %(measure)s", measure=heading[:1].lower() + heading[1:])
    return f"{heading} ({field.unit})" if field.unit else heading


def legend(resource, rows: list[dict]) -> list[tuple[str, str]]:
    """Each class's colour and range (the lowest and highest value of its areas) with its count of areas."""
    choropleth = resource.choropleth
    level = LEVEL_NAMES.get(choropleth.level, choropleth.level)
    classes = max(0, len(choropleth.breaks) - 1)
    colours, entries = palette(classes), []
    for index in range(classes):
        members = [row["value"] for row in rows if row["class"] == index]
        low, high = (min(members), max(members)) if members else choropleth.breaks[index:index + 2]
        span = format_number(low) if low == high else f"{format_number(low)} – {format_number(high)}"
        entries.append((colours[index], gettext("%(range)s (%(n)s %(level)s)", range=span, n=len(members), level=level)))
    missing = sum(1 for row in rows if row["value"] is None)
    if missing:
        entries.append((NO_DATA, gettext("tidak ada data (%(n)s %(level)s)", n=missing, level=level)))
    return entries


def subject_of(resource) -> str:
    """What a table lists: its title without "(data sampel …)" and "per kelurahan …"."""
    subject = re.sub(r"\s*\([^)]*\)\s*$", "", localized(resource, "title") or resource.name)
    return re.sub(r"\s+(per|by)\s+(kelurahan|kecamatan)\b.*$", "", subject, flags=re.IGNORECASE)


def map_title(resource) -> str:
    """Like a bar chart's title, by area ("Pengaduan layanan publik menurut kelurahan"), with the
    period when the map shows one ("…, 2025"). A one-word measure ("Jumlah") takes the table's subject."""
    choropleth = resource.choropleth
    level = LEVEL_NAMES.get(choropleth.level, choropleth.level)
    field = next((f for f in resource.fields if f.name == choropleth.measure), None)
    subject = subject_of(resource)
    if field is not None and choropleth.aggregate == "sum" and len((field.title or field.name).split()) == 1:
        word = field.title or field.name
        thing = subject if subject.lower().startswith(word.lower()) else f"{word} {subject[:1].lower()}{subject[1:]}"
        title = gettext("%(subject)s menurut %(x)s", subject=thing, x=level)
    else:
        aggregate = {"mean": "avg"}.get(choropleth.aggregate, choropleth.aggregate)
        title = chart_title(resource, ChartInfo(title="", kind="bar", x=level, y=choropleth.measure, aggregate=aggregate))
    return f"{title}, {choropleth.period}" if choropleth.period else title


def drawing(dataset, resource) -> MapDrawing:
    choropleth, areas = resource.choropleth, release_areas(g.release)
    rows = map_rows(resource)
    by_code = {row["code"]: row for row in rows}
    shapes = []
    for area in areas.of_level(choropleth.level):
        row = by_code.get(area.code)
        value = format_number(row["value"]) if row and row["value"] is not None else gettext("tidak ada data")
        shapes.append((area, row["class"] if row else None, f"{area.name}: {value}"))
    outlines = sorted(areas.outlines.values(), key=lambda o: o.level != "kecamatan")  # the city's line on top
    if choropleth.level == "kecamatan":  # the areas are the kecamatan: their lines are drawn as areas
        outlines = [o for o in outlines if o.level != "kecamatan"]
    if choropleth.level == "kecamatan":
        labels = [([area.name, format_number(by_code[area.code]["value"]) if by_code.get(area.code) else "–"],
                   area.label_point) for area, _, _ in shapes]
    else:
        labels = [([o.name.upper()], o.label_point) for o in outlines if o.level == "kecamatan"]
    known = [row for row in rows if row["value"] is not None]
    level = LEVEL_NAMES.get(choropleth.level, choropleth.level)
    description = gettext("Peta %(level)s: %(n)s wilayah dalam %(k)s kelas warna, makin gelap makin tinggi.",
                          level=level, n=len(shapes), k=max(0, len(choropleth.breaks) - 1))
    if known:
        description += " " + gettext("Tertinggi %(top)s (%(top_value)s), terendah %(low)s (%(low_value)s); semua nilai "
                                     "ada di tabel di samping peta.", top=known[0]["name"],
                                     top_value=format_number(known[0]["value"]), low=known[-1]["name"],
                                     low_value=format_number(known[-1]["value"]))
    place = g.release.catalog.place(shapes[0][0].code) if shapes else None
    note = gettext("Sumber: %(dataset)s", dataset=localized(dataset, "title"))
    if place and place.source:
        note += " · " + gettext("Batas wilayah: %(source)s", source=place.source)
    if dataset.sample:
        note = gettext("Data sampel sintetis, bukan fakta tentang Kota Malang") + ". " + note
    return MapDrawing(title=map_title(resource), description=description, legend_heading=value_heading(resource),
                      areas=shapes, outlines=outlines, labels=labels, legend=legend(resource, rows), note=note,
                      classes=max(0, len(choropleth.breaks) - 1), extra={"rows": rows})


def cached(kind: str, dataset, resource, build):
    """What ``build`` makes for this map, once per release, language and kind (page view, GeoJSON)."""
    cache = g.release.cache.setdefault("maps", {})
    key = (kind, dataset.name, resource.name, gettext("tidak ada data"))  # the language is part of the text
    if key not in cache:
        cache[key] = build()
    return cache[key]


@blueprint.app_template_global()
def map_view(dataset, resource) -> dict:
    """The map's id, title, table rows and its two SVGs (wide, narrow) for the page."""
    return cached("view", dataset, resource, lambda: _map_view(dataset, resource))


def _map_view(dataset, resource) -> dict:
    drawn = drawing(dataset, resource)
    map_id = f"choropleth-{resource.name}"
    return {"id": map_id, "title": drawn.title, "heading": drawn.legend_heading, "rows": drawn.extra["rows"],
            "level": resource.choropleth.level, "drawn": bool(drawn.areas),
            "svg": render_map(drawn, map_id, WIDE), "svg_narrow": render_map(drawn, f"{map_id}-n", NARROW)}


def find_choropleth(name: str, resource_name: str):
    dataset = g.release.catalog.dataset(name) or abort(404)
    resource = dataset.resource(resource_name) or abort(404)
    if resource.choropleth is None:
        abort(404)
    return dataset, resource


@blueprint.route("/dataset/<name>/<resource_name>/map.<fmt>")
def map_download(name: str, resource_name: str, fmt: str):
    """The map as a file: SVG (styles, title and source line inside), PNG (from that SVG, by resvg),
    or its values as CSV."""
    dataset, resource = find_choropleth(name, resource_name)
    if fmt not in DOWNLOADS:
        abort(404)
    body = cached(fmt, dataset, resource, lambda: map_file(dataset, resource, fmt))
    response = Response(body, content_type=DOWNLOADS[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{resource.name}-peta.{fmt}"'
    return response


def map_file(dataset, resource, fmt: str) -> bytes:
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([gettext("kode_wilayah"), gettext("nama_wilayah"), value_heading(resource)])
        writer.writerows([row["code"], row["name"], row["value"]] for row in map_rows(resource))
        return out.getvalue().encode("utf-8")
    svg = str(render_map(drawing(dataset, resource), f"choropleth-{resource.name}", WIDE, standalone=True))
    if fmt == "svg":
        return svg.encode("utf-8")
    import resvg_py  # only here: drawing PNGs is the one use

    return bytes(resvg_py.svg_to_bytes(svg_string=svg, zoom=2))


@blueprint.route("/dataset/<name>/<resource_name>/map-areas.geojson")
def map_areas(name: str, resource_name: str):
    """The map's areas with their names, values and colours, for the interactive map (static/map.js)."""
    dataset, resource = find_choropleth(name, resource_name)
    return geojson_response(cached("geojson", dataset, resource, lambda: areas_geojson(dataset, resource)))


def areas_geojson(dataset, resource) -> dict:
    drawn = drawing(dataset, resource)
    colours = palette(drawn.classes)
    by_code = {row["code"]: row for row in drawn.extra["rows"]}
    features = [{"type": "Feature", "geometry": {"type": "MultiPolygon", "coordinates": area.polygons},
                 "properties": {"kode": area.code, "nama": area.name, "label": tooltip,
                                "fill": colours[klass] if klass is not None else None,
                                "value": (by_code.get(area.code) or {}).get("value")}}
                for area, klass, tooltip in drawn.areas]
    legend_entries = [{"fill": fill if fill != NO_DATA else None, "text": text} for fill, text in drawn.legend]
    return {"type": "FeatureCollection", "features": features,
            "legend": {"heading": drawn.legend_heading, "entries": legend_entries}}


@blueprint.route("/peta/batas-wilayah.geojson")
def map_outlines():
    """The city and kecamatan outlines every map draws over (no external tiles needed)."""
    areas = release_areas(g.release)
    features = [{"type": "Feature", "geometry": {"type": "MultiPolygon", "coordinates": area.polygons},
                 "properties": {"kode": area.code, "nama": area.name, "level": area.level,
                                "label_point": list(area.label_point)}}
                for area in areas.outlines.values()]
    return geojson_response({"type": "FeatureCollection", "features": features})


def geojson_response(data: dict):
    response = jsonify(data)
    response.mimetype = "application/geo+json"
    return response


@blueprint.route("/embed/<name>/<resource_name>/map")
def embed_map(name: str, resource_name: str):
    """The map by area alone, for an iframe on another site; it carries its source line."""
    dataset, resource = find_choropleth(name, resource_name)
    return render_template("embed/map.html", dataset=dataset, resource=resource)
