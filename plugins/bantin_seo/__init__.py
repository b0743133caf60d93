"""Machine-readable output that is right in every build, preview included.

- Atom feed entries link to the public address (``PUBLIC_URL``) even when the preview builds
  with an empty ``SITEURL``: a feed is read by other machines, never from ``localhost``.
- ``sitemap.xml`` (pelican-sitemap) stamps pages without a date with the time of the build;
  we give it the newest content date instead, so two builds of the same content are identical.
  pelican-sitemap has no setting for it: we set its generator's ``now``, an attribute of its
  own code, only on the version this was written against (:data:`SITEMAP_WRITTEN_AGAINST`;
  tests/test_seo.py fails when the code reading it changes). Any other version: a warning
  and the build's time, as pelican-sitemap does by itself.
"""

from __future__ import annotations

import importlib.metadata
import logging
from urllib.parse import urljoin

from feedgenerator import get_tag_uri
from pelican import signals

logger = logging.getLogger(__name__)
SITEMAP_WRITTEN_AGAINST = "1.2.2"


def absolute_feed_links(context, feed):
    """Make every entry link of a feed absolute."""
    domain = context.get("FEED_DOMAIN") or context.get("PUBLIC_URL") or ""
    if not domain:
        return
    base = domain.rstrip("/") + "/"
    for item in feed.items:
        item["link"] = urljoin(base, item["link"].lstrip("/"))
        # Pelican made the entry id from the relative link ("tag:None,…"); ids must be stable
        # and global, so they are made again from the public address.
        item["unique_id"] = get_tag_uri(item["link"], item["pubdate"])
    feed.feed["link"] = urljoin(base, feed.feed["link"].lstrip("/"))


def stable_sitemap_dates(generators):
    """Date undated sitemap entries with the newest content date, not with "now"."""
    try:
        from pelican.plugins.sitemap import sitemap
    except ImportError:  # sitemap not installed: nothing to steady
        return
    installed = importlib.metadata.version("pelican-sitemap")
    if installed != SITEMAP_WRITTEN_AGAINST:
        logger.warning(
            "pelican-sitemap %s không phải bản %s: sitemap.xml ghi giờ dựng cho trang không có "
            "ngày (pelican-sitemap %s is not %s: undated sitemap entries carry the build time)",
            installed,
            SITEMAP_WRITTEN_AGAINST,
            installed,
            SITEMAP_WRITTEN_AGAINST,
        )
        return
    dates = []
    for generator in generators:
        for item in [*getattr(generator, "articles", ()), *getattr(generator, "pages", ())]:
            stamp = getattr(item, "modified", None) or getattr(item, "date", None)
            if stamp is not None:
                dates.append(stamp)
    if dates:
        sitemap.generator.now = max(dates)


def register():
    signals.feed_generated.connect(absolute_feed_links)
    signals.all_generators_finalized.connect(stable_sitemap_dates)
