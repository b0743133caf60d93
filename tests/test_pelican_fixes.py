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
