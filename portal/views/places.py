"""Place pages: /wilayah lists the city, its kecamatan and kelurahan; /wilayah/<kode> shows one area
with its outline and neighbours, the datasets with rows about it and its key figures, all read from
the release's place index (portal/place_index.py). The same URL gives GeoJSON to clients asking
for it: it is the IRI DCAT's dct:spatial names."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import abort, current_app, g, jsonify, render_template, request, url_for
from flask_babel import get_locale
from markupsafe import Markup
from flask_babel import lazy_gettext as _l

from ..geo_svg import Projection, bounds, padded
from ..place_index import WITHIN, PlaceEntry, release_places
from ..schema_org import place_jsonld
from ..search import datasets_by_name
from ..release_urls import scoped_path
from ..urls import DATABASE_NAME, SQL_PREFIX, table_url
from .links import request_links
from .pages import blueprint

LEVEL_LABELS = {"kota": _l("Kota"), "kecamatan": _l("Kecamatan"), "kelurahan": _l("Kelurahan")}
TITLES = {"kecamatan": _l("Kecamatan %(name)s"), "kelurahan": _l("Kelurahan %(name)s")}
GEOJSON_TYPES = ("application/geo+json", "application/json")
MAP_WIDTH = 640
LABEL_SIZE = 16  # SVG units: between the 13 of a wide screen and the 20 of a phone (static/place.css)


@blueprint.app_template_global()
def level_label(level: str) -> str:
    return str(LEVEL_LABELS.get(level, level))


@blueprint.app_template_global()
def place_title(entry: PlaceEntry) -> str:
    """"Kecamatan Lowokwaru", "Kelurahan Oro-oro Dowo"; the city's name already says what it is."""
    form = TITLES.get(entry.level)
    return str(form) % {"name": entry.name} if form else entry.name


@blueprint.app_template_global()
def place_url(code: str) -> str | None:
    """The page of a kode wilayah that has one, else None (templates then show the code alone)."""
    if g.get("release") is None or release_places(g.release).place(str(code)) is None:
        return None
    return url_for("pages.place", code=str(code))


@blueprint.app_template_global()
def release_place_name(code: str) -> str:
    found = release_places(g.release).place(code)
    return found.name if found else code


@blueprint.app_template_global()
def sql_link(path: str) -> str:
    """A link into /sql that keeps the page's language (portal.asgi turns ?lang= into its cookie)."""
    language = str(get_locale())
    if language == current_app.config["BABEL_DEFAULT_LOCALE"]:
        return path
    return f"{path}{'&' if '?' in path else '?'}lang={language}"


@blueprint.app_template_global()
def code_cell(table: str, column: str, value) -> str:
    """A table cell's value; a kode wilayah in one of the table's reference-key columns links to its
    place page."""
    text = "" if value is None else str(value)
    index = release_places(g.release)
    if column in index.key_columns(table) and index.place(text) is not None:
        return Markup('<a class="place-code" href="{}">{}</a>').format(url_for("pages.place", code=text), text)
    return text


@blueprint.route("/wilayah")
def place_list():
    index = release_places(g.release)
    city = next(iter(index.of_level("kota")), None)
    districts = [(d, [index.place(c) for c in d.children]) for d in sorted(index.of_level("kecamatan"),
                                                                           key=lambda p: p.name)]
    return render_template("place/list.html", city=city, districts=districts)


@blueprint.route("/wilayah/<code>")
def place(code: str):
    if wants_geojson():
        return place_geojson(code)
    # A page depends only on the release and the language: rendered once per release, then from memory
    # (a URL with other parameters is rendered for itself: its language links carry them).
    cacheable = set(request.args) <= {"lang"}
    pages = g.release.cache.setdefault("place pages", {})
    key = (code, str(get_locale()))
    if cacheable and key in pages:
        return pages[key], 200, {"Vary": "Accept"}
    page = render_place(code)
    if cacheable:
        pages[key] = page  # at most two per place: the index holds every code there is
    return page, 200, {"Vary": "Accept"}


def render_place(code: str) -> str:
    index = release_places(g.release)
    entry = index.place(code) or abort(404)
    outline = g.release.catalog.place(code) or abort(404)
    datasets = datasets_by_name(g.release)
    listed = sorted((rows for rows in entry.datasets if rows.dataset in datasets),
                    key=lambda r: (datasets[r.dataset].sample, datasets[r.dataset].title.lower(), r.table))
    return render_template(
        "place/show.html", place=entry, outline=outline, drawing=drawing(entry),
        parent=index.place(entry.parent), ancestors=ancestors(entry), children=[index.place(c) for c in entry.children],
        neighbours=[index.place(c) for c in entry.neighbours], listed=listed, datasets=datasets,
        jsonld=place_jsonld(entry, outline, index, request_links()))


@blueprint.route("/wilayah/<code>.geojson")
def place_geojson(code: str):
    """The area as a GeoJSON feature (what dct:spatial's IRI gives a GeoJSON client)."""
    found = g.release.catalog.place(code) or abort(404)
    feature = {"type": "Feature", "id": found.code, "geometry": found.geometry, "bbox": found.bbox,
               "properties": {"kode_wilayah": found.code, "nama": found.name, "centroid": found.centroid,
                              "sumber": found.source}}
    response = jsonify(feature)
    response.mimetype = "application/geo+json"
    return response


