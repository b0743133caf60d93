"""The web editor in Chromium against the editor server of `make admin` (bantin_editor.server).

One site, one server and one logged-in page for the module. New entries first (an article
with results and a photo, a document with its PDF, which then build), then a post whose photo
is in a year folder: staff type and paste Vietnamese numbers, try to save figures the build
refuses (and save them as a draft), pick a photo from a year folder, filter the drafts, and the
rendered editor is searched for English left in its interface.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest
from bs4 import BeautifulSoup
from PIL import Image

import bantin_ketqua
from bantin_frontmatter.loader import parse_front_matter
from bantin_frontmatter.reader import PROBLEMS_KEY, BantinMarkdownReader
from tests.conftest import ROOT, SITES, build_site, get_settings
from tests.test_admin import _free_port, _wait_for_port, admin_bundle  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]

POST = "content/articles/2022/so-ket-6-thang-2022.md"
POST_TEXT = """---
title: "Hội nghị sơ kết 6 tháng đầu năm 2022"
date: 2022-04-20 08:30
category: Tin hoạt động
slug: so-ket-6-thang-2022
image: images/2021/hoi-nghi.jpg
image_alt: "Quang cảnh hội nghị"
# Số liệu của Phòng Tổ chức cán bộ
ket_qua:
  ky: {tu: 2021-10-01, den: 2022-02-28}
  viec:
    co_dieu_kien: 5588
    giai_quyet_xong: 2000
    ty_le: 35.79
  tien:
    co_dieu_kien: 552834000000
    giai_quyet_xong: 70000000000
---
Sáng 20/4, Cục tổ chức hội nghị sơ kết.
"""


@contextlib.contextmanager
def running_editor(repo, bundle):
    """``repo/content`` built as the preview builds it, served by the editor's own server
    (what ``make admin`` runs); yields the server's address."""
    output = repo / "output"
    result = build_site(
        repo / "content",
        output,
        "-e",
        "BANTIN_FAIL_ON_PROBLEMS=false",
        "BANTIN_PREVIEW=true",
        f'BANTIN_ADMIN_BUNDLE="{bundle}"',
    )
    assert result.returncode == 0, result.stderr
    port = _free_port()
    command = [sys.executable, "-m", "bantin_editor.server", "--settings", "pelicanconf.py"]
    command += ["--content", str(repo / "content"), "--output", str(output), "--port", str(port)]
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": f"{ROOT / 'plugins'}{os.pathsep}{ROOT}"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_for_port(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


@pytest.fixture(scope="module")
def site(tmp_path_factory, admin_bundle):  # noqa: F811
    """A site with a post whose photo is in a year folder, its preview build, the server."""
    repo = tmp_path_factory.mktemp("editor")
    shutil.copytree(SITES / "basic", repo / "content")
    (repo / "content/images/2021").mkdir(parents=True)
    Image.new("RGB", (160, 100), (200, 50, 50)).save(repo / "content/images/2021/hoi-nghi.jpg")
    Image.new("RGB", (160, 100), (50, 50, 200)).save(repo / "content/images/2021/khac.jpg")
    (repo / POST).parent.mkdir(parents=True)
    (repo / POST).write_text(POST_TEXT, encoding="utf-8")
    with running_editor(repo, admin_bundle) as base:
        yield base, repo


@pytest.fixture(scope="module")
def page(browser, site):
    base, _ = site
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
    )
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # After a refused save: leave the entry (accept), and do not bring back the refused text
    # from Decap's local backup when it is opened again (dismiss).
    page.on(
        "dialog",
        lambda dialog: dialog.dismiss() if "sao lưu" in dialog.message else dialog.accept(),
    )
    page.goto(base + "/admin/")
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_text("Bộ sưu tập").wait_for(timeout=30_000)
    yield page
    context.close()
    # A refused save ends in Decap's own rejected promises ("Object", "undefined"): not errors.
    assert [e for e in errors if e not in ("Object", "undefined")] == []


