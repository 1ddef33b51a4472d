"""Charts drawn on the server as SVG: no JavaScript, tiny, readable by screen readers
(role="img" with a title and a description), with the data table beside them."""

from __future__ import annotations

from typing import Callable

from markupsafe import Markup, escape

from .catalog import ChartInfo

WIDTH = 640
LABEL_WIDTH = 170
BAR_HEIGHT = 22
LINE_HEIGHT = 260
MARGIN = 12


def render_chart(chart: ChartInfo, chart_id: str, title: str, description: str,
                 number: Callable[[object], str]) -> Markup:
    body = _bars(chart, number) if chart.kind == "bar" else _line(chart, number)
    height = _height(chart)
    return Markup(
        f'<svg class="chart chart-{chart.kind}" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" data-points="{len(chart.points)}" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>'
        f'{body}</svg>')


def _height(chart: ChartInfo) -> int:
    return len(chart.points) * BAR_HEIGHT + 2 * MARGIN if chart.kind == "bar" else LINE_HEIGHT


def _values(chart: ChartInfo) -> list[float]:
    return [float(v or 0) for _, v in chart.points]


def _bars(chart: ChartInfo, number) -> str:
    top = max(_values(chart) + [0]) or 1
    span = WIDTH - LABEL_WIDTH - 90
    parts = []
    for i, (label, value) in enumerate(chart.points):
        y = MARGIN + i * BAR_HEIGHT
        width = max(1.0, span * float(value or 0) / top)
        short = label if len(label) <= 24 else label[:23] + "…"
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 15}" text-anchor="end" class="label">{escape(short)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{width:.1f}" height="{BAR_HEIGHT - 6}" class="bar"/>'
            f'<text x="{LABEL_WIDTH + width + 5:.1f}" y="{y + 15}" class="value">{escape(number(value))}</text>')
    return "".join(parts)


def _line(chart: ChartInfo, number) -> str:
    values = _values(chart)
    low, high = min(values + [0]), max(values + [0])
    span = (high - low) or 1
    left, right, top, bottom = 70, WIDTH - MARGIN, MARGIN + 8, LINE_HEIGHT - 34
    step = (right - left) / max(1, len(values) - 1)

    def y_of(value: float) -> float:
        return bottom - (value - low) / span * (bottom - top)

    points = " ".join(f"{left + i * step:.1f},{y_of(v):.1f}" for i, v in enumerate(values))
    parts = [f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" class="axis"/>',
             f'<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" class="axis"/>']
    for value in (low, (low + high) / 2, high):
        parts.append(f'<text x="{left - 6}" y="{y_of(value) + 4:.1f}" text-anchor="end" class="label">'
                     f'{escape(number(round(value, 2)))}</text>')
    for i in sorted({0, len(values) // 2, len(values) - 1}):
        anchor = "start" if i == 0 else "end" if i == len(values) - 1 else "middle"
        parts.append(f'<text x="{left + i * step:.1f}" y="{bottom + 20}" text-anchor="{anchor}" class="label">'
                     f'{escape(chart.points[i][0])}</text>')
    parts.append(f'<polyline points="{points}" class="line"/>')
    if len(values) <= 40:
        parts += [f'<circle cx="{left + i * step:.1f}" cy="{y_of(v):.1f}" r="3" class="dot"/>'
                  for i, v in enumerate(values)]
    return "".join(parts)
