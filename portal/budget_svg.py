"""Paired bars for the budget view: for each account, what was budgeted (light bar) and what was realised
(dark bar), drawn on the server as SVG like portal/chart_svg.py's charts (role="img" with a title and
a description; three drawings, one per screen width, the CSS shows one). A declared chart cannot say
this: it has one measure per bar, and a budget is read as the two side by side.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from .chart_svg import FONT, LARGE, MARGIN, NARROW, WIDE

BAR = 14  # each of the pair
GAP = 3
ROW_GAP = 14
CHAR = FONT * 0.62  # the width of one character of the labels, as chart_svg.py reckons it


@dataclass
class Pair:
    label: str
    budget: float
    actual: float
    budget_text: str  # "Rp 1,01 triliun"
    actual_text: str  # "Rp 807,33 miliar"
    rate_text: str  # "79,9 %"
    partial: bool = False  # realisation known to be incomplete: drawn apart, and the label says so


def render_pairs(pairs: list[Pair], chart_id: str, title: str, description: str, width: int = WIDE) -> Markup:
    narrow = width < WIDE
    label_width = 0 if narrow else (260 if width >= LARGE else 230)
    row = 2 * BAR + GAP + ROW_GAP + (FONT + 4 if narrow else 0)
    height = len(pairs) * row + 2 * MARGIN - ROW_GAP + 4
    # room after each bar for its value: "Rp 807,33 miliar · 79,9 %" (the rate moves to the label on phones)
    longest = max((len(p.actual_text) + (0 if narrow else len(p.rate_text) + 3) for p in pairs), default=8)
    longest = max([longest] + [len(p.budget_text) for p in pairs])
    span = max(40.0, width - label_width - 2 * MARGIN - 6 - longest * CHAR)
    top = max([p.budget for p in pairs] + [p.actual for p in pairs] + [0]) or 1
    parts = []
    for i, pair in enumerate(pairs):
        y = MARGIN + i * row
        label = short(pair.label + (" *" if pair.partial else ""), (width - 2 * MARGIN if narrow else label_width - 12) / CHAR)
        if narrow:
            parts.append(f'<text x="{MARGIN}" y="{y + FONT}" class="label">{escape(label)}'
                         f'<tspan class="rate"> · {escape(pair.rate_text)}</tspan></text>')
            y += FONT + 4
            x = MARGIN
        else:
            parts.append(f'<text x="{label_width - 6}" y="{y + BAR + 2}" text-anchor="end" class="label">'
                         f'{escape(label)}</text>')
            x = label_width
        actual_class = "bar-actual bar-partial" if pair.partial else "bar-actual"
        for offset, value, text, css in ((0, pair.budget, pair.budget_text, "bar-budget"),
                                         (BAR + GAP, pair.actual, pair.actual_text, actual_class)):
            bar = max(1.0, span * max(value, 0) / top)
            suffix = "" if narrow or css == "bar-budget" else f" · {pair.rate_text}"
            parts.append(f'<rect x="{x}" y="{y + offset}" width="{bar:.1f}" height="{BAR}" class="{css}"/>'
                         f'<text x="{x + bar + 5:.1f}" y="{y + offset + BAR - 3}" class="value">'
                         f'{escape(text + suffix)}</text>')
    variant = "large" if width >= LARGE else "wide" if width >= WIDE else "narrow"
    return Markup(
        f'<svg class="chart chart-pairs chart-{variant}" role="img" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" data-points="{len(pairs)}" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>'
        f'{"".join(parts)}</svg>')


def short(label: str, room: float) -> str:
    """The label, cut with an ellipsis when it would not fit (the table beside the chart has it whole)."""
    limit = max(4, int(room))
    return label if len(label) <= limit else label[:limit - 1] + "…"


def render_all(pairs: list[Pair], chart_id: str, title: str, description: str) -> Markup:
    """The three drawings of one chart (large, wide, narrow), for the CSS to show one."""
    return Markup("").join(render_pairs(pairs, f"{chart_id}-{suffix}", title, description, width)
                           for suffix, width in (("l", LARGE), ("w", WIDE), ("n", NARROW)))


__all__ = ["Pair", "render_pairs", "render_all", "NARROW", "WIDE", "LARGE"]
