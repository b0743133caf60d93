"""Pelican plugin: Vietnamese formatting filters and theme translations for every template.

No settings: the catalog is the theme's own, ``<THEME>/translations/vi`` (``make
translations`` compiles it there), the one language the site is written for.
"""

from __future__ import annotations

import os

from pelican import signals

from bantin_format.formatting import FILTERS
from bantin_format.i18n import install_translations, load_translations, warn_if_missing
from bantin_format.structured_data import STRUCTURED_DATA_FILTERS

#: The catalog's locale and folder (under the theme): where the Makefile compiles it.
LOCALE = "vi"
CATALOG_FOLDER = "translations"


def configure_jinja(generator) -> None:
    """Add the formatting filters and gettext to one generator's Jinja environment."""
    # Every generator builds its own Environment and sends generator_init for it, so this
    # runs once per generator (articles, pages, static, template pages).
    generator.env.filters.update(FILTERS)
    generator.env.filters.update(STRUCTURED_DATA_FILTERS)
    directory = os.path.join(generator.theme, CATALOG_FOLDER)
    install_translations(generator.env, load_translations(directory, LOCALE))


def check_catalog(pelican) -> None:
    """Say once per build (not once per generator) that the catalog is missing; no generator."""
    warn_if_missing(os.path.join(pelican.settings["THEME"], CATALOG_FOLDER), LOCALE)


def register() -> None:
    """Connect the plugin's handlers (Pelican keeps weak references: module-level only)."""
    signals.generator_init.connect(configure_jinja)
    signals.get_generators.connect(check_catalog)
