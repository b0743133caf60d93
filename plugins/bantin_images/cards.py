"""Share cards (``og:image``) for articles without a photo: 1200×630, drawn with Pillow.

A red band with the agency's logo and name, the article title in large type, the site's
address at the foot. The font is the theme's Noto Sans Bold subset (``theme/fonts/``), which has
every precomposed Vietnamese letter (ằ, ữ, ệ …) drawn with its marks stacked as the type
designer placed them; titles are NFC-normalised first so no mark is left to combine.

A build draws thousands of cards that differ only in their title, so each worker does the
shared work once:

- the fixed part (band, logo, agency name, footer) is drawn and JPEG-encoded once per
  (style, agency, footer, font, logo) (``_base``);
- title glyphs are rendered once per (font, size, letter) and pasted (``_Face``): with Pillow's
  basic layout and a font without a ``kern`` table (the shipped one) a line is exactly its glyphs
  side by side at whole-pixel advances, so this gives Pillow's own pixels;
- the JPEG has a restart marker after every row of 16-pixel blocks, which makes each row's
  compressed bytes independent of the others: only the rows the title touches are encoded, the
  rest are copied from the fixed part. The file is byte for byte what Pillow writes for the
  whole card with the same settings (tests check it).
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import math
import os
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PIL import Image, ImageColor

# ImageDraw and ImageFont (FreeType) are imported where cards are drawn: in worker processes.
# The build process only names cards (card_keys), and each module it imports adds to it and to
# every process forked from it (these two: 1.5 MB).
if TYPE_CHECKING:
    from PIL import ImageFont

# 3: restart markers in the JPEG (same pixels as 2), explicit 4:2:0.
CARD_VERSION = 3

MARGIN = 64
BAND_HEIGHT = 150
ACCENT_HEIGHT = 8
#: Title sizes tried, largest first; a title that fits none is cut with "…" at the smallest.
TITLE_SIZES = tuple(range(64, 39, -4))
TITLE_MAX_LINES = 4
#: 4:2:0 chroma (Pillow's default for RGB, now written out): blocks of 16 pixel rows.
SUBSAMPLING = 2
BLOCK_ROWS = {0: 8, 1: 8, 2: 16}[SUBSAMPLING]
_RESTART = re.compile(rb"\xff[\xd0-\xd7]")


@dataclass(frozen=True)
class CardStyle:
    """What a card looks like; part of the cache key."""

    width: int = 1200
    height: int = 630
    band: str = "#b3161c"
    band_text: str = "#ffffff"
    accent: str = "#f2c94c"
    background: str = "#ffffff"
    text: str = "#1b1b1b"
    muted: str = "#555555"
    quality: int = 85


@dataclass(frozen=True)
class CardText:
    title: str
    agency: str
    footer: str  # the site's address, e.g. thads-haugiang.example.org


def card_key(text: CardText, style: CardStyle, font_digest: str, logo_digest: str) -> str:
    """Cache key of one card: its words, look, font and logo."""
    return card_keys(style, font_digest, logo_digest)(text)


def card_keys(style: CardStyle, font_digest: str, logo_digest: str):
    """:func:`card_key` for many cards of one look: the look's part of the key is written
    once (vars(), not asdict(): the same dicts for these flat dataclasses, without asdict's
    deep copy). The key hashes ``[text, style, font, logo, version]`` as sorted JSON."""
    rest = json.dumps(
        [0, vars(style), font_digest, logo_digest, CARD_VERSION], ensure_ascii=False, sort_keys=True
    ).removeprefix("[0")

    def key(text: CardText) -> str:
        data = "[" + json.dumps(vars(text), ensure_ascii=False, sort_keys=True) + rest
        return hashlib.sha256(data.encode()).hexdigest()[:24]

    return key


def wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy word wrap to ``width`` pixels (a single over-long word keeps its own line)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if current and font.getlength(trial) > width:
            lines.append(current)
            current = word
        else:
            current = trial
    if current:
        lines.append(current)
    return lines


@functools.lru_cache(maxsize=32)
def _font(font_path: str, size: int) -> ImageFont.FreeTypeFont:
    """Fonts are loaded once per worker, not several times per card (build_bench profile)."""
    from PIL import ImageFont

    return ImageFont.truetype(font_path, size, layout_engine=ImageFont.Layout.BASIC)


@functools.lru_cache(maxsize=8)
def _has_kern_table(font_path: str) -> bool:
    """Whether Pillow's basic layout would kern this font (it reads only the ``kern`` table).

    Anything but a plain TrueType/OpenType file counts as kerned: the slower, exact path.
    """
    with open(font_path, "rb") as handle:
        head = handle.read(12)
        if len(head) < 12 or head[:4] not in (b"\x00\x01\x00\x00", b"OTTO", b"true"):
            return True
        count = int.from_bytes(head[4:6], "big")
        records = handle.read(16 * count)
    return any(records[i : i + 4] == b"kern" for i in range(0, len(records), 16))


def _render(font: ImageFont.FreeTypeFont, text: str) -> tuple[Image.Image | None, int, int]:
    """``text`` as an "L" coverage mask, and where its corner goes from the "la" anchor."""
    left, top, right, bottom = font.getbbox(text)
    if right <= left or bottom <= top:
        return None, 0, 0
    from PIL import ImageDraw

    mask = Image.new("L", (right - left, bottom - top))
    ImageDraw.Draw(mask).text((-left, -top), text, font=font, fill=255)
    ink = mask.getbbox()  # without its blank margins: fewer pixels to paste on every card
    if ink is None:
        return None, 0, 0
    if ink != (0, 0, *mask.size):
        mask = mask.crop(ink)
    return mask, left + ink[0], top + ink[1]


@functools.lru_cache(maxsize=2048)
def _solid(mode: str, colour, size: tuple[int, int]) -> Image.Image:
    """A block of ``colour``: pasted through a glyph's mask, it blends as painting ``colour``
    through it does (the same arithmetic), only faster in Pillow."""
    return Image.new(mode, size, colour)


class _Face:
    """One font at one size, with each letter's advance and mask kept once measured or drawn.

    ``additive``: a line is its letters side by side (no kerning, whole-pixel advances), so
    widths are sums and a line can be drawn glyph by glyph; otherwise Pillow lays out and draws
    each whole line.
    """

    def __init__(self, font_path: str, size: int):
        self.font = _font(font_path, size)
        self.size = size
        self.advances: dict[str, float] = {}
        self.glyphs: dict[str, tuple[Image.Image | None, int, int]] = {}
        probe = "AVToyệẫ1 "
        self.additive = not _has_kern_table(font_path) and all(
            self.advance(c).is_integer() for c in probe
        )

    def advance(self, char: str) -> float:
        advance = self.advances.get(char)
        if advance is None:
            advance = self.advances[char] = self.font.getlength(char)
        return advance

    def width(self, text: str) -> float:
        if not self.additive:
            return self.font.getlength(text)
        advances = self.advances
        try:
            return sum(map(advances.__getitem__, text))
        except KeyError:
            return sum(map(self.advance, text))

    def pieces(self, line: str):
        """(mask, x, y) of the line's ink, from its "la" anchor."""
        if not self.additive:
            mask, x, y = _render(self.font, line)
            if mask is not None:
                yield mask, x, y
            return
        pen = 0
        glyphs = self.glyphs
        for char in line:
            glyph = glyphs.get(char)
            if glyph is None:
                glyph = glyphs[char] = _render(self.font, char)
            if glyph[0] is not None:
                yield glyph[0], pen + glyph[1], glyph[2]
            pen += int(self.advance(char))


