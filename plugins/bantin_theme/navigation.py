"""What the theme needs besides the articles themselves. Pure functions over content objects.

Each takes lists Pelican already built (articles newest first, pages, the menu) and returns
new tuples or dicts; nothing here touches Pelican, Jinja or the disk.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence


def _newest_first(articles: Iterable) -> list:
    # Pelican sorts by date already; sorting again keeps these functions true on their own.
    return sorted(articles, key=lambda article: article.date, reverse=True)


def category_links(articles: Sequence, other_count: int = 5) -> dict:
    """For each article: ``(other news, newer, older)`` within its category.

    Other news are the ``other_count`` newest articles of the same category except the article
    itself; newer and older are its neighbours in that category (``None`` at either end).
    """
    by_category = defaultdict(list)
    for article in _newest_first(articles):
        by_category[article.category].append(article)
    links = {}
    for siblings in by_category.values():
        for index, article in enumerate(siblings):
            others = [a for a in siblings[: other_count + 1] if a is not article][:other_count]
            newer = siblings[index - 1] if index > 0 else None
            older = siblings[index + 1] if index + 1 < len(siblings) else None
            links[article] = (tuple(others), newer, older)
    return links


def day_anchor(day) -> str:
    """The id of a day's heading on its month archive page: ``ngay-07`` for the 7th."""
    return f"ngay-{day.day:02d}"


def news_days(pages: Iterable[tuple[str, Iterable]]) -> dict[str, str]:
    """Each day with news (``YYYY-MM-DD``, oldest first) → where the archive lists it.

    ``pages`` are ``(url, articles)`` of the month archive pages, each month's page 1 first;
    the link is the page's URL plus the day's anchor. A day whose news is split across two
    pages of a paginated month links to the first of them.
    """
    links: dict[str, str] = {}
    for url, articles in pages:
        for article in articles:
            links.setdefault(f"{article.date:%Y-%m-%d}", f"{url}#{day_anchor(article.date)}")
    return dict(sorted(links.items()))


def documents(articles: Iterable) -> tuple:
    """Articles that carry a ``van_ban`` block, newest issue date first (then newest post)."""
    with_documents = [a for a in articles if getattr(a, "van_ban", None)]
    with_documents.sort(key=lambda a: (a.van_ban.ngay_ban_hanh, a.date), reverse=True)
    return tuple(with_documents)


def _path(url: str) -> str:
    """A site path as Pelican writes ``url``: no leading slash, a trailing one (``""`` for home)."""
    inner = url.strip("/")
    return inner + "/" if inner else ""


def section_navigation(menu: Sequence, pages: Iterable, page_url: str) -> tuple:
    """Links ``(title, url, lang)`` for a static page's side navigation.

    The menu group whose sub-items include the page (Giới thiệu → Cơ cấu tổ chức, Lãnh đạo…)
    when there is one; otherwise every listed page, by ``order`` then title.
    """
    here = _path(page_url)
    for item in menu:
        children = getattr(item, "children", ())
        if any(_path(child.duong_dan) == here for child in children) or (
            children and _path(item.duong_dan) == here
        ):
            return tuple((child.ten, _path(child.duong_dan), None) for child in children)
    ordered = sorted(pages, key=lambda p: (getattr(p, "order", None) or 999, p.title))
    return tuple((page.title, page.url, getattr(page, "lang", None)) for page in ordered)
