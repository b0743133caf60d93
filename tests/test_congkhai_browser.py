"""The debtors' list as citizens use it, in chromium: a name typed with or without accents
(d for đ) filters the list; without JavaScript the whole list is there; the site search finds
an entry the same way."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlencode

import pytest

from bantin_search.folding import fold
from tests.conftest import SITES, build_site, serve_directory

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LIST = "/cong-khai/chua-co-dieu-kien/"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    output = tmp_path_factory.mktemp("congkhai-browser") / "output"
    result = build_site(SITES / "congkhai", output, 'BANTIN_CONGKHAI_HOM_NAY="2026-02-23"')
    assert result.returncode == 0, result.stdout + result.stderr
    with serve_directory(output) as base:
        yield base


@pytest.fixture
def page(browser, site):
    context = browser.new_context()
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto(site + LIST)
    yield page
    context.close()
    assert errors == []


def shown(page) -> list[str]:
    return page.locator("tr[data-bt-name]:visible th").all_inner_texts()


@pytest.mark.parametrize(
    ("typed", "names"),
    [
        ("dang thi dao", ["Đặng Thị Đào Thử"]),
        ("Đặng", ["Đặng Thị Đào Thử"]),
        ("NGUYEN van", ["Nguyễn Văn Mẫu"]),
        ("thi", ["Hồ Thị Sửa Đổi", "Đặng Thị Đào Thử"]),
        ("gia dinh", ["Lê Văn Giả Định"]),
        ("", ["Hồ Thị Sửa Đổi", "Đặng Thị Đào Thử", "Nguyễn Văn Mẫu", "Lê Văn Giả Định"]),
    ],
)
def test_list_filters_by_name_typed_with_or_without_accents(page, typed, names):
    page.fill("#bt-ck-loc", typed)
    assert shown(page) == names
    status = page.locator("[data-bt-filter-status]").inner_text()
    assert status == (f"{len(names)} người có tên phù hợp." if typed else "")
    # A unit with no matching name is hidden whole (its heading too).
    assert page.locator("#vi-thuy").is_visible() == ("Lê Văn Giả Định" in names)


def test_each_name_typed_as_written_or_decomposed_finds_its_row(page):
    """The typed text is folded in the browser, the names by the build's folding: they agree."""
    names = page.locator("tr[data-bt-name] th").all_inner_texts()
    folded = page.locator("tr[data-bt-name]").evaluate_all(
        "rows => rows.map(r => r.dataset.btName)"
    )
    assert folded == [fold(name) for name in names]
    for name in names:
        for typed in (name, unicodedata.normalize("NFD", name).upper()):
            page.fill("#bt-ck-loc", typed)
            assert shown(page) == [name]


def test_without_javascript_the_whole_list_reads_and_no_filter_shows(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + LIST)
    assert len(shown(page)) == 4
    assert not page.locator("[data-bt-filter]").is_visible()
    page.click("a[href='#vi-thuy-2025']")
    assert page.url.endswith("#vi-thuy-2025")
    context.close()


def test_site_search_finds_an_entry_typed_without_accents(page, site):
    page.goto(f"{site}/tim-kiem/?{urlencode({'q': 'dang thi dao'})}")
    page.wait_for_function(
        "(() => { const s = document.querySelector('[data-bt-search-status]').textContent;"
        " return s.trim() !== '' && !s.includes('Đang tìm'); })()"
    )
    links = page.locator(".bt-search__title a").evaluate_all("els => els.map(e => e.pathname)")
    assert links[0] == "/cong-khai/chua-co-dieu-kien/2024-vi-thanh-02/"


@pytest.mark.parametrize(
    "path",
    [
        LIST,
        "/cong-khai/chua-co-dieu-kien/2025-vi-thanh-04/",
        "/cong-khai/chua-co-dieu-kien/2024-vi-thanh-05/",
        "/cong-khai/dau-gia/",
        "/cong-khai/dau-gia/lua-chon-het-han/",
    ],
)
def test_pages_pass_axe_on_a_phone(browser, site, path):
    from tests.test_browser_theme import run_axe

    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(site + path)
    assert run_axe(page) == []
    # Light on a phone: nothing wider than the screen but the scrolling tables.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    context.close()
