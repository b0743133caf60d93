"""The one slug maker (bantin_core.slug): the reader's suggestion, make new and the photos'
file names all use it, and what it suggests the reader accepts."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bantin_core.slug import slug
from bantin_frontmatter.fields import FieldContext, convert_slug, suggest_slug
from bantin_images import build


def test_vietnamese_titles():
    assert slug("Ảnh Hội nghị 1") == "anh-hoi-nghi-1"
    assert slug("Đơn thư ĐỦ ĐIỀU KIỆN") == "don-thu-du-dieu-kien"
    assert suggest_slug("Đại hội 2025–2030") == "dai-hoi-2025-2030"
    assert suggest_slug("Thông báo: lịch nghỉ Tết «Bính Ngọ» 2027!") == (
        "thong-bao-lich-nghi-tet-binh-ngo-2027"
    )
    # Pelican's slugify kept "_" and the hyphens at both ends: suggestions the reader refused.
    assert suggest_slug("a_b c") == "a-b-c"
    assert suggest_slug(" -x- ") == "x"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_every_suggestion_is_a_slug_the_reader_accepts(title):
    suggested = suggest_slug(title)
    if suggested:
        ctx = FieldContext(content_path="/", source_path="/a.md")
        assert convert_slug(suggested, ctx) == suggested
    assert slug(suggested) == suggested  # a slug is its own slug


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=30))
def test_photo_file_names_use_the_same_slugs(text):
    assert build._slug(text) == (slug(text) or "anh")
    assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", build._slug(text))