# --- Writing new entries (these run first: the site builds without problems) ----------
TITLE = "Hội nghị sơ kết: kết quả 6 tháng đầu năm 2022"
SLUG = "hoi-nghi-so-ket-6-thang-2022"


def _wait_for_file(path, changed_from=None, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_bytes() != changed_from:
            return
        time.sleep(0.2)
    raise AssertionError(f"the editor did not save {path.name}")


def _upload(page, button, path):
    """Pick a file through Decap's media library (it is written when the post is saved)."""
    page.get_by_role("button", name=button).click()
    page.locator('input[type="file"]').set_input_files(str(path))
    page.get_by_role("button", name="Lấy những cái đã chọn").click()


def _write_article_with_results(page, photo):
    """Fill the Tin bài form as staff would, the results block included."""

    def field(name, index=0):
        return page.locator(f'[id^="{name}-field-"]').nth(index)

    field("title").fill(TITLE)
    field("date").fill("2022-04-20T08:30")
    field("category").click()
    page.get_by_text("Tin hoạt động", exact=True).click()
    field("slug").fill(SLUG)
    field("status").click()
    page.get_by_text("Đăng", exact=True).click()
    _upload(page, "Chọn một hình", photo)
    field("image_alt").fill("Quang cảnh hội nghị sơ kết")
    page.get_by_role("button", name="Mở ra").first.click()  # Kết quả thi hành án
    field("tieu_de").fill("Kết quả thi hành án dân sự 6 tháng đầu năm 2022")
    field("tu").fill("2021-10-01")
    field("den").fill("2022-03-31")
    field("co_dieu_kien").fill("5588")
    field("giai_quyet_xong").fill("2073")
    field("ty_le").fill("37.1")
    field("so_cung_ky").fill("-12")
    page.get_by_role("button", name="Mở ra").first.click()  # Về tiền
    field("giai_quyet_xong", 1).fill("75683482000")
    page.get_by_role("button", name="Thêm đơn vị").click()
    field("ten").fill("Chi cục THADS thành phố Vị Thanh")
    field("co_dieu_kien", 2).fill("612")
    field("giai_quyet_xong", 2).fill("268")
    page.locator('[contenteditable="true"]').last.click()
    page.keyboard.type("Sáng 20/4, Cục tổ chức hội nghị sơ kết.")


def test_article_with_results_written_in_the_editor(page, site, tmp_path):
    from playwright.sync_api import expect

    base, repo = site
    page.goto(base + "/admin/#/collections/tin")
    expect(page.get_by_role("link", name="Hướng dẫn cho cán bộ")).to_be_visible()
    # The existing posts are listed, in Vietnamese.
    expect(page.get_by_text("Hội nghị sơ kết: kết quả 5 tháng đầu năm 2021")).to_be_visible()

    page.goto(base + "/admin/#/collections/tin/new")
    photo = tmp_path / "hoi-nghi-so-ket.jpg"
    Image.new("RGB", (120, 80), (0, 120, 200)).save(photo)
    _write_article_with_results(page, photo)
    page.get_by_role("button", name="Công bố").click()
    page.get_by_text("Công bố ngay").click()

    saved = repo / "content/articles/2022" / f"{SLUG}.md"
    _wait_for_file(saved)
    # Decap then opens the saved entry by itself: wait, or it would happen during the next test.
    page.wait_for_url(f"**/#/collections/tin/entries/2022/{SLUG}")

    # What the editor wrote passes the strict reader and the ket_qua checks unchanged.
    bantin_ketqua.add_field()
    reader = BantinMarkdownReader(get_settings(PATH=str(repo / "content")))
    _, metadata = reader.read(str(saved))
    assert [p.format() for p in metadata.get(PROBLEMS_KEY, ())] == []
    report = metadata["ket_qua"]
    assert report.viec.giai_quyet_xong == 2073 and report.viec.so_cung_ky == -12
    assert str(report.ky.tu) == "2021-10-01" and report.don_vi[0].viec.co_dieu_kien == 612
    # The photo went into the folder of the post's year, as staff copy photos by hand.
    assert metadata["image"] == "images/2022/hoi-nghi-so-ket.jpg"
    assert (repo / "content/images/2022/hoi-nghi-so-ket.jpg").read_bytes() == photo.read_bytes()
    text = saved.read_text(encoding="utf-8")
    assert '""' not in text  # no empty values left by untouched number fields

    # And it builds into the expected results table (a normal build, which fails on problems).
    output = tmp_path / "built"
    result = build_site(repo / "content", output)
    assert result.returncode == 0, result.stderr
    html = (output / "2022/04" / SLUG / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    tables = soup.select("table.bt-table")
    assert tables, "no results table"
    results = tables[0].get_text(" ", strip=True)
    assert "Kết quả thi hành án dân sự 6 tháng đầu năm 2022" in results
    assert "2.073" in results and "5.588" in results and "37,10" in results
    assert "75.683.482.000" in results
    assert "Chi cục THADS thành phố Vị Thanh" in soup.get_text()


def test_editing_a_post_keeps_its_results_block(page, site):
    """Open a hand-written post with a results block, change the title, save: same data."""
    from playwright.sync_api import expect

    base, repo = site
    post = repo / "content/articles/2021/tong-ket-nam-2021.md"
    shutil.copyfile(SITES / "ketqua/articles/2021/tong-ket-nam-2021.md", post)
    before = post.read_bytes()
    page.goto(base + "/admin/#/collections/tin")
    page.goto(base + "/admin/#/collections/tin/entries/2021/tong-ket-nam-2021")
    title = page.locator('[id^="title-field-"]')
    expect(title).to_have_value("Tổng kết công tác thi hành án dân sự năm 2021")
    title.fill("Tổng kết công tác thi hành án dân sự năm 2021 (bản sửa)")
    page.get_by_role("button", name="Công bố").click()
    page.get_by_text("Công bố ngay").click()
    _wait_for_file(post, changed_from=before)

    old, _ = parse_front_matter(before.decode("utf-8"))
    new, _ = parse_front_matter(post.read_text(encoding="utf-8"))
    assert new.data["title"] == "Tổng kết công tác thi hành án dân sự năm 2021 (bản sửa)"
    assert new.data["ket_qua"] == old.data["ket_qua"]
    assert {k: v for k, v in new.data.items() if k != "title"} == {
        k: v for k, v in old.data.items() if k != "title"
    }
    assert "[KET_QUA]" in new.body
    bantin_ketqua.add_field()
    reader = BantinMarkdownReader(get_settings(PATH=str(repo / "content")))
    _, metadata = reader.read(str(post))
    assert metadata.get(PROBLEMS_KEY, ()) == ()


def test_a_units_problem_shows_under_that_units_field(page, site):
    """A problem in the second unit of the list (``ket_qua.don_vi[2]…``, counted from 1) is
    shown under that unit's field, not the first unit's, and nothing is saved."""
    from playwright.sync_api import expect

    base, repo = site
    post = repo / "content/articles/2021/tong-ket-nam-2021.md"
    before = post.read_bytes()
    page.goto(base + "/admin/#/collections/tin")
    page.goto(base + "/admin/#/collections/tin/entries/2021/tong-ket-nam-2021")
    page.get_by_role("button", name="Mở ra").first.click()  # Kết quả thi hành án
    # giai_quyet_xong: the whole office's việc, tiền, then each unit's việc, tiền.
    second = _figure(page, "giai_quyet_xong", 4)
    expect(second).to_have_value("1.100")
    second.fill("1.300")  # more than its co_dieu_kien (1200)
    _save(page)
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("Đơn vị › mục thứ 2 › Về việc › Giải quyết xong: ")
    dialog.get_by_role("button", name="Đóng").click()
    toast = page.get_by_text("Chưa lưu được bài: bài có")
    toast.click()  # closes it: the next tests look for their own
    expect(toast).to_have_count(0)
    message = re.compile("Giải quyết xong không thể nhiều hơn số có điều kiện")
    expect(second).to_have_accessible_description(message)
    for other in (0, 2, 6):
        expect(_figure(page, "giai_quyet_xong", other)).not_to_have_accessible_description(message)
    time.sleep(1)
    assert post.read_bytes() == before
    # Leaving the entry (Decap asks whether to drop the change: yes) takes the messages away.
    page.goto(base + "/admin/#/collections/tin")
    expect(page.locator(".bt-field-problem")).to_have_count(0)


def test_document_with_its_pdf(page, site, tmp_path):
    """The Văn bản collection: the register entry and the PDF, uploaded to content/documents/."""
    base, repo = site
    pdf = tmp_path / "qd-125.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.goto(base + "/admin/#/collections/van_ban")
    page.goto(base + "/admin/#/collections/van_ban/new")
    page.locator('[id^="loai-field-"]').wait_for()

    def field(name):
        return page.locator(f'[id^="{name}-field-"]').first

    field("title").fill("Quyết định 125/QĐ-CTHADS về kế hoạch công tác năm 2022")
    field("date").fill("2022-04-02T09:00")
    field("slug").fill("quyet-dinh-125-qd-cthads")
    field("loai").fill("Quyết định")
    field("so_ky_hieu").fill("125/QĐ-CTHADS")
    field("co_quan_ban_hanh").fill("Cục Thi hành án dân sự tỉnh Hậu Giang")
    field("ngay_ban_hanh").fill("2022-04-02")
    _upload(page, "Chọn một tập tin", pdf)
    page.get_by_role("button", name="Công bố").click()
    page.get_by_text("Công bố ngay").click()
    saved = repo / "content/articles/2022/quyet-dinh-125-qd-cthads.md"
    _wait_for_file(saved)
    page.wait_for_url("**/#/collections/van_ban/entries/2022/quyet-dinh-125-qd-cthads")

    assert (repo / "content/documents/2022/qd-125.pdf").read_bytes() == pdf.read_bytes()
    reader = BantinMarkdownReader(get_settings(PATH=str(repo / "content")))
    _, metadata = reader.read(str(saved))
    assert metadata.get(PROBLEMS_KEY, ()) == ()
    assert str(metadata["category"]) == "Văn bản"
    assert metadata["status"] == "draft"  # the form's default until staff choose Đăng
    document = metadata["van_ban"]
    assert document.so_ky_hieu == "125/QĐ-CTHADS" and document.tep == "documents/2022/qd-125.pdf"
    assert str(document.ngay_ban_hanh) == "2022-04-02"


# --- Editing the post with a year-folder photo ----------------------------------------------
def _open_post(page, base):
    # Through the list: the same address again would keep what the last test left unsaved.
    page.goto(base + "/admin/#/collections/tin")
    page.locator('[id^="title-field-"]').first.wait_for(state="detached", timeout=30_000)
    page.goto(base + "/admin/#/collections/tin/entries/2022/so-ket-6-thang-2022")
    page.wait_for_function(
        """() => [...document.querySelectorAll('[id^="title-field-"]')]
                 .some((input) => input.value === 'Hội nghị sơ kết 6 tháng đầu năm 2022')""",
        timeout=30_000,
    )


def _open_results(page):
    page.get_by_role("button", name="Mở ra").first.click()  # Kết quả thi hành án
    page.locator('[id^="giai_quyet_xong-field-"]').first.wait_for()
    page.get_by_role("button", name="Mở ra").first.click()  # Về tiền


def _figure(page, name, index=0):
    return page.locator(f'input[id^="{name}-field-"]').nth(index)


def _note(page, name, index=0):
    return page.locator(f'[id^="bt-so-{name}-field-"]').nth(index)


def _save(page):
    page.get_by_role("button", name="Công bố", exact=True).click()
    page.get_by_text("Công bố ngay").click()


def _wait_for_change(path, before, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.read_bytes() != before:
            return path.read_text(encoding="utf-8")
        time.sleep(0.2)
    raise AssertionError(f"the editor did not save {path.name}")


def _changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    return (
        [line[2:] for line in diff if line.startswith("- ")],
        [line[2:] for line in diff if line.startswith("+ ")],
    )


def test_typed_and_pasted_numbers_are_saved_as_numbers(page, site):
    from playwright.sync_api import expect

    base, repo = site
    post = repo / POST
    before = post.read_bytes()
    _open_post(page, base)
    _open_results(page)
    resolved = _figure(page, "giai_quyet_xong")
    # English thousands or a Vietnamese decimal? The field says so and does not guess.
    resolved.fill("")
    resolved.press_sequentially("2,073")
    expect(_note(page, "giai_quyet_xong")).to_contain_text("dấu phẩy là dấu thập phân")
    expect(resolved).to_have_attribute("aria-invalid", "true")
    resolved.fill("")
    resolved.press_sequentially("2.073")
    expect(_note(page, "giai_quyet_xong")).to_have_text("Trang sẽ in: 2.073")
    rate = _figure(page, "ty_le")
    rate.fill("")
    rate.press_sequentially("37,10")
    expect(_note(page, "ty_le")).to_have_text("Trang sẽ in: 37,10%")
    money = _figure(page, "giai_quyet_xong", 1)
    page.evaluate("text => navigator.clipboard.writeText(text)", "75.683.482.000")
    money.click()
    money.press("Control+A")
    money.press("Control+V")
    expect(money).to_have_value("75.683.482.000")
    expect(_note(page, "giai_quyet_xong", 1)).to_have_text("Trang sẽ in: 75.683.482.000\xa0đồng")
    _save(page)
    after = _wait_for_change(post, before)
    removed, added = _changed_lines(before.decode("utf-8"), after)
    # Only the three edited lines changed: order, the comment, the other numbers are kept.
    assert removed == [
        "    giai_quyet_xong: 2000",
        "    ty_le: 35.79",
        "    giai_quyet_xong: 70000000000",
    ]
    assert added[0] == "    giai_quyet_xong: 2073"
    assert added[1] in ("    ty_le: 37.1", "    ty_le: 37.10")
    assert added[2] == "    giai_quyet_xong: 75683482000"
    assert len(added) == 3


def test_figures_the_build_refuses_are_not_saved(page, site):
    from playwright.sync_api import expect

    base, repo = site
    post = repo / POST
    before = post.read_bytes()
    _open_post(page, base)
    _open_results(page)
    resolved = _figure(page, "giai_quyet_xong")
    resolved.fill("6.000")  # more than co_dieu_kien (5588) in a published post
    expect(_note(page, "giai_quyet_xong")).to_have_text("Trang sẽ in: 6.000")
    _save(page)
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("Chưa lưu")
    expect(dialog).to_contain_text(
        "Kết quả thi hành án › Về việc › Giải quyết xong: "
        "Giải quyết xong không thể nhiều hơn số có điều kiện thi hành"
    )
    expect(page.get_by_text("Chưa lưu được bài: bài có")).to_be_visible()
    dialog.get_by_role("button", name="Đóng").click()
    # Each message stays under its field: «Giải quyết xong» of «Về việc» (not of «Về tiền»),
    # and «Tỷ lệ», in the field's accessible description.
    message = "Giải quyết xong không thể nhiều hơn số có điều kiện thi hành"
    expect(page.locator(".bt-field-problem")).to_have_count(2)
    note = page.locator(".bt-field-problem", has_text=message)
    expect(note).to_be_visible()
    expect(note).to_contain_text(message)
    expect(resolved).to_have_accessible_description(re.compile(message))
    expect(_figure(page, "giai_quyet_xong", 1)).not_to_have_accessible_description(
        re.compile(message)
    )
    assert page.evaluate(
        """note => {
          const container = document.getElementById(note.id).closest('[aria-label^="Trường"]');
          return container.getAttribute('aria-label') === 'Trường «Giải quyết xong»'
            && !!container.querySelector('input[id^="giai_quyet_xong-field-"]')
            && !!container.closest('[aria-label="Trường «Về việc»"]');
        }""",
        note.element_handle(),
    )
    expect(_figure(page, "ty_le")).to_have_accessible_description(re.compile("Tỷ lệ ghi"))
    time.sleep(1)
    assert post.read_bytes() == before
    # Text Decap cannot read as a number: refused beside the field, nothing saved.
    resolved.fill("37.1.0")
    _save(page)
    expect(page.locator("li", has_text="Không rõ «37.1.0»")).to_be_visible()
    # Typing in the field took its message away (it told of the figure no longer there).
    expect(page.locator(".bt-field-problem", has_text=message)).to_have_count(0)
    time.sleep(1)
    assert post.read_bytes() == before
    # As a draft the same figures are saved, with the list of what to fix before publishing.
    resolved.fill("6.000")
    page.locator('[id^="status-field-"]').click()
    page.get_by_text("Bản nháp (chưa đăng)", exact=True).click()
    _save(page)
    after = _wait_for_change(post, before)
    expect(page.get_by_role("alertdialog")).to_contain_text("Đã lưu bản nháp; còn")
    page.get_by_role("alertdialog").get_by_role("button", name="Đóng").click()
    removed, added = _changed_lines(before.decode("utf-8"), after)
    assert len(removed) == 1 and removed[0].startswith("    giai_quyet_xong: ")
    assert sorted(added) == ["    giai_quyet_xong: 6000", "status: draft"]


def test_photo_from_a_year_folder(page, site):
    from playwright.sync_api import expect

    base, repo = site
    post = repo / POST
    before = post.read_bytes()
    _open_post(page, base)
    # The featured photo in images/2021/ shows (it was a blank box with decap-server).
    photo = page.locator('[aria-label="Trường «Ảnh đại diện»"] img')
    expect(photo).to_be_visible()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth === 160", arg=photo.element_handle()
    )
    # And in the preview beside the form.
    preview = page.frame_locator("iframe").locator("img").first
    page.wait_for_function(
        "img => img.complete && img.naturalWidth === 160", arg=preview.element_handle()
    )
    # «Xem bản hoàn chỉnh» opens the post (ARTICLE_URL), not the home page.
    link = page.get_by_role("link", name="Xem bản hoàn chỉnh")
    expect(link).to_have_attribute("href", "/2022/04/so-ket-6-thang-2022/")
    page.get_by_role("button", name="Chọn hình khác").click()
    card = page.get_by_text("khac.jpg", exact=True)
    expect(card).to_be_visible()
    card.click()
    page.get_by_role("button", name="Lấy những cái đã chọn").click()
    _save(page)
    after = _wait_for_change(post, before)
    assert _changed_lines(before.decode("utf-8"), after) == (
        ["image: images/2021/hoi-nghi.jpg"],
        ["image: images/2021/khac.jpg"],
    )


# English words Decap shows where its Vietnamese locale has no string (lower case).
ENGLISH = re.compile(
    r"\b(string|object|list|image|file|code|block|insert|url|alt|title|text|save|delete|"
    r"cancel|publish|search|add|choose|upload|media|entries|entry|collection|new|edit|close|"
    r"loading|select|remove|replace|none|done|back|untitled|unnamed|component|link|heading|"
    r"settings?|mode|theme|keymap|field|global|options?)\b",
    re.I,
)
COLLECT = """() => {
  const found = new Set();
  for (const el of document.querySelectorAll('*')) {
    for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
      const value = el.getAttribute(name);
      if (value) found.add(value);
    }
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const parent = walker.currentNode.parentElement;
    const text = walker.currentNode.textContent.trim();
    if (text && parent && parent.offsetParent !== null && !parent.closest('[contenteditable]'))
      found.add(text);
  }
  return [...found];
}"""


def test_no_english_in_the_editor(page, site):
    from playwright.sync_api import expect

    base, _ = site
    seen = set()

    def collect():
        seen.update(page.evaluate(COLLECT))

    page.goto(base + "/admin/#/collections/tin")
    page.get_by_text("Hội nghị sơ kết 6 tháng đầu năm 2022").wait_for()
    collect()
    # Drafts in one click (the post is a draft since the refused-figures test).
    page.get_by_role("button", name="Lọc theo").click()
    collect()
    page.get_by_text("Bản nháp", exact=True).click()
    expect(page.get_by_text("Tổng kết công tác năm 2020")).to_have_count(0)
    expect(page.get_by_text("Hội nghị sơ kết 6 tháng đầu năm 2022")).to_be_visible()
    _open_post(page, base)
    _open_results(page)
    collect()
    # The rich-text toolbar's «Chèn thành phần» menu, and the photo dialog it opens.
    page.get_by_role("button", name="Chèn thành phần").click()
    collect()
    page.get_by_role("menuitem", name="Ảnh").click()
    page.locator('[id^="alt-field-"]').wait_for()
    collect()
    # The code block and its settings (written in English in Decap's code widget).
    page.get_by_role("button", name="Chèn thành phần").click()
    page.get_by_role("menuitem", name="Khối mã").click()
    page.get_by_role("button", name="Cài đặt khối mã").click()
    expect(page.get_by_text("Ngôn ngữ lập trình", exact=True)).to_be_visible()
    collect()
    page.get_by_role("button", name="Đóng cài đặt khối mã").click()
    collect()
    page.goto(base + "/admin/#/collections/tin")
    page.get_by_role("button", name="Tập tin").click()  # the media library of the whole site
    page.get_by_text("khac.jpg", exact=True).wait_for()
    collect()
    # Content (titles, file names, slugs) is not interface: only strings of the editor count.
    english = sorted(
        text
        for text in seen
        if ENGLISH.search(text) and not re.search(r"\.(jpe?g|png|svg|pdf)\b|^[a-z0-9-]+$", text)
    )
    assert english == []
    # A field required with another is not marked «(không bắt buộc)»; a plain optional one is.
    _open_post(page, base)
    assert page.locator('label[for^="image_alt-field-"]').inner_text() == "MÔ TẢ ẢNH"
    assert (
        page.locator('label[for^="image_caption-field-"]').inner_text().endswith("(KHÔNG BẮT BUỘC)")
    )
    labels = [text for text in seen if text.startswith("Trường ")]
    assert "Trường «Tiêu đề»" in labels and "Trường «Giải quyết xong»" in labels


def test_without_the_editor_server_the_page_says_to_run_make_admin(browser, site):
    """`make devserver` serves /admin/ with no editor server behind it: the page says, in
    Vietnamese, to run `make admin` instead of showing a form that cannot save."""
    from playwright.sync_api import expect

    _, repo = site
    port = _free_port()
    static = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        cwd=repo / "output",
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    context = browser.new_context(locale="vi-VN")
    try:
        _wait_for_port(port)
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{port}/admin/")
        notice = page.get_by_role("alert")
        expect(notice).to_contain_text("Trình soạn thảo chưa chạy", timeout=15_000)
        expect(notice).to_contain_text("make admin")
        expect(page.get_by_role("button", name="Đăng nhập")).to_have_count(0)
    finally:
        context.close()
        static.terminate()
        static.wait(timeout=10)
