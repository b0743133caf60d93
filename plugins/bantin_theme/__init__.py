"""Pelican plugin: what the Bantin theme needs that Pelican does not make on its own.

- on every article: ``other_news`` ("Các tin khác", same category), ``newer_in_category`` and
  ``older_in_category`` (previous/next links);
- extra pages: the documents list (Văn bản, from ``van_ban`` blocks), the HTML site map, the
  404 page, and a JSON map of the days with news that the "Các tin đã đưa ngày" picker reads:
  each day → its month archive page (the right page when months are paginated) and the day's
  heading there (``#ngay-07``). There are no day pages (``DAY_ARCHIVE_SAVE_AS = ""``).

Settings: :mod:`.settings` (``BANTIN_OTHER_NEWS_COUNT``, ``BANTIN_ANNOUNCEMENT_CATEGORY``,
``BANTIN_QUICK_LINKS``, ``BANTIN_SHARE_LINKS``), put into Pelican's settings with their defaults
so that templates read them too. The pages' addresses are constants (the footer, the 404 page,
the day picker's script and deploy/nginx.conf expect them there); templates read them as the
globals ``DOCUMENTS_URL``, ``SITE_MAP_URL`` and ``NEWS_DAYS_URL``. ``ARCHIVES_URL``,
``CATEGORIES_URL``, ``TAGS_URL`` and ``SEARCH_URL`` default to their ``*_SAVE_AS`` without
``index.html``.
"""

from __future__ import annotations

import json
import logging
import os

from pelican import signals
from pelican.generators import Generator
from pelican.paginator import Paginator

from .navigation import category_links, day_anchor, documents, news_days, section_navigation
from .settings import DEFAULTS, read

logger = logging.getLogger(__name__)

# Where the theme's own pages are written. Not settings: nobody moves them, and links in every
# page, the day picker (theme/static/js) and deploy/nginx.conf (error_page 404) expect them here.
DOCUMENTS_URL = "van-ban/"
DOCUMENTS_SAVE_AS = DOCUMENTS_URL + "index.html"
SITE_MAP_URL = "so-do-trang/"
SITE_MAP_SAVE_AS = SITE_MAP_URL + "index.html"
NOT_FOUND_SAVE_AS = "404.html"
#: Days with news → their month page, read by the "Các tin đã đưa ngày" picker.
NEWS_DAYS_URL = NEWS_DAYS_SAVE_AS = "luu-tru/ngay-co-tin.json"
#: Template globals (besides the functions): the pages' addresses.
TEMPLATE_GLOBALS = {
    "DOCUMENTS_URL": DOCUMENTS_URL,
    "SITE_MAP_URL": SITE_MAP_URL,
    "NEWS_DAYS_URL": NEWS_DAYS_URL,
}


def add_default_settings(pelican) -> None:
    """Fill in the theme settings the site did not set (the context is copied from these)."""
    settings = pelican.settings
    for key, value in DEFAULTS.items():
        settings.setdefault(key, value)
    # Pelican has ARCHIVES_SAVE_AS and the like but no address to link to: derive one.
    for name in ("ARCHIVES", "CATEGORIES", "TAGS", "SEARCH"):
        save_as = settings.get(f"{name}_SAVE_AS")
        if save_as and f"{name}_URL" not in settings:
            settings[f"{name}_URL"] = save_as.removesuffix("index.html")


def add_template_globals(generator) -> None:
    """Functions templates call (every generator has its own Jinja environment)."""
    generator.env.globals["section_navigation"] = section_navigation
    generator.env.globals["day_anchor"] = day_anchor
    generator.env.globals.update(TEMPLATE_GLOBALS)


def link_articles(generator) -> None:
    """Attach other news and category neighbours to each article."""
    count = read(generator.settings).other_news_count
    for article, (others, newer, older) in category_links(generator.articles, count).items():
        # Attributes on the Article object, not its metadata dict (which the cache shares).
        article.other_news = others
        article.newer_in_category = newer
        article.older_in_category = older


class ThemePagesGenerator(Generator):
    """Writes the documents list, the site map, the 404 page and the days-with-news map."""

    def generate_output(self, writer) -> None:
        context = self.context
        articles = context.get("articles", [])
        pages = (
            (DOCUMENTS_SAVE_AS, DOCUMENTS_URL, "van_ban", "documents_page"),
            (SITE_MAP_SAVE_AS, SITE_MAP_URL, "so_do_trang", "site_map"),
            (NOT_FOUND_SAVE_AS, "", "404", "not_found"),
        )
        for save_as, url, template, name in pages:
            writer.write_file(
                save_as,
                self.get_template(template),
                context,
                template_name=name,
                url=url,
                documents=documents(articles),
            )
        self.write_news_days(articles)

    def month_pages(self, articles):
        """``(url, articles)`` of every month archive page, as Pelican's writer paginates them.

        Pelican paginates period archives only when ``PAGINATED_TEMPLATES`` names
        ``period_archives`` (this site does not); period_archives.html then lists
        ``articles_page``, so the same Paginator over the same list finds each day's page.
        """
        months = self.context.get("period_archives", {}).get("month")
        if not months:
            # No month pages: the archive page, where the picker goes without JavaScript (it
            # has no day headings, so the #ngay-DD that news_days adds leads to its top).
            yield self.settings.get("ARCHIVES_URL", ""), articles
            return
        paginated = self.settings.get("PAGINATED_TEMPLATES", {})
        per_page = None
        if "period_archives" in paginated:
            per_page = paginated["period_archives"] or self.settings["DEFAULT_PAGINATION"]
        for month in months:
            if not per_page:
                yield month["url"], month["articles"]
                continue
            pages = Paginator(
                month["save_as"], month["url"], month["articles"], self.settings, per_page
            )
            for number in pages.page_range:
                page = pages.page(number)
                yield page.url, page.object_list

    def write_news_days(self, articles) -> None:
        path = os.path.join(self.output_path, NEWS_DAYS_SAVE_AS)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(news_days(self.month_pages(articles)), handle, separators=(",", ":"))
        logger.debug("[bantin_theme] wrote %s", path)


def add_generator(pelican):
    return ThemePagesGenerator


def register() -> None:
    """Connect the plugin's handlers (module-level: Pelican keeps weak references)."""
    signals.initialized.connect(add_default_settings)
    signals.generator_init.connect(add_template_globals)
    signals.article_generator_finalized.connect(link_articles)
    signals.get_generators.connect(add_generator)
