"""bantin_images.markup and cards: the documented Markdown forms, path resolution, share cards."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown import Markdown
from PIL import Image, ImageDraw, ImageFont

from bantin_images.cards import CardStyle, CardText, card_key, draw_card, fit_title, wrap
from bantin_images.markup import BodyImage, find_images, is_external, resolve_source, rewrite_body
from tests.conftest import ROOT, get_settings

FONT = str(ROOT / "theme" / "fonts" / "NotoSans-Bold-vi.ttf")
VIETNAMESE = (
    "aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệghiìỉĩíịklmnoòỏõóọôồổỗốộơờởỡớợpqrstuùủũúụưừửữứựvxyỳỷỹýỵ"
)


def markdown(text: str) -> str:
    return Markdown(**get_settings()["MARKDOWN"]).convert(text)


def render_kinds(body: str):
    """What rewrite_body asks the theme for: (kind, [(src, alt, title)], first index)."""
    calls = []

    def render(kind, images, first):
        calls.append((kind, [(i.src, i.alt, i.title) for i in images], first))
        return f"[{kind}]"

    return rewrite_body(body, render), calls


@pytest.mark.parametrize(
    ("text", "kinds", "html"),
    [
        (
            '![Quang cảnh hội nghị](images/a.jpg "Đồng chí Cục trưởng phát biểu")',
            [("figure", [("images/a.jpg", "Quang cảnh hội nghị",
                          "Đồng chí Cục trưởng phát biểu")], 0)],
            "[figure]",
        ),
        (
            "![Một](images/1.jpg)\n![Hai](images/2.jpg)\n![Ba](images/3.jpg)",
            [("gallery", [("images/1.jpg", "Một", None), ("images/2.jpg", "Hai", None),
                          ("images/3.jpg", "Ba", None)], 0)],
            "[gallery]",
        ),
        (
            "Xem ![sơ đồ](images/so-do.png) dưới đây.\n\n![Ảnh](images/b.jpg)",
            [("inline", [("images/so-do.png", "sơ đồ", None)], 0),
             ("figure", [("images/b.jpg", "Ảnh", None)], 1)],
            "<p>Xem [inline] dưới đây.</p>\n[figure]",
        ),
        (
            '![a & "b"](images/x%20y.jpg)',
            [("figure", [("images/x%20y.jpg", 'a & "b"', None)], 0)],
            "[figure]",
        ),
        ("Chỉ có chữ.", [], "<p>Chỉ có chữ.</p>"),
    ],
    ids=["captioned-figure", "gallery", "inline-then-figure", "entities", "no-image"],
)  # fmt: skip
def test_documented_markdown_forms(text, kinds, html):
    body, calls = render_kinds(markdown(text))
    assert calls == kinds
    assert body == html


def test_find_images_reads_alt_even_when_empty():
    assert find_images(markdown("![](images/a.jpg)")) == [BodyImage("images/a.jpg", "", None)]


@pytest.mark.parametrize(
    ("src", "external"),
    [("https://moj.gov.vn/a.jpg", True), ("//cdn.example/a.jpg", True),
     ("data:image/png;base64,", True), ("images/a.jpg", False), ("/images/a.jpg", False),
     ("{static}/images/a.jpg", False)],
)  # fmt: skip
def test_is_external(src, external):
    assert is_external(src) is external


def test_resolve_source_accepts_what_staff_write(tmp_path):
    content = tmp_path / "content"
    (content / "images" / "2021").mkdir(parents=True)
    (content / "images" / "2021" / "hội nghị.jpg").write_bytes(b"x")
    article = content / "articles" / "2021" / "a.md"
    article.parent.mkdir(parents=True)
    expected = "images/2021/hội nghị.jpg"
    for src in [
        "images/2021/hội nghị.jpg",
        "/images/2021/hội nghị.jpg",
        "{static}/images/2021/hội nghị.jpg",
        "images/2021/h%E1%BB%99i%20ngh%E1%BB%8B.jpg",
        "../../images/2021/hội nghị.jpg",
    ]:
        assert resolve_source(src, str(content), str(article)) == expected, src
    assert resolve_source("images/2021/khong-co.jpg", str(content), str(article)) is None
    assert resolve_source("../../../etc/passwd", str(content), str(article)) is None


def test_font_draws_every_vietnamese_letter():
    """No letter falls back to the empty box (.notdef) of the font."""
    font = ImageFont.truetype(FONT, 40)

    def drawn(letter):
        image = Image.new("L", (80, 80))
        ImageDraw.Draw(image).text((10, 10), letter, font=font, fill=255)
        return image.tobytes()

    notdef = drawn("\uffff")
    for letter in VIETNAMESE + VIETNAMESE.upper() + "₫":
        assert drawn(letter) != notdef, letter


def test_card_is_1200_by_630_with_the_title_wrapped():
    text = CardText(
        "Thông báo về việc tổ chức bán đấu giá quyền sử dụng đất tại phường Ngã Bảy",
        "Cục Thi hành án dân sự tỉnh Hậu Giang",
        "thads-haugiang.example.org",
    )
    card = draw_card(text, CardStyle(), FONT, None)
    assert card.size == (1200, 630) and card.mode == "RGB"
    # The band is the agency's red; the title area has dark text on white.
    assert card.getpixel((5, 5)) == (0xB3, 0x16, 0x1C)
    darkest = card.crop((64, 200, 1136, 500)).convert("L").getextrema()[0]
    assert darkest < 80


def test_long_titles_shrink_then_are_cut():
    font, lines = fit_title("Hội nghị " * 80, FONT, 1072)
    assert font.size == 40 and len(lines) == 4 and lines[-1].endswith("…")
    font, lines = fit_title("Thông báo ngắn", FONT, 1072)
    assert font.size == 64 and lines == ["Thông báo ngắn"]


def test_wrap_keeps_words_whole():
    font = ImageFont.truetype(FONT, 40)
    lines = wrap("Thi hành án dân sự tỉnh Hậu Giang năm 2023", font, 300)
    assert " ".join(lines) == "Thi hành án dân sự tỉnh Hậu Giang năm 2023"
    assert all(font.getlength(line) <= 300 for line in lines)


def test_card_key_changes_with_title_font_and_logo():
    text = CardText("A", "B", "c")
    key = card_key(text, CardStyle(), "font", "logo")
    assert key == card_key(CardText("A", "B", "c"), CardStyle(), "font", "logo")
    assert key != card_key(CardText("Â", "B", "c"), CardStyle(), "font", "logo")
    assert key != card_key(text, CardStyle(), "font2", "logo")
    assert key != card_key(text, CardStyle(), "font", "")
    assert key != card_key(text, CardStyle(band="#000000"), "font", "logo")


def test_svg_logo_is_rasterized():
    from bantin_images.cards import rasterize_logo

    png = rasterize_logo(str(ROOT / "tests" / "sites" / "basic" / "images" / "logo.svg"), 100)
    import io

    with Image.open(io.BytesIO(png)) as logo:
        assert logo.size == (100, 100)


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"BANTIN_IMAGES_WIDTHS": []}, "BANTIN_IMAGES_WIDTHS phải là danh sách độ rộng"),
        ({"BANTIN_IMAGES_WIDTHS": [480, -1]}, "BANTIN_IMAGES_WIDTHS phải là số dương"),
        ({"BANTIN_IMAGES_WEBP_QUALITY": 120}, "BANTIN_IMAGES_WEBP_QUALITY phải từ 1 đến 100"),
        ({"BANTIN_IMAGES_MAX_MEGAPIXELS": 0}, "BANTIN_IMAGES_MAX_MEGAPIXELS phải là số dương"),
        ({"BANTIN_SHARE_CARD_FONT": "/khong/co.ttf"}, "không tìm thấy phông chữ"),
    ],
)
def test_wrong_settings_are_said_before_any_photo_is_read(override, message):
    from bantin_images.settings import SettingsError, read_config

    with pytest.raises(SettingsError, match=message):
        read_config(get_settings(**override), "/tmp/output")


def test_default_settings_keep_the_logo_public_and_photos_private():
    from bantin_images.settings import read_config

    config = read_config(get_settings(), "/tmp/output")
    assert config.image.widths == (480, 800, 1200)
    assert config.private_paths == ("images",)
    assert "images/logo.svg" in config.publish_as_is
    assert config.card_font.endswith("theme/fonts/NotoSans-Bold-vi.ttf")
    assert config.site_host == "thads-haugiang.example.org"


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.from_regex(r"[a-z0-9-]{0,12}", fullmatch=True)))
def test_file_name_slugs_take_a_short_cut_only_where_it_changes_nothing(text):
    """_slug returns a text that is already a slug as it is (most names are articles' slugs);
    anything else goes the long way: both give what the long way gives."""
    from bantin_images import build

    long_way = re.sub(
        r"[^a-z0-9]+",
        "-",
        unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
        .encode("ascii", "ignore")
        .decode()
        .lower(),
    ).strip("-")
    assert build._slug(text) == (long_way or "anh")
    assert build._slug("Ảnh Hội nghị 1") == "anh-hoi-nghi-1"
