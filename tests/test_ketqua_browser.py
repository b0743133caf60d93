"""Results tables and the statistics page in Debian's chromium: axe-core, a 320 px phone,
keyboard scrolling of wide tables, and the chart without JavaScript."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT, SITES, build_site, serve_directory

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE = ROOT / "node_modules/axe-core/axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
PAGES = {
    "article-with-units": "/2021/10/tong-ket-nam-2021/",
    "article-summary-only": "/2021/03/so-ket-5-thang-2021/",
    "statistics": "/thong-ke/",
}


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    output = tmp_path_factory.mktemp("ketqua-browser") / "output"
    result = build_site(SITES / "ketqua", output)
    assert result.returncode == 0, result.stdout + result.stderr
    with serve_directory(output) as url:
        yield url


@pytest.fixture
def open_page(browser):
    contexts = []

    def open_at(path, width=1280, javascript=True):
        context = browser.new_context(
            viewport={"width": width, "height": 800}, java_script_enabled=javascript
        )
        contexts.append(context)
        page = context.new_page()
        page.goto(path, wait_until="load")
        return page

    yield open_at
    for context in contexts:
        context.close()


@pytest.mark.parametrize("name", PAGES)
def test_page_passes_axe(name, base_url, open_page):
    page = open_page(base_url + PAGES[name])
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "o => axe.run(document, o)", {"runOnly": {"type": "tag", "values": AXE_TAGS}}
    )
    violations = [
        f"{v['id']}: {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]
    assert violations == []


@pytest.mark.parametrize("name", PAGES)
def test_page_fits_a_320_px_phone(name, base_url, open_page):
    page = open_page(base_url + PAGES[name], width=320)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    # Every table scrolls inside its own region; the caption stays readable on the screen.
    for caption in page.query_selector_all(".bt-table__caption"):
        box = caption.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 320 + 1


def test_wide_table_scrolls_from_the_keyboard(base_url, open_page):
    page = open_page(base_url + PAGES["article-with-units"], width=320)
    wrapper = "#bt-ket-qua-don-vi"
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate(
            "s => document.activeElement.contains(document.querySelector(s))", wrapper
        ):
            break
    else:
        raise AssertionError("the units table's scrolling region never got the focus")
    assert page.evaluate("document.activeElement.scrollWidth > document.activeElement.clientWidth")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("document.activeElement.scrollLeft > 0")


def test_chart_draws_without_javascript(base_url, open_page):
    page = open_page(base_url + PAGES["statistics"], javascript=False)
    box = page.query_selector("svg.bt-chart__svg").bounding_box()
    assert box["width"] > 300 and box["height"] > 100
    assert page.query_selector("#bt-xu-huong-bang tbody tr") is not None
