"""Working days: Monday to Friday, less Vietnam's public holidays and the office's own days off.

The public holidays, lunar Tết included, come from the maintained ``holidays`` library (its
``VN`` calendar also knows the Saturdays worked in exchange for a bridge day, e.g. 26/04/2025).
An office adds days it was closed (a storm, a move) with ``BANTIN_CONGKHAI_NGAY_NGHI``.
Pure: no Pelican, no files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

import holidays


@dataclass(frozen=True)
class WorkCalendar:
    """Which days the office works. ``days_off``: the office's own extra days off."""

    days_off: frozenset = field(default_factory=frozenset)

    @classmethod
    def with_days_off(cls, days: Iterable[dt.date]) -> WorkCalendar:
        return cls(frozenset(days))

    @cached_property
    def _public(self):
        # Years are added on demand by the library as dates are looked up.
        return holidays.country_holidays("VN", language="vi")

    def holiday_name(self, day: dt.date) -> str | None:
        """The public holiday's Vietnamese name, «Ngày nghỉ của cơ quan», or None."""
        if day in self.days_off:
            return "Ngày nghỉ của cơ quan"
        return self._public.get(day)

    def is_working_day(self, day: dt.date) -> bool:
        return day not in self.days_off and self._public.is_working_day(day)

    def add_working_days(self, start: dt.date, count: int) -> dt.date:
        """The ``count``-th working day after ``start`` (``start`` itself is never counted).

        A duty «within 5 working days of the decision» taken on Friday 24/01/2025, just before
        Tết (27/01 – 01/02), falls due on Friday 07/02/2025.
        """
        day = start
        remaining = count
        while remaining > 0:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end``; negative when ``end`` is
        before ``start`` (working days from ``end`` to ``start``, counted the same way)."""
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        day = start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count
