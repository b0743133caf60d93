"""Every page kind of the built sample site in Debian's chromium: axe-core, the Nu HTML Checker,
console and network hygiene, no horizontal overflow on phones, keyboard use of the scripts."""

from __future__ import annotations

import json
import shutil
import subprocess
from urllib.parse import urlparse

import pytest

from tests.conftest import ROOT, serve_directory
from tests.theme_site import KINDS, page_path, sample_site

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE = ROOT / "node_modules/axe-core/axe.min.js"
VNU = ROOT / "node_modules/vnu-jar/build/dist/vnu.jar"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@pytest.fixture(scope="session")
def site():
    return sample_site()


@pytest.fixture(scope="session")
def nu_checker(site):
    """The Nu HTML Checker over the whole site, started early: it runs while the browser works."""
    java = shutil.which("java")
    if java is None:
        pytest.fail("Java is missing: .ci/run installs it for the Nu HTML Checker")
    command = [java, "-jar", str(VNU), "--skip-non-html", "--errors-only", "--format", "json"]
    process = subprocess.Popen(
        [*command, str(site)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    yield process
    if process.poll() is None:  # the check itself was not selected or timed out
        process.kill()
    # Unread pipes (the check not selected) would warn as unclosed files at exit.
    process.stdout.close()
    process.stderr.close()
    process.wait()


@pytest.fixture(scope="session")
def base_url(site, nu_checker):
    with serve_directory(site) as url:
        yield url


class PageWatch:
    """A browser page that records console errors, failed and off-site requests."""

    def __init__(self, browser, width):
        self.context = browser.new_context(viewport={"width": width, "height": 800})
        self.errors, self.failed, self.outside = [], [], []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("requestfailed", lambda r: self.failed.append(r.url))
        self.page.on(
            "response", lambda r: r.status >= 400 and self.failed.append(f"{r.status} {r.url}")
        )

    def _route(self, route):
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def close(self):
        self.context.close()


@pytest.fixture
def watch(browser):
    watches = []

    def open_page(width=1280):
        watches.append(PageWatch(browser, width))
        return watches[-1]

    yield open_page
    for item in watches:
        item.close()


def run_axe(page):
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "o => axe.run(document, o)", {"runOnly": {"type": "tag", "values": AXE_TAGS}}
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_page_kind_passes_axe_and_loads_cleanly(kind, base_url, watch):
    view = watch(1280)
    view.page.goto(base_url + page_path(kind), wait_until="load")
    assert run_axe(view.page) == []
    assert view.errors == [], "console errors"
    assert view.failed == [], "failed requests"
    assert view.outside == [], "requests leaving 127.0.0.1"


@pytest.mark.parametrize("kind", KINDS)
def test_page_kind_fits_a_360_px_phone(kind, base_url, watch):
    view = watch(360)
    view.page.goto(base_url + page_path(kind), wait_until="load")
    # Wider elements, except inside a scrolling wrapper (wide result tables); at the default
    # text size and at the largest the A+ button gives.
    for size in ("", "150%"):
        view.page.evaluate("size => { document.documentElement.style.fontSize = size; }", size)
        too_wide = view.page.evaluate(
            """SKIP => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > innerWidth + 1)
                .filter(e => !e.closest(SKIP))
                .map(e => e.tagName + '.' + e.className)""",
            "[tabindex][role=region], .bt-visually-hidden, .bt-skip-link",
        )
        assert too_wide == [], size
        assert view.page.evaluate("document.documentElement.scrollWidth") <= 360, size
    assert view.errors == [] and view.failed == [] and view.outside == []


def test_nu_html_checker_finds_no_errors(nu_checker):
    _, report = nu_checker.communicate(timeout=300)
    messages = json.loads(report or '{"messages": []}')["messages"]
    found = [f"{m.get('url', '').split('/output/')[-1]}: {m['message']}" for m in messages]
    assert found == []


def focus_by_tab(page, selector, limit=40):
    """Press Tab until ``selector`` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} never got the keyboard focus")


def test_text_size_control_works_from_the_keyboard_and_is_remembered(base_url, watch):
    view = watch(360)
    page = view.page
    page.goto(base_url + page_path("article"))

    def wait_for_size(pixels):
        page.wait_for_function(
            "px => getComputedStyle(document.documentElement).fontSize === px",
            arg=pixels,
            timeout=5000,
        )

    group = page.locator("[data-bt-textsize]")
    group.wait_for()  # shown by the script
    wait_for_size("16px")
    focus_by_tab(page, "[data-bt-textsize] [data-step='1']")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    wait_for_size("20px")
    assert group.locator("output").inner_text() == "125%"
    page.reload()
    group.wait_for()
    wait_for_size("20px")  # remembered
    focus_by_tab(page, "[data-bt-textsize] [data-step='0']")
    page.keyboard.press("Space")
    wait_for_size("16px")
    focus_by_tab(page, "[data-bt-textsize] [data-step='-1']")
    page.keyboard.press("Enter")
    wait_for_size("14px")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert view.errors == [] and view.failed == [] and view.outside == []


def test_copy_link_button_copies_the_address_from_the_keyboard(browser, base_url):
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    page = context.new_page()
    try:
        page.goto(base_url + page_path("article"))
        focus_by_tab(page, "[data-bt-copy]", limit=80)
        page.keyboard.press("Enter")
        page.locator(".bt-share__status").get_by_text("Đã sao chép đường dẫn").wait_for()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == page.input_value("#bt-share-url")
        assert copied.startswith("https://")
    finally:
        context.close()


def type_date(page, iso):
    """Type a date into the focused date field in the order the browser's locale shows it."""
    year, month, day = iso.split("-")
    order = page.evaluate(
        """() => new Intl.DateTimeFormat(navigator.language).formatToParts(new Date(2021, 2, 19))
                 .filter(p => ['day', 'month', 'year'].includes(p.type)).map(p => p.type)"""
    )
    parts = {"year": year, "month": month, "day": day}
    page.keyboard.type("".join(parts[name] for name in order))


def news_days(site) -> dict[str, str]:
    """The picker's map: day with news → its month page and heading ("2021/03/#ngay-19")."""
    return json.loads((site / "luu-tru/ngay-co-tin.json").read_text())


def pick_day(page, iso):
    focus_by_tab(page, "#bt-daypicker-date")
    type_date(page, iso)
    assert page.input_value("#bt-daypicker-date") == iso
    page.keyboard.press("Enter")


def test_day_picker_goes_to_the_day_on_its_month_page_from_the_keyboard(base_url, watch, site):
    day, target = list(news_days(site).items())[-1]
    view = watch(360)
    page = view.page
    page.goto(base_url + "/")
    with page.expect_navigation():
        pick_day(page, day)
    assert page.url == base_url + "/" + target
    assert page.locator("h1").inner_text().startswith("Tin tháng")
    heading = page.locator(":target")
    assert heading.get_attribute("id") == "ngay-" + day[8:]
    assert heading.inner_text().endswith("/".join(reversed(day.split("-"))))
    assert heading.is_visible()
    # The keyboard carries on from the day: the next Tab reaches its first news.
    page.keyboard.press("Tab")
    first_news = page.locator(":target + ul a").first.get_attribute("href")
    assert page.evaluate("document.activeElement.getAttribute('href')") == first_news
    assert run_axe(page) == []
    assert view.errors == [] and view.failed == [] and view.outside == []


def test_day_picker_moves_within_the_month_page(base_url, watch, site):
    by_month = {}
    for day, target in news_days(site).items():
        by_month.setdefault(target.partition("#")[0], []).append(day)
    month, days = next((m, d) for m, d in by_month.items() if len(d) >= 2)
    view = watch(1280)
    page = view.page
    page.goto(base_url + "/" + month)
    pick_day(page, days[0])
    page.wait_for_url(base_url + "/" + month + "#ngay-" + days[0][8:])
    assert page.evaluate("document.querySelector(':target').id") == "ngay-" + days[0][8:]
    assert view.errors == [] and view.failed == [] and view.outside == []


def test_day_picker_without_the_list_of_days_still_goes_to_the_month(browser, base_url, site):
    """The map cannot be loaded (a flaky connection): the month page, at the day's heading."""
    day = min(news_days(site))
    context = browser.new_context()
    context.route("**/ngay-co-tin.json", lambda route: route.abort())
    page = context.new_page()
    try:
        page.goto(base_url + "/luu-tru/")
        with page.expect_navigation():
            pick_day(page, day)
        assert page.url == f"{base_url}/{day[:4]}/{day[5:7]}/#ngay-{day[8:]}"
        assert page.evaluate("document.querySelector(':target').id") == "ngay-" + day[8:]
    finally:
        context.close()


@pytest.mark.parametrize("when", ["same month as the last news", "before any news"])
def test_day_picker_says_when_a_day_has_no_news(when, base_url, watch, site):
    days = list(news_days(site))
    if when == "before any news":
        empty = f"{int(days[0][:4]) - 1}-01-01"
    else:
        empty = days[-1][:8] + ("01" if days[-1][8:] != "01" else "02")
    view = watch(1280)
    page = view.page
    page.goto(base_url + "/luu-tru/")
    pick_day(page, empty)
    message = page.locator(".bt-daypicker__message")
    day = "/".join(reversed(empty.split("-")))
    page.wait_for_function(
        "text => document.querySelector('.bt-daypicker__message').textContent.startsWith(text)",
        arg=f"Không có tin nào được đưa ngày {day}.",
    )
    # A link to the month's news when that month has some.
    links = message.get_by_role("link")
    assert links.count() == (1 if when.startswith("same") else 0)
    if links.count():
        assert links.get_attribute("href") == f"/{empty[:4]}/{empty[5:7]}/"
    assert page.url == base_url + "/luu-tru/"
    assert view.errors == [] and view.failed == [] and view.outside == []


def test_without_javascript_pages_read_and_the_picker_leads_to_the_archive(browser, base_url, site):
    day = min(news_days(site))
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(base_url + page_path("article"))
        assert page.locator("[data-bt-textsize]").is_hidden()
        assert page.locator("#bt-share-url").input_value().startswith("https://")
        page.goto(base_url + "/")
        page.fill("#bt-daypicker-date", day)
        page.locator(".bt-daypicker__form button").click()
        page.wait_for_url("**/luu-tru/**")
        assert page.locator("h1").inner_text() == "Lưu trữ tin"
        # From the archive, the month, where the day has its own heading.
        page.locator(f'.bt-archive__months a[href="/{day[:4]}/{day[5:7]}/"]').click()
        page.wait_for_url(f"**/{day[:4]}/{day[5:7]}/")
        assert page.locator(f"#ngay-{day[8:]}").is_visible()
    finally:
        context.close()


def test_print_shows_one_clean_article_with_its_address(base_url, watch):
    view = watch(800)
    page = view.page
    page.goto(base_url + page_path("article-photo"))
    page.emulate_media(media="print")
    for hidden in ("header.bt-header", "nav.bt-menu", "footer.bt-footer", ".bt-share", "aside"):
        assert page.locator(hidden).first.is_hidden(), hidden
    assert page.locator("h1").is_visible()
    assert page.locator(".bt-print-only").is_visible()
    assert "https://" in page.locator(".bt-print-only").inner_text()


def test_keyboard_focus_is_visible(base_url, watch):
    page = watch(1280).page
    page.goto(base_url + page_path("article"))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "bt-skip-link"
    for _ in range(3):
        page.keyboard.press("Tab")
        style = page.evaluate(
            "(() => { const s = getComputedStyle(document.activeElement);"
            " return [s.outlineStyle, s.outlineWidth, s.boxShadow]; })()"
        )
        assert style[0] != "none" and style[1] != "0px", style


def test_vietnamese_text_is_drawn_by_one_font_of_the_stack(base_url, watch):
    """No glyph of the title falls back to another font (diacritics such as ặ, ữ, ỗ)."""
    page = watch(1280).page
    page.goto(base_url + page_path("article"))
    session = page.context.new_cdp_session(page)
    session.send("DOM.enable")
    session.send("CSS.enable")
    root = session.send("DOM.getDocument")["root"]["nodeId"]
    for selector in ("h1", ".bt-article__body p"):
        node = session.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        names = {font["familyName"] for font in fonts}
        assert len(names) == 1, (selector, fonts)
        assert names <= {"Segoe UI", "Roboto", "Noto Sans", "DejaVu Sans", "Arial"}, fonts
