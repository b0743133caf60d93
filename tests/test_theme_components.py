"""Theme component macros rendered on their own, with the project's Jinja settings."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from jinja2 import Environment, FileSystemLoader

from bantin_format.formatting import FILTERS
from bantin_format.i18n import install_translations, load_translations
from tests.conftest import ROOT

THEME = ROOT / "theme"


@pytest.fixture(scope="module")
def env():
    environment = Environment(
        loader=FileSystemLoader(THEME / "templates"),
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=True,
    )
    environment.filters.update(FILTERS)
    install_translations(environment, load_translations(str(THEME / "translations"), "vi"))
    return environment


class Paginator:
    """Pelican's paginator as the macro sees it: pages numbered from 1, /trang/N/ URLs."""

    def __init__(self, count):
        self.num_pages = count
        self.page_range = range(1, count + 1)

    def page(self, number):
        return SimpleNamespace(number=number, url="" if number == 1 else f"trang/{number}/")


def pagination(env, current, count):
    paginator = Paginator(count)
    page = paginator.page(current)
    previous_page = paginator.page(current - 1) if current > 1 else None
    next_page = paginator.page(current + 1) if current < count else None
    template = env.from_string(
        '{% from "components/article_list.html" import bt_pagination with context %}'
        "{{ bt_pagination(page, paginator, previous_page, next_page) }}"
    )
    html = template.render(
        SITEURL="", page=page, paginator=paginator, previous_page=previous_page, next_page=next_page
    )
    return BeautifulSoup(html, "html.parser")


@pytest.mark.parametrize(
    ("current", "count", "shown"),
    [
        (1, 2, ["1", "2"]),
        (1, 20, ["1", "2", "3", "…", "20"]),
        (10, 20, ["1", "…", "8", "9", "10", "11", "12", "…", "20"]),
        (20, 20, ["1", "…", "18", "19", "20"]),
        (4, 7, ["1", "2", "3", "4", "5", "6", "7"]),
    ],
)
def test_pagination_shows_ends_and_neighbours(env, current, count, shown):
    nav = pagination(env, current, count).select_one("nav.bt-pagination")
    items = [
        li.get_text(" ", strip=True).removeprefix("Trang ")
        for li in nav.select("li")
        if not li.select_one("[rel]")
    ]
    assert items == shown
    assert nav.select_one('[aria-current="page"]').get_text(" ", strip=True) == f"Trang {current}"


def test_pagination_links_use_trang_urls_and_page_one_is_the_list_itself(env):
    nav = pagination(env, 2, 3).select_one("nav.bt-pagination")
    assert nav.select_one('a[rel="prev"]')["href"] == "/"
    assert nav.select_one('a[rel="next"]')["href"] == "/trang/3/"


def test_one_page_needs_no_pagination(env):
    assert pagination(env, 1, 1).select_one("nav") is None
