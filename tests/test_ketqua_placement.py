"""Where the results tables go in an article body."""

from __future__ import annotations

import pytest
from markdown import Markdown

from bantin_ketqua.placement import count_markers, marker_lines, split_at_results
from tests.conftest import get_settings


def to_html(markdown_text: str) -> str:
    """Markdown as the site converts it (same extensions)."""
    return Markdown(**get_settings()["MARKDOWN"]).convert(markdown_text)


CASES = [
    pytest.param(
        "Đoạn mở đầu.\n\nĐoạn hai.\n",
        "<p>Đoạn mở đầu.</p>",
        "\n<p>Đoạn hai.</p>",
        False,
        id="after-lead",
    ),
    pytest.param(
        "## Tiêu đề nhỏ\n\nĐoạn mở đầu.\n\nĐoạn hai.\n",
        "<h2>Tiêu đề nhỏ</h2>\n<p>Đoạn mở đầu.</p>",
        "\n<p>Đoạn hai.</p>",
        False,
        id="lead-after-heading",
    ),
    pytest.param(
        "> Trích dẫn.\n\nĐoạn mở đầu.\n",
        "<blockquote>\n<p>Trích dẫn.</p>\n</blockquote>\n<p>Đoạn mở đầu.</p>",
        "",
        False,
        id="paragraph-in-quote-is-not-the-lead",
    ),
    pytest.param(
        "Đoạn có <em>nhấn mạnh</em> và [liên kết](https://example.org/).\n\nĐoạn hai.\n",
        '<p>Đoạn có <em>nhấn mạnh</em> và <a href="https://example.org/">liên kết</a>.</p>',
        "\n<p>Đoạn hai.</p>",
        False,
        id="lead-with-inline-markup",
    ),
    pytest.param(
        "Đoạn mở đầu.\n\nĐoạn hai.\n\n[KET_QUA]\n\nĐoạn ba.\n",
        "<p>Đoạn mở đầu.</p>\n<p>Đoạn hai.</p>\n",
        "<p>Đoạn ba.</p>",
        True,
        id="marker",
    ),
    pytest.param(
        "Đoạn mở đầu.\n\n[Kết quả]\n",
        "<p>Đoạn mở đầu.</p>\n",
        "",
        True,
        id="marker-with-diacritics-at-end",
    ),
    pytest.param(
        "[ket_qua]\n\nĐoạn mở đầu.\n\n[KET_QUA]\n\nĐoạn hai.\n",
        "",
        "<p>Đoạn mở đầu.</p>\n<p>Đoạn hai.</p>",
        True,
        id="second-marker-dropped",
    ),
    pytest.param(
        "Đoạn nói về [KET_QUA] giữa câu.\n\nĐoạn hai.\n",
        "<p>Đoạn nói về [KET_QUA] giữa câu.</p>",
        "\n<p>Đoạn hai.</p>",
        False,
        id="marker-inside-text-is-text",
    ),
    pytest.param(
        "- mục một\n- mục hai\n",
        "",
        "<ul>\n<li>mục một</li>\n<li>mục hai</li>\n</ul>",
        False,
        id="no-paragraph-tables-first",
    ),
]


@pytest.mark.parametrize(("markdown_text", "before", "after", "marker"), CASES)
def test_split_at_results(markdown_text, before, after, marker):
    parts = split_at_results(to_html(markdown_text))
    assert parts.before == before
    assert parts.after == after
    assert parts.marker is marker


def test_split_keeps_every_byte_but_the_marker():
    html = to_html("Một.\n\nHai <br> ba & bốn.\n\n![ảnh](a.png)\n\nNăm.\n")
    parts = split_at_results(html)
    assert parts.before + parts.after == html


def test_markers_are_counted_and_found_by_line():
    text = "Đoạn.\n\n[KET_QUA]\n\n  [ Kết Quả ]  \n\n[KET_QUA] và chữ\n"
    assert marker_lines(text) == [3, 5]
    assert count_markers(to_html(text)) == 2
