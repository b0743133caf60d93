"""The live preview: build status for the browser, reload on save, problems shown in the page,
and nothing of it in a published build."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bantin_editor.preview import intended_output, problems_by_output
from tests.conftest import ROOT, SITES, build_site, get_settings

ARTICLE = "articles/2021/hoi-nghi-so-ket.md"
ARTICLE_URL = "2021/03/hoi-nghi-so-ket-5-thang-dau-nam-2021/"
PREVIEW_SETTINGS = ("-e", "BANTIN_FAIL_ON_PROBLEMS=false", "BANTIN_PREVIEW=true")


@pytest.fixture
def site(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(SITES / "basic", content)
    return content


# --- Pure parts -------------------------------------------------------------------------------
def test_intended_output_of_a_broken_article(site):
    settings = get_settings(PATH=str(site))
    path = site / ARTICLE
    path.write_text(path.read_text(encoding="utf-8").replace("Tin hoạt động", "Tin hoat dong"))
    assert intended_output(path, settings) == ARTICLE_URL + "index.html"


def test_intended_output_unknown_when_yaml_is_broken(site):
    settings = get_settings(PATH=str(site))
    path = site / ARTICLE
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace('title: "Hội nghị sơ kết: kết quả', "title: Hội nghị sơ kết: kết quả")
    )
    assert intended_output(path, settings) is None
    assert problems_by_output([{"source": str(path)}], settings) == {}


def test_intended_output_of_a_page_and_outside_content(site, tmp_path):
    settings = get_settings(PATH=str(site))
    page = next((site / "pages").glob("*.md"))
    assert intended_output(page, settings).endswith("/index.html")
    elsewhere = tmp_path / "elsewhere.md"
    elsewhere.write_text("---\ntitle: x\nslug: x\n---\n")
    assert intended_output(elsewhere, settings) is None


def test_the_watcher_is_in_place_when_it_starts(tmp_path):
    """The preview starts its one watcher before the first build: a save made the moment it is
    started (while the first build runs, or just after it wrote its status) is rebuilt. CI once
    saw a save right after the first build missed: the watcher was started after that build."""
    from bantin_editor.live import Watcher

    article = tmp_path / "bai.md"
    article.write_text("một\n", encoding="utf-8")
    watcher = Watcher([str(tmp_path)], set())
    try:
        article.write_text("hai\n", encoding="utf-8")
        (tmp_path / "moi.md").write_text("ba\n", encoding="utf-8")
        deadline = time.monotonic() + 20
        seen: set[str] = set()
        while len(seen) < 2 and time.monotonic() < deadline:
            seen |= set(watcher.next_changes())
        assert seen == {str(article), str(tmp_path / "moi.md")}
    finally:
        watcher.stop()


def test_the_build_waits_for_the_open_page_to_reload(tmp_path):
    """The preview's server (live.py) and OpenPages: a page whose script waits on the long
    poll is told when its page is written first; the build goes on once that page, reloaded,
    asks again with the new status. A page nobody waits on is not waited for."""
    import threading
    import urllib.request

    from bantin_editor.live import serve, status_key
    from bantin_editor.preview import STATUS_FILE, OpenPages, build_status

    output = tmp_path / "output"
    (output / "__preview").mkdir(parents=True)
    (output / STATUS_FILE).write_bytes(build_status("a", 1.0, []))
    pages = OpenPages(str(output))
    server = serve(pages, "127.0.0.1", _free_port())
    base = f"http://127.0.0.1:{server.server_address[1]}/__preview/doi?page=/bai/&build="

    def fetch(url):
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read()

    try:
        answers = []
        old_key = "a:done"
        waiting = threading.Thread(target=lambda: answers.append(fetch(base + old_key)))
        waiting.start()
        _wait_for(lambda: pages.waiting({"bai/index.html"}), timeout=10, what="the long poll")
        assert pages.waiting({"bai/index.html", "khac/index.html"}) == {"bai/index.html"}

        # The build writes the open page first, then its status, then waits for the reload.
        pages.start()
        pages.written("bai/index.html")
        status = build_status("b", 0.3, [], stage="page", pages=["bai/index.html"])
        (output / STATUS_FILE).write_bytes(status)
        pages.notify()
        came_back = []
        build = threading.Thread(
            target=lambda: came_back.append(pages.wait_for_reload({"bai/index.html"}, 30))
        )
        build.start()
        waiting.join(10)
        assert status_key(answers[0]) == "b:page"  # the old page is told, and reloads
        assert build.is_alive(), "the build waits for the reloaded page"
        # The reloaded page's script asks with the status it has seen: the build goes on.
        reloaded = threading.Thread(target=lambda: fetch(base + "b:page"))
        reloaded.start()
        build.join(10)
        assert came_back == [{"bai/index.html"}]
        # Nobody waits on another page: nothing to wait for.
        assert pages.waiting({"khac/index.html"}) == set()
        pages.finish()
        (output / STATUS_FILE).write_bytes(build_status("b", 1.0, []))
        pages.notify()
        reloaded.join(30)
    finally:
        server.shutdown()
        server.server_close()


# --- Builds -------------------------------------------------------------------------------------
def test_preview_build_writes_status_error_page_and_editor(site, tmp_path):
    path = site / ARTICLE
    path.write_text(path.read_text(encoding="utf-8").replace("Tin hoạt động", "Tin hoat dong"))
    output = tmp_path / "output"
    result = build_site(site, output, *PREVIEW_SETTINGS)
    assert result.returncode == 0, result.stderr
    assert re.search(r"Xem trước: dựng lại xong trong \d+,\d\d giây \(1 lỗi", result.stderr)

    status = json.loads((output / "__preview/build.json").read_text(encoding="utf-8"))
    assert status["build"] and isinstance(status["finished"], int)
    [problem] = status["problems"]
    assert problem["source"].endswith(ARTICLE) and problem["field"] == "category"
    assert (output / "__preview/preview.js").exists()

    # The broken article's own address explains what to fix instead of "not found".
    error_page = (output / ARTICLE_URL / "index.html").read_text(encoding="utf-8")
    assert "Bài này chưa dựng được" in error_page
    assert "trường «category»" in error_page and "Tin hoạt động" in error_page
    assert "/__preview/build.json" in error_page

    # Every page carries the script but nothing that names the build (pages unchanged since an
    # earlier build are reused as they are); /admin/ has the editor and the guide.
    index = (output / "index.html").read_text(encoding="utf-8")
    assert "/__preview/preview.js" in index and status["build"] not in index
    assert (output / "admin/index.html").exists() and (output / "admin/config.yml").exists()
    assert (output / "admin/huong-dan/huong-dan-viet-bai.html").exists()


@pytest.mark.slow
@pytest.mark.parametrize("settings_file", ["pelicanconf.py", "publishconf.py"])
def test_no_preview_assets_without_preview(site, tmp_path, settings_file):
    """`make html` and `make publish` (BANTIN_PREVIEW false): no script, status, editor."""
    output = tmp_path / "output"
    result = build_site(site, output, settings=ROOT / settings_file)
    assert result.returncode == 0, result.stderr
    assert not (output / "__preview").exists()
    assert not (output / "admin").exists()
    for page in output.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "__preview" not in text and "bt-preview" not in text, page
    assert "Xem trước:" not in result.stderr


def test_publish_settings_never_preview():
    publish = get_settings()  # pelicanconf
    assert publish["BANTIN_PREVIEW"] is False
    from pelican.settings import read_settings

    assert read_settings(str(ROOT / "publishconf.py"))["BANTIN_PREVIEW"] is False


# --- The devserver in a browser -----------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(predicate, timeout=90, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def devserver(site, tmp_path):
    """The preview as `make devserver` runs it (bantin_editor.live), on a copy of the basic site
    and a free port."""
    output = tmp_path / "output"
    port = _free_port()
    log = tmp_path / "devserver.log"
    command = [sys.executable, "-m", "bantin_editor.live", str(site), "-o", str(output)]
    command += ["-s", str(ROOT / "pelicanconf.py"), "-b", "127.0.0.1", "-p", str(port)]
    command += [*PREVIEW_SETTINGS, f'CACHE_PATH="{tmp_path / "cache"}"']
    command += [f'BANTIN_PROBLEMS_FILE="{tmp_path / "problems.json"}"']
    with open(log, "w", encoding="utf-8") as handle:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=handle,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"},
            start_new_session=True,
        )
    try:
        _wait_for(lambda: (output / "__preview/build.json").exists(), what="the first build")
        yield f"http://127.0.0.1:{port}/", site, log
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


def _edit(path: Path, old: str, new: str) -> None:
    # No pause needed: the preview keeps one file watcher, a save during a build is not missed.
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.browser
@pytest.mark.slow
def test_devserver_shows_a_content_error_and_clears_it(browser, devserver):
    from playwright.sync_api import expect

    base, site, log = devserver
    page = browser.new_page()
    page.goto(base + ARTICLE_URL)
    _wait_for(lambda: page.title() != "", what="the page")
    banner = page.locator("#bt-preview")
    heading = page.locator("h1").first
    expect(heading).to_contain_text("Hội nghị sơ kết")
    expect(banner).to_be_hidden()

    # A wrong category: the page reloads into the error page, the banner names file and fix.
    article = site / ARTICLE
    _edit(article, "category: Tin hoạt động", "category: Tin hoat dong")
    expect(banner).to_be_visible(timeout=60_000)
    expect(banner).to_contain_text("hoi-nghi-so-ket.md:4")
    expect(banner).to_contain_text("trường «category»")
    expect(banner).to_contain_text("Cách sửa: có phải ý bạn là «Tin hoạt động»?")
    expect(heading).to_have_text("Bài này chưa dựng được")

    # Fixed: the article is back, the banner gone.
    _edit(article, "category: Tin hoat dong", "category: Tin hoạt động")
    expect(heading).to_contain_text("Hội nghị sơ kết", timeout=60_000)
    expect(banner).to_be_hidden()

    # Broken YAML: no address is known, so the open page stays, saying why it is not rebuilt.
    _edit(article, 'title: "Hội nghị sơ kết: kết quả', "title: Hội nghị sơ kết: kết quả")
    expect(banner).to_be_visible(timeout=60_000)
    expect(banner).to_contain_text("Trang đang xem chưa dựng được")
    expect(banner).to_contain_text("dấu hai chấm")
    _edit(article, "title: Hội nghị sơ kết: kết quả", 'title: "Hội nghị sơ kết: kết quả')
    expect(banner).to_be_hidden(timeout=60_000)
    expect(heading).to_contain_text("Hội nghị sơ kết")

    # A body edit renders that article only; a page reused from the last build (the home page)
    # reloads once for the new build, then stays: it must not keep reloading.
    page.goto(base)
    _wait_for(lambda: page.title() != "", what="the home page")
    loads = []
    page.on("load", lambda _page: loads.append(time.monotonic()))
    _edit(article, "Sáng 19/3", "Sáng ngày 19/3")
    _wait_for(lambda: log.read_text(encoding="utf-8").count("dựng lại xong trong") >= 6)
    page.wait_for_timeout(5000)  # five polls
    assert len(loads) <= 1, f"the page reloaded {len(loads)} times in 5 s"
    expect(banner).to_be_hidden()

    # The terminal says how long each rebuild took (first build + five edits).
    _wait_for(lambda: log.read_text(encoding="utf-8").count("dựng lại xong trong") >= 6)
    page.close()


@pytest.mark.browser
def test_drafts_page_is_linked_from_the_banner(browser, site, tmp_path):
    """A draft and a post scheduled for later: the slim bar links the preview's drafts page."""
    from playwright.sync_api import expect

    from tests.conftest import serve_directory

    (site / "articles/2021/nhap.md").write_text(
        "---\ntitle: Thông báo đang soạn\ndate: 2021-04-01\ncategory: Thông báo\n"
        "slug: thong-bao-dang-soan\nstatus: draft\n---\nNội dung nháp.\n",
        encoding="utf-8",
    )
    (site / "articles/2021/hen-gio.md").write_text(
        "---\ntitle: Lịch tiếp công dân năm sau\ndate: 2099-01-02 07:00\n"
        "category: Thông báo\nslug: lich-tiep-cong-dan\n---\nNội dung hẹn giờ.\n",
        encoding="utf-8",
    )
    output = tmp_path / "output"
    result = build_site(site, output, *PREVIEW_SETTINGS)
    assert result.returncode == 0, result.stderr
    status = json.loads((output / "__preview/build.json").read_text(encoding="utf-8"))
    assert status["problems"] == [] and status["drafts"] == 2
    with serve_directory(output) as base:
        page = browser.new_page()
        page.goto(base + "/")
        link = page.get_by_role("link", name="Bản nháp và bài hẹn giờ đăng (2)")
        expect(link).to_be_visible(timeout=15_000)
        expect(page.locator("#bt-preview")).not_to_have_attribute("role", "alert")
        link.click()
        expect(page.locator("h1")).to_have_text("Bản nháp và bài hẹn giờ đăng")
        sections = page.locator("section h2")
        expect(sections).to_have_text(["Lịch tiếp công dân năm sau", "Thông báo đang soạn"])
        expect(page.locator("main")).to_contain_text("Hẹn giờ đăng — đăng ngày 02/01/2099 07:00")
        page.get_by_role("link", name="Thông báo đang soạn").click()
        expect(page.locator("h1").first).to_contain_text("Thông báo đang soạn")
        page.close()


