"""Share cards drawn the cheap way: the same pixels and JPEG bytes as drawing them whole."""

from __future__ import annotations

import io
import os

import pytest
from PIL import Image, ImageChops, ImageColor, ImageDraw

from bantin_images import cards
from bantin_images.build import batches
from bantin_images.cards import CardStyle, CardText, card_jpeg, draw_card, fit_title, wrap
from tests.conftest import ROOT

FONT = str(ROOT / "theme" / "fonts" / "NotoSans-Bold-vi.ttf")
LOGO = cards.rasterize_logo(str(ROOT / "tests" / "sites" / "basic" / "images" / "logo.svg"))
AGENCY = "Cục Thi hành án dân sự tỉnh Hậu Giang"
HOST = "thads-haugiang.example.org"
TITLES = [
    "Thông báo về việc tổ chức bán đấu giá quyền sử dụng đất tại phường Ngã Bảy",
    # Stacked marks on capitals and lower case, overhanging f, quotes, dashes, digits.
    "ỄNH ƯƠNG Ẵ Ỗ Ợ Ữ Ỳ: “Quyết định” số 12/QĐ–THADS ffi rt ỷ ỵ ễ ẫ ặ năm 2023–2024",
    "Hội nghị",
    "Nghiêngnghiêngnghiêngnghiêngnghiêngnghiêngnghiêngnghiêngnghiêngnghiêngnghiêng nghiêng",
    "Hội nghị sơ kết " * 20,
]


@pytest.fixture(autouse=True)
def cold_caches():
    """Each test starts like a fresh worker."""
    for cached in (cards._font, cards._face, cards._base, cards._has_kern_table, cards._solid):
        cached.cache_clear()
    yield


def pillow_card(text: CardText, style: CardStyle, logo) -> Image.Image:
    """The card with its title drawn by Pillow line by line, as before glyphs were cached."""
    card = cards._draw_base(style, text.agency, text.footer, FONT, logo)
    draw = ImageDraw.Draw(card)
    font, lines = fit_title(" ".join(text.title.split()), FONT, style.width - 2 * cards.MARGIN)
    line_height = round(font.size * 1.3)
    top = cards.BAND_HEIGHT + cards.ACCENT_HEIGHT
    y = top + max(24, (style.height - 80 - top - line_height * len(lines)) // 2)
    for line in lines:
        draw.text((cards.MARGIN, y), line, font=font, fill=style.text)
        y += line_height
    return card


def whole_jpeg(image: Image.Image, style: CardStyle) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=style.quality, subsampling=2, restart_marker_rows=1)
    return buffer.getvalue()


@pytest.mark.parametrize("title", TITLES)
@pytest.mark.parametrize("logo", [LOGO, None], ids=["logo", "no-logo"])
def test_cached_glyphs_draw_exactly_what_pillow_draws(title, logo):
    text = CardText(title, AGENCY, HOST)
    ours = draw_card(text, CardStyle(), FONT, logo)
    assert ImageChops.difference(ours, pillow_card(text, CardStyle(), logo)).getbbox() is None


@pytest.mark.parametrize("title", [*TITLES, ""])
def test_the_jpeg_is_the_whole_card_encoded_though_only_the_title_rows_are(title):
    text = CardText(title, AGENCY, HOST)
    data = card_jpeg(text, CardStyle(), FONT, LOGO)
    assert data == whole_jpeg(draw_card(text, CardStyle(), FONT, LOGO), CardStyle())
    with Image.open(io.BytesIO(data)) as image:
        assert (image.format, image.size) == ("JPEG", (1200, 630))
        image.load()


def test_grey_titles_are_drawn_in_one_channel_coloured_ones_in_three():
    grey = cards._base(CardStyle(), AGENCY, HOST, FONT, LOGO).grey_rows
    # The title area of the default card (below the band, above the footer): all of it.
    assert grey.issuperset(range(10, 34)) and not grey & {0, 9, 34}
    assert not cards._base(CardStyle(text="#0b3d91"), AGENCY, HOST, FONT, LOGO).grey_rows


def test_another_style_and_size_still_splices_exactly():
    """Coloured text on a cream background: drawn in RGB, not in one grey channel."""
    style = CardStyle(width=1000, height=700, background="#fffbe6", text="#0b3d91", quality=70)
    text = CardText(TITLES[1], "Chi cục THADS huyện Châu Thành A", "example.org")
    assert card_jpeg(text, style, FONT, None) == whole_jpeg(
        draw_card(text, style, FONT, None), style
    )


def test_title_pixels_differ_between_titles_and_the_rest_does_not():
    first, second = (
        Image.open(io.BytesIO(card_jpeg(CardText(t, AGENCY, HOST), CardStyle(), FONT, LOGO)))
        for t in ("Thông báo lịch tiếp công dân tháng 5", "Thông báo lịch tiếp công dân tháng 6")
    )
    difference = ImageChops.difference(first.convert("RGB"), second.convert("RGB")).getbbox()
    assert difference is not None
    left, top, _right, bottom = difference
    assert top > cards.BAND_HEIGHT + cards.ACCENT_HEIGHT and bottom < 630 - 80
    assert left >= cards.MARGIN


