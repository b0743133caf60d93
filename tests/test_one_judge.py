"""One judge: every problem case gives the same message from `make html`, the live preview's
banner data (`__preview/build.json`), `make check` and the web editor's check before saving
(its server's ``bantinCheck`` action, which asks the reader's ``read_bytes``).

One small site holds every case, one file each; it is built once per entry point.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SITES, get_settings

import bantin_ketqua
from bantin_editor.backend import EditorBackend
from bantin_frontmatter.reader import display_path

HEAD = "---\ntitle: {title}\ndate: {date}\ncategory: Tin hoạt động\nslug: {slug}\n{extra}---\n"
RESULTS = """ket_qua:
  ky: {{tu: 2020-10-01, den: 2021-02-28}}
  viec:
    co_dieu_kien: {co_dieu_kien}
    giai_quyet_xong: 2073
"""

# name → (file text, words the message must hold, whose rule: the file's or the whole site's)
CASES = {
    "ngay-sai-dang": (
        HEAD.format(title="Ngày sai", date="19/03/2021", slug="ngay-sai-dang", extra=""),
        "viết năm trước: 2021-03-19",
        "file",
    ),
    "ngay-khong-co": (
        HEAD.format(title="Ngày không có", date="2021-02-30", slug="ngay-khong-co", extra=""),
        "Ngày 30/02/2021 không có trên lịch",
        "file",
    ),
    "thieu-truong": (
        "---\ntitle: Thiếu chuyên mục\ndate: 2021-03-19\nslug: thieu-truong\n---\nBài.\n",
        "Thiếu trường «Chuyên mục» (category)",
        "file",
    ),
    "khong-co-anh": (
        HEAD.format(title="Ảnh", date="2021-03-19", slug="khong-co-anh", extra="")
        + "![Quang cảnh](images/2021/khong-co.jpg)\n",
        "Không tìm thấy tệp ảnh",
        "file",
    ),
    "mo-ta-giu-cho": (
        HEAD.format(title="Giữ chỗ", date="2021-03-19", slug="mo-ta-giu-cho", extra="")
        + "![CẦN VIẾT MÔ TẢ ẢNH](images/anh.svg)\n",
        "chữ giữ chỗ «CẦN VIẾT MÔ TẢ ẢNH»",
        "file",
    ),
    "tong-sai": (
        HEAD.format(
            title="Kết quả sai",
            date="2021-03-05",
            slug="tong-sai",
            extra=RESULTS.format(co_dieu_kien=1000),
        )
        + "Bài.\n",
        "2073",
        "file",
    ),
    "ban-nhap-loi": (
        HEAD.format(title="Nháp", date="2021-03-19", slug="ban-nhap-loi", extra="status: draft\n")
        + "![Ảnh](images/khong-co.jpg)\n",
        "(bản nháp)",
        "file",
    ),
    "ky-trung-1": (
        HEAD.format(
            title="Kỳ một",
            date="2021-03-06",
            slug="ky-trung-1",
            extra=RESULTS.format(co_dieu_kien=5588),
        )
        + "Bài.\n",
        "trùng với bài",
        "site",
    ),
    "ky-trung-2": (
        HEAD.format(
            title="Kỳ hai",
            date="2021-03-07",
            slug="ky-trung-2",
            extra=RESULTS.format(co_dieu_kien=5588),
        )
        + "Bài.\n",
        "trùng với bài",
        "site",
    ),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("one-judge")
    content = root / "content"
    shutil.copytree(SITES / "check-clean", content)
    for name, (text, _words, _rule) in CASES.items():
        (content / "articles/2021" / f"{name}.md").write_text(text, encoding="utf-8")
    return root


def _run(*command):
    env = {**os.environ, "PYTHONHASHSEED": "0", "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", *command], capture_output=True, text=True, cwd=ROOT, env=env
    )


def _listed(stderr: str) -> list[str]:
    return [line[2:] for line in stderr.splitlines() if line.startswith("- ")]


@pytest.fixture(scope="module")
def verdicts(site):
    """Every entry point's problem texts."""
    content = site / "content"
    cache = f'CACHE_PATH="{site / "cache"}"'
    html = _run(
        "bantin_build", str(content), "-o", str(site / "html"), "-s", "pelicanconf.py",
        "-e", cache, f'BANTIN_PROBLEMS_FILE="{site / "html.json"}"',
    )  # fmt: skip
    preview = _run(
        "pelican", str(content), "-o", str(site / "preview"), "-s", "pelicanconf.py",
        "-e", cache, "BANTIN_FAIL_ON_PROBLEMS=false", "BANTIN_PREVIEW=true",
        f'BANTIN_PROBLEMS_FILE="{site / "preview.json"}"',
    )  # fmt: skip
    check = _run(
        "bantin_publish", "check", "--content", str(content), "--output", str(site / "check")
    )
    bantin_ketqua.add_field()
    # The web editor's check before saving: its server's own action, as the form sends it.
    backend = EditorBackend(get_settings(PATH=str(content)))
    editor = []
    for name in CASES:
        path = content / "articles/2021" / f"{name}.md"
        request = {"path": f"content/articles/2021/{name}.md", "raw": path.read_text("utf-8")}
        code, answer = backend.handle({"action": "bantinCheck", "params": request})
        assert code == 200, answer
        editor += [p["text"] for p in answer["problems"]]
    status = json.loads((site / "preview/__preview/build.json").read_text(encoding="utf-8"))
    return {
        "make html": (html, _listed(html.stderr)),
        "xem trước": (preview, [p["text"] for p in status["problems"]]),
        "make check": (check, _listed(check.stderr)),
        "trình soạn thảo": (None, editor),
    }