# Every load of the page records the title it shows, in the tab's sessionStorage (kept across
# reloads): the test reads the whole history at the end.
RECORD_TITLES = """
document.addEventListener("DOMContentLoaded", () => {
  const h1 = document.querySelector("main h1") || document.querySelector("h1");
  const seen = JSON.parse(sessionStorage.getItem("titles") || "[]");
  seen.push(h1 ? h1.textContent.trim() : "");
  sessionStorage.setItem("titles", JSON.stringify(seen));
});
"""
TITLE = 'title: "Hội nghị sơ kết: kết quả 5 tháng đầu năm 2021"'


def _version(title: str) -> int:
    found = re.search(r"\(bản (\d+)\)", title)
    return int(found.group(1)) if found else 0


@pytest.mark.browser
@pytest.mark.slow
def test_a_save_shows_its_change_and_never_an_older_page(browser, devserver):
    """The open page shows each saved title; no load of it ever shows an older one (the open
    page is written first, the rest after: no page served disagrees with its source); two
    saves in quick succession (the second while the first builds) end on the second; a page
    asked for while the rest of the site is built is the new one, not the last build's."""
    import urllib.request

    from playwright.sync_api import expect

    base, site, log = devserver
    page = browser.new_page()
    page.add_init_script(RECORD_TITLES)
    page.goto(base + ARTICLE_URL)
    heading = page.locator("main h1")
    expect(heading).to_contain_text("Hội nghị sơ kết")
    article = site / ARTICLE
    original = article.read_text(encoding="utf-8")

    def save(version: int) -> None:
        title = TITLE[:-1] + f' (bản {version})"'
        article.write_text(original.replace(TITLE, title), encoding="utf-8")

    save(1)
    expect(heading).to_contain_text("(bản 1)", timeout=60_000)
    # The open page is there; the home page, asked for now (the rest may still be building),
    # already lists the new title.
    with urllib.request.urlopen(base, timeout=120) as response:
        home = response.read().decode("utf-8")
    assert "(bản 1)" in home

    save(2)
    page.wait_for_timeout(300)
    save(3)
    expect(heading).to_contain_text("(bản 3)", timeout=60_000)
    _wait_for(lambda: log.read_text(encoding="utf-8").count("dựng lại xong") >= 3)
    page.wait_for_timeout(1500)  # any late reload would be recorded
    expect(heading).to_contain_text("(bản 3)")

    titles = json.loads(page.evaluate("sessionStorage.getItem('titles')"))
    versions = [_version(t) for t in titles]
    assert versions == sorted(versions), titles  # never back to an older page
    assert versions[0] == 0 and versions[-1] == 3, titles
    assert all("Hội nghị sơ kết" in t for t in titles), titles  # never an error or empty page
    page.close()

    # What the preview cached (Pelican pickles the settings with each article) loads in
    # another process: `make html` after `make devserver`, same cache folder.
    cache = site.parent / "cache"
    assert any(cache.rglob("*")), "the preview cached nothing"
    result = build_site(site, site.parent / "html", cache=cache)
    assert result.returncode == 0, result.stderr


