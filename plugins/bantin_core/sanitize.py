"""Allowlist sanitizer for the HTML that Markdown produces (staff paste from Word).

Markdown passes raw HTML straight through, so a pasted document can carry ``<script>``, event
handlers, ``javascript:`` links, inline styles and Word's ``Mso`` classes. Everything not on the
allowlist below is dropped by nh3 (Rust ``ammonia``, an HTML5 parser, not regular expressions):
text survives, markup that could run code or break the Content-Security-Policy does not.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

#: Hosts whose ``<iframe>`` embeds are kept (setting ``BANTIN_VIDEO_HOSTS``). The nginx
#: Content-Security-Policy's ``frame-src`` must list the same hosts.
DEFAULT_VIDEO_HOSTS = ("www.youtube-nocookie.com", "www.youtube.com", "player.vimeo.com")

_DROPPED_TAGS = {"area", "map", "center", "strike", "tt", "acronym"}
_TABLE_CELL = {"colspan", "rowspan", "headers", "scope", "align"}
_ATTRIBUTES = {
    "*": {"id", "title", "lang", "dir", "class"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading"},
    "iframe": {"src", "title", "width", "height", "allowfullscreen", "loading"},
    "th": _TABLE_CELL,
    "td": _TABLE_CELL,
    "col": {"span", "align"},
    "colgroup": {"span", "align"},
    "ol": {"start", "reversed"},
    "li": {"value"},
    "time": {"datetime"},
    "data": {"value"},
    "q": {"cite"},
    "blockquote": {"cite"},
    "ins": {"cite", "datetime"},
    "del": {"cite", "datetime"},
    "abbr": {"title"},
}
# Classes Markdown itself writes (footnotes, fenced code) and the theme's own prefix; Word's
# "MsoNormal" and the like are dropped.
_KEPT_CLASS = re.compile(r"^(?:footnote[\w-]*|bt-[\w-]+|language-[\w+-]+|codehilite|toc)$")
_SRC_LESS_IFRAME = re.compile(r"<iframe(?![^>]*\ssrc=)[^>]*>.*?</iframe>", re.S)


def _attribute_filter(video_hosts: frozenset):
    def keep(element: str, attribute: str, value: str) -> str | None:
        if attribute == "class":
            kept = [token for token in value.split() if _KEPT_CLASS.match(token)]
            return " ".join(kept) or None
        if element == "iframe" and attribute == "src":
            url = urlsplit(value)
            return value if url.scheme == "https" and url.hostname in video_hosts else None
        return value

    return keep


@lru_cache(maxsize=8)
def _cleaner_options(video_hosts: frozenset) -> dict:
    import nh3  # see clean_html

    tags = (nh3.ALLOWED_TAGS - _DROPPED_TAGS) | {"tfoot"} | ({"iframe"} if video_hosts else set())
    return {
        "tags": tags,
        "clean_content_tags": {"script", "style", "template", "noscript"},
        "attributes": _ATTRIBUTES,
        "attribute_filter": _attribute_filter(video_hosts),
        "url_schemes": {"http", "https", "mailto", "tel"},
        # Links open in the same tab, so no rel is needed; internal links stay untouched.
        "link_rel": None,
        "strip_comments": True,
    }


# Markdown tables align columns with style="text-align: …", which is stripped with every other
# inline style; the alignment survives as a class the stylesheet knows (the align attribute is
# obsolete HTML).
_ALIGNED_CELL = re.compile(r'<(th|td) style="text-align: (left|right|center);?"')


def clean_html(html: str, video_hosts=DEFAULT_VIDEO_HOSTS) -> str:
    """``html`` with only allowlisted tags, attributes and URL schemes left.

    Relative URLs and Pelican's ``{filename}``/``{static}`` placeholders are kept (they are
    resolved after reading). An ``<iframe>`` survives only with an ``https`` source on one of
    ``video_hosts``; without one it is removed whole.
    """
    # Imported here: nh3 is 1.5 MB of a process, and a build sanitizes in its reading
    # processes; the process that holds the whole site never needs it.
    import nh3

    if "text-align" in html:
        html = _ALIGNED_CELL.sub(r'<\1 class="bt-align-\2"', html)
    cleaned = nh3.clean(html, **_cleaner_options(frozenset(video_hosts)))
    return _SRC_LESS_IFRAME.sub("", cleaned) if "<iframe" in cleaned else cleaned
