"""Accessible SVG charts drawn on the server: no JavaScript, figures in <desc> too.

Each chart is `role="img"` with a <title> and a <desc> that lists every figure; the pages put
the same figures in a table beside the chart, so nothing is only visible as a shape.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

Label = str
Formatter = Callable[[int], str]
# Drawn narrow (360 units) and never shown wider than 1.5 times that (site.css), so its 13-unit
# text is read at 12 px or more down to a 343 px wide chart (a 375 px phone) and never huge.
WIDTH, BAR_HEIGHT, GAP, LABEL_W = 360, 22, 8, 150


def _frame(title: str, desc: str, width: int, height: int, body: str) -> Markup:
    ident = uuid.uuid4().hex[:8]
    # Every caller-given text below goes through escape(); the rest are numbers.
    return Markup(  # noqa: S704
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" aria-labelledby="t{ident} d{ident}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="t{ident}">{escape(title)}</title><desc id="d{ident}">{escape(desc)}</desc>'
        f"{body}</svg>"
    )


def describe(items: Sequence[tuple[Label, int]], fmt: Formatter = str) -> str:
    return "; ".join(f"{label}: {fmt(value)}" for label, value in items)


def bar_chart(title: str, items: Sequence[tuple[Label, int]], *, fmt: Formatter = str) -> Markup:
    """Horizontal bars, one per item, labelled with the label and the figure."""
    top = max((v for _, v in items), default=0) or 1
    room = WIDTH - LABEL_W - 50
    parts: list[str] = []
    for i, (label, value) in enumerate(items):
        y = i * (BAR_HEIGHT + GAP)
        width = round(room * value / top)
        parts.append(
            f'<text x="{LABEL_W - 6}" y="{y + 16}" text-anchor="end">{escape(label)}</text>'
            f'<rect class="bar" x="{LABEL_W}" y="{y}" width="{width}" height="{BAR_HEIGHT}"/>'
            f'<text x="{LABEL_W + width + 6}" y="{y + 16}">{escape(fmt(value))}</text>'
        )
    height = max(1, len(items)) * (BAR_HEIGHT + GAP)
    return _frame(title, describe(items, fmt), WIDTH, height, "".join(parts))


def line_chart(title: str, points: Sequence[tuple[Label, int]], *, fmt: Formatter = str) -> Markup:
    """One line over labelled points (months, say), the first and last labels on the axis."""
    height, pad = 200, 30
    top = max((v for _, v in points), default=0) or 1
    step = (WIDTH - 2 * pad) / max(1, len(points) - 1)

    def xy(i: int, value: int) -> tuple[float, float]:
        return pad + i * step, height - pad - (height - 2 * pad) * value / top

    coords = [xy(i, v) for i, (_, v) in enumerate(points)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3"/>' for x, y in coords)
    base = height - pad
    axis = f'<line class="axis" x1="{pad}" y1="{base}" x2="{WIDTH - pad}" y2="{base}"/>'
    labels = ""
    if points:
        labels = (
            f'<text x="{pad}" y="{height - 12}">{escape(points[0][0])}</text>'
            f'<text x="{WIDTH - pad}" y="{height - 12}" text-anchor="end">'
            f"{escape(points[-1][0])}</text>"
            f'<text x="{pad}" y="{pad - 10}">{escape(fmt(top))}</text>'
        )
    body = f'{axis}<polyline class="line" fill="none" points="{path}"/>{dots}{labels}'
    return _frame(title, describe(points, fmt), WIDTH, height, body)


# Grouped bars: the series' bars of one group sit together (a bar each), a legend above.
SERIES_BAR, SERIES_GAP, GROUP_GAP, LEGEND_ROW, AXIS_H = 12, 2, 12, 20, 22


def _label_lines(label: str, limit: int = 20) -> list[str]:
    """A long group label on two lines, broken at the space nearest the middle."""
    if len(label) <= limit or " " not in label:
        return [label]
    spaces = [i for i, c in enumerate(label) if c == " "]
    cut = min(spaces, key=lambda i: abs(i - len(label) / 2))
    return [label[:cut], label[cut + 1 :]]


def grouped_bar_chart(
    title: str,
    series: Sequence[Label],
    groups: Sequence[tuple[Label, Sequence[int]]],
    *,
    fmt: Formatter = str,
) -> Markup:
    """Horizontal bars, one per series in each group, with a legend naming the series.

    Honest by construction: every bar starts at zero, one scale serves all groups (the largest
    value of the chart), the scale is drawn below (0 and the largest value), and each bar has
    its figure printed at its end. Bar `i` of a group has the class `s{i}` (site.css colours).
    """
    n = max(1, len(series))
    top = max((max(values, default=0) for _, values in groups), default=0)
    scale = top or 1
    room = WIDTH - LABEL_W - 50
    parts: list[str] = []
    per_row = 2
    legend_h = -(-len(series) // per_row) * LEGEND_ROW
    for i, name in enumerate(series):
        x = (i % per_row) * (WIDTH // per_row)
        y = (i // per_row) * LEGEND_ROW
        parts.append(
            f'<rect class="bar s{i}" x="{x}" y="{y + 3}" width="12" height="12"/>'
            f'<text x="{x + 18}" y="{y + 14}">{escape(name)}</text>'
        )
    group_h = n * (SERIES_BAR + SERIES_GAP) - SERIES_GAP
    y0 = legend_h + 8
    for g, (label, values) in enumerate(groups):
        gy = y0 + g * (group_h + GROUP_GAP)
        lines = _label_lines(label)
        first = gy + group_h / 2 + 4 - (len(lines) - 1) * 7
        for k, line in enumerate(lines):
            parts.append(
                f'<text x="{LABEL_W - 6}" y="{first + k * 14:.0f}" text-anchor="end">'
                f"{escape(line)}</text>"
            )
        for i, value in enumerate(values):
            y = gy + i * (SERIES_BAR + SERIES_GAP)
            width = round(room * max(0, value) / scale)
            parts.append(
                f'<rect class="bar s{i}" x="{LABEL_W}" y="{y}" width="{width}" '
                f'height="{SERIES_BAR}"/>'
                f'<text x="{LABEL_W + width + 4}" y="{y + SERIES_BAR - 2}">'
                f"{escape(fmt(value))}</text>"
            )
    bottom = y0 + max(1, len(groups)) * (group_h + GROUP_GAP) - GROUP_GAP + 4
    parts.append(
        f'<line class="axis" x1="{LABEL_W}" y1="{y0 - 4}" x2="{LABEL_W}" y2="{bottom}"/>'
        f'<line class="axis" x1="{LABEL_W}" y1="{bottom}" x2="{LABEL_W + room}" y2="{bottom}"/>'
        f'<line class="axis" x1="{LABEL_W + room}" y1="{bottom}" x2="{LABEL_W + room}" '
        f'y2="{bottom + 4}"/>'
        f'<text class="scale" x="{LABEL_W}" y="{bottom + 16}" text-anchor="middle">'
        f"{escape(fmt(0))}</text>"
    )
    if top:
        parts.append(
            f'<text class="scale" x="{LABEL_W + room}" y="{bottom + 16}" text-anchor="middle">'
            f"{escape(fmt(top))}</text>"
        )
    desc = "; ".join(
        f"{label}: " + ", ".join(f"{s} {fmt(v)}" for s, v in zip(series, values, strict=False))
        for label, values in groups
    )
    return _frame(title, desc, WIDTH, bottom + AXIS_H, "".join(parts))
