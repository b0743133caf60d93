"""bantin_build.pelican_fixes: faster versions of Pelican code give Pelican's results."""

from __future__ import annotations

import datetime
import os
import zoneinfo

from hypothesis import given
from hypothesis import strategies as st
from pelican.utils import SafeDatetime

from bantin_build import pelican_fixes

FORMATS = ["%Y", "%m", "%d", "%Y-%m-%d", "%Y/%m", "%-d/%-m/%Y", "%d %B %Y", "%A, %d/%m/%Y %H:%M"]
ZONES = [None, zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"), datetime.UTC]


@given(
    moment=st.datetimes(min_value=datetime.datetime(1, 1, 1)),
    zone=st.sampled_from(ZONES),
    date_format=st.sampled_from(FORMATS),
    kind=st.sampled_from(["safe", "date"]),
)
def test_strftime_formats_as_pelican_does(moment, zone, date_format, kind):
    if kind == "date":
        value = moment.date()
    else:
        value = SafeDatetime(*moment.timetuple()[:6], moment.microsecond, tzinfo=zone)
    expected = pelican_fixes._strftime(value, date_format)
    assert pelican_fixes.strftime(value, date_format) == expected
    assert pelican_fixes.strftime(value, date_format) == expected  # remembered: the same


@given(
    parts=st.lists(st.sampled_from(["a", "bài", ".", "..", "", "x.md"]), min_size=1, max_size=5),
    root=st.sampled_from(["/srv/content", "/srv/content/", "/srv/./content", "/", "content"]),
)
def test_relative_source_path_is_pelicans(parts, root):
    """The sliced relative path equals Pelican's relpath wherever it is given."""
    source = "/srv/content/" + "/".join(parts)
    fast = pelican_fixes._relative_to_content(source, root)
    if fast is not None:
        expected = os.path.relpath(
            os.path.abspath(os.path.join(root, source)), os.path.abspath(root)
        )
        assert fast == expected


def test_an_earlier_builds_garbage_is_collected_before_the_next_build_freezes():
    """The live preview builds again in one process: garbage cycles an earlier build left
    (finished, or stopped on an error) are collected when the next build starts, not frozen
    again with it."""
    import gc
    import weakref

    import bantin_build

    class Node:
        pass

    for finished in (True, False):
        try:
            bantin_build.start_build(None)  # a build starts
            bantin_build.freeze_objects()  # its content cache loaded
            node = Node()
            node.me = node  # a cycle: only the collector frees it
            alive = weakref.ref(node)
            bantin_build.freeze_objects()  # after reading
            del node
            if finished:
                bantin_build.unfreeze_objects(None)
            assert alive() is not None
            bantin_build.start_build(None)  # the next build
            bantin_build.freeze_objects()
            assert alive() is None, f"garbage of an earlier build kept (finished={finished})"
        finally:
            bantin_build.unfreeze_objects(None)
    assert gc.get_freeze_count() == 0


class _Dated:
    def __init__(self, date):
        self.date = date


@given(
    dates=st.lists(
        st.datetimes(
            min_value=datetime.datetime(2015, 1, 1), max_value=datetime.datetime(2026, 12, 31)
        ),
        max_size=60,
    ),
    order=st.randoms(use_true_random=False),
)
def test_period_archives_are_pelicans(dates, order):
    """Each period's articles in the order of the article list, as Pelican finds them."""
    items = [_Dated(SafeDatetime.fromtimestamp(moment.timestamp())) for moment in dates]
    sorted_articles = sorted(items, key=lambda item: item.date, reverse=True)
    articles = list(items)
    order.shuffle(articles)
    settings = {
        "YEAR_ARCHIVE_SAVE_AS": "{date:%Y}/index.html",
        "YEAR_ARCHIVE_URL": "{date:%Y}/",
        "MONTH_ARCHIVE_SAVE_AS": "{date:%Y}/{date:%m}/index.html",
        "MONTH_ARCHIVE_URL": "{date:%Y}/{date:%m}/",
        "DAY_ARCHIVE_SAVE_AS": "{date:%Y}/{date:%m}/{date:%d}/index.html",
        "DAY_ARCHIVE_URL": "",
    }
    assert pelican_fixes.PELICAN_BUILD_PERIOD_ARCHIVES is not pelican_fixes._build_period_archives
    ours = pelican_fixes._build_period_archives(None, sorted_articles, articles, settings)
    theirs = pelican_fixes.PELICAN_BUILD_PERIOD_ARCHIVES(None, sorted_articles, articles, settings)
    assert ours == theirs


@given(
    moment=st.datetimes(min_value=datetime.datetime(1, 1, 1)),
    zone=st.one_of(
        st.none(),
        st.sampled_from(ZONES[1:]),
        # Whole minutes (the usual offsets, east and west), and any offset at all.
        st.integers(-1439, 1439).map(lambda m: datetime.timezone(datetime.timedelta(minutes=m))),
        st.timedeltas(
            min_value=datetime.timedelta(hours=-23, minutes=-59),
            max_value=datetime.timedelta(hours=23, minutes=59),
        ).map(datetime.timezone),
    ),
    safe=st.booleans(),
)
def test_sitemap_dates_are_the_sitemap_plugins(moment, zone, safe):
    if zone is not None:
        moment = moment.replace(tzinfo=zone)
    if safe:
        moment = SafeDatetime.fromisoformat(moment.isoformat())
    original = pelican_fixes.SITEMAP_FORMAT_DATE
    assert original is not pelican_fixes._sitemap_format_date
    assert pelican_fixes._sitemap_format_date(moment) == original(moment)
