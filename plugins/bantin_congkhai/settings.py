"""The public notices' settings: defaults in one place, read once into a frozen object.

A value written wrong is not an exception here: :func:`bantin_congkhai.check_settings` reports
it as a problem naming the setting, and the build goes on with what can be used of it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import MappingProxyType

from .duties import DEFAULT_DEADLINES

DEFAULTS = {
    # Working days allowed: publish, amend, withdraw (debtors), publish a notice's result; a
    # site writes only those it changes.
    "BANTIN_CONGKHAI_HAN": dict(DEFAULT_DEADLINES),
    # The office's own days off (ISO dates), besides weekends and public holidays.
    "BANTIN_CONGKHAI_NGAY_NGHI": [],
    # Debtor pages and list: <meta name="robots" content="noindex">, not in the sitemap.
    "BANTIN_CONGKHAI_NOINDEX": True,
    # The day deadlines and expiry are reckoned on (ISO); empty: the build's day in TIMEZONE.
    "BANTIN_CONGKHAI_HOM_NAY": "",
}


@dataclass(frozen=True)
class PublicNoticesSettings:
    """What the plugin reads of Pelican's settings."""

    #: Working days for each duty: the defaults, with those the site wrote (read-only).
    deadlines: MappingProxyType
    #: The office's days off that are dates (one written wrong is left out).
    days_off: tuple[dt.date, ...]
    noindex: bool
    #: BANTIN_CONGKHAI_HOM_NAY as written ("" when unset).
    today: str


def written(settings) -> dict:
    """The plugin's settings as the site wrote them, defaults for the rest."""
    return {**DEFAULTS, **{k: v for k, v in settings.items() if k in DEFAULTS}}


def _day(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def read(settings) -> PublicNoticesSettings:
    own = written(settings)
    limits = own["BANTIN_CONGKHAI_HAN"]
    days = own["BANTIN_CONGKHAI_NGAY_NGHI"]
    days = [_day(day) for day in days] if isinstance(days, list | tuple) else []
    return PublicNoticesSettings(
        deadlines=MappingProxyType(
            {**DEFAULT_DEADLINES, **(limits if isinstance(limits, dict) else {})}
        ),
        days_off=tuple(day for day in days if day is not None),
        noindex=bool(own["BANTIN_CONGKHAI_NOINDEX"]),
        today=str(own["BANTIN_CONGKHAI_HOM_NAY"] or ""),
    )
