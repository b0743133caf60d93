"""The fixture site tests/sites/congkhai built with the real `pelican`: the debtors' list, entry
pages, amendment history, auction notices and their expiry, the deadline report, the preview
page, and a withdrawal that leaves no trace in the output, the search index or the caches.

The day is fixed (BANTIN_CONGKHAI_HOM_NAY = 23/02/2026, the Monday after Tết 2026), so the
working days left are known: Tết (16–20/02/2026) is skipped.
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from bantin_congkhai import notrace
from bantin_congkhai.check import check_public_notices
from tests.conftest import SITES, build_site, get_settings

pytestmark = pytest.mark.slow

SITE = SITES / "congkhai"
TODAY = 'BANTIN_CONGKHAI_HOM_NAY="2026-02-23"'
WITHDRAWN = "cong-khai/chua-co-dieu-kien/2024-vi-thanh-05.yml"
# Everything that identifies the withdrawn person (see the fixture file).
DETAILS = (
    "Quách Văn Đã Gỡ",
    "quach van da go",
    "Số 99 hẻm Riêng Tư, khu vực Bí Mật",
    "905/2023/DS-ST",
)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    output = tmp_path_factory.mktemp("congkhai") / "output"
    result = build_site(SITE, output, TODAY)
    assert result.returncode == 0, result.stdout + result.stderr
    return output, result


def page(output: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((output / path / "index.html").read_text(encoding="utf-8"), "html.parser")


def text(node) -> str:
    return " ".join(node.get_text(" ").replace("\xa0", " ").split())


def test_debtors_list_is_grouped_by_unit_and_year_with_anchors(built):
    output, _ = built
    soup = page(output, "cong-khai/chua-co-dieu-kien")
    main = soup.find("main")
    groups = [s["id"] for s in main.select("section[data-bt-group]")]
    # Units in the order of don_vi.yml, years newest first; the agency had no published entry.
    assert groups == ["vi-thanh", "vi-thanh-2025", "vi-thanh-2024", "vi-thuy", "vi-thuy-2025"]
    names = [text(th) for th in main.select("tbody th")]
    assert names == ["Hồ Thị Sửa Đổi", "Đặng Thị Đào Thử", "Nguyễn Văn Mẫu", "Lê Văn Giả Định"]
    # Withdrawn and not yet published entries are not listed.
    assert "Quách" not in text(main) and "Trương Văn Chưa Đăng" not in text(main)
    contents = [a["href"] for a in main.select("nav a")]
    assert "#vi-thanh-2024" in contents and "#vi-thuy-2025" in contents
    for link in main.select("tbody a"):
        assert (output / link["href"].lstrip("/") / "index.html").is_file(), link["href"]
    assert soup.find("link", rel="canonical")["href"].endswith("/cong-khai/chua-co-dieu-kien/")
    row = main.find("tr", attrs={"data-bt-name": "dang thi dao thu"})
    assert row is not None and text(row.find("time")) == "18/09/2024"
    assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    # The filter is hidden until its script runs: the page reads fully without JavaScript.
    assert main.find(attrs={"data-bt-filter": True}).has_attr("hidden")


def test_entry_page_shows_the_duty_facts_publication_date_and_history(built):
    output, _ = built
    soup = page(output, "cong-khai/chua-co-dieu-kien/2025-vi-thanh-04")
    article = soup.find("article")
    assert article.has_attr("data-pagefind-body")
    facts = dict(
        zip(
            (text(dt) for dt in article.select("dt")),
            (text(dd) for dd in article.select("dd")),
            strict=True,
        )
    )
    assert facts["Họ tên"] == "Hồ Thị Sửa Đổi"
    assert facts["Đơn vị"] == "Chi cục THADS thành phố Vị Thanh"
    assert (
        facts["Bản án, quyết định"]
        == "Số 104/2023/DS-ST ngày 10/05/2023 của Tòa án nhân dân thành phố Vị Thanh"
    )
    assert facts["Nghĩa vụ chưa thi hành"].endswith("(số tiền còn phải thi hành: 85.000.000 đồng)")
    assert (
        " ".join(article.select_one(".bt-article__date").get_text().split())
        == "Ngày đăng: 05/03/2025; sửa đổi ngày 06/05/2025"
    )
    # Only amendments made on the site are history; the pending one is a duty, not shown.
    history = [" ".join(li.get_text().split()) for li in article.select("#bt-ck-sua-doi ~ ol li")]
    assert history == ["06/05/2025: Sửa địa chỉ theo kết quả xác minh lại"]
    assert soup.find("link", rel="canonical")["href"].endswith(
        "/cong-khai/chua-co-dieu-kien/2025-vi-thanh-04/"
    )
    assert not soup.select('script[type="application/ld+json"]')


def test_withdrawn_entry_address_keeps_only_a_notice(built):
    output, _ = built
    soup = page(output, "cong-khai/chua-co-dieu-kien/2024-vi-thanh-05")
    main = text(soup.find("main"))
    assert "Thông tin đã được gỡ" in main and "23/02/2026" in main
    html = (output / "cong-khai/chua-co-dieu-kien/2024-vi-thanh-05/index.html").read_text()
    for detail in DETAILS:
        assert detail not in html
    assert "data-pagefind-body" not in html
    assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex"


def test_auction_notices_current_first_expired_marked_not_deleted(built):
    output, _ = built
    items = page(output, "cong-khai/dau-gia").select(".bt-article-list__item")
    rows = [(text(i.h2), text(i.strong)) for i in items]
    assert rows == [
        (
            "Thông báo đấu giá tài sản: Quyền sử dụng đất 250 m² thửa số 85, khu vực Thử Nghiệm",
            "Đang còn hạn",
        ),
        ("Thông báo lựa chọn tổ chức đấu giá tài sản: Máy gặt đập liên hợp mẫu thử", "Đã hết hạn"),
        ("Thông báo đấu giá tài sản: Xe ô tô con 5 chỗ, sản xuất năm 2016", "Đã hết hạn"),
    ]
    assert "Kết quả: Đấu giá không thành" in text(items[2])
    for item in items:
        assert (output / item.h2.a["href"].lstrip("/") / "index.html").is_file()
    expired = page(output, "cong-khai/dau-gia/lua-chon-het-han")
    assert "Đã hết hạn" in text(expired.find("main"))
    current = text(page(output, "cong-khai/dau-gia/dau-gia-hien-hanh").find("main"))
    assert "Tiền đặt trước 187.500.000 đồng" in current
    assert "Thời gian đấu giá 09:00 ngày 12/03/2026" in current


def test_sitemap_feed_and_search_carry_what_a_citizen_expects(built):
    output, _ = built
    sitemap = (output / "sitemap.xml").read_text(encoding="utf-8")
    assert "/cong-khai/dau-gia/dau-gia-hien-hanh/" in sitemap
    # Debtor pages are noindex by default: not offered to search engines in the sitemap either.
    assert "chua-co-dieu-kien" not in sitemap
    feed = (output / "feeds/dau-gia.atom.xml").read_text(encoding="utf-8")
    assert (
        feed.count("<entry>") == 3
        and "https://thads-haugiang.example.org/cong-khai/dau-gia/" in feed
    )
    all_feed = (output / "feeds/tat-ca.atom.xml").read_text(encoding="utf-8")
    assert "Nguyễn Văn Mẫu" not in all_feed
    fragments = [gzip.decompress(p.read_bytes()) for p in (output / "pagefind/fragment").iterdir()]
    urls = sorted(json.loads(f[len(b"pagefind_dcd") :])["url"] for f in fragments)
    assert "/cong-khai/chua-co-dieu-kien/2024-vi-thanh-02/" in urls
    assert "/cong-khai/dau-gia/dau-gia-hien-hanh/" in urls
    assert "/cong-khai/chua-co-dieu-kien/2024-vi-thanh-05/" not in urls
    # d typed for đ: the entry's folded đ-words are its Pagefind metadata, as for articles.
    entry = next(json.loads(f[12:]) for f in fragments if b"2024-vi-thanh-02" in f[:200])
    assert "dang" in entry["meta"]["tkd"].split() and "dao" in entry["meta"]["tkd"].split()


def test_build_prints_the_deadline_report_in_working_days_across_tet(built):
    _, result = built
    report = result.stderr
    assert "Việc công khai đến hạn (ngày 23/02/2026, tính theo ngày làm việc): 4:" in report
    lines = [line for line in report.splitlines() if line.startswith("- ")]
    assert [line.split(" «")[0] for line in lines] == ["- Đăng kết quả", "- Gỡ", "- Sửa", "- Đăng"]
    assert "hạn 26/02/2026, còn 3 ngày làm việc (5 ngày làm việc từ ngày quyết định" in lines[3]
    assert "hạn 25/02/2026, còn 2 ngày làm việc" in lines[2]
    assert "«mục 2024-vi-thanh-05»" in lines[1] and "Quách" not in report
    # Duties are warnings: the build still succeeds (checked by the fixture).


def test_make_check_part_reports_duties_and_finds_nothing_left(built):
    output, _ = built
    settings = get_settings(PATH=str(SITE), BANTIN_CONGKHAI_HOM_NAY="2026-02-23")
    problems, report = check_public_notices(output, settings)
    assert problems == []
    assert report.startswith("Việc công khai đến hạn (ngày 23/02/2026")
    # The check can fail: a withdrawn name inside a compressed search file is found.
    planted = output.parent / "planted"
    shutil.copytree(output / "pagefind", planted)
    (planted / "fragment" / "x.pf_fragment").write_bytes(
        gzip.compress(b'pagefind_dcd{"content":"' + DETAILS[0].encode() + b'"}')
    )
    problems, _ = check_public_notices(planted, settings)
    assert [p.field for p in problems] == ["thu_hoi"]
    assert problems[0].source.endswith(WITHDRAWN) and "x.pf_fragment" in problems[0].message


def test_preview_lists_the_duties_and_indexing_can_be_allowed(tmp_path):
    output = tmp_path / "output"
    result = build_site(SITE, output, TODAY, "BANTIN_PREVIEW=true", "BANTIN_CONGKHAI_NOINDEX=false")
    assert result.returncode == 0, result.stdout + result.stderr
    rows = page(output, "cong-khai/viec-can-lam").select("tbody tr")
    assert [(text(r.th), text(r.select("td")[2])) for r in rows] == [
        ("Đăng kết quả", "hạn là hôm nay"),
        ("Gỡ", "còn 1 ngày làm việc"),
        ("Sửa", "còn 2 ngày làm việc"),
        ("Đăng", "còn 3 ngày làm việc"),
    ]
    data = json.loads((output / "cong-khai/viec-can-lam/viec-can-lam.json").read_text())
    assert [(d["viec"], d["han"], d["con_lai"]) for d in data][-1] == ("Đăng", "2026-02-26", 3)
    assert "/cong-khai/chua-co-dieu-kien/2024-vi-thanh-01/" in (output / "sitemap.xml").read_text()
    assert "2024-vi-thanh-05" not in (output / "sitemap.xml").read_text()
    assert (
        page(output, "cong-khai/chua-co-dieu-kien/2024-vi-thanh-01").find(
            "meta", attrs={"name": "robots"}
        )
        is None
    )


def test_a_broken_entry_fails_the_build_with_file_line_and_field(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    path = site / "cong-khai/chua-co-dieu-kien/2024-vi-thanh-01.yml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("so_tien: 85000000", "so_tien: 85.000.000"),
        encoding="utf-8",
    )
    result = build_site(site, tmp_path / "output", TODAY)
    assert result.returncode != 0
    assert (
        "chua-co-dieu-kien/2024-vi-thanh-01.yml:12: trường «so_tien»: Không đọc được số tiền"
        in result.stderr
    )


def _files_holding(roots, details) -> list[str]:
    """Every file under ``roots`` whose bytes, or gzip-decompressed bytes, hold a detail."""
    found = []
    for root in roots:
        for path in sorted(p for p in Path(root).rglob("*") if p.is_file()):
            data = path.read_bytes()
            if data[:2] == b"\x1f\x8b":
                data += gzip.decompress(data)
            if any(detail.encode() in data for detail in details):
                found.append(str(path.relative_to(root.parent)))
    return found


def test_a_withdrawn_entry_leaves_no_trace_in_output_index_or_caches(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    entry = site / WITHDRAWN
    withdrawn = entry.read_text(encoding="utf-8")
    entry.write_text(withdrawn.split("thu_hoi:")[0], encoding="utf-8")
    output, cache = tmp_path / "output", tmp_path / "cache" / "pelican-0123456789abcdef"
    first = build_site(site, output, TODAY, cache=cache)
    assert first.returncode == 0, first.stdout + first.stderr
    before = shutil.copytree(output, tmp_path / "release-before")
    caches = [cache]
    # Published: the person is on the site, in the index and in the page cache a rebuild reuses.
    assert _files_holding([output], DETAILS)
    assert any("/pagefind/" in f for f in _files_holding([output], DETAILS))
    assert any("/pages/" in f for f in _files_holding(caches, DETAILS))

    entry.write_text(withdrawn, encoding="utf-8")
    second = build_site(site, output, TODAY, cache=cache)
    assert second.returncode == 0, second.stdout + second.stderr
    assert _files_holding([output], DETAILS) == []
    assert _files_holding(caches, DETAILS) == []
    assert (output / "cong-khai/chua-co-dieu-kien/2024-vi-thanh-05/index.html").exists()
    # A release kept from before the withdrawal would show the person again on rollback.
    assert notrace.rollback_exposes(output, before) == ["2024-vi-thanh-05"]
    assert notrace.rollback_exposes(output, output) == []
    assert notrace.rollback_exposes(before, output) == []
    # Undoing the withdrawal publishes again (nothing stale), and withdrawing again purges again.
    entry.write_text(withdrawn.split("thu_hoi:")[0], encoding="utf-8")
    assert build_site(site, output, TODAY, cache=cache).returncode == 0
    assert any("/pages/" in f for f in _files_holding(caches, DETAILS))
    entry.write_text(withdrawn, encoding="utf-8")
    assert build_site(site, output, TODAY, cache=cache).returncode == 0
    assert _files_holding([output, *caches], DETAILS) == []
    settings = get_settings(PATH=str(site), CACHE_PATH=str(cache))
    assert notrace.purge_withdrawn(settings, []) == []


def test_make_check_prints_the_deadline_report(tmp_path):
    import subprocess
    import sys

    from tests.conftest import ROOT

    options = (
        f'-e BANTIN_CONGKHAI_HOM_NAY="2026-02-23" CACHE_PATH="{tmp_path / "cache" / "p"}" '
        f'BANTIN_PROBLEMS_FILE="{tmp_path / "problems.json"}"'
    )
    command = [sys.executable, "-m", "bantin_publish", "check", "--content", str(SITE)]
    result = subprocess.run(
        [*command, "--output", str(tmp_path / "output"), "--pelican-opts", options],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    report = result.stderr.split("Việc công khai đến hạn (ngày 23/02/2026", 1)
    assert len(report) == 2, result.stdout + result.stderr
    assert "- Đăng «Trương Văn Chưa Đăng»" in report[1]
    assert "«thu_hoi»" not in result.stderr  # nothing of the withdrawn entry left
