"""Pelican 4.12.0's own functions, each with its one quadratic line made linear.

Pelican finds the articles of each tag, category, author and period archive, and the
translations, with ``[a for a in all_articles if a in group]``: a list membership test per
article per group, ≈ 4 s of a build at 8,000 articles, growing with the square of the site.
Content objects compare by identity (``Content`` defines no ``__eq__``): each group's members
are put in the long list's order by their positions in it (``id()`` → index, made once), and
the translations are told apart with a set of ``id()``. Same lists, same order.

Everything below the imports is Pelican's source, copied verbatim except for those lines:
``tests/test_pelican_fixes.py`` rebuilds each patch in docs/patches/ from the upstream function
and the copy here and fails if they differ, and fails if the upstream function changes. Used
only while ``BANTIN_ENGINE`` is on and Pelican is 4.12.0 (``pelican_fixes.REPLACEMENTS``).
Remove this module when Pelican takes the patches.
"""

# ruff: noqa
# fmt: off

from __future__ import annotations

import calendar
import logging
from collections import defaultdict
from itertools import groupby
from operator import attrgetter

from pelican.utils import get_original_items
from pelican.writers import FileOverwriteFailedError

logger = logging.getLogger("pelican.generators")


def _build_period_archives(self, sorted_articles, articles, settings):
    """
    Compute the groupings of articles, with related attributes, for
    per-year, per-month, and per-day archives.
    """

    period_archives = defaultdict(list)

    period_archives_settings = {
        "year": {
            "save_as": settings["YEAR_ARCHIVE_SAVE_AS"],
            "url": settings["YEAR_ARCHIVE_URL"],
        },
        "month": {
            "save_as": settings["MONTH_ARCHIVE_SAVE_AS"],
            "url": settings["MONTH_ARCHIVE_URL"],
        },
        "day": {
            "save_as": settings["DAY_ARCHIVE_SAVE_AS"],
            "url": settings["DAY_ARCHIVE_URL"],
        },
    }

    granularity_key_func = {
        "year": attrgetter("date.year"),
        "month": attrgetter("date.year", "date.month"),
        "day": attrgetter("date.year", "date.month", "date.day"),
    }

    position = {id(a): i for i, a in enumerate(articles)}
    for granularity in "year", "month", "day":
        save_as_fmt = period_archives_settings[granularity]["save_as"]
        url_fmt = period_archives_settings[granularity]["url"]
        key_func = granularity_key_func[granularity]

        if not save_as_fmt:
            # the archives for this period granularity are not needed
            continue

        for period, group in groupby(sorted_articles, key=key_func):
            archive = {}

            dates = list(group)
            archive["dates"] = dates
            found = {position[id(a)] for a in dates if id(a) in position}
            archive["articles"] = [articles[i] for i in sorted(found)]

            # use the first date to specify the period archive URL
            # and save_as; the specific date used does not matter as
            # they all belong to the same period
            d = dates[0].date
            archive["save_as"] = save_as_fmt.format(date=d)
            archive["url"] = url_fmt.format(date=d)

            if granularity == "year":
                archive["period"] = (period,)
                archive["period_num"] = (period,)
            else:
                month_name = calendar.month_name[period[1]]
                if granularity == "month":
                    archive["period"] = (period[0], month_name)
                else:
                    archive["period"] = (period[0], month_name, period[2])
                archive["period_num"] = tuple(period)

            period_archives[granularity].append(archive)

    return period_archives


def generate_tags(self, write):
    """Generate Tags pages."""
    tag_template = self.get_template("tag")
    position = {id(article): i for i, article in enumerate(self.dates)}
    for tag, articles in self.tags.items():
        found = {position[id(a)] for a in articles if id(a) in position}
        dates = [self.dates[i] for i in sorted(found)]
        try:
            write(
                tag.save_as,
                tag_template,
                self.context,
                tag=tag,
                url=tag.url,
                articles=articles,
                dates=dates,
                template_name="tag",
                blog=True,
                page_name=tag.page_name,
                all_articles=self.articles,
            )
        except FileOverwriteFailedError:
            if not tag.slug:
                logger.info(
                    'Tag "%s" has an invalid slug; skipping writing tag page...',
                    tag,
                    extra={"limit_msg": "Further tags with invalid slugs."},
                )
                continue
            else:
                logger.error('Failed to write Tag page for "%s".', tag)
                raise


