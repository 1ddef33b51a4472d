"""Choropleth maps drawn on the server as SVG: role="img" with a title and a description, a legend of
class ranges, each area's name and value as a tooltip; the data table sits beside it on the page.

Like charts (chart_svg.py) each map is drawn twice: WIDE, the legend right of the map, and NARROW
for phones, the legend under it, so that text stays about 12 px at either size. Colours are
ColorBrewer's YlGnBu: safe for colour-blind readers, and light to dark also in grey on paper;
areas without data are hatched, never a colour of the scale.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from .areas import Area

WIDE, NARROW = 720, 340
FONT = 12
MAP_HEIGHT = {WIDE: 500, NARROW: 360}
LEGEND_ROW = 20
# ColorBrewer YlGnBu (Cynthia Brewer, colorbrewer2.org), by number of classes.
PALETTES = {
    1: ["#41b6c4"],
    2: ["#a1dab4", "#2c7fb8"],
    3: ["#edf8b1", "#7fcdbb", "#2c7fb8"],
    4: ["#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"],
    5: ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"],
    6: ["#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"],
    7: ["#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"],
}
NO_DATA = "url(#no-data)"
# A downloaded file's styles; on a page portal.css styles the same classes (the CSP allows no inline styles).
STYLE = ("text{font-family:'DejaVu Sans',Arial,sans-serif;fill:#1b2430}"
         ".area{stroke:#6b7785;stroke-width:.5;stroke-linejoin:round}"
         ".area-major{stroke:#1b2430;stroke-width:1.4}.outline{fill:none;stroke:#1b2430;stroke-width:1.6;stroke-linejoin:round}"
         ".city{fill:none;stroke:#1b2430;stroke-width:2.4;stroke-linejoin:round}"
         ".place{font-size:11px;font-weight:bold;letter-spacing:.04em;paint-order:stroke;stroke:#fff;"
         "stroke-width:3px;stroke-linejoin:round}"
         ".place-value{font-size:11px;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}"
         ".swatch{stroke:#6b7785;stroke-width:.75}.legend{font-size:12px}.legend-head{font-size:12px;font-weight:bold}"
         ".title{font-size:15px;font-weight:bold}.note{font-size:10px;fill:#4a5563}")


def palette(classes: int) -> list[str]:
    return PALETTES[max(1, min(classes, 7))]


def class_of(value, breaks: list[float]) -> int | None:
    """The class of a value (0 = lowest), None without a value: class i runs up to breaks[i + 1]."""
    if value is None or len(breaks) < 2:
        return None
    return next((i for i, edge in enumerate(breaks[1:]) if value <= edge), len(breaks) - 2)


@dataclass
class MapDrawing:
    """What a map shows, in the page's language; map_view (views/maps.py) fills it in."""

    title: str
    description: str
    legend_heading: str
    areas: list[tuple[Area, int | None, str]]  # area, class (None: no data), tooltip "name: value"
    outlines: list[Area]  # drawn over the areas: kecamatan, then the city
    labels: list[tuple[list[str], tuple[float, float]]]  # lines of text at a longitude/latitude
    legend: list[tuple[str, str]]  # (fill, text), lowest class first, then no data
    note: str = ""  # the source line of a downloaded file
    classes: int = 0
    extra: dict = field(default_factory=dict)


class Projection:
    """Longitude/latitude to SVG units: plate carrée with longitudes shortened by cos(latitude),
    true enough for a city; north up, fitted in width × height."""

    def __init__(self, areas: list[Area], width: float, height: float, left: float = 0, top: float = 0):
        points = [p for area in areas for polygon in area.polygons for p in polygon[0]] or [[0, 0], [1, 1]]
        self.west, self.east = min(p[0] for p in points), max(p[0] for p in points)
        self.south, self.north = min(p[1] for p in points), max(p[1] for p in points)
        self.squeeze = math.cos(math.radians((self.south + self.north) / 2))
        span_x = max(1e-9, (self.east - self.west) * self.squeeze)
        span_y = max(1e-9, self.north - self.south)
        self.scale = min(width / span_x, height / span_y)
        self.left = left + (width - span_x * self.scale) / 2
        self.top = top + (height - span_y * self.scale) / 2
        self.width, self.height = span_x * self.scale, span_y * self.scale

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (self.left + (lon - self.west) * self.squeeze * self.scale, self.top + (self.north - lat) * self.scale)

    def path(self, area: Area) -> str:
        """SVG path data in tenths of a unit, each point relative to the one before (a third of the bytes
        of absolute coordinates); differences of rounded points, so nothing drifts."""
        parts = []
        for polygon in area.polygons:
            for ring in polygon:
                xy = [(round(x * 10), round(y * 10)) for x, y in (self(*point) for point in ring)]
                steps = [_pair(x1 - x0, y1 - y0) for (x0, y0), (x1, y1) in zip(xy, xy[1:]) if (x1, y1) != (x0, y0)]
                parts.append("M" + _pair(*xy[0]).lstrip() + "l" + "".join(steps).lstrip() + "z")
        return "".join(parts)


def _pair(x: int, y: int) -> str:
    """A pair of tenths as SVG path text: " 1.2-.3"; a minus sign separates numbers by itself."""
    return ("" if x < 0 else " ") + _tenths(x) + ("" if y < 0 else ",") + _tenths(y)