def test_nothing_crashes_and_published_problems_fail(verdicts):
    for name, (result, _texts) in verdicts.items():
        if result is None:
            continue
        assert "Traceback" not in result.stderr, (name, result.stderr[-3000:])
        assert "(Pelican)" not in result.stderr, (name, result.stderr[-3000:])
    assert verdicts["make html"][0].returncode == 1
    assert verdicts["xem trước"][0].returncode == 0
    assert verdicts["make check"][0].returncode == 1


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_case_reads_the_same_everywhere(verdicts, site, name):
    _text, words, rule = CASES[name]
    source = display_path(str(site / "content/articles/2021" / f"{name}.md"))

    def of_file(texts):
        return sorted(t for t in texts if t.startswith(f"{source}:"))

    seen = {where: of_file(texts) for where, (_result, texts) in verdicts.items()}
    if rule == "site":
        # A rule comparing files runs in the build; the editor checks one file at a time.
        assert seen.pop("trình soạn thảo") == []
    first = seen["make html"]
    assert first, f"{name}: no problem in make html"
    assert any(words in text for text in first), first
    assert all(text.split(":", 2)[1].strip().isdigit() for text in first), first  # a line
    for where, texts in seen.items():
        assert texts == first, f"{name}: {where} differs from make html"


def test_a_drafts_problem_is_listed_but_blocks_nothing(site, verdicts):
    status = json.loads((site / "preview/__preview/build.json").read_text(encoding="utf-8"))
    drafts = [p for p in status["problems"] if p["draft"]]
    assert [p["source"].rsplit("/", 1)[1] for p in drafts] == ["ban-nhap-loi.md"]
    assert status["drafts"] == 1
    page = (site / "preview/__preview/ban-nhap/index.html").read_text(encoding="utf-8")
    assert "Nháp" in page and "Không tìm thấy tệp ảnh" in page and "Bản nháp" in page
    # The clean article is built in every build; the broken ones only have problems.
    assert (site / "html/2021/03/bai-mot/index.html").is_file()
    assert not (site / "check/2021/03/tong-sai").exists()
    assert not (site / "check/ban-nhap").exists()


def test_only_drafts_with_problems_publish(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(SITES / "check-clean", content)
    name = "ban-nhap-loi"
    (content / "articles/2021" / f"{name}.md").write_text(CASES[name][0], encoding="utf-8")
    result = _run(
        "bantin_publish", "publish", "--content", str(content), "--output", str(tmp_path / "o"),
        "--settings", "publishconf.py",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert "(bản nháp)" in result.stderr and "chỉ bản nháp có lỗi" in result.stdout
    assert (tmp_path / "o/2021/03/bai-mot/index.html").is_file()
    assert not Path(tmp_path / "o/ban-nhap").exists()


def test_a_built_files_problem_survives_the_content_cache(tmp_path):
    """Pelican hands back a cached article without reading it: its problems still count."""
    content = tmp_path / "content"
    shutil.copytree(SITES / "check-clean", content)
    name = "khong-co-anh"
    (content / "articles/2021" / f"{name}.md").write_text(CASES[name][0], encoding="utf-8")
    command = (
        "bantin_build", str(content), "-o", str(tmp_path / "out"), "-s", "pelicanconf.py",
        "-e", f'CACHE_PATH="{tmp_path / "cache"}"', f'BANTIN_PROBLEMS_FILE="{tmp_path / "p.json"}"',
    )  # fmt: skip
    first, second = _run(*command), _run(*command)
    assert first.returncode == second.returncode == 1, second.stderr[-2000:]
    assert _listed(first.stderr) == _listed(second.stderr) != []
    assert any("Không tìm thấy tệp ảnh" in line for line in _listed(second.stderr))
