"""Scheduled posts and drafts: left out of every published output until their date, listed by
`make drafts`; the daily systemd timer that republishes them on their day."""

from __future__ import annotations

import configparser
import datetime as dt
import gzip
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import ROOT, SITES, get_settings

from bantin_publish.drafts import collect_drafts, format_drafts
from bantin_publish.sources import reschedule

FUTURE = """---
title: Hội nghị tổng kết năm hẹn giờ
date: 2099-01-05 08:00
category: Tin hoạt động
tags: [Hẹn giờ riêng]
slug: hoi-nghi-hen-gio
ket_qua:
  ky: {tu: 2098-10-01, den: 2098-12-31}
  viec: {co_dieu_kien: 100, giai_quyet_xong: 50}
---
Nội dung hẹn giờ xuathienmotlan.
"""
DRAFT = """---
title: Bản nháp đang viết
date: 2021-03-20
category: Thông báo
slug: ban-nhap-dang-viet
status: draft
---
![Ảnh](images/2021/chua-chep.jpg)
"""
RESULTS = """ket_qua:
  ky: {tu: 2020-10-01, den: 2021-02-28}
  viec: {co_dieu_kien: 5588, giai_quyet_xong: 2073}
"""


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "bantin_publish", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    root = tmp_path_factory.mktemp("schedule")
    content = root / "content"
    shutil.copytree(SITES / "check-clean", content)
    article = content / "articles/2021/bai-mot.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("slug: bai-mot\n", "slug: bai-mot\n" + RESULTS), "utf-8")
    (content / "articles/2021/hen-gio.md").write_text(FUTURE, encoding="utf-8")
    (content / "articles/2021/nhap.md").write_text(DRAFT, encoding="utf-8")
    output = root / "output"
    result = run(
        "publish", "--content", content, "--output", output, "--settings", "publishconf.py"
    )
    return content, output, result


def test_a_scheduled_post_is_in_no_published_output(published):
    _content, output, result = published
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert (output / "2021/03/bai-mot/index.html").is_file()
    assert (output / "sitemap.xml").is_file() and (output / "thong-ke/ket-qua.csv").is_file()
    assert not (output / "2099").exists() and not (output / "ban-nhap").exists()
    texts = 0
    for path in output.rglob("*"):
        if not path.is_file() or path.suffix in (".gz", ".br", ".jpg", ".png", ".webp"):
            continue
        data = path.read_bytes()
        if path.name.endswith("pf_fragment") or path.suffix in (".pf_index", ".pf_meta"):
            data = gzip.decompress(data)  # the search index (Pagefind)
        texts += 1
        for word in (b"xuathienmotlan", b"hen-gio", "Hẹn giờ riêng".encode(), b"2098"):
            assert word not in data, (path, word)
    assert texts > 20
    # The draft's problem is listed, marked, and did not stop the publish.
    assert "(bản nháp)" in result.stderr and "chua-chep.jpg" in result.stderr


def test_make_drafts_lists_drafts_and_scheduled_posts(published):
    content, _output, _result = published
    result = run("drafts", "--content", content)
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "1 bản nháp, 1 bài hẹn giờ đăng" in text
    assert (
        "Hội nghị tổng kết năm hẹn giờ" in text
        and "Hẹn giờ đăng, đăng ngày 05/01/2099 08:00" in text
    )
    assert "Bản nháp đang viết" in text and "Không tìm thấy tệp ảnh" in text
    assert "bai-mot" not in text and "ket_qua" not in text


def test_drafts_list_is_sorted_and_says_when_empty(tmp_path):
    settings = get_settings(PATH=str(SITES / "check-clean"))
    assert format_drafts(collect_drafts(SITES / "check-clean", settings)) == (
        "Không có bản nháp hay bài hẹn giờ đăng nào."
    )
    content = tmp_path / "content"
    shutil.copytree(SITES / "check-clean", content)
    (content / "articles/2021/hen-gio.md").write_text(FUTURE, encoding="utf-8")
    settings = get_settings(PATH=str(content))
    # The same post is no longer scheduled once its day has come.
    assert collect_drafts(content, settings, now=dt.datetime(2099, 1, 5, 8, 0)) == []
    [entry] = collect_drafts(content, settings, now=dt.datetime(2099, 1, 4))
    assert entry.scheduled and entry.problems == () and entry.url == "ban-nhap/hoi-nghi-hen-gio/"


def _article(date, status=None):
    metadata = {"status": status} if status else {}
    return SimpleNamespace(date=date, metadata=metadata, status=status or "published")


def test_a_cached_scheduled_post_is_published_on_its_day():
    """Pelican decides future dates when it reads a file; an article from its content cache
    keeps yesterday's decision unless the build looks again."""
    past = dt.datetime(2001, 1, 1, tzinfo=dt.UTC)
    future = dt.datetime(2999, 1, 1, tzinfo=dt.UTC)
    was_scheduled, draft, now_future = _article(past), _article(past, "draft"), _article(future)
    now_future.status = "published"
    generator = SimpleNamespace(
        settings={"WITH_FUTURE_DATES": False, "ARTICLE_ORDER_BY": "reversed-date"},
        articles=[now_future],
        drafts=[was_scheduled, draft],
    )
    was_scheduled.status = "draft"
    reschedule(generator)
    assert generator.articles == [was_scheduled] and was_scheduled.status == "published"
    assert generator.drafts == [draft, now_future] or generator.drafts == [now_future, draft]
    assert now_future.status == "draft" and draft.status == "draft"


# --- The daily timer ----------------------------------------------------------------------
DEPLOY = ROOT / "deploy"


def _units() -> dict[str, configparser.ConfigParser]:
    units = {}
    for name in ("bantin-daily.service", "bantin-daily.timer"):
        parser = configparser.ConfigParser(strict=True, interpolation=None)
        parser.optionxform = str
        parser.read(DEPLOY / name, encoding="utf-8")
        units[name] = parser
    return units


def test_timer_units_say_what_they_run_and_when():
    units = _units()
    service, timer = units["bantin-daily.service"], units["bantin-daily.timer"]
    assert service["Service"]["Type"] == "oneshot"
    assert service["Service"]["ExecStart"].endswith("make --no-print-directory deploy")
    # Post dates are the office's local time.
    assert "TZ=Asia/Ho_Chi_Minh" in service["Service"]["Environment"].split()
    assert timer["Timer"]["OnCalendar"] == "*-*-* 05:30:00 Asia/Ho_Chi_Minh"
    assert timer["Timer"]["Persistent"] == "true"
    assert timer["Timer"]["Unit"] == "bantin-daily.service"
    assert timer["Install"]["WantedBy"] == "timers.target"


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze not installed")
def test_timer_units_pass_systemd_analyze_verify(tmp_path):
    for name in ("bantin-daily.service", "bantin-daily.timer"):
        shutil.copy(DEPLOY / name, tmp_path / name)
    units = [str(tmp_path / "bantin-daily.timer"), str(tmp_path / "bantin-daily.service")]
    result = subprocess.run(["systemd-analyze", "verify", *units], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    # The check is real: a timer without a valid time is refused.
    bad = Path(units[0])
    bad.write_text(bad.read_text("utf-8").replace("05:30:00", "giờ sáng"), encoding="utf-8")
    result = subprocess.run(["systemd-analyze", "verify", *units], capture_output=True, text=True)
    assert result.returncode != 0
