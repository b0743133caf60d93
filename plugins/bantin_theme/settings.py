"""The theme plugin's settings: defaults in one place, read once into a frozen object."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULTS = {
    # How many other news of the same category an article lists ("Các tin khác").
    "BANTIN_OTHER_NEWS_COUNT": 5,
    # The category whose articles fill the home page's announcements block.
    "BANTIN_ANNOUNCEMENT_CATEGORY": "Thông báo",
    # The home page's quick links: same for every agency (the national public services
    # portal, its documents, its contacts).
    "BANTIN_QUICK_LINKS": (
        {"ten": "Thủ tục hành chính", "duong_dan": "https://dichvucong.gov.vn/"},
        {"ten": "Văn bản", "duong_dan": "/van-ban/"},
        {"ten": "Liên hệ", "duong_dan": "/lien-he/"},
    ),
    # An article's share links, {url}: its URL-encoded public address. Plain links: the share
    # services' scripts are never loaded. Facebook documents its sharer address; Zalo documents
    # only its script button, and this address is the one Vietnamese sites commonly link to.
    "BANTIN_SHARE_LINKS": (
        {"ten": "Facebook", "duong_dan": "https://www.facebook.com/sharer/sharer.php?u={url}"},
        {"ten": "Zalo", "duong_dan": "https://sp.zalo.me/share?url={url}"},
    ),
}


@dataclass(frozen=True)
class ThemeSettings:
    """What the theme plugin reads of Pelican's settings (templates read the same names)."""

    other_news_count: int
    announcement_category: str
    quick_links: tuple
    share_links: tuple


def read(settings) -> ThemeSettings:
    own = {**DEFAULTS, **{k: v for k, v in settings.items() if k in DEFAULTS}}
    return ThemeSettings(
        other_news_count=own["BANTIN_OTHER_NEWS_COUNT"],
        announcement_category=own["BANTIN_ANNOUNCEMENT_CATEGORY"],
        quick_links=tuple(own["BANTIN_QUICK_LINKS"]),
        share_links=tuple(own["BANTIN_SHARE_LINKS"]),
    )
