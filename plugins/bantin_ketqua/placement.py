"""Where the results tables go in an article body: after the lead paragraph, or at the marker.

Staff move the tables with a paragraph that holds only the marker ``[KET_QUA]`` (``[KẾT QUẢ]``
and any case are accepted). A plain-text paragraph survives Markdown and any HTML sanitiser,
unlike an HTML comment. Pure functions on HTML strings: the template puts the tables between
the two halves, so no markup is written here.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import NamedTuple

from bantin_core.folding import fold

# A paragraph holding only a short bracketed word; whether it is our marker is decided by
# _is_marker_text, so that «[Kết quả]» and «[KET QUA]» work as well.
_MARKER_PARAGRAPH = re.compile(r"<p>\s*\[([^\]<>\n]{1,20})\]\s*</p>\n?")
_MARKER_LINE = re.compile(r"^\s*\[([^\]\n]{1,20})\]\s*$")
_MARKER_NAMES = {"ket_qua", "ket qua", "ketqua"}

MARKER = "[KET_QUA]"

_VOID_ELEMENTS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class BodyParts(NamedTuple):
    """An article body cut where the tables go; ``marker`` says whether the marker was used."""

    before: str
    after: str
    marker: bool


def _is_marker_text(text: str) -> bool:
    return " ".join(fold(text).split()) in _MARKER_NAMES


def _marker_matches(html: str) -> list[re.Match]:
    if "[" not in html:  # most bodies: a scan for one character, not the regex (8,000 a build)
        return []
    return [m for m in _MARKER_PARAGRAPH.finditer(html) if _is_marker_text(m.group(1))]


def count_markers(html: str) -> int:
    """How many marker paragraphs an HTML body has."""
    return len(_marker_matches(html))


def marker_lines(markdown_text: str) -> list[int]:
    """1-based numbers of the lines of a Markdown text that hold only the marker."""
    return [
        number
        for number, line in enumerate(markdown_text.split("\n"), start=1)
        if (match := _MARKER_LINE.match(line)) and _is_marker_text(match.group(1))
    ]


class _LeadParagraphEnd(HTMLParser):
    """Finds where the first top-level ``<p>`` element of an HTML fragment ends."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=False)
        self._line_starts = [0]
        for line in html.split("\n")[:-1]:
            self._line_starts.append(self._line_starts[-1] + len(line) + 1)
        self._html = html
        self._depth = 0
        self._in_lead = False
        self.end: int | None = None

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        if self.end is not None or tag in _VOID_ELEMENTS:
            return
        if self._depth == 0 and tag == "p":
            self._in_lead = True
        self._depth += 1

    def handle_endtag(self, tag):
        if self.end is not None or tag in _VOID_ELEMENTS:
            return
        self._depth = max(self._depth - 1, 0)
        if self._in_lead and self._depth == 0:
            self.end = self._html.index(">", self._offset()) + 1


def split_at_results(html: str) -> BodyParts:
    """Cut an article body where the results tables go.

    At the first marker paragraph (which is removed, as is any later one), else right after
    the lead paragraph (the first top-level ``<p>``), else before everything.
    """
    html = str(html)
    markers = _marker_matches(html)
    if markers:
        first = markers[0]
        after = html[first.end() :]
        # A second marker would show as text: staff are told, and it never reaches the page.
        for extra in reversed(_marker_matches(after)):
            after = after[: extra.start()] + after[extra.end() :]
        return BodyParts(html[: first.start()], after, True)
    finder = _LeadParagraphEnd(html)
    finder.feed(html)
    finder.close()
    if finder.end is None:
        return BodyParts("", html, False)
    return BodyParts(html[: finder.end], html[finder.end :], False)
