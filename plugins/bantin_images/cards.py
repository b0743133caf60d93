"""Share cards (``og:image``) for articles without a photo: 1200×630, drawn with Pillow.

A red band with the agency's logo and name, the article title in large type, the site's
address at the foot. The font is the theme's Noto Sans Bold subset (``theme/fonts/``), which has
every precomposed Vietnamese letter (ằ, ữ, ệ …) drawn with its marks stacked as the type
designer placed them; titles are NFC-normalised first so no mark is left to combine.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import unicodedata
from dataclasses import asdict, dataclass

from PIL import Image, ImageDraw, ImageFont

CARD_VERSION = 2


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
    data = json.dumps(
        [asdict(text), asdict(style), font_digest, logo_digest, CARD_VERSION],
        ensure_ascii=False,
        sort_keys=True,
    )
    return hashlib.sha256(data.encode()).hexdigest()[:24]


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
    return ImageFont.truetype(font_path, size, layout_engine=ImageFont.Layout.BASIC)


def fit_title(title: str, font_path: str, width: int, max_lines: int = 4):
    """The largest font size (64 → 40 px) at which the title fits; else cut with "…"."""
    for size in range(64, 39, -4):
        font = _font(font_path, size)
        lines = wrap(title, font, width)
        if len(lines) <= max_lines:
            return font, lines
    lines = lines[:max_lines]
    last = lines[-1]
    while last and font.getlength(last + " …") > width:
        last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
    lines[-1] = last + " …"
    return font, lines


def draw_card(
    text: CardText, style: CardStyle, font_path: str, logo_png: bytes | None
) -> Image.Image:
    """The card as an RGB image."""
    title = unicodedata.normalize("NFC", " ".join(text.title.split()))
    agency = unicodedata.normalize("NFC", text.agency)
    card = Image.new("RGB", (style.width, style.height), style.background)
    draw = ImageDraw.Draw(card)
    margin = 64
    band_height = 150
    draw.rectangle((0, 0, style.width, band_height), fill=style.band)
    draw.rectangle((0, band_height, style.width, band_height + 8), fill=style.accent)
    text_left = margin
    if logo_png:
        logo = Image.open(io.BytesIO(logo_png)).convert("RGBA")
        logo.thumbnail((110, 110), Image.LANCZOS)
        top = (band_height - logo.height) // 2
        card.paste(logo, (margin, top), logo)
        text_left = margin + logo.width + 28
    agency_font = _font(font_path, 36)
    agency_lines = wrap(agency, agency_font, style.width - text_left - margin)[:2]
    line_height = 46
    y = (band_height - line_height * len(agency_lines)) // 2
    for line in agency_lines:
        draw.text((text_left, y), line, font=agency_font, fill=style.band_text)
        y += line_height

    font, lines = fit_title(title, font_path, style.width - 2 * margin)
    size = font.size
    line_height = round(size * 1.3)
    footer_top = style.height - 80
    block = line_height * len(lines)
    y = band_height + 8 + max(24, (footer_top - band_height - 8 - block) // 2)
    for line in lines:
        draw.text((margin, y), line, font=font, fill=style.text)
        y += line_height
    footer_font = _font(font_path, 28)
    draw.rectangle((margin, footer_top, margin + 80, footer_top + 6), fill=style.band)
    draw.text((margin, footer_top + 20), text.footer, font=footer_font, fill=style.muted)
    return card


def write_card(
    path: str, text: CardText, style: CardStyle, font_path: str, logo_png: bytes | None
) -> None:
    """Draw and save one card as JPEG (a flat card with text: ~40 KB), atomically."""
    card = draw_card(text, style, font_path, logo_png)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temporary = f"{path}.tmp{os.getpid()}"
    # Baseline, not optimised/progressive: those were half of a card's cost and a 1200×630 card
    # is read by link-preview crawlers, not streamed to readers.
    card.save(temporary, "JPEG", quality=style.quality)
    os.replace(temporary, path)


def card_job(path: str, text: CardText, style: CardStyle, font_path: str, logo_png: bytes | None):
    """Worker entry point, same shape as ``pipeline.derive_job``."""
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
