"""The web editor (/admin/, Decap CMS): its configuration follows the site and the results model;
a post written through its form passes the strict reader and builds into the results table."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time

import pytest
from bs4 import BeautifulSoup
from PIL import Image

import bantin_ketqua
from bantin_editor.admin import editor_config, editor_hint, editor_styles
from bantin_frontmatter.fields import schema
from bantin_frontmatter.loader import parse_front_matter
from bantin_frontmatter.reader import PROBLEMS_KEY, BantinMarkdownReader
from tests.conftest import ROOT, SITES, build_site, get_settings


def _collections(config):
    return {c["name"]: c for c in config["collections"]}


def _fields(collection):
    return {f["name"]: f for f in collection["fields"]}


def test_config_follows_the_site_settings(tmp_path):
    content = tmp_path / "site" / "content"
    content.mkdir(parents=True)
    settings = get_settings(
        PATH=str(content),
        BANTIN_CATEGORIES=["Tin tức", "Thông báo mới", "Văn bản"],
        BANTIN_ANNOUNCEMENT_CATEGORY="Thông báo mới",
        BANTIN_DECAP_SERVER="http://127.0.0.1:9999/api/v1",
    )
    config = editor_config(settings)
    assert config["locale"] == "vi"
    assert config["local_backend"] == {"url": "http://127.0.0.1:9999/api/v1"}
    assert config["media_folder"] == "content/images"
    assert config["public_folder"] == "images"
    assert "_fields" not in config and "_media" not in config
    collections = _collections(config)
    assert {"tin", "thong_bao", "van_ban", "trang"} <= set(collections)
    articles = _fields(collections["tin"])
    assert articles["category"]["options"] == ["Tin tức", "Thông báo mới", "Văn bản"]
    assert collections["tin"]["folder"] == "content/articles"
    assert collections["tin"]["format"] == "bantin-frontmatter"
    # Photos into content/images/, not beside the post (Decap's default for nested folders).
    assert collections["tin"]["media_folder"] == "/content/images"
    assert collections["tin"]["public_folder"] == "images"
    assert collections["thong_bao"]["filter"] == {"field": "category", "value": "Thông báo mới"}
    assert _fields(collections["thong_bao"])["category"]["default"] == "Thông báo mới"
    document = _fields(_fields(collections["van_ban"])["van_ban"])
    assert document["tep"]["media_folder"] == "/content/documents"
    assert document["tep"]["public_folder"] == "documents"
    # Every field the strict reader requires is a required form field.
    for name in ("title", "date", "category", "slug"):
        assert articles[name].get("required", True) is True


def test_public_notice_collections_follow_their_plugin(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(SITES / "basic", content)
    names = set(_collections(editor_config(get_settings(PATH=str(content)))))
    assert {"chua_co_dieu_kien", "dau_gia"} <= names
    plugins = [p for p in get_settings(PATH=str(content))["PLUGINS"] if p != "bantin_congkhai"]
    without = _collections(editor_config(get_settings(PATH=str(content), PLUGINS=plugins)))
    assert set(without) == {"tin", "thong_bao", "van_ban", "trang"}
    notices = _collections(editor_config(get_settings(PATH=str(content))))["dau_gia"]
    assert notices["folder"] == "content/cong-khai/dau-gia"


def test_config_without_announcements_drops_that_collection(tmp_path):
    settings = get_settings(PATH=str(tmp_path), BANTIN_ANNOUNCEMENT_CATEGORY="")
    assert "thong_bao" not in _collections(editor_config(settings))


def test_config_with_a_git_server_backend(tmp_path):
    gitea = {
        "name": "gitea",
        "repo": "van-phong/trang-tin",
        "app_id": "abc",
        "base_url": "https://git.example.org",
        "api_root": "https://git.example.org/api/v1",
    }
    config = editor_config(get_settings(PATH=str(tmp_path), BANTIN_ADMIN_BACKEND=gitea))
    assert config["backend"] == gitea
    assert "local_backend" not in config


def _check_field(field, spec, *, required, condition, where):
    """One form field against its schema entry; recurses into blocks."""
    assert field["label"] == spec.label, where
    assert "bắt buộc" not in field["label"].lower(), where  # Decap adds its own mark
    assert field["required"] is required, where
    assert field.get("hint", "") == editor_hint(spec, condition), where
    assert field.get("pattern", []) == list(spec.pattern), where
    if spec.widget == "number":
        assert (field["widget"], field["kind"]) == ("vi_number", spec.number), where
    elif spec.widget in ("date", "datetime"):
        assert field["widget"] == "datetime", where
        assert (field["time_format"] is False) == (spec.widget == "date"), where
    elif spec.widget != "select" or spec.choices:
        assert field["widget"] == spec.widget, where
    if spec.choices:
        assert field["options"] == [{"label": lb, "value": v} for v, lb in spec.choices], where
    assert [f["name"] for f in field.get("fields", ())] == [n for n, _ in spec.subfields], where
    within = required or spec.repeated
    for sub, (name, sub_spec) in zip(field.get("fields", ()), spec.subfields, strict=True):
        inner = condition or f"Bắt buộc khi có «{spec.label}»"
        _check_field(
            sub,
            sub_spec,
            required=within and sub_spec.required,
            condition=None if within or not sub_spec.required else inner,
            where=f"{where}.{name}",
        )


def test_editor_form_is_the_schema(tmp_path):
    """Every field of every collection: the schema's label, hint, pattern, choices, number
    kind, and when it is required; fields required only when another is there are not
    required by Decap (it could not say when) and their hint says when instead."""
    config = editor_config(get_settings(PATH=str(tmp_path)))
    specs = schema()
    for collection in config["collections"]:
        if collection["name"] not in ("tin", "thong_bao", "van_ban", "trang"):
            continue  # public notices: their own descriptions (tests/test_congkhai*.py)
        kind = "page" if collection["name"] == "trang" else "article"
        for field in collection["fields"]:
            where = f"{collection['name']}.{field['name']}"
            if field["name"] == "body":
                assert field["widget"] == "markdown"
                continue
            spec = specs[field["name"]]
            assert kind in spec.kinds, where
            required = kind in spec.required_for or where == "van_ban.van_ban"
            condition = None
            if spec.required_with and not required:
                condition = f"Bắt buộc khi có «{specs[spec.required_with].label}»"
            _check_field(field, spec, required=required, condition=condition, where=where)
    # Every field staff write in an article is in the Tin bài form (van_ban has its own).
    offered = {f["name"] for f in _fields(_collections(config)["tin"]).values()}
    wanted = {n for n, s in specs.items() if "article" in s.kinds and s.widget != "hidden"}
    assert wanted - offered == {"van_ban"}
    # The same descriptions make the staff guide's tables (tests/test_schema.py checks them).
    guide = (ROOT / "docs/huong-dan-viet-bai.md").read_text(encoding="utf-8")
    for name in ("title", "image_alt", "slug"):
        assert f"| `{name}` | {specs[name].label} | {specs[name].required_when()} |" in guide


def test_fields_required_when_another_is_there_are_not_marked_optional(tmp_path):
    config = editor_config(get_settings(PATH=str(tmp_path)))
    article = _fields(_collections(config)["tin"])
    assert article["image_alt"]["required"] is False
    assert article["image_alt"]["hint"].startswith("Bắt buộc khi có «Ảnh đại diện»; ")
    results = _fields(article["ket_qua"])
    assert _fields(results["viec"])["giai_quyet_xong"]["hint"].startswith(
        "Bắt buộc khi có «Kết quả thi hành án»; "
    )
    assert _fields(results["tien"])["giai_quyet_xong"]["hint"].startswith(
        "Bắt buộc khi có «Về tiền»; "
    )
    assert _fields(results["ky"])["tu"]["hint"].startswith("Bắt buộc khi có «Kết quả thi hành án»")
    # In a unit of the list the unit is there: Decap requires its name and figures itself.
    unit = _fields(results["don_vi"])
    assert unit["ten"]["required"] is True and unit["viec"]["required"] is True
    assert _fields(unit["viec"])["giai_quyet_xong"]["required"] is True
    # The page hides Decap's «(không bắt buộc)» mark on exactly those fields; a name hidden
    # there is never a plainly optional field elsewhere.
    css = editor_styles(config)
    hidden = set(re.findall(r'label\[for\^="([a-z_]+)-field-"\] > span', css))
    assert {"image_alt", "ky", "tu", "den", "viec", "giai_quyet_xong"} <= hidden
    assert "tien" not in hidden and "image" not in hidden

    def plainly_optional(fields):
        for field in fields:
            if field.get("required") is False and not field.get("hint", "").startswith("Bắt"):
                yield field["name"]
            yield from plainly_optional(field.get("fields", ()))

    for collection in config["collections"]:
        assert not hidden & set(plainly_optional(collection["fields"])), collection["name"]


def test_preview_links_follow_the_site_urls(tmp_path):
    config = editor_config(
        get_settings(PATH=str(tmp_path), ARTICLE_URL="tin/{date:%Y}/{date:%m}/{slug}.html")
    )
    collections = _collections(config)
    assert collections["tin"]["preview_path"] == "tin/{{year}}/{{month}}/{{fields.slug}}.html"
    assert collections["tin"]["preview_path_date_field"] == "date"
    assert collections["trang"]["preview_path"] == "{{fields.slug}}/"


# --- The editor in a browser against the editor server (bantin_editor.server) ------------------
def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"the editor server did not start on port {port}")


@pytest.fixture(scope="session")
def admin_bundle(tmp_path_factory):
    """The editor bundle, built from node_modules as `make admin` builds it."""
    if not (ROOT / "node_modules/decap-cms-app").exists():
        pytest.fail("node_modules is missing: `make node-deps` installs decap-cms-app")
    bundle = tmp_path_factory.mktemp("admin") / "bantin-admin.js"
    result = subprocess.run(
        ["node", "admin/build.mjs", str(bundle)], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return bundle


@pytest.fixture(scope="module")
def editor(tmp_path_factory, admin_bundle):
    """A site folder served by the editor server (as `make admin` runs it), its preview build."""
    repo = tmp_path_factory.mktemp("site")
    shutil.copytree(SITES / "basic", repo / "content")
    output = repo / "preview"
    result = build_site(
        repo / "content",
        output,
        "-e",
        "BANTIN_FAIL_ON_PROBLEMS=false",
        "BANTIN_PREVIEW=true",
        f'BANTIN_ADMIN_BUNDLE="{admin_bundle}"',
    )
    assert result.returncode == 0, result.stderr
    assert (output / "admin/bantin-admin.js").exists()
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
        yield f"http://127.0.0.1:{port}", repo
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


TITLE = "Hội nghị sơ kết: kết quả 6 tháng đầu năm 2022"
SLUG = "hoi-nghi-so-ket-6-thang-2022"


def _wait_for_file(path, changed_from=None, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_bytes() != changed_from:
            return
        time.sleep(0.2)
    raise AssertionError(f"the editor did not save {path.name}")


def _open_editor(browser, base):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, timezone_id="Asia/Ho_Chi_Minh"
    )
    page = context.new_page()
    page.goto(base + "/admin/")
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_text("Bộ sưu tập").wait_for(timeout=30_000)
    return context, page


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


@pytest.mark.browser
@pytest.mark.slow
def test_article_with_results_written_in_the_editor(browser, editor, tmp_path):
    from playwright.sync_api import expect

    base, repo = editor
    context, page = _open_editor(browser, base)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
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
    assert errors == []
    context.close()

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


@pytest.mark.browser
@pytest.mark.slow
def test_editing_a_post_keeps_its_results_block(browser, editor):
    """Open a hand-written post with a results block, change the title, save: same data."""
    base, repo = editor
    post = repo / "content/articles/2021/tong-ket-nam-2021.md"
    shutil.copyfile(SITES / "ketqua/articles/2021/tong-ket-nam-2021.md", post)
    before = post.read_bytes()
    context, page = _open_editor(browser, base)
    page.goto(base + "/admin/#/collections/tin/entries/2021/tong-ket-nam-2021")
    title = page.locator('[id^="title-field-"]')
    title.fill("Tổng kết công tác thi hành án dân sự năm 2021 (bản sửa)")
    page.get_by_role("button", name="Công bố").click()
    page.get_by_text("Công bố ngay").click()
    _wait_for_file(post, changed_from=before)
    context.close()

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


@pytest.mark.browser
@pytest.mark.slow
def test_document_with_its_pdf(browser, editor, tmp_path):
    """The Văn bản collection: the register entry and the PDF, uploaded to content/documents/."""
    base, repo = editor
    pdf = tmp_path / "qd-125.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    context, page = _open_editor(browser, base)
    page.goto(base + "/admin/#/collections/van_ban/new")

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
    context.close()

    assert (repo / "content/documents/2022/qd-125.pdf").read_bytes() == pdf.read_bytes()
    reader = BantinMarkdownReader(get_settings(PATH=str(repo / "content")))
    _, metadata = reader.read(str(saved))
    assert metadata.get(PROBLEMS_KEY, ()) == ()
    assert str(metadata["category"]) == "Văn bản"
    assert metadata["status"] == "draft"  # the form's default until staff choose Đăng
    document = metadata["van_ban"]
    assert document.so_ky_hieu == "125/QĐ-CTHADS" and document.tep == "documents/2022/qd-125.pdf"
    assert str(document.ngay_ban_hanh) == "2022-04-02"
