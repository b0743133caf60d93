"""The front-matter reader's settings: defaults in one place, read once into a frozen object.

Other plugins that need one of these (the editor's category list, the public notices' earliest
date) read it here, through :func:`read`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bantin_core.sanitize import DEFAULT_VIDEO_HOSTS

DEFAULTS: dict[str, object] = {
    # The site's categories: an article's category must be one of them. Empty: any category.
    "BANTIN_CATEGORIES": (),
    # Post dates before this day (year-month-day) are typing mistakes: no agency published a
    # web page before it.
    "BANTIN_EARLIEST_DATE": "1990-01-01",
    # Hosts whose <iframe> video embeds a body may keep (deploy/nginx.conf's frame-src lists
    # the same hosts).
    "BANTIN_VIDEO_HOSTS": DEFAULT_VIDEO_HOSTS,
}


@dataclass(frozen=True)
class FrontMatterSettings:
    """What the reader takes from Pelican's settings."""

    categories: tuple[str, ...]
    earliest_date: dt.date
    video_hosts: tuple[str, ...]


def _day(value) -> dt.date:
    if not value:
        value = DEFAULTS["BANTIN_EARLIEST_DATE"]
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(
            "BANTIN_EARLIEST_DATE phải là một ngày dạng năm-tháng-ngày, ví dụ "
            f'"1990-01-01", đang là {value!r}'
        ) from None


def read(settings) -> FrontMatterSettings:
    """The reader's settings of a Pelican settings dict."""
    own = {**DEFAULTS, **{k: v for k, v in settings.items() if k in DEFAULTS and v is not None}}
    return FrontMatterSettings(
        categories=tuple(own["BANTIN_CATEGORIES"]),
        earliest_date=_day(own["BANTIN_EARLIEST_DATE"]),
        video_hosts=tuple(own["BANTIN_VIDEO_HOSTS"]),
    )


#: The settings of a site that sets none (tools that read a file without Pelican's settings).
PLAIN = read({})