def generate_categories(self, write):
    """Generate category pages."""
    category_template = self.get_template("category")
    position = {id(article): i for i, article in enumerate(self.dates)}
    for cat, articles in self.categories:
        found = {position[id(a)] for a in articles if id(a) in position}
        dates = [self.dates[i] for i in sorted(found)]
        try:
            write(
                cat.save_as,
                category_template,
                self.context,
                url=cat.url,
                category=cat,
                articles=articles,
                dates=dates,
                template_name="category",
                blog=True,
                page_name=cat.page_name,
                all_articles=self.articles,
            )
        except FileOverwriteFailedError:
            if not cat.slug:
                logger.info(
                    'Category "%s" has an invalid slug; skipping writing category page...',
                    cat,
                    extra={"limit_msg": "Further categories with invalid slugs."},
                )
                continue
            else:
                logger.error('Failed to write Category page for "%s".', cat)
                raise


def generate_authors(self, write):
    """Generate Author pages."""
    author_template = self.get_template("author")
    position = {id(article): i for i, article in enumerate(self.dates)}
    for aut, articles in self.authors:
        found = {position[id(a)] for a in articles if id(a) in position}
        dates = [self.dates[i] for i in sorted(found)]
        try:
            write(
                aut.save_as,
                author_template,
                self.context,
                url=aut.url,
                author=aut,
                articles=articles,
                dates=dates,
                template_name="author",
                blog=True,
                page_name=aut.page_name,
                all_articles=self.articles,
            )
        except FileOverwriteFailedError:
            if not aut.slug:
                logger.info(
                    'Author "%s" has an invalid slug; skipping writing author page...',
                    aut,
                    extra={"limit_msg": "Further authors with invalid slugs."},
                )
                continue
            else:
                logger.error('Failed to write Author page for "%s".', aut)
                raise


def process_translations(
    content_list: list[Content],
    translation_id: str | Collection[str] | None = None,
) -> tuple[list[Content], list[Content]]:
    """Finds translations and returns them.

    For each content_list item, populates the 'translations' attribute, and
    returns a tuple with two lists (index, translations). Index list includes
    items in default language or items which have no variant in default
    language. Items with the `translation` metadata set to something else than
    `False` or `false` will be used as translations, unless all the items in
    the same group have that metadata.

    Translations and original items are determined relative to one another
    amongst items in the same group. Items are in the same group if they
    have the same value(s) for the metadata attribute(s) specified by the
    'translation_id', which must be a string or a collection of strings.
    If 'translation_id' is falsy, the identification of translations is skipped
    and all items are returned as originals.
    """

    if not translation_id:
        return content_list, []

    if isinstance(translation_id, str):
        translation_id = {translation_id}

    index = []

    try:
        content_list.sort(key=attrgetter(*translation_id))
    except TypeError:
        raise TypeError(
            f"Cannot unpack {translation_id}, 'translation_id' must be falsy, a"
            " string or a collection of strings"
        ) from None
    except AttributeError:
        raise AttributeError(
            f"Cannot use {translation_id} as 'translation_id', there "
            "appear to be items without these metadata "
            "attributes"
        ) from None

    for id_vals, items in groupby(content_list, attrgetter(*translation_id)):
        # prepare warning string
        id_vals = (id_vals,) if len(translation_id) == 1 else id_vals
        with_str = "with" + ", ".join([' {} "{{}}"'] * len(translation_id)).format(
            *translation_id
        ).format(*id_vals)

        items = list(items)
        original_items = get_original_items(items, with_str)
        index.extend(original_items)
        for a in items:
            a.translations = [x for x in items if x != a]

    in_index = {id(x) for x in index}
    translations = [x for x in content_list if id(x) not in in_index]

    return index, translations
