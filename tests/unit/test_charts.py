"""Server-drawn charts are honest: bars start at zero on one scale per chart, every series is
drawn and named in a legend, and each figure is printed on its bar and in the description."""

from __future__ import annotations

import re

from shared.web.charts import LABEL_W, bar_chart, grouped_bar_chart

STAGES = ["Invited", "Requested", "Approved", "Left"]


def bars(svg: str) -> list[tuple[str, int, int]]:
    """(class, x, width) of every bar, in drawing order."""
    found = re.findall(r'<rect class="(bar[^"]*)" x="(\d+)" y="[\d.]+" width="(\d+)" height', svg)
    return [(c, int(x), int(w)) for c, x, w in found]


def test_grouped_bars_start_at_zero_on_one_scale_for_every_group() -> None:
    svg = str(
        grouped_bar_chart(
            "Funnel by region",
            STAGES,
            [("Uusimaa", [40, 20, 10, 0]), ("Pirkanmaa", [10, 5, 5, 1])],
        )
    )
    drawn = [b for b in bars(svg) if b[1] == LABEL_W]  # the legend's swatches sit elsewhere
    assert len(drawn) == 8  # every stage of every group
    assert {x for _, x, _ in drawn} == {LABEL_W}  # all from the zero line
    widths = [w for _, _, w in drawn]
    longest = widths[0]
    # One scale: 10 is a quarter of 40 in either group, 0 draws nothing.
    assert widths[2] * 4 == longest and widths[4] * 4 == longest and widths[3] == 0
    assert widths[7] == round(longest / 40)
    # The scale is drawn and starts at 0.
    assert '<text class="scale"' in svg and ">0</text>" in svg and ">40</text>" in svg


def test_the_legend_names_every_series_in_its_colour_and_figures_are_printed() -> None:
    svg = str(grouped_bar_chart("Funnel", STAGES, [("All", [3, 2, 1, 0])]))
    for i, stage in enumerate(STAGES):
        assert re.search(rf'<rect class="bar s{i}"[^>]*/><text[^>]*>{stage}</text>', svg)
        assert svg.count(f'class="bar s{i}"') == 2  # swatch and bar
    printed = re.findall(r"<text x=\"\d+\" y=\"[\d.]+\">(\d+)</text>", svg)
    assert printed == ["3", "2", "1", "0"]
    assert "All: Invited 3, Requested 2, Approved 1, Left 0" in svg
    assert 'role="img"' in svg and "<title" in svg


def test_an_empty_chart_draws_no_bars_and_no_made_up_scale() -> None:
    svg = str(grouped_bar_chart("Funnel", STAGES, [("All", [0, 0, 0, 0])]))
    assert [w for _, x, w in bars(svg) if x == LABEL_W] == [0, 0, 0, 0]
    assert svg.count('<text class="scale"') == 1  # just the zero


def test_long_group_labels_break_onto_two_lines_and_text_is_escaped() -> None:
    svg = str(grouped_bar_chart("<b>", ["A"], [("Wellbeing services county", [1])]))
    assert ">Wellbeing</text>" in svg and ">services county</text>" in svg
    assert "<b>" not in svg and "&lt;b&gt;" in svg


def test_plain_bars_start_at_zero_too() -> None:
    svg = str(bar_chart("Approved", [("A", 4), ("B", 2)]))
    assert [(x, w) for _, x, w in bars(svg)] == [(LABEL_W, 160), (LABEL_W, 80)]
