"""The fixture site tests/sites/ketqua built with the real `pelican`: tables, statistics, open data.

Good entries are in articles/; broken ones in loi/, which only the failing build reads.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from bs4 import BeautifulSoup

from tests.conftest import SITES, build_site

pytestmark = pytest.mark.slow

SITE = SITES / "ketqua"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    output = tmp_path_factory.mktemp("ketqua") / "output"
    result = build_site(SITE, output)
    assert result.returncode == 0, result.stdout + result.stderr
    return output


def page(site, path) -> BeautifulSoup:
    return BeautifulSoup((site / path / "index.html").read_text(encoding="utf-8"), "html.parser")


def text(node) -> str:
    """Visible text with no-break spaces as plain ones, whitespace collapsed."""
    return " ".join(node.get_text(" ").replace("\xa0", " ").split())


def cells(row) -> list[str]:
    return [text(cell) for cell in row.find_all(["th", "td"])]


def table_rows(table) -> dict[str, list[str]]:
    """Body rows of a table by their row header."""
    return {text(row.find("th")): cells(row) for row in table.select("tbody tr")}


def test_results_table_shows_the_real_2021_figures(site):
    soup = page(site, "2021/03/so-ket-5-thang-2021")
    table = soup.select_one(".bt-article__body table.bt-table--results")
    assert table is not None
    caption = text(table.caption)
    assert caption.startswith("Kết quả thi hành án dân sự 05 tháng đầu năm 2021")
    assert "(01/10/2020 – 28/02/2021)" in caption
    headers = [text(th) for th in table.select("thead th")]
    # Five months are not judged against the whole year's target (no "Chưa đạt" at 37 %).
    assert headers == ["Giải quyết xong", "Tỷ lệ", "So với cùng kỳ"]
    rows = table_rows(table)
    assert rows["Về việc"] == ["Về việc", "2.073", "37,10%", "tăng 53 việc"]
    assert rows["Về tiền"] == [
        "Về tiền",
        "75.683.482.000 đồng",
        "13,69%",
        "tăng 6.627.608.000 đồng",
    ]


def test_results_table_is_accessible(site):
    soup = page(site, "2021/03/so-ket-5-thang-2021")
    table = soup.select_one("table.bt-table--results")
    assert all(th.get("scope") == "col" for th in table.select("thead th"))
    assert all(th.get("scope") == "row" for th in table.select("tbody th"))
    numeric = table.select("td.bt-table__cell--numeric")
    assert {text(td) for td in numeric} >= {"2.073", "37,10%", "13,69%"}
    wrapper = table.parent
    assert "bt-table-wrapper" in wrapper["class"]
    assert wrapper["tabindex"] == "0" and wrapper["role"] == "region"
    assert wrapper["aria-labelledby"] == table.caption["id"]


def test_tables_follow_the_lead_paragraph_by_default(site):
    body = page(site, "2021/03/so-ket-5-thang-2021").select_one(".bt-article__body")
    children = [c for c in body.children if getattr(c, "name", None)]
    assert [c.name for c in children[:3]] == ["p", "div", "p"]
    assert text(children[0]).startswith("Sáng 19/3")
    assert "bt-results" in children[1]["class"]
    assert text(children[2]).startswith("Đoạn thứ hai")


def test_the_marker_places_the_tables_and_disappears(site):
    body = page(site, "2021/10/tong-ket-nam-2021").select_one(".bt-article__body")
    children = [c for c in body.children if getattr(c, "name", None)]
    names = [c.name for c in children]
    results = names.index("div")
    assert [text(c)[:12] for c in children[:results]] == ["Chiều 20/10,", "Hội nghị đã "]
    assert text(children[results + 1]).startswith("Sau phần số liệu")
    assert "KET_QUA" not in body.get_text()


def test_units_are_ranked_with_totals(site):
    soup = page(site, "2021/10/tong-ket-nam-2021")
    table = soup.select_one("#bt-ket-qua-don-vi")
    groups = [text(th) for th in table.select('thead th[scope="colgroup"]')]
    assert groups == ["Về việc", "Về tiền"]
    ranked = [cells(row)[:6] for row in table.select("tbody tr")]
    assert ranked == [
        ["1", "Chi cục THADS huyện Châu Thành", "1.200", "1.100", "91,67%", "81,00%"],
        ["2", "Chi cục THADS thành phố Vị Thanh", "1.000", "800", "80,00%", "81,00%"],
        ["3", "Chi cục THADS thị xã Long Mỹ", "800", "600", "75,00%", "81,00%"],
    ]
    assert cells(table.select("tbody tr")[0])[6] == "Đạt"
    assert cells(table.select("tbody tr")[1])[6] == "Chưa đạt"
    totals = cells(table.select_one("tfoot tr"))
    assert totals[:6] == ["", "Tổng cộng", "3.000", "2.500", "83,33%", "81,00%"]
    assert "85.000.000.000 đồng" in totals


def test_article_without_block_has_no_table(site):
    body = page(site, "2021/05/tap-huan-nghiep-vu").select_one(".bt-article__body")
    assert body.find("table") is None


def test_statistics_lists_every_period_by_year_with_links(site):
    soup = page(site, "thong-ke")
    years = [text(h) for h in soup.select("h3[id^=nam-]")]
    assert years == ["Năm thống kê 2022", "Năm thống kê 2021", "Năm thống kê 2020"]
    table_2021 = soup.select_one("#bt-nam-2021")
    links = [(text(a), a["href"]) for a in table_2021.select("tbody th a")]
    assert links == [
        ("Năm 2021", "/2021/10/tong-ket-nam-2021/"),
        ("05 tháng đầu năm 2021", "/2021/03/so-ket-5-thang-2021/"),
    ]
    for _, href in links:
        assert (site / href.strip("/") / "index.html").exists()
    assert "37,10%" in cells(table_2021.select("tbody tr")[1])
    menu_current = soup.select_one('.bt-menu [aria-current="page"]')
    assert menu_current is None or menu_current["href"].endswith("/thong-ke/")


def test_statistics_chart_is_inline_svg_with_its_data_as_a_table(site):
    soup = page(site, "thong-ke")
    svg = soup.select_one("svg.bt-chart__svg")
    assert svg["role"] == "img"
    title, desc = svg.find("title"), svg.find("desc")
    assert title is not None and desc is not None
    assert svg["aria-labelledby"] == f"{title['id']} {desc['id']}"
    assert "4 kỳ báo cáo" in text(desc)
    assert len(svg.find_all("circle")) == 4  # case rate: one dot per period
    assert len(svg.find_all("polyline")) == 4  # two rates, two targets
    data = table_rows(soup.select_one("#bt-xu-huong-bang"))
    assert list(data) == ["Năm 2020", "05 tháng đầu năm 2021", "Năm 2021", "06 tháng đầu năm 2022"]
    assert data["05 tháng đầu năm 2021"][1:3] == ["37,10%", "13,69%"]


def test_statistics_has_unit_histories(site):
    soup = page(site, "thong-ke")
    units = [text(h) for h in soup.select("#theo-don-vi ~ h3")]
    assert units == [
        "Chi cục THADS huyện Châu Thành",
        "Chi cục THADS thành phố Vị Thanh",
        "Chi cục THADS thị xã Long Mỹ",
    ]
    vi_thanh = soup.select_one("#bt-don-vi-2")
    assert [text(a) for a in vi_thanh.select("tbody th a")] == ["06 tháng đầu năm 2022", "Năm 2021"]


def test_open_data_csv(site):
    data = (site / "thong-ke" / "ket-qua.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    records = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    totals = [r for r in records if r["loai"] == "tong"]
    assert [r["ky_den"] for r in totals] == ["2020-09-30", "2021-02-28", "2021-09-30", "2022-03-31"]
    five_months = totals[1]
    assert five_months["viec_giai_quyet_xong"] == "2073"
    assert five_months["viec_ty_le"] == "37.1"
    assert five_months["viec_so_cung_ky"] == "53"
    assert five_months["tien_giai_quyet_xong"] == "75683482000"
    assert five_months["tien_ty_le"] == "13.69"
    assert five_months["bai_viet_url"].endswith("/2021/03/so-ket-5-thang-2021/")
    assert len([r for r in records if r["loai"] == "don_vi"]) == 5


def test_open_data_json(site):
    document = json.loads((site / "thong-ke" / "ket-qua.json").read_text(encoding="utf-8"))
    records = document["ban_ghi"]
    five_months = next(r for r in records if r["ky_den"] == "2021-02-28")
    assert five_months["viec_giai_quyet_xong"] == 2073
    assert five_months["tien_giai_quyet_xong"] == 75683482000
    assert five_months["viec_ty_le"] == 37.1
    assert five_months["tien_dat"] is None  # part of a year: not judged
    assert set(document["cot"]) == set(records[0])


def test_statistics_page_links_the_open_data(site):
    links = {a["href"] for a in page(site, "thong-ke").select(".bt-statistics__downloads a")}
    assert links == {"/thong-ke/ket-qua.csv", "/thong-ke/ket-qua.json"}


@pytest.mark.parametrize("cache", ["cold", "warm"])
def test_builds_are_byte_identical_with_a_cold_or_warm_cache(site, tmp_path, cache):
    again = tmp_path / "again"
    builds = 1 if cache == "cold" else 2  # the second build reads the content cache
    for _ in range(builds):
        assert build_site(SITE, again).returncode == 0
    names = [
        "thong-ke/index.html",
        "thong-ke/ket-qua.csv",
        "thong-ke/ket-qua.json",
        "2021/10/tong-ket-nam-2021/index.html",
    ]
    for name in names:
        assert (again / name).read_bytes() == (site / name).read_bytes(), name


# --- Broken entries --------------------------------------------------------------------


@pytest.fixture(scope="module")
def broken_build(tmp_path_factory):
    output = tmp_path_factory.mktemp("ketqua-loi") / "output"
    return build_site(SITE, output, "-e", 'ARTICLE_PATHS=["articles", "loi"]')


@pytest.mark.parametrize(
    ("where", "field", "words"),
    [
        (
            "loi/sai-ty-le.md:11",
            "ket_qua.viec.ty_le",
            ["Tỷ lệ ghi (38.1) khác tỷ lệ tính", "Cần: 37.10"],
        ),
        ("loi/sai-don-vi.md:9", "ket_qua.viec.giai_quyet_xon", ["giai_quyet_xong"]),
        (
            "loi/sai-don-vi.md:16",
            "ket_qua.don_vi[2].viec.giai_quyet_xong",
            ["Viết liền, không dấu chấm ngăn cách hàng nghìn: ghi 2073"],
        ),
    ],
)
def test_broken_entries_fail_the_build_with_file_line_and_field(broken_build, where, field, words):
    assert broken_build.returncode != 0
    lines = [line for line in broken_build.stderr.splitlines() if where in line]
    matching = [line for line in lines if f"trường «{field}»" in line]
    assert matching, broken_build.stderr
    for word in words:
        assert word in matching[0]


def test_marker_without_block_is_an_error(broken_build):
    assert "tests/sites/ketqua/loi/danh-dau-thua.md:9:" in broken_build.stderr
    assert "[KET_QUA]" in broken_build.stderr
    assert "không có khối ket_qua" in broken_build.stderr


def test_home_page_shows_the_newest_results_report(site):
    home = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    section = home.select_one("section.bt-latest-results")
    assert section is not None
    table = section.select_one("table.bt-table--results")
    # The newest article with a block is the 6-month 2022 report.
    assert "6 tháng" in text(table.caption) or "31/03/2022" in text(table.caption)
    links = [a["href"] for a in section.select("a")]
    assert "/2022/04/so-ket-6-thang-2022/" in links
    assert "/thong-ke/" in links