def _tenths(value: int) -> str:
    """An integer number of tenths as text: 12 → 1.2, -3 → -.3, 10 → 1."""
    whole, tenth = divmod(abs(value), 10)
    text = (str(whole) if whole else "") + (f".{tenth}" if tenth else "")
    return ("-" if value < 0 else "") + (text or "0")


def render_map(drawing: MapDrawing, map_id: str, width: int = WIDE, standalone: bool = False) -> Markup:
    narrow = width < WIDE
    titles = textwrap.wrap(drawing.title, int((width - 16) / 9.5)) if standalone else []
    top = 14 + 20 * len(titles) if standalone else 4
    map_width = width - 8 if narrow else 470
    map_height = MAP_HEIGHT[NARROW if narrow else WIDE]
    project = Projection([area for area, _, _ in drawing.areas], map_width, map_height, 4, top)
    colours = palette(drawing.classes)
    parts = [f'<defs><pattern id="{map_id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
             f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
             f'<line x1="0" y1="0" x2="0" y2="6" stroke="#9aa4af" stroke-width="1.5"/></pattern></defs>']
    for area, klass, tooltip in drawing.areas:
        fill = colours[klass] if klass is not None else f"url(#{map_id}-hatch)"
        css = "area area-major" if area.level == "kecamatan" else "area"
        parts.append(f'<path class="{css}" d="{project.path(area)}" fill="{fill}" fill-rule="evenodd" '
                     f'data-code="{escape(area.code)}"><title>{escape(tooltip)}</title></path>')
    for outline in drawing.outlines:
        kind = "city" if outline.level == "kota" else "outline"
        parts.append(f'<path class="{kind}" d="{project.path(outline)}"/>')
    for lines, (lon, lat) in drawing.labels:
        x, y = project(lon, lat)
        y -= (len(lines) - 1) * (FONT + 1) / 2
        for i, line in enumerate(lines):
            css = "place" if i == 0 else "place-value"
            parts.append(f'<text x="{x:.1f}" y="{y + i * (FONT + 1) + 4:.1f}" text-anchor="middle" class="{css}">'
                         f'{escape(line)}</text>')
    legend_x, legend_y = (8, top + project.height + 22) if narrow else (map_width + 24, top + 30)
    parts.append(_legend(drawing, legend_x, legend_y, colours, map_id, width - legend_x - 8))
    legend_bottom = legend_y + (len(legend_heading(drawing, width - legend_x - 8)) - 1) * (FONT + 3) \
        + LEGEND_ROW * (len(drawing.legend) + 1)
    height = int(legend_bottom + 4 if narrow else max(top + project.height, legend_bottom) + 8)
    extra = ""
    if standalone:  # a file alone carries its styles, title and source line
        lines = textwrap.wrap(drawing.note, int((width - 16) / 6.2)) or [""]
        height += 14 + 14 * len(lines)
        extra = (f'<style>{STYLE}</style><rect width="100%" height="100%" fill="#ffffff"/>'
                 + "".join(f'<text x="8" y="{22 + 20 * i}" class="title">{escape(line)}</text>'
                           for i, line in enumerate(titles)))
        parts += [f'<text x="8" y="{height - 8 - 14 * (len(lines) - 1 - i)}" class="note">{escape(line)}</text>'
                  for i, line in enumerate(lines)]
    size = f'width="{width}" height="{height}" ' if standalone else ""
    variant = "narrow" if narrow else "wide"
    return Markup(
        f'<svg class="choropleth choropleth-{variant}" role="img" viewBox="0 0 {width} {height}" {size}'
        f'aria-labelledby="{map_id}-title {map_id}-desc" data-areas="{len(drawing.areas)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="{map_id}-title">{escape(drawing.title)}</title>'
        f'<desc id="{map_id}-desc">{escape(drawing.description)}</desc>{extra}'
        + "".join(parts) + "</svg>")


def legend_heading(drawing: MapDrawing, room: float) -> list[str]:
    """The legend's heading in at most two lines that fit ``room`` units."""
    lines = textwrap.wrap(drawing.legend_heading, max(12, int(room / (FONT * 0.62)))) or [""]
    return lines[:1] + [textwrap.shorten(" ".join(lines[1:]), max(12, int(room / (FONT * 0.62))), placeholder="…")] \
        if len(lines) > 1 else lines


def _legend(drawing: MapDrawing, x: float, y: float, colours: list[str], map_id: str, room: float) -> str:
    heading = legend_heading(drawing, room)
    parts = ['<g class="legend-box">'] + [f'<text x="{x}" y="{y + i * (FONT + 3)}" class="legend-head">{escape(line)}</text>'
                                          for i, line in enumerate(heading)]
    y += (len(heading) - 1) * (FONT + 3)
    for i, (fill, text) in enumerate(drawing.legend):
        row = y + 10 + i * LEGEND_ROW
        fill = f"url(#{map_id}-hatch)" if fill == NO_DATA else fill
        parts.append(f'<rect x="{x}" y="{row}" width="22" height="14" class="swatch" fill="{fill}"/>'
                     f'<text x="{x + 30}" y="{row + 11}" class="legend">{escape(text)}</text>')
    return "".join(parts) + "</g>"