# The build, in a child process (plugins connect their receivers once per process): the page
# open in the preview is written first; its bytes then must be the whole build's.
FIRST_PAGE_SCRIPT = """
import json, sys
from pathlib import Path
from pelican import get_instance, parse_arguments
from bantin_editor.preview import OPEN_KEY, OpenPages

from pelican import signals

content, output, cache = sys.argv[1:4]
args = parse_arguments([content, "-o", output, "-s", "pelicanconf.py", "-e",
    "BANTIN_FAIL_ON_PROBLEMS=false", "BANTIN_PREVIEW=true", f'CACHE_PATH="{cache}"'])
pelican, settings = get_instance(args)
pages = OpenPages(output)
for url in sys.argv[4:]:
    pages.visit(url)
first, others = {}, []
signals.content_written.connect(lambda path, **kw: others.append(path), weak=False)
def written(name):
    first[name] = (Path(output) / name).read_text(encoding="utf-8")
    first["status"] = json.loads((Path(output) / "__preview/build.json").read_text())
    first.setdefault("before", {})[name] = len(others)  # pages the writer had written
pages.written = written
settings[OPEN_KEY] = pages
pelican.run()
print(json.dumps(first))
"""


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["true", "false"])
def test_the_open_page_written_first_is_the_whole_builds(site, tmp_path, engine):
    """The open pages (an article, a page) are written before any other page, as Pelican's
    writer writes them: the same bytes as the pages the whole build leaves (with the engine
    room on and off); the status then says so («page» stage, those pages), and the whole
    build's status says «done»."""
    name = ARTICLE_URL + "index.html"
    page = "gioi-thieu/index.html"
    (site / ARTICLE).write_text(
        (site / ARTICLE).read_text(encoding="utf-8").replace("Sáng 19/3", "Sáng ngày 19/3"),
        encoding="utf-8",
    )
    output = tmp_path / "output"
    script = FIRST_PAGE_SCRIPT.replace('-e",', f'-e", "BANTIN_ENGINE={engine}",')
    command = [sys.executable, "-c", script, str(site), str(output), str(tmp_path / "cache")]
    result = subprocess.run(
        [*command, "/" + ARTICLE_URL, "/gioi-thieu/"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    first = json.loads(result.stdout.strip().splitlines()[-1])
    assert first["status"]["stage"] == "page"
    assert sorted(first["status"]["pages"]) == sorted([name, page])
    assert first["before"] == {name: 0, page: 0}
    assert "Sáng ngày 19/3" in first[name]
    for written in (name, page):
        assert first[written] == (output / written).read_text(encoding="utf-8")
    final = json.loads((output / "__preview/build.json").read_text(encoding="utf-8"))
    assert final["stage"] == "done" and final["build"] == first["status"]["build"]


ASSETS_SCRIPT = """
import json, re, sys
from pathlib import Path
from pelican import get_instance, parse_arguments
from bantin_editor.live import build, keep_assets
from bantin_editor.preview import OpenPages

content, output, cache, url = sys.argv[1:5]
args = parse_arguments([content, "-o", output, "-s", "pelicanconf.py", "-e",
    "BANTIN_FAIL_ON_PROBLEMS=false", "BANTIN_PREVIEW=true", f'CACHE_PATH="{cache}"'])
pelican, settings = get_instance(args)
keep_assets(pelican)
pages = OpenPages(output)
pages.visit(url)
missing = []
written = pages.written
def check(name):
    written(name)
    html = (Path(output) / name).read_text(encoding="utf-8")
    links = re.findall(r'<(?:link rel="stylesheet"|script)[^>]* (?:href|src)="/([^"]+)"', html)
    missing.append(sorted(link for link in links if not (Path(output) / link).is_file()))
    missing.append(len(links))
pages.written = check
build(pelican, pages)  # the first build writes the theme's files at its end
Path(content, "articles/2021/hoi-nghi-so-ket.md").touch()
build(pelican, pages)
print(json.dumps(missing))
"""


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["true", "false"])
def test_the_open_page_finds_its_styles_and_scripts_at_once(site, tmp_path, engine):
    """The output is emptied when a build starts and the theme's files come back at its end:
    the preview keeps them (and its own script) from one build to the next, so the open page,
    written first, is shown with its styles at once instead of after the whole build."""
    output = tmp_path / "output"
    script = ASSETS_SCRIPT.replace('-e",', f'-e", "BANTIN_ENGINE={engine}",')
    command = [sys.executable, "-c", script, str(site), str(output), str(tmp_path / "cache")]
    result = subprocess.run(
        [*command, "/" + ARTICLE_URL], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert result.returncode == 0, result.stderr
    first, links_first, second, links_second = json.loads(result.stdout.strip().splitlines()[-1])
    assert links_first == links_second >= 3  # the styles, the theme's script, the preview's
    assert first  # the first build: nothing to keep yet
    assert second == []


def test_problems_reported_after_the_status_join_it(tmp_path):
    """A problem a later ``finalized`` receiver reports (bantin_core.settle adds it to the
    verdict after the run) is added to the status the page reads; nothing else changes."""
    import types

    from bantin_core import Verdict
    from bantin_core.problems import Problem
    from bantin_editor import settle_status
    from bantin_editor.preview import build_status

    status_file = tmp_path / "__preview/build.json"
    status_file.parent.mkdir()
    status_file.write_bytes(build_status("b1", 0.5, [], drafts=1))
    late = Problem("(Pagefind)", None, "", "Không lập được chỉ mục tìm kiếm")
    pelican = types.SimpleNamespace(
        output_path=str(tmp_path),
        settings={"BANTIN_PREVIEW": True},
        bantin_verdict=Verdict((late,), 1, False),
    )
    assert settle_status(pelican)
    status = json.loads(status_file.read_text(encoding="utf-8"))
    assert [p["message"] for p in status["problems"]] == ["Không lập được chỉ mục tìm kiếm"]
    assert status["build"] == "b1" and status["drafts"] == 1
    assert not settle_status(pelican)  # already there: the file is left alone