@blueprint.route("/wilayah/<code>/sekitar.geojson")
def place_surroundings(code: str):
    """The area with its neighbours and the areas inside it, for the interactive map."""
    index = release_places(g.release)
    entry = index.place(code) or abort(404)
    features = [surrounding_feature(index.place(c), role) for role, codes in
                (("neighbour", entry.neighbours), ("child", entry.children), ("place", [entry.code])) for c in codes]
    response = jsonify({"type": "FeatureCollection", "features": [f for f in features if f]})
    response.mimetype = "application/geo+json"
    return response


def surrounding_feature(entry: PlaceEntry, role: str) -> dict | None:
    outline = g.release.catalog.place(entry.code)
    if outline is None:
        return None
    return {"type": "Feature", "id": entry.code, "geometry": outline.geometry,
            "properties": {"kode": entry.code, "nama": entry.name, "role": role, "label_point": label_point(entry, g.release.catalog),
                           "tingkat": level_label(entry.level), "url": url_for("pages.place", code=entry.code)}}


def wants_geojson() -> bool:
    """True when the client prefers GeoJSON (or JSON) to HTML, as linked-data clients following
    the dct:spatial IRI do; browsers get the page."""
    accept = request.accept_mimetypes
    best = accept.best_match(("text/html",) + GEOJSON_TYPES)
    return best in GEOJSON_TYPES and accept[best] > accept["text/html"]


def ancestors(entry: PlaceEntry) -> list[PlaceEntry]:
    index, found = release_places(g.release), []
    parent = index.place(entry.parent)
    while parent is not None and parent not in found:
        found.insert(0, parent)
        parent = index.place(parent.parent)
    return found


def drawing(entry: PlaceEntry) -> dict | None:
    """The outline map as SVG path data: the area, the areas inside it and its neighbours, framed on
    the area and its neighbours; the city's outline as the base layer."""
    catalog, index = g.release.catalog, release_places(g.release)
    outline = catalog.place(entry.code)
    if outline is None:
        return None

    def shapes(codes: list[str]) -> list[tuple[PlaceEntry, dict]]:
        return [(index.place(c), catalog.place(c).geometry) for c in codes if catalog.place(c) and index.place(c)]

    neighbours, children = shapes(entry.neighbours), shapes(entry.children)
    projection = Projection.fit(padded(bounds([outline.geometry] + [geometry for _, geometry in neighbours]), 0.02),
                                width=MAP_WIDTH)
    city = next((p for p in index.of_level("kota")), None)
    base = catalog.place(city.code) if city and city.code != entry.code else None
    labels = [(n.name, projection.point(*label_point(n, catalog))) for n, _ in neighbours]
    return {
        "view_box": projection.view_box,
        "base": projection.path(base.geometry) if base else "",
        "place": projection.path(outline.geometry),
        "centre": projection.point(*label_point(entry, catalog)),
        "neighbours": [(n, projection.path(geometry)) for n, geometry in neighbours],
        "children": [(c, projection.path(geometry)) for c, geometry in children],
        "labels": apart(labels, [(entry.name, projection.point(*label_point(entry, catalog)))] if not children else []),
    }


def label_point(entry: PlaceEntry, catalog) -> list[float]:
    return entry.label_point or catalog.place(entry.code).centroid


def apart(labels: list[tuple[str, tuple[float, float]]], taken: list[tuple[str, tuple[float, float]]],
          size: float = LABEL_SIZE) -> list[tuple[str, tuple[float, float]]]:
    """The labels that do not overlap one already placed (their boxes estimated from the text's length),
    so a crowded corner of the map keeps its first names rather than an unreadable heap."""
    def box(label):
        name, (x, y) = label
        half = len(name) * size * 0.3
        return x - half, y - size, x + half, y + size * 0.3

    kept, boxes = [], [box(label) for label in taken]
    for label in labels:
        b = box(label)
        if not any(b[0] < o[2] and o[0] < b[2] and b[1] < o[3] and o[1] < b[3] for o in boxes):
            kept.append(label)
            boxes.append(b)
    return kept


@blueprint.app_template_global()
def place_rows_links(rows, code: str) -> dict:
    """Links to a place's rows of one table: Datasette's table filtered to it, and the same as SQL."""
    if rows.match == WITHIN:
        filtered = table_url(rows.table, "?" + urlencode({f"{rows.column}__startswith": code + "."}))
        sql = f'select * from "{rows.table}" where "{rows.column}" like :kode || \'.%\''
    else:
        filtered = table_url(rows.table, "?" + urlencode({rows.column: code}))
        sql = f'select * from "{rows.table}" where "{rows.column}" = :kode'
    query = f"{SQL_PREFIX}/{DATABASE_NAME}?" + urlencode({"sql": sql, "kode": code})
    return {"table": scoped_path(g.release.id, filtered), "sql": scoped_path(g.release.id, query)}