@functools.lru_cache(maxsize=32)
def _face(font_path: str, size: int) -> _Face:
    return _Face(font_path, size)


def _wrap(words: list[str], face: _Face, width: int) -> list[str]:
    """``wrap`` with the face's cached widths (same lines)."""
    lines: list[str] = []
    current, current_width = "", 0.0
    space = face.width(" ")
    for word in words:
        word_width = face.width(word)
        if not current:
            current, current_width = word, word_width
            continue
        if face.additive:
            trial_width = current_width + space + word_width
        else:
            trial_width = face.width(f"{current} {word}")
        if trial_width > width:
            lines.append(current)
            current, current_width = word, word_width
        else:
            current, current_width = f"{current} {word}", trial_width
    if current:
        lines.append(current)
    return lines


def _fit(title: str, font_path: str, width: int, max_lines: int) -> tuple[_Face, list[str]]:
    words = title.split()
    for size in TITLE_SIZES:
        face = _face(font_path, size)
        lines = _wrap(words, face, width)
        if len(lines) <= max_lines:
            return face, lines
    lines = lines[:max_lines]
    last = lines[-1]
    while last and face.width(last + " …") > width:
        last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
    lines[-1] = last + " …"
    return face, lines


def fit_title(title: str, font_path: str, width: int, max_lines: int = TITLE_MAX_LINES):
    """The largest font size (64 → 40 px) at which the title fits; else cut with "…"."""
    face, lines = _fit(title, font_path, width, max_lines)
    return face.font, lines


