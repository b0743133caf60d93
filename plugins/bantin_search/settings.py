"""The search plugin's settings: defaults in one place, read once per build."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULTS = {
    # False: no search metadata, no word pairs, no Pagefind index (the search page stays).
    "BANTIN_SEARCH": True,
    # Abbreviations searchable in both forms: {"THADS": "thi hành án dân sự"}.
    "BANTIN_SEARCH_ABBREVIATIONS": {},
    # Folded word pairs → the site's spelling, read by the search page; "" or None: not written.
    "BANTIN_SEARCH_COMPOUNDS_SAVE_AS": "tim-kiem/tu-ghep.json",
}


@dataclass(frozen=True)
class SearchSettings:
    """What the plugin needs from Pelican's settings."""

    enabled: bool
    abbreviations: dict
    compounds_save_as: str
    #: A live preview build (bantin_editor's BANTIN_PREVIEW): Pagefind runs in the background.
    preview: bool


def read(settings) -> SearchSettings:
    def value(name):
        return settings.get(name, DEFAULTS[name])

    return SearchSettings(
        enabled=bool(value("BANTIN_SEARCH")),
        abbreviations=dict(value("BANTIN_SEARCH_ABBREVIATIONS") or {}),
        compounds_save_as=str(value("BANTIN_SEARCH_COMPOUNDS_SAVE_AS") or ""),
        preview=bool(settings.get("BANTIN_PREVIEW", False)),
    )
