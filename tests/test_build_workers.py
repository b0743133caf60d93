"""A build's work shared among processes gives the same site as one process doing it all.

With two workers: articles and pages are read by forked processes (bantin_build.preread),
photos and share cards run on the build's standby workers (bantin_core.forked.build_workers),
pages are rendered by forked processes. With one, the build process does everything itself.
Both builds must write the same bytes (the search index: the same when decoded).
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import build_site
from tests.test_images_site import make_site
from tests.test_search_index import decode

pytestmark = pytest.mark.slow

ARTICLE = """---
title: "Thông báo số {n} về việc thi hành án dân sự"
date: 2022-03-{day:02d} 08:{minute:02d}
category: Thông báo
slug: thong-bao-so-{n}
tags: [đấu giá, thông báo]
---
Chi cục Thi hành án dân sự thông báo lần thứ {n} về việc bán đấu giá tài sản đã kê biên.
Đương sự có ý kiến gửi về Chi cục trước ngày {day}/4/2022.
"""


def make_large_site(root):
    """tests/sites/images (photos, a page, a logo) and enough articles to be read by workers
    (preread.MINIMUM_FILES)."""
    content = make_site(root)
    folder = content / "articles" / "2022"
    folder.mkdir(parents=True)
    for n in range(1, 81):
        text = ARTICLE.format(n=n, day=1 + n % 28, minute=n % 60)
        (folder / f"thong-bao-{n}.md").write_text(text, encoding="utf-8")
    return content


def build(content, root, name, workers):
    output = root / name
    result = build_site(
        content,
        output,
        "--verbose",
        f"BANTIN_BUILD_WORKERS={workers}",
        f'BANTIN_IMAGES_CACHE_PATH="{root / (name + "-images")}"',
        cache=root / f"{name}-pelican",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    log = " ".join((result.stdout + result.stderr).split())
    read_by_workers = "Đọc song song trên 2 tiến trình: 83 tệp, thêm 1 trang." in log
    assert read_by_workers == (workers == 2), log[-3000:]
    return output, json.loads((root / f"{name}-images" / "last-build.json").read_text())


def files(output):
    # Two Pagefind runs over the same pages differ in bytes (filter values in hash-map order,
    # upstream #638): the search index is compared decoded (test_search_index.decode).
    return {
        path.relative_to(output).as_posix(): path.read_bytes()
        for path in sorted(output.rglob("*"))
        if path.is_file() and not path.relative_to(output).as_posix().startswith("pagefind/")
    }


def test_two_workers_build_the_same_bytes_as_one_process(tmp_path):
    content = make_large_site(tmp_path)
    shared, shared_stats = build(content, tmp_path, "two", 2)
    alone, alone_stats = build(content, tmp_path, "one", 1)
    assert shared_stats == alone_stats
    assert shared_stats["encoded"] == 6 and shared_stats["cards_drawn"] == 81
    ours, theirs = files(shared), files(alone)
    assert sorted(ours) == sorted(theirs)
    different = [name for name in ours if ours[name] != theirs[name]]
    assert different == []
    assert decode(shared / "pagefind") == decode(alone / "pagefind")
    # What the workers made is there: the page read beside the articles, a share card.
    assert "Giới thiệu" in ours["gioi-thieu/index.html"].decode()
    assert any(name.startswith("images/chia-se/") for name in ours)
