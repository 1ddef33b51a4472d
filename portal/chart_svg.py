"""Charts drawn on the server as SVG: no JavaScript, tiny, readable by screen readers
(role="img" with a title and a description), with the data table beside them.

Each chart is drawn three times: LARGE for desktop screens, WIDE for tablets and small windows and
NARROW for phones, where bar labels sit above their bars. An SVG scales its text with it, so one drawing
cannot be readable everywhere: 640 units at 375 px made 5 px labels, and capped at 640 px it filled 60 %
of its card at 1280 px. CSS shows one; ``standalone`` gives a file of its own (downloads), styles inside.
"""

from __future__ import annotations

import math
from typing import Callable

from markupsafe import Markup, escape

from .catalog import ChartInfo

LARGE, WIDE, NARROW = 960, 640, 340
FONT = 12  # at NARROW this is ≥ 11 px on a 375 px phone
BAR_HEIGHT = 22
LINE_HEIGHT = 260
MARGIN = 12
STANDALONE_STYLE = (".bar{fill:#1f5f99}.line{fill:none;stroke:#1f5f99;stroke-width:2}.dot{fill:#143f66}"
                    ".axis{stroke:#8a95a3;stroke-width:1}.grid{stroke:#e3e7ec;stroke-width:1}"
                    "text{font-size:12px;fill:#1b2430;font-family:'DejaVu Sans',Arial,sans-serif}"
                    ".title{font-size:14px;font-weight:bold}")


def render_chart(chart: ChartInfo, chart_id: str, title: str, description: str,
                 number: Callable[[object], str], width: int = WIDE, standalone: bool = False) -> Markup:
    body = _bars(chart, number, width) if chart.kind == "bar" else _line(chart, number, width)
    height = _height(chart, width)
    top = 0
    extra = ""
    if standalone:  # a file alone carries its title and styles; on a page the figcaption is the title
        top = 28
        extra = (f'<style>{STANDALONE_STYLE}</style><rect width="100%" height="100%" fill="#ffffff"/>'
                 f'<text x="{MARGIN}" y="20" class="title">{escape(title)}</text>')
    size = f'width="{width}" height="{height + top}" ' if standalone else ""
    variant = "large" if width >= LARGE else "wide" if width >= WIDE else "narrow"
    return Markup(
        f'<svg class="chart chart-{chart.kind} chart-{variant}" role="img" viewBox="0 0 {width} {height + top}" {size}'
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" data-points="{len(chart.points)}" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>'
        f'{extra}<g transform="translate(0 {top})">{body}</g></svg>')


def _height(chart: ChartInfo, width: int) -> int:
    if chart.kind != "bar":
        return LINE_HEIGHT
    return len(chart.points) * _bar_row(width) + 2 * MARGIN


def _bar_row(width: int) -> int:
    return BAR_HEIGHT if width >= WIDE else BAR_HEIGHT + FONT + 4  # narrow: the label above the bar


def _values(chart: ChartInfo) -> list[float]:
    return [float(v or 0) for _, v in chart.points]


def nice_ticks(high: float, integers: bool, most: int = 5) -> list[float]:
    """0 and round steps (1, 2 or 5 × 10^n) up to at least ``high``; whole numbers only for counts."""
    if high <= 0:
        return [0.0, 1.0]
    rough = high / most
    magnitude = 10 ** math.floor(math.log10(rough))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= rough)
    if integers:
        step = max(1.0, math.ceil(step))
    return [i * step for i in range(int(math.ceil(high / step - 1e-9)) + 1)]


def _bars(chart: ChartInfo, number, width: int) -> str:
    top = max(_values(chart) + [0]) or 1
    narrow = width < WIDE
    label_width = 0 if narrow else 170
    longest_value = max((len(number(value)) for _, value in chart.points), default=1)
    span = width - label_width - MARGIN - 8 - longest_value * FONT * 0.62  # room for the value after the bar
    row = _bar_row(width)
    parts = []
    for i, (label, value) in enumerate(chart.points):
        y = MARGIN + i * row
        bar_width = max(1.0, span * float(value or 0) / top)
        limit = 44 if narrow else 24
        short = label if len(label) <= limit else label[:limit - 1] + "…"
        if narrow:
            parts.append(f'<text x="{MARGIN}" y="{y + FONT}" class="label">{escape(short)}</text>')
            y += FONT + 4
            x = MARGIN
        else:
            parts.append(f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end" class="label">{escape(short)}</text>')
            x = label_width
        parts.append(
            f'<rect x="{x}" y="{y + 3}" width="{bar_width:.1f}" height="{BAR_HEIGHT - 6}" class="bar"/>'
            f'<text x="{x + bar_width + 5:.1f}" y="{y + 15}" class="value">{escape(number(value))}</text>')
    return "".join(parts)


def _x_labels(count: int, plot_width: float, longest: int) -> list[int]:
    """Which points get a label under the axis: every one on short series (each year of a 6-year
    series), else evenly spaced ones as many as fit, always the first and the last."""
    room = max(2, int(plot_width // (longest * FONT * 0.62 + 12)))
    if count <= room:
        return list(range(count))
    step = math.ceil((count - 1) / (room - 1))
    chosen = list(range(0, count, step))
    if count - 1 - chosen[-1] < step:  # closer than one step: the last label replaces it, never overlaps it
        chosen[-1] = count - 1
    else:
        chosen.append(count - 1)
    return chosen


def _line(chart: ChartInfo, number, width: int) -> str:
    values = _values(chart)
    integers = chart.aggregate == "count" or all(float(v).is_integer() for v in values)
    low = min(values + [0])
    ticks = nice_ticks(max(values + [0]), integers) if low >= 0 else [low, (low + max(values)) / 2, max(values)]
    low, high = ticks[0], ticks[-1]
    span = (high - low) or 1
    left, right, top, bottom = (70 if width >= WIDE else 56), width - MARGIN - 10, MARGIN + 8, LINE_HEIGHT - 34
    step = (right - left) / max(1, len(values) - 1)

    def y_of(value: float) -> float:
        return bottom - (value - low) / span * (bottom - top)

    parts = []
    for value in ticks:
        parts.append(f'<line x1="{left}" y1="{y_of(value):.1f}" x2="{right}" y2="{y_of(value):.1f}" class="grid"/>'
                     f'<text x="{left - 6}" y="{y_of(value) + 4:.1f}" text-anchor="end" class="label">'
                     f'{escape(number(int(value) if integers else round(value, 2)))}</text>')
    parts += [f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" class="axis"/>',
              f'<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" class="axis"/>']
    labelled = _x_labels(len(values), right - left, max((len(str(p[0])) for p in chart.points), default=1))
    for i in labelled:
        anchor = "middle" if len(values) > 1 and 0 < i < len(values) - 1 else "start" if i == 0 else "end"
        if len(values) == 1:
            anchor = "start"
        parts.append(f'<text x="{left + i * step:.1f}" y="{bottom + 20}" text-anchor="{anchor}" class="label">'
                     f'{escape(chart.points[i][0])}</text>')
    points = " ".join(f"{left + i * step:.1f},{y_of(v):.1f}" for i, v in enumerate(values))
    parts.append(f'<polyline points="{points}" class="line"/>')
    if len(values) <= 40:
        parts += [f'<circle cx="{left + i * step:.1f}" cy="{y_of(v):.1f}" r="3" class="dot"/>'
                  for i, v in enumerate(values)]
    return "".join(parts)
