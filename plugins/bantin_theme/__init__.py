"""Pelican plugin: what the Bantin theme needs that Pelican does not make on its own.

- on every article: ``other_news`` ("Các tin khác", same category), ``newer_in_category`` and
  ``older_in_category`` (previous/next links);
- extra pages: the documents list (Văn bản, from ``van_ban`` blocks), the HTML site map, the
  404 page, and a JSON map of the days with news that the "Các tin đã đưa ngày" picker reads:
  each day → its month archive page (the right page when months are paginated) and the day's
  heading there (``#ngay-07``). There are no day pages (``DAY_ARCHIVE_SAVE_AS = ""``).

Settings (defaults in :data:`DEFAULT_SETTINGS`; an empty ``*_SAVE_AS`` turns a page off):
``BANTIN_OTHER_NEWS_COUNT``, ``BANTIN_DOCUMENTS_URL`` / ``_SAVE_AS``, ``BANTIN_SITE_MAP_URL`` /
``_SAVE_AS``, ``BANTIN_NOT_FOUND_SAVE_AS``, ``BANTIN_NEWS_DAYS_URL`` / ``_SAVE_AS``,
``BANTIN_QUICK_LINKS`` (home page) and ``BANTIN_SHARE_LINKS`` (article share links, ``{url}``
is replaced by the article's URL-encoded public address). ``ARCHIVES_URL``, ``CATEGORIES_URL``,
``TAGS_URL`` and ``SEARCH_URL`` default to their ``*_SAVE_AS`` without ``index.html``.
"""

from __future__ import annotations

import json
import logging
import os

from pelican import signals
from pelican.generators import Generator
from pelican.paginator import Paginator

from .navigation import category_links, day_anchor, documents, news_days, section_navigation

logger = logging.getLogger(__name__)

DEFAULT_SETTINGS = {
    "BANTIN_OTHER_NEWS_COUNT": 5,
    "BANTIN_DOCUMENTS_URL": "van-ban/",
    "BANTIN_DOCUMENTS_SAVE_AS": "van-ban/index.html",
    "BANTIN_SITE_MAP_URL": "so-do-trang/",
    "BANTIN_SITE_MAP_SAVE_AS": "so-do-trang/index.html",
    "BANTIN_NOT_FOUND_SAVE_AS": "404.html",
    "BANTIN_NEWS_DAYS_URL": "luu-tru/ngay-co-tin.json",
    "BANTIN_NEWS_DAYS_SAVE_AS": "luu-tru/ngay-co-tin.json",
    # Same for every agency: the national public services portal, its documents, its contacts.
    "BANTIN_QUICK_LINKS": (
        {"ten": "Thủ tục hành chính", "duong_dan": "https://dichvucong.gov.vn/"},
        {"ten": "Văn bản", "duong_dan": "/van-ban/"},
        {"ten": "Liên hệ", "duong_dan": "/lien-he/"},
    ),
    # Plain links: the share services' scripts are never loaded. Facebook documents its sharer
    # address; Zalo documents only its script button, and this address is the one Vietnamese
    # sites commonly link to — an agency can replace either here.
    "BANTIN_SHARE_LINKS": (
        {"ten": "Facebook", "duong_dan": "https://www.facebook.com/sharer/sharer.php?u={url}"},
        {"ten": "Zalo", "duong_dan": "https://sp.zalo.me/share?url={url}"},
    ),
}


def add_default_settings(pelican) -> None:
    """Fill in the theme settings the site did not set (the context is copied from these)."""
    settings = pelican.settings
    for key, value in DEFAULT_SETTINGS.items():
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


def link_articles(generator) -> None:
    """Attach other news and category neighbours to each article."""
    count = generator.settings.get("BANTIN_OTHER_NEWS_COUNT", 5)
    for article, (others, newer, older) in category_links(generator.articles, count).items():
        # Attributes on the Article object, not its metadata dict (which the cache shares).
        article.other_news = others
        article.newer_in_category = newer
        article.older_in_category = older


class ThemePagesGenerator(Generator):
    """Writes the documents list, the site map, the 404 page and the days-with-news map."""

    def generate_output(self, writer) -> None:
        settings, context = self.settings, self.context
        articles = context.get("articles", [])
        pages = (
            ("BANTIN_DOCUMENTS_SAVE_AS", "BANTIN_DOCUMENTS_URL", "van_ban", "documents_page"),
            ("BANTIN_SITE_MAP_SAVE_AS", "BANTIN_SITE_MAP_URL", "so_do_trang", "site_map"),
            ("BANTIN_NOT_FOUND_SAVE_AS", None, "404", "not_found"),
        )
        for save_as_key, url_key, template, name in pages:
            save_as = settings.get(save_as_key)
            if not save_as:
                continue
            writer.write_file(
                save_as,
                self.get_template(template),
                context,
                template_name=name,
                url=settings.get(url_key, "") if url_key else "",
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
        save_as = self.settings.get("BANTIN_NEWS_DAYS_SAVE_AS")
        if not save_as:
            return
        path = os.path.join(self.output_path, save_as)
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
