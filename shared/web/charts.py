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