def _title_pieces(title: str, style: CardStyle, font_path: str):
    """Where the title's ink goes on the card: [(mask, x, y)], top, bottom."""
    title = unicodedata.normalize("NFC", " ".join(title.split()))
    face, lines = _fit(title, font_path, style.width - 2 * MARGIN, TITLE_MAX_LINES)
    line_height = round(face.size * 1.3)
    footer_top = style.height - 80
    block = line_height * len(lines)
    title_top = BAND_HEIGHT + ACCENT_HEIGHT
    y = title_top + max(24, (footer_top - title_top - block) // 2)
    pieces = []
    top, bottom = style.height, 0
    for line in lines:
        for mask, dx, dy in face.pieces(line):
            pieces.append((mask, MARGIN + dx, y + dy))
            top, bottom = min(top, y + dy), max(bottom, y + dy + mask.height)
        y += line_height
    return pieces, top, bottom


def _jpeg(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, subsampling=SUBSAMPLING, restart_marker_rows=1)
    return buffer.getvalue()


def _block_rows(data: bytes, height: int) -> tuple[bytes, list[bytes]] | None:
    """A JPEG with a restart marker after each block row: (headers, each row's bytes).

    None if the file is not laid out that way (then cards are encoded whole).
    """
    at = 2
    while data[at : at + 1] == b"\xff":
        marker, length = data[at + 1], int.from_bytes(data[at + 2 : at + 4], "big")
        at += 2 + length
        if marker == 0xDA:  # start of scan: the compressed rows follow
            if not data.endswith(b"\xff\xd9"):
                return None
            # In compressed data a 0xFF byte is followed by 0x00; only markers are not.
            rows = _RESTART.split(data[at:-2])
            return (data[:at], rows) if len(rows) == math.ceil(height / BLOCK_ROWS) else None
    return None


@dataclass
class _Base:
    """The fixed part of a card: the picture without a title, and its JPEG block rows."""

    image: Image.Image
    jpeg: bytes
    header: bytes | None
    rows: list[bytes] | None
    #: Block rows that are all background, when text and background are greys (r = g = b):
    #: a title there is drawn in one channel, a quarter of the work, and copied to all three.
    grey_rows: frozenset[int]


def _draw_base(style: CardStyle, agency: str, footer: str, font_path: str, logo_png) -> Image:
    agency = unicodedata.normalize("NFC", agency)
    from PIL import ImageDraw

    card = Image.new("RGB", (style.width, style.height), style.background)
    draw = ImageDraw.Draw(card)
    draw.rectangle((0, 0, style.width, BAND_HEIGHT), fill=style.band)
    draw.rectangle((0, BAND_HEIGHT, style.width, BAND_HEIGHT + ACCENT_HEIGHT), fill=style.accent)
    text_left = MARGIN
    if logo_png:
        logo = Image.open(io.BytesIO(logo_png)).convert("RGBA")
        logo.thumbnail((110, 110), Image.LANCZOS)
        top = (BAND_HEIGHT - logo.height) // 2
        card.paste(logo, (MARGIN, top), logo)
        text_left = MARGIN + logo.width + 28
    agency_font = _font(font_path, 36)
    agency_lines = wrap(agency, agency_font, style.width - text_left - MARGIN)[:2]
    line_height = 46
    y = (BAND_HEIGHT - line_height * len(agency_lines)) // 2
    for line in agency_lines:
        draw.text((text_left, y), line, font=agency_font, fill=style.band_text)
        y += line_height
    footer_top = style.height - 80
    draw.rectangle((MARGIN, footer_top, MARGIN + 80, footer_top + 6), fill=style.band)
    draw.text((MARGIN, footer_top + 20), footer, font=_font(font_path, 28), fill=style.muted)
    return card


@functools.lru_cache(maxsize=8)
def _base(style: CardStyle, agency: str, footer: str, font_path: str, logo_png) -> _Base:
    """Drawn and encoded once per worker for each look, agency, address, font and logo."""
    image = _draw_base(style, agency, footer, font_path, logo_png)
    jpeg = _jpeg(image, style.quality)
    split = _block_rows(jpeg, style.height)
    header, rows = split if split else (None, None)
    grey_rows: set[int] = set()
    background, ink = ImageColor.getrgb(style.background), ImageColor.getrgb(style.text)
    if len(set(background[:3])) == 1 and len(set(ink[:3])) == 1:
        blank = tuple((value, value) for value in background[:3])
        for row in range(math.ceil(style.height / BLOCK_ROWS)):
            box = (0, row * BLOCK_ROWS, style.width, min(style.height, (row + 1) * BLOCK_ROWS))
            if image.crop(box).getextrema() == blank:
                grey_rows.add(row)
    return _Base(image, jpeg, header, rows, frozenset(grey_rows))


def draw_card(
    text: CardText, style: CardStyle, font_path: str, logo_png: bytes | None
) -> Image.Image:
    """The card as an RGB image."""
    base = _base(style, text.agency, text.footer, font_path, logo_png)
    card = base.image.copy()
    ink = ImageColor.getrgb(style.text)
    for mask, x, y in _title_pieces(text.title, style, font_path)[0]:
        card.paste(_solid("RGB", ink, mask.size), (x, y), mask)
    return card


def card_jpeg(text: CardText, style: CardStyle, font_path: str, logo_png: bytes | None) -> bytes:
    """The card as a JPEG: ``draw_card`` saved with restart markers, encoding only the title."""
    base = _base(style, text.agency, text.footer, font_path, logo_png)
    pieces, top, bottom = _title_pieces(text.title, style, font_path)
    if not pieces:
        return base.jpeg
    if base.rows is None:
        return _jpeg(draw_card(text, style, font_path, logo_png), style.quality)
    first = max(0, top // BLOCK_ROWS)
    end = min(len(base.rows), -(-bottom // BLOCK_ROWS))
    offset = first * BLOCK_ROWS
    box = (0, offset, style.width, min(style.height, end * BLOCK_ROWS))
    ink = ImageColor.getrgb(style.text)
    if base.grey_rows.issuperset(range(first, end)):
        grey = Image.new("L", (box[2], box[3] - offset), ImageColor.getrgb(style.background)[0])
        for mask, x, y in pieces:
            grey.paste(_solid("L", ink[0], mask.size), (x, y - offset), mask)
        strip = Image.merge("RGB", (grey, grey, grey))
    else:
        strip = base.image.crop(box)
        for mask, x, y in pieces:
            strip.paste(_solid("RGB", ink, mask.size), (x, y - offset), mask)
    split = _block_rows(_jpeg(strip, style.quality), strip.height)
    if split is None:  # pragma: no cover - the whole card's JPEG split, so does a strip
        return _jpeg(draw_card(text, style, font_path, logo_png), style.quality)
    rows = base.rows[:first] + split[1] + base.rows[end:]
    parts = [base.header]
    last = len(rows) - 1
    for number, row in enumerate(rows):
        parts.append(row)
        parts.append(b"\xff\xd9" if number == last else bytes((0xFF, 0xD0 + number % 8)))
    return b"".join(parts)


def write_card(
    path: str, text: CardText, style: CardStyle, font_path: str, logo_png: bytes | None
) -> None:
    """Draw and save one card as JPEG, atomically."""
    data = card_jpeg(text, style, font_path, logo_png)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temporary = f"{path}.tmp{os.getpid()}"
    with open(temporary, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)


def cards_job(cards: list, style: CardStyle, font_path: str, logo_png: bytes | None):
    """Worker entry point for a batch of ``(path, text)``: one pickled logo, one round trip."""
    for path, text in cards:
        write_card(path, text, style, font_path, logo_png)
    return ("ok", None)


def rasterize_logo(path: str, size: int = 220) -> bytes | None:
    """The agency logo as PNG bytes: SVG through resvg, raster files through Pillow."""
    if not path or not os.path.isfile(path):
        return None
    if path.lower().endswith((".svg", ".svgz")):
        try:
            import resvg_py
        except ImportError:  # pragma: no cover - pinned in requirements/base.in
            return None
        return bytes(resvg_py.svg_to_bytes(svg_path=path, width=size, height=size))
    with Image.open(path) as image:
        image = image.convert("RGBA")
        image.thumbnail((size, size), Image.LANCZOS)
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        return buffer.getvalue()
