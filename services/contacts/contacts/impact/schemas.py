"""The impact chain's API models."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from contacts.impact import domain
from contacts.impact.service import ImpactView


class TargetIn(BaseModel):
    # A count (at most a billion) or a per cent (at most 100: checked per indicator).
    target: Annotated[float, Field(ge=0, le=1_000_000_000)]


class TargetOut(BaseModel):
    indicator: str
    year: int
    target: float


class FigureOut(BaseModel):
    value: float
    numerator: int | None
    denominator: int | None

    @staticmethod
    def of(figure: domain.Figure | None) -> FigureOut | None:
        if figure is None:
            return None
        return FigureOut(
            value=figure.value, numerator=figure.numerator, denominator=figure.denominator
        )


class LagOut(BaseModel):
    kind: str
    code: str
    value: float


class IndicatorOut(BaseModel):
    key: str
    stage: str
    label: str
    unit: str
    counted: bool
    year: FigureOut | None
    months: list[FigureOut | None]
    target: float | None
    progress: float | None
    trend: str
    lagging: list[LagOut]


class ImpactOut(BaseModel):
    year: int
    months: list[str]
    indicators: list[IndicatorOut]

    @staticmethod
    def of(view: ImpactView) -> ImpactOut:
        return ImpactOut(
            year=view.year,
            months=[m.isoformat() for m in view.months],
            indicators=[
                IndicatorOut(
                    key=row.indicator.key,
                    stage=row.indicator.stage,
                    label=row.indicator.label,
                    unit=row.indicator.unit,
                    counted=row.indicator.counted,
                    year=FigureOut.of(row.year),
                    months=[FigureOut.of(f) for f in row.months],
                    target=row.target,
                    progress=row.progress,
                    trend=row.trend,
                    lagging=[
                        LagOut(kind=g.kind, code=g.code, value=g.figure.value) for g in row.lagging
                    ],
                )
                for row in view.rows()
            ],
        )
