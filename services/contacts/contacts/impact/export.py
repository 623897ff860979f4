"""The impact view as a workbook (the programme's annual reporting): one sheet per year."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

from openpyxl import Workbook

from contacts.impact import domain
from contacts.impact.service import ImpactView

Gettext = Callable[[str], str]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _number(ind: domain.Indicator, figure: domain.Figure | None) -> float | None:
    if figure is None:
        return None
    value = domain.shown(ind, figure.value)
    return round(value, 1) if ind.unit == "percent" else round(value)


def workbook(
    view: ImpactView,
    *,
    gettext: Gettext,
    month_label: Callable[[date], str],
    part_name: Callable[[str, str], str],
) -> bytes:
    """Indicators (stage, name, unit, the year's figure, target, progress, lagging parts) and
    each month's figure; every text a person reads in the staff language, numbers as numbers."""
    _ = gettext
    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(view.year))
    sheet.append(
        [
            _("Stage"),
            _("Indicator"),
            _("Unit"),
            _("Value"),
            _("Yearly target"),
            _("Progress"),
            _("Lagging regions and types"),
            *[month_label(m) for m in view.months],
        ]
    )
    for row in view.rows():
        ind = row.indicator
        lag = ", ".join(part_name(lag.kind, lag.code) for lag in row.lagging)
        sheet.append(
            [
                _(domain.STAGE_LABELS[ind.stage]),
                _(ind.label),
                _("per cent") if ind.unit == "percent" else _("count"),
                _number(ind, row.year) if ind.counted else _("Not yet counted"),
                row.target,
                round(row.progress * 100, 1) if row.progress is not None else None,
                lag,
                *[_number(ind, f) for f in row.months],
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
