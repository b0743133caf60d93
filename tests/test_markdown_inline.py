"""The inline-pattern pre-filter (bantin_build.markdown_prefilter) changes speed, never HTML.

Every input is converted by a stock Python-Markdown and by one with the pre-filter, both with
the site's MARKDOWN settings; the HTML must be identical. Hypothesis draws text from the
characters the patterns look for, so quotes, dashes, links, emphasis, entities and raw HTML
meet in every combination.
"""

from __future__ import annotations

import pytest
from conftest import get_settings
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown import Markdown

from bantin_build.markdown_prefilter import InlinePrefilter, PrefilteredInlineProcessor


def converters():
    options = dict(get_settings()["MARKDOWN"])
    options.pop("extensions", None)
    extensions = list(options.pop("extension_configs"))
    configs = get_settings()["MARKDOWN"]["extension_configs"]
    stock = Markdown(extensions=extensions, extension_configs=configs, **options)
    fast = Markdown(
        extensions=[*extensions, InlinePrefilter()], extension_configs=configs, **options
    )
    return stock, fast


STOCK, FAST = converters()


def convert(markdown: Markdown, text: str) -> str:
    markdown.reset()
    return markdown.convert(text)


def test_the_site_converter_has_the_prefilter():
    assert isinstance(FAST.treeprocessors["inline"], PrefilteredInlineProcessor)
    assert isinstance(FAST.treeprocessors["smarty"], PrefilteredInlineProcessor)


@pytest.mark.parametrize(
    "text",
    [
        'Ông nói: "Cục đã giải quyết xong 2.073 việc" -- vượt chỉ tiêu...',
        "He said, \"'Quoted' words in a larger quote.\" rock 'n' roll, the '80s",
        "a--b---c----d x...y....z",
        '"*nhấn mạnh*" \'**đậm**\' "`mã`" <span>"x"</span> &nbsp;"y" &mdash;\'z\'',
        '[liên kết](https://moj.gov.vn/ "tiêu đề") ![ảnh](a.jpg) <https://x.vn> <a@b.vn>',
        'Dòng một  \nDòng hai\\*không nghiêng\\* `code -- "x"` &amp; &#8212;',
        'Chú thích[^1].\n\n[^1]: Nội dung chú thích -- "trích".',
        "*[THADS]: Thi hành án dân sự\n\nTHADS làm việc.",
        "'",
        '"',
        "''",
        '""',
        "_a_ __b__ *c* **d** ***e***",
    ],
)
def test_same_html_for_tricky_text(text):
    assert convert(FAST, text) == convert(STOCK, text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="aă đ'\"-.*_[]()!<>&`\\\n#^:@/ 1", max_size=120))
def test_same_html_for_any_mix_of_pattern_characters(text):
    assert convert(FAST, text) == convert(STOCK, text)
