"""The statistics section: every reported period, grouped by year, per unit, and as a chart.

Pure functions over (article URL, title, report): no Pelican, no Jinja. The chart is geometry
only (coordinates in the SVG's own units); ``components/results.html`` draws it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import groupby

from .model import Figures, Period, ResultsReport, Unit, _name_order


@dataclass(frozen=True)
class PeriodEntry:
    """One period as one article reported it."""

    url: str
    title: str
    report: ResultsReport

    @property
    def ky(self) -> Period:
        return self.report.ky


def period_entries(items: Iterable[tuple[str, str, ResultsReport]]) -> tuple[PeriodEntry, ...]:
    """Entries from (url, title, report), newest period first (by last day, then first day)."""
    entries = [PeriodEntry(url, title, report) for url, title, report in items]
    return tuple(sorted(entries, key=lambda e: (e.ky.den, e.ky.tu, e.url), reverse=True))


@dataclass(frozen=True)
class YearGroup:
    """The periods of one statistical year (1 October of the year before – 30 September)."""

    year: int
    entries: tuple[PeriodEntry, ...]

    @property
    def first_day(self) -> date:
        return date(self.year - 1, 10, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, 9, 30)


def group_by_year(entries: Iterable[PeriodEntry]) -> tuple[YearGroup, ...]:
    """Entries by statistical year, newest year first; within a year as given."""
    ordered = sorted(entries, key=lambda e: e.ky.statistical_year, reverse=True)
    return tuple(
        YearGroup(year, tuple(group))
        for year, group in groupby(ordered, key=lambda e: e.ky.statistical_year)
    )


@dataclass(frozen=True)
class UnitHistory:
    """One unit's figures across periods, newest first, with the entry each comes from."""

    name: str
    rows: tuple[tuple[PeriodEntry, Unit], ...]


def unit_histories(entries: Iterable[PeriodEntry]) -> tuple[UnitHistory, ...]:
    """Every unit named in any period, in Vietnamese alphabetical order.

    Units are matched by name as written: a renamed unit (after the 2025 reform) starts a new
    history, which is what its new name means.
    """
    rows: dict[str, list[tuple[PeriodEntry, Unit]]] = {}
    for entry in entries:
        for unit in entry.report.don_vi:
            rows.setdefault(unit.ten, []).append((entry, unit))
    return tuple(UnitHistory(name, tuple(rows[name])) for name in sorted(rows, key=_name_order))


# --- Trend chart --------------------------------------------------------------------------

CHART_WIDTH = 640
CHART_HEIGHT = 300
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 52, 624, 16, 216
# At most this many period labels under the axis; more would overlap.
MAX_X_LABELS = 8
# The four lines: (key, figures kind, Figures attribute).
SERIES = (
    ("viec_rate", "viec", "rate"),
    ("tien_rate", "tien", "rate"),
    ("viec_target", "viec", "target"),
    ("tien_target", "tien", "target"),
)


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    value: Decimal
    entry: PeriodEntry


@dataclass(frozen=True)
class ChartSeries:
    """One line of the chart; ``key`` is one of :data:`SERIES`' keys."""

    key: str
    points: tuple[ChartPoint, ...]


@dataclass(frozen=True)
class ChartTick:
    """A period on the horizontal axis; ``labelled`` when its label is drawn."""

    x: float
    entry: PeriodEntry
    labelled: bool


@dataclass(frozen=True)
class TrendChart:
    """Rates and targets across periods, oldest first, in SVG coordinates (y grows down)."""

    entries: tuple[PeriodEntry, ...]
    ticks: tuple[ChartTick, ...]
    y_ticks: tuple[tuple[float, int], ...]  # (y, percent)
    series: tuple[ChartSeries, ...]
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT
    left: int = PLOT_LEFT
    right: int = PLOT_RIGHT
    top: int = PLOT_TOP
    bottom: int = PLOT_BOTTOM


def _y(percent: Decimal) -> float:
    return round(PLOT_BOTTOM - float(percent) / 100 * (PLOT_BOTTOM - PLOT_TOP), 1)


def _value(figures: Figures | None, attribute: str) -> Decimal | None:
    return getattr(figures, attribute) if figures is not None else None


def trend_chart(entries: Iterable[PeriodEntry]) -> TrendChart | None:
    """The chart of every distinct period, oldest first; None when no period has a rate.

    Two articles reporting the same period give one point (the first entry given wins).
    """
    by_period: dict[Period, PeriodEntry] = {}
    for entry in entries:
        by_period.setdefault(entry.ky, entry)
    chronological = tuple(sorted(by_period.values(), key=lambda e: (e.ky.den, e.ky.tu)))
    if not any(
        _value(getattr(e.report, kind), "rate") is not None
        for e in chronological
        for kind in ("viec", "tien")
    ):
        return None
    step = (PLOT_RIGHT - PLOT_LEFT) / len(chronological)
    xs = [round(PLOT_LEFT + (i + 0.5) * step, 1) for i in range(len(chronological))]
    label_every = math.ceil(len(chronological) / MAX_X_LABELS)
    # Label the newest period always; count back from it.
    last = len(chronological) - 1
    ticks = tuple(
        ChartTick(x, entry, (last - i) % label_every == 0)
        for i, (x, entry) in enumerate(zip(xs, chronological, strict=True))
    )
    series = []
    for key, kind, attribute in SERIES:
        points = []
        for x, entry in zip(xs, chronological, strict=True):
            value = _value(getattr(entry.report, kind), attribute)
            if value is not None:
                points.append(ChartPoint(x, _y(value), value, entry))
        series.append(ChartSeries(key, tuple(points)))
    y_ticks = tuple((_y(Decimal(p)), p) for p in range(0, 101, 20))
    return TrendChart(chronological, ticks, y_ticks, tuple(series))


@dataclass(frozen=True)
class Statistics:
    """Everything the statistics page shows."""

    entries: tuple[PeriodEntry, ...]
    years: tuple[YearGroup, ...]
    chart: TrendChart | None
    units: tuple[UnitHistory, ...]


def build_statistics(items: Iterable[tuple[str, str, ResultsReport]]) -> Statistics:
    """The statistics page's data from (article url, article title, report with targets)."""
    entries = period_entries(items)
    return Statistics(
        entries, group_by_year(entries), trend_chart(entries), unit_histories(entries)
    )
