"""bantin_theme.navigation: pure functions over stand-ins for Pelican's content objects."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from bantin_data.schema import MenuItem
from bantin_theme.navigation import (
    category_links,
    day_anchor,
    documents,
    news_days,
    section_navigation,
)


class Item(SimpleNamespace):
    """A content stand-in compared by identity, as Pelican's articles are."""

    __eq__ = object.__eq__
    __hash__ = object.__hash__


def article(name, day, category="Tin hoạt động", **extra):
    return Item(title=name, date=dt.datetime(2021, 3, day, 8, 30), category=category, **extra)


def test_other_news_are_the_newest_of_the_same_category_without_the_article_itself():
    news = [article(f"t{day}", day) for day in range(1, 9)]
    notice = article("tb", 5, "Thông báo")
    links = category_links([*news, notice], other_count=3)
    others, newer, older = links[news[7]]  # the newest
    assert [a.title for a in others] == ["t7", "t6", "t5"]
    assert (newer, older) == (None, news[6])
    others, newer, older = links[news[0]]  # the oldest
    assert [a.title for a in others] == ["t8", "t7", "t6"]
    assert (newer, older) == (news[1], None)
    assert links[notice] == ((), None, None)


def test_category_links_do_not_depend_on_the_order_given():
    news = [article(f"t{day}", day) for day in (3, 1, 2)]
    _, newer, older = category_links(news)[news[2]]  # t2
    assert (newer.title, older.title) == ("t3", "t1")


def test_news_days_map_each_day_to_its_month_page_and_heading_oldest_first():
    items = [article("a", 19), article("b", 2), article("c", 19)]
    assert news_days([("2021/03/", items)]) == {
        "2021-03-02": "2021/03/#ngay-02",
        "2021-03-19": "2021/03/#ngay-19",
    }
    assert list(news_days([("2021/03/", items)])) == ["2021-03-02", "2021-03-19"]
    assert news_days([]) == {}


def test_a_day_split_across_month_pages_links_to_the_first_page_listing_it():
    page_one = [article("a", 20), article("b", 19)]
    page_two = [article("c", 19), article("d", 2)]
    pages = [("2021/03/", page_one), ("2021/03/trang/2/", page_two)]
    assert news_days(pages) == {
        "2021-03-02": "2021/03/trang/2/#ngay-02",
        "2021-03-19": "2021/03/#ngay-19",
        "2021-03-20": "2021/03/#ngay-20",
    }


def test_day_anchor_has_two_digits():
    assert day_anchor(dt.date(2021, 3, 7)) == "ngay-07"
    assert day_anchor(dt.datetime(2021, 3, 19, 8, 30)) == "ngay-19"


def test_documents_are_newest_issue_first_and_only_those_with_a_block():
    def block(day):
        return SimpleNamespace(ngay_ban_hanh=dt.date(2021, 1, day))

    old, new, plain = (
        article("cũ", 20, van_ban=block(1)),
        article("mới", 1, van_ban=block(9)),
        article("x", 5),
    )
    assert documents([old, plain, new]) == (new, old)


MENU = [
    MenuItem("Trang chủ", "/"),
    MenuItem(
        "Giới thiệu",
        "/gioi-thieu/",
        (MenuItem("Chức năng", "/gioi-thieu/"), MenuItem("Lãnh đạo", "/lanh-dao/")),
    ),
    MenuItem("Liên hệ", "/lien-he/"),
]
PAGES = [
    SimpleNamespace(title="Liên hệ", url="lien-he/", order=5, lang="vi"),
    SimpleNamespace(title="About us", url="english/", order=9, lang="en"),
    SimpleNamespace(title="Lãnh đạo", url="lanh-dao/", order=None, lang="vi"),
]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("lanh-dao/", [("Chức năng", "gioi-thieu/", None), ("Lãnh đạo", "lanh-dao/", None)]),
        ("gioi-thieu/", [("Chức năng", "gioi-thieu/", None), ("Lãnh đạo", "lanh-dao/", None)]),
        (
            "lien-he/",
            [
                ("Liên hệ", "lien-he/", "vi"),
                ("About us", "english/", "en"),
                ("Lãnh đạo", "lanh-dao/", "vi"),
            ],
        ),
    ],
)
def test_section_navigation_uses_the_menu_group_or_every_page(url, expected):
    assert list(section_navigation(MENU, PAGES, url)) == expected