def test_fixed_part_is_not_shared_across_agencies_logos_or_styles():
    title = "Thông báo"
    band = (0, 0, 1200, cards.BAND_HEIGHT)
    plain = draw_card(CardText(title, AGENCY, HOST), CardStyle(), FONT, LOGO)
    other_agency = draw_card(
        CardText(title, "Cục THADS tỉnh Sóc Trăng", HOST), CardStyle(), FONT, LOGO
    )
    no_logo = draw_card(CardText(title, AGENCY, HOST), CardStyle(), FONT, None)
    other_logo_png = io.BytesIO()
    Image.new("RGBA", (220, 220), "#2060c0").save(other_logo_png, "PNG")
    other_logo = draw_card(
        CardText(title, AGENCY, HOST), CardStyle(), FONT, other_logo_png.getvalue()
    )
    other_host = draw_card(CardText(title, AGENCY, "example.org"), CardStyle(), FONT, LOGO)
    blue = draw_card(CardText(title, AGENCY, HOST), CardStyle(band="#123c8c"), FONT, LOGO)
    for card in (other_agency, no_logo, other_logo):
        assert ImageChops.difference(plain.crop(band), card.crop(band)).getbbox() is not None
    footer = (0, 630 - 80, 1200, 630)
    assert ImageChops.difference(plain.crop(footer), other_host.crop(footer)).getbbox()
    assert blue.getpixel((5, 5)) == ImageColor.getrgb("#123c8c")
    # And the first look is still drawn as it was, after the others were cached.
    again = draw_card(CardText(title, AGENCY, HOST), CardStyle(), FONT, LOGO)
    assert ImageChops.difference(plain, again).getbbox() is None


def test_fast_wrap_gives_pillows_lines():
    width = 1200 - 2 * cards.MARGIN
    for title in TITLES[:4]:
        font, lines = fit_title(title, FONT, width)
        assert lines == wrap(title, font, width)
        assert all(font.getlength(line) <= width for line in lines if " " in line)


def test_long_vietnamese_title_is_cut_with_an_ellipsis_that_fits():
    title = (
        "Quyết định về việc cưỡng chế thi hành án đối với tài sản của người phải thi hành án " * 6
    )
    font, lines = fit_title(title, FONT, 1072)
    assert font.size == 40 and len(lines) == 4
    assert lines[-1].endswith(" …") and font.getlength(lines[-1]) <= 1072
    assert " ".join(lines)[:-2] in " ".join(title.split())
    text = CardText(title, AGENCY, HOST)
    assert (
        ImageChops.difference(
            draw_card(text, CardStyle(), FONT, LOGO), pillow_card(text, CardStyle(), LOGO)
        ).getbbox()
        is None
    )


def test_a_font_with_kerning_is_laid_out_and_drawn_by_pillow(monkeypatch):
    """Glyph by glyph would lose its kerning: such a font takes the slower, exact path."""
    monkeypatch.setattr(cards, "_has_kern_table", lambda path: True)
    face = cards._face(FONT, 64)
    assert not face.additive
    text = CardText(TITLES[1], AGENCY, HOST)
    assert (
        ImageChops.difference(
            draw_card(text, CardStyle(), FONT, None), pillow_card(text, CardStyle(), None)
        ).getbbox()
        is None
    )
    assert card_jpeg(text, CardStyle(), FONT, None) == whole_jpeg(
        draw_card(text, CardStyle(), FONT, None), CardStyle()
    )


def test_the_shipped_font_has_no_kern_table_and_whole_pixel_advances():
    assert not cards._has_kern_table(FONT)
    assert all(cards._face(FONT, size).additive for size in cards.TITLE_SIZES)


def test_cards_job_writes_every_card_whole(tmp_path):
    jobs = [
        (str(tmp_path / "ab" / f"{i}.jpg"), CardText(f"Thông báo số {i}", AGENCY, HOST))
        for i in range(3)
    ]
    assert cards.cards_job(jobs, CardStyle(), FONT, LOGO) == ("ok", None)
    assert sorted(os.listdir(tmp_path / "ab")) == ["0.jpg", "1.jpg", "2.jpg"]  # no .tmp left
    for path, text in jobs:
        with open(path, "rb") as handle:
            assert handle.read() == card_jpeg(text, CardStyle(), FONT, LOGO)


@pytest.mark.parametrize(("count", "workers"), [(0, 2), (1, 2), (7, 2), (1000, 2), (1000, 1)])
def test_cards_go_to_the_workers_in_batches(count, workers):
    groups = batches(list(range(count)), workers)
    assert [i for group in groups for i in group] == list(range(count))
    assert all(1 <= len(group) <= 64 for group in groups)
    if count >= 8 * workers:
        assert len(groups) >= 4 * workers  # both cores stay busy to the end
