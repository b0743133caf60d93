"""The theme's pages in the built sample site, read as HTML: structure, navigation, links,
what every page kind must show, and the weight budget."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from urllib.parse import quote

import pytest

from tests.conftest import ROOT, build_site
from tests.theme_site import page_path, sample_site, soup

pytestmark = pytest.mark.slow
PUBLIC = "https://thads-haugiang.example.org"


@pytest.fixture(scope="module")
def site():
    return sample_site()


def html_files(site):
    return sorted(site.rglob("*.html"))


def test_every_page_has_one_h1_landmarks_and_a_skip_link(site):
    for file in html_files(site):
        page = soup(site, str(file.relative_to(site)))
        where = file.relative_to(site)
        assert len(page.find_all("h1")) == 1, where
        assert page.select_one("main#main-content"), where
        assert page.select_one("header.bt-header") and page.select_one("footer.bt-footer"), where
        assert page.select_one("a.bt-skip-link")["href"] == "#main-content", where


def test_no_page_loads_anything_from_another_host(site):
    for file in html_files(site):
        page = soup(site, str(file.relative_to(site)))
        for tag, attribute in (("script", "src"), ("link", "href"), ("img", "src")):
            for element in page.find_all(tag):
                value = element.get(attribute) or ""
                if tag == "link" and element.get("rel") in (["canonical"], ["alternate"]):
                    continue  # addresses, not requests
                assert not re.match(r"(https?:)?//", value), (file, value)


def test_one_stylesheet_and_one_small_script_on_every_page_kind(site):
    page = soup(site, page_path("article"))
    assert [link["href"] for link in page.select('link[rel="stylesheet"]')] == [
        "/theme/css/bantin.css"
    ]
    assert [s["src"] for s in page.select("script[src]")] == ["/theme/js/bantin.js"]
    assert page.select_one("script[src]").has_attr("defer")


def test_article_shows_date_byline_tags_share_links_and_its_address(site):
    path = page_path("article")
    page = soup(site, path)
    assert re.fullmatch(
        r"Thứ (Hai|Ba|Tư|Năm|Sáu|Bảy), \d\d/\d\d/\d{4}|Chủ Nhật, \d\d/\d\d/\d{4}",
        page.select_one(".bt-article__date time").get_text(),
    )
    address = PUBLIC + path
    assert page.select_one("#bt-share-url")["value"] == address
    assert page.select_one('label[for="bt-share-url"]')
    share = [a["href"] for a in page.select(".bt-share__link")]
    assert any(h.startswith("https://www.facebook.com/") for h in share)
    assert any("zalo" in h for h in share)
    assert all(quote(address, safe="") in h or quote(address) in h for h in share)
    assert address in page.select_one(".bt-print-only").get_text()


def test_other_news_and_neighbours_stay_in_the_category(site):
    path = page_path("article")
    page = soup(site, path)
    category = page.select(".bt-breadcrumbs a")[-1].get_text()
    linked = [a["href"] for a in page.select(".bt-side__list a, .bt-prevnext a")]
    assert linked, "an article with others in its category links them"
    assert path not in linked
    for href in linked:
        other = soup(site, href)
        assert other.select(".bt-breadcrumbs a")[-1].get_text() == category, href


def test_menu_marks_the_current_section(site):
    def current(path):
        return [a.get_text() for a in soup(site, path).select(".bt-menu [aria-current]")]

    assert current("/") == ["Trang chủ"]
    assert current("/chuyen-muc/thong-bao/") == ["Thông báo"]
    assert current("/co-cau-to-chuc/") == ["Giới thiệu"]
    assert current("/van-ban/") == ["Văn bản"]
    assert current("/luu-tru/") == []
    assert current(page_path("article")) != ["Trang chủ"]


def test_static_pages_have_their_own_navigation(site):
    page = soup(site, "/co-cau-to-chuc/")
    links = page.select(".bt-sidenav a")
    assert len(links) > 1
    assert [a["href"] for a in links if a.get("aria-current")] == ["/co-cau-to-chuc/"]


def test_english_page_is_in_english_and_its_chrome_in_vietnamese(site):
    page = soup(site, page_path("page-english"))
    assert page.html["lang"] == "en"
    for selector in ("header.bt-header", "nav.bt-menu", "footer.bt-footer", "a.bt-skip-link"):
        assert page.select_one(selector)["lang"] == "vi", selector


def test_documents_page_lists_every_document_with_its_facts_and_file(site):
    page = soup(site, page_path("documents"))
    items = page.select(".bt-documents__item")
    assert items
    for item in items:
        facts = [dt.get_text() for dt in item.select("dt")]
        assert facts[:4] == ["Loại văn bản", "Số, ký hiệu", "Cơ quan ban hành", "Ngày ban hành"]
        for link in item.select("dd a"):
            assert (site / link["href"].lstrip("/")).is_file(), link["href"]
    with_block = [
        f for f in site.glob("[0-9]*/[0-9]*/[a-z]*/index.html") if "bt-document" in f.read_text()
    ]
    assert len(items) == len(with_block)


def test_site_map_links_every_page_and_category(site):
    hrefs = {a["href"] for a in soup(site, page_path("site-map")).select("main a")}
    for file in site.glob("chuyen-muc/*/index.html"):
        assert "/" + file.parent.relative_to(site).as_posix() + "/" in hrefs
    for path in ("/gioi-thieu/", "/lien-he/", "/english/", "/van-ban/", "/luu-tru/"):
        assert path in hrefs


def test_not_found_page_leads_back_and_is_not_indexed(site):
    page = soup(site, "404.html")
    assert page.select_one('meta[name="robots"]')["content"] == "noindex"
    assert not page.select_one('link[rel="canonical"]')
    assert "/" in [a["href"] for a in page.select("main a")]
    assert "404" not in (site / "sitemap.xml").read_text(encoding="utf-8")


def test_pagination_uses_trang_urls_and_marks_the_current_page(site):
    page = soup(site, page_path("home-page-2"))
    current = page.select_one('.bt-pagination [aria-current="page"]')
    assert current["href"] == "/trang/2/"
    assert page.select_one('.bt-pagination a[rel="prev"]')["href"] == "/"


def test_breadcrumbs_lead_up_from_archives(site):
    month = page_path("month")
    crumbs = [a["href"] for a in soup(site, month).select(".bt-breadcrumbs a")]
    assert crumbs == ["/", "/luu-tru/", month[:6]]


DAY_PATTERN = "[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9]/index.html"
VIETNAMESE_DAY = re.compile(r"^(Thứ (Hai|Ba|Tư|Năm|Sáu|Bảy)|Chủ Nhật), \d{2}/\d{2}/\d{4}$")


def month_pages(site):
    return sorted(site.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/index.html"))


def day_headings(page):
    """``(id, datetime, text)`` of each day heading of a month page, in page order."""
    return [
        (h["id"], h.time["datetime"], h.get_text(strip=True))
        for h in page.select("main h2.bt-archive__day")
    ]


def test_no_day_pages_are_written(site):
    assert list(site.glob(DAY_PATTERN)) == []
    assert not re.search(r"<loc>[^<]*/\d{4}/\d{2}/\d{2}/</loc>", (site / "sitemap.xml").read_text())


def test_month_page_lists_its_days_under_dated_headings_newest_first(site):
    days = json.loads((site / "luu-tru/ngay-co-tin.json").read_text())
    assert month_pages(site)
    for file in month_pages(site):
        year, month = file.parent.relative_to(site).parts
        headings = day_headings(soup(site, str(file.relative_to(site))))
        dates = [iso for _id, iso, _text in headings]
        assert dates == sorted(dates, reverse=True) and len(set(dates)) == len(dates), file
        assert sorted(dates) == [d for d in days if d.startswith(f"{year}-{month}-")], file
        for anchor, iso, text in headings:
            assert anchor == "ngay-" + iso[8:], (file, anchor)
            assert VIETNAMESE_DAY.match(text) and text.endswith(
                "/".join(reversed(iso.split("-")))
            ), text


def test_each_day_lists_exactly_its_own_news(site):
    """The articles under a day heading are the ones published that day, each once."""
    article_days = {}
    for file in site.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/[a-z]*/index.html"):
        stamp = soup(site, str(file.relative_to(site))).select_one("article time[datetime]")
        article_days["/" + file.parent.relative_to(site).as_posix() + "/"] = stamp["datetime"][:10]
    listed = []
    for file in month_pages(site):
        for heading in soup(site, str(file.relative_to(site))).select("main h2.bt-archive__day"):
            links = heading.find_next_sibling("ul").select("a")
            assert links, heading
            for link in links:
                assert article_days[link["href"]] == heading.time["datetime"], link["href"]
                listed.append(link["href"])
    assert sorted(listed) == sorted(article_days)


def assert_picker_targets_exist(site):
    """Every entry of the picker's map: an existing page with the day's heading on it."""
    days = json.loads((site / "luu-tru/ngay-co-tin.json").read_text())
    assert days
    for day, target in days.items():
        path, _, anchor = target.partition("#")
        assert not path.startswith("/") and path.endswith("/"), target
        assert (site / path / "index.html").is_file(), target
        heading = soup(site, "/" + path).find(id=anchor)
        assert heading is not None and heading.name == "h2", target
        assert heading.time["datetime"] == day, target
    return days


def test_every_day_picker_entry_points_at_an_existing_page_and_heading(site):
    days = assert_picker_targets_exist(site)
    assert list(days) == sorted(days)
    assert all(target == f"{d[:4]}/{d[5:7]}/#ngay-{d[8:]}" for d, target in days.items())


def test_day_picker_works_without_javascript_through_the_archive(site):
    form = soup(site, "/").select_one("form[data-bt-daypicker]")
    assert form["action"] == "/luu-tru/" and form["method"] == "get"
    assert form.select_one('input[type="date"]')["id"] == form.select_one("label")["for"]
    assert form["data-site"] == "/" and form["data-days"] == "/luu-tru/ngay-co-tin.json"
    months = [a["href"] for a in soup(site, "/luu-tru/").select(".bt-archive__months a")]
    assert months and all((site / m.lstrip("/") / "index.html").is_file() for m in months)


BASIC = ROOT / "tests/sites/basic"
EXTRA_MARCH_NEWS = {  # with basic's own 19 March 2021 news: four days in March, five articles
    "ngay-hai.md": "2021-03-02 08:00",
    "ngay-hai-chieu.md": "2021-03-02 15:00",
    "ngay-hai-lam.md": "2021-03-25 09:00",
}


def test_paginated_month_pages_are_found_by_the_day_picker(tmp_path):
    """If PAGINATED_TEMPLATES names period_archives, each day links to the page listing it."""
    content = tmp_path / "content"
    shutil.copytree(BASIC, content)
    for name, date in EXTRA_MARCH_NEWS.items():
        slug = name.removesuffix(".md")
        (content / "articles/2021" / name).write_text(
            f'---\ntitle: "Tin {slug}"\ndate: {date}\ncategory: Tin hoạt động\n'
            f"slug: {slug}\nsummary: Tin ngắn.\n---\nNội dung tin {slug}.\n",
            encoding="utf-8",
        )
    output = tmp_path / "output"
    result = build_site(
        content,
        output,
        'PAGINATED_TEMPLATES={"index": null, "tag": null, "category": null, "period_archives": 2}',
        "BANTIN_SEARCH=false",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (output / "2021/03/trang/2/index.html").is_file()
    days = assert_picker_targets_exist(output)
    # Newest first, two a page: 25th and 19th on page 1, the 2nd (both articles) on page 2.
    assert {d: t for d, t in days.items() if d.startswith("2021-03")} == {
        "2021-03-25": "2021/03/#ngay-25",
        "2021-03-19": "2021/03/#ngay-19",
        "2021-03-02": "2021/03/trang/2/#ngay-02",
    }
    second = soup(output, "/2021/03/trang/2/")
    assert [h[0] for h in day_headings(second)] == ["ngay-02"]
    assert second.select_one('.bt-pagination [aria-current="page"]')["href"] == "/2021/03/trang/2/"


def test_article_without_photo_fits_one_round_trip(site):
    """HTML + CSS of an article without photos ≤ 14 KB gzipped (the first TCP window)."""
    html = (site / page_path("article").lstrip("/") / "index.html").read_bytes()
    css = (site / "theme/css/bantin.css").read_bytes()
    total = len(gzip.compress(html, 9)) + len(gzip.compress(css, 9))
    assert total <= 14 * 1024, f"{total} bytes"
