"""The plugin's settings: defaults in one place, read and checked once per build."""

from __future__ import annotations

import os
from dataclasses import dataclass

from bantin_core import engine

from .cards import CardStyle
from .pipeline import ImageSettings

DEFAULTS = {
    # Widths of the derivatives, in pixels; a photo is never enlarged.
    "BANTIN_IMAGES_WIDTHS": (480, 800, 1200),
    "BANTIN_IMAGES_WEBP_QUALITY": 72,
    "BANTIN_IMAGES_JPEG_QUALITY": 78,
    # A photo over this many megapixels is refused (decompression bombs, scans at 600 dpi).
    "BANTIN_IMAGES_MAX_MEGAPIXELS": 60,
    # True: also publish each photo at full size (metadata still stripped), linked from it.
    "BANTIN_IMAGES_FULL_SIZE": False,
    # True: also copy the originals as they are (GPS and all).
    "BANTIN_IMAGES_PUBLISH_ORIGINALS": False,
    # Folders under content/ whose photos are published only as derivatives.
    "BANTIN_IMAGES_PATHS": ["images"],
    # Files there that are published as they are anyway (the agency logo always is).
    "BANTIN_IMAGES_PUBLISH_AS_IS": [],
    # Derivatives live here, outside output/; None: <CACHE_PATH>/bantin-images.
    "BANTIN_IMAGES_CACHE_PATH": None,
    # Share cards (og:image) for articles without a photo.
    "BANTIN_SHARE_CARDS": True,
    # None: <THEME>/fonts/NotoSans-Bold-vi.ttf. Must cover Vietnamese.
    "BANTIN_SHARE_CARD_FONT": None,
    # A logo under content/ (SVG or raster); None: AGENCY["logo"].
    "BANTIN_SHARE_CARD_LOGO": None,
    # Colours of the card, see cards.CardStyle.
    "BANTIN_SHARE_CARD_STYLE": {},
}

#: How wide a photo shows (the <img sizes> attribute), single photos then gallery photos: the
#: widths the theme's stylesheet gives them (theme/static/css/bantin.css), changed with it.
SIZES = "(min-width: 50rem) 46rem, calc(100vw - 2rem)"
GALLERY_SIZES = (
    "(min-width: 50rem) 22.5rem, (min-width: 30rem) calc(50vw - 1.5rem), calc(100vw - 2rem)"
)
#: Where share cards are published, under the output folder.
CARD_FOLDER = "images/chia-se"


class SettingsError(ValueError):
    """A wrong BANTIN_IMAGES_* setting: said before any photo is read."""


@dataclass(frozen=True)
class Config:
    """Everything the plugin needs from Pelican's settings."""

    image: ImageSettings
    content_path: str
    output_path: str
    cache_path: str
    workers: int
    siteurl: str
    sizes: str
    gallery_sizes: str
    private_paths: tuple[str, ...]
    publish_as_is: frozenset
    publish_originals: bool
    cards: bool
    card_font: str
    card_logo: str | None
    card_style: CardStyle
    card_folder: str
    agency_name: str
    site_host: str


def _positive(name: str, value, kind=int):
    if isinstance(value, bool) or not isinstance(value, kind | int) or value <= 0:
        raise SettingsError(f"{name} phải là số dương, đang là {value!r}")
    return value


def read_config(settings: dict, output_path: str) -> Config:
    """Build the plugin's config from Pelican settings; raise SettingsError on a bad value."""
    s = {**DEFAULTS, **{k: v for k, v in settings.items() if k in DEFAULTS and v is not None}}
    widths = s["BANTIN_IMAGES_WIDTHS"]
    if not widths or not isinstance(widths, list | tuple):
        raise SettingsError(f"BANTIN_IMAGES_WIDTHS phải là danh sách độ rộng, đang là {widths!r}")
    widths = tuple(sorted({_positive("BANTIN_IMAGES_WIDTHS", w) for w in widths}))
    for name in ("BANTIN_IMAGES_WEBP_QUALITY", "BANTIN_IMAGES_JPEG_QUALITY"):
        if not 1 <= _positive(name, s[name]) <= 100:
            raise SettingsError(f"{name} phải từ 1 đến 100, đang là {s[name]!r}")
    image = ImageSettings(
        widths=widths,
        webp_quality=s["BANTIN_IMAGES_WEBP_QUALITY"],
        jpeg_quality=s["BANTIN_IMAGES_JPEG_QUALITY"],
        max_megapixels=float(
            _positive("BANTIN_IMAGES_MAX_MEGAPIXELS", s["BANTIN_IMAGES_MAX_MEGAPIXELS"], float)
        ),
        full_size=bool(s["BANTIN_IMAGES_FULL_SIZE"]),
    )
    cache_path = s["BANTIN_IMAGES_CACHE_PATH"] or os.path.join(
        settings.get("CACHE_PATH", "cache"), "bantin-images"
    )
    agency = settings.get("AGENCY") or {}
    logo = s["BANTIN_SHARE_CARD_LOGO"] or agency.get("logo")
    content_path = settings["PATH"]
    theme = settings.get("THEME", "")
    font = s["BANTIN_SHARE_CARD_FONT"] or os.path.join(theme, "fonts", "NotoSans-Bold-vi.ttf")
    cards = bool(s["BANTIN_SHARE_CARDS"])
    if cards and not os.path.isfile(font):
        raise SettingsError(f"BANTIN_SHARE_CARD_FONT: không tìm thấy phông chữ {font}")
    public_url = settings.get("PUBLIC_URL") or settings.get("SITEURL") or ""
    publish_as_is = {p.strip("/") for p in s["BANTIN_IMAGES_PUBLISH_AS_IS"]}
    if agency.get("logo"):
        publish_as_is.add(agency["logo"].strip("/"))
    return Config(
        image=image,
        content_path=content_path,
        output_path=output_path,
        cache_path=os.path.abspath(cache_path),
        # One process while the engine room is off (bantin_core.settings).
        workers=engine.workers(settings),
        siteurl=settings.get("SITEURL", "").rstrip("/"),
        sizes=SIZES,
        gallery_sizes=GALLERY_SIZES,
        private_paths=tuple(p.strip("/") for p in s["BANTIN_IMAGES_PATHS"]),
        publish_as_is=frozenset(publish_as_is),
        publish_originals=bool(s["BANTIN_IMAGES_PUBLISH_ORIGINALS"]),
        cards=cards,
        card_font=font,
        card_logo=os.path.join(content_path, logo.lstrip("/")) if logo else None,
        card_style=CardStyle(**s["BANTIN_SHARE_CARD_STYLE"]),
        card_folder=CARD_FOLDER,
        agency_name=agency.get("name") or settings.get("SITENAME", ""),
        site_host=public_url.split("://", 1)[-1].rstrip("/"),
    )
