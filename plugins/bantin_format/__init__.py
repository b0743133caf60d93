"""Pelican plugin: Vietnamese formatting filters and theme translations for every template.

Settings (defaults in :data:`DEFAULT_SETTINGS`):

``BANTIN_TRANSLATIONS_PATH``
    directory of compiled catalogs, ``<THEME>/translations`` when unset.
``BANTIN_LOCALE``
    catalog locale, ``"vi"``.
"""

from __future__ import annotations

import os

from pelican import signals

from bantin_format.formatting import FILTERS
from bantin_format.i18n import install_translations, load_translations
from bantin_format.structured_data import STRUCTURED_DATA_FILTERS

DEFAULT_SETTINGS = {
    "BANTIN_TRANSLATIONS_PATH": None,
    "BANTIN_LOCALE": "vi",
}


def configure_jinja(generator) -> None:
    """Add the formatting filters and gettext to one generator's Jinja environment."""
    # Every generator builds its own Environment and sends generator_init for it, so this
    # runs once per generator (articles, pages, static, template pages).
    generator.env.filters.update(FILTERS)
    generator.env.filters.update(STRUCTURED_DATA_FILTERS)
    settings = {**DEFAULT_SETTINGS, **generator.settings}
    directory = settings["BANTIN_TRANSLATIONS_PATH"] or os.path.join(
        generator.theme, "translations"
    )
    install_translations(generator.env, load_translations(directory, settings["BANTIN_LOCALE"]))


def register() -> None:
    """Connect the plugin's handlers (Pelican keeps weak references: module-level only)."""
    signals.generator_init.connect(configure_jinja)
