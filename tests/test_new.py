"""``make new``: a new article that passes the strict reader as written, never overwriting."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from zoneinfo import ZoneInfo

import pytest

import bantin_ketqua
from bantin_editor.scaffold import ScaffoldError, create_article
from bantin_frontmatter.reader import PROBLEMS_KEY, BantinMarkdownReader
from tests.conftest import ROOT, get_settings

CATEGORIES = ("Tin hoạt động", "Thông báo", "Chỉ đạo – điều hành", "Văn bản")
NOW = dt.datetime(2026, 11, 27, 21, 5, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def read(content, path):
    """(metadata, problems as text) of a file, through the strict reader with ket_qua known."""
    bantin_ketqua.add_field()
    reader = BantinMarkdownReader(get_settings(PATH=str(content)))
    _, metadata = reader.read(str(path))
    return metadata, [p.format() for p in metadata.get(PROBLEMS_KEY, ())]


def new(content, title, **options):
    options = {"category": None, "categories": CATEGORIES, "now": NOW, **options}
    return create_article(content, title, **options)


def test_new_article_passes_the_reader(tmp_path):
    path = new(tmp_path, "Thông báo: lịch nghỉ Tết Nguyên đán Bính Ngọ #2027")
    assert path == tmp_path / "articles/2026/thong-bao-lich-nghi-tet-nguyen-dan-binh-ngo-2027.md"
    metadata, problems = read(tmp_path, path)
    assert problems == []
    assert metadata["title"] == "Thông báo: lịch nghỉ Tết Nguyên đán Bính Ngọ #2027"
    assert metadata["slug"] == "thong-bao-lich-nghi-tet-nguyen-dan-binh-ngo-2027"
    assert metadata["date"] == dt.datetime(2026, 11, 27, 21, 5)
    assert str(metadata["category"]) == "Tin hoạt động"
    # A new post is a draft until staff say otherwise.
    assert metadata["status"] == "draft"


@pytest.mark.parametrize(
    ("category", "with_results"),
    [("Thông báo", False), ("Văn bản", False), ("Tin hoạt động", True), ("Văn bản", True)],
)
def test_every_variant_passes_the_reader(tmp_path, category, with_results):
    path = new(
        tmp_path,
        "Hội nghị sơ kết 6 tháng",
        category=category,
        with_results=with_results,
        document_category="Văn bản",
    )
    metadata, problems = read(tmp_path, path)
    assert problems == []
    assert str(metadata["category"]) == category
    text = path.read_text(encoding="utf-8")
    assert ("# ket_qua:" in text) is with_results
    assert ("# van_ban:" in text) is (category == "Văn bản")


def _uncomment_results(text: str, values: dict[str, str]) -> str:
    """What staff do: remove «# » before the block's lines, fill some, delete the rest.

    Only the period and «viec» are used here; «tien» and the units are deleted.
    """
    lines = text.split("\n")
    start = lines.index("# ket_qua:")
    end = next(i for i, line in enumerate(lines) if line.startswith("#   tien:"))
    kept = []
    for line in lines[start:end]:
        line = line.removeprefix("# ")
        key = line.strip().split(":", 1)[0]
        if key in ("ket_qua", "ky", "viec"):
            kept.append(line)
        elif (line.startswith("    ") or line.startswith("  ")) and key in values:
            indent = line[: len(line) - len(line.lstrip())]
            kept.append(f"{indent}{key}: {values[key]}   # {line.split('#', 1)[1].strip()}")
    return "\n".join(lines[:start] + kept + lines[lines.index("---", 1) :])


def test_results_block_works_once_uncommented(tmp_path):
    path = new(tmp_path, "Sơ kết 5 tháng đầu năm 2021", with_results=True)
    text = path.read_text(encoding="utf-8")
    # Every field of the block is there, explained in Vietnamese.
    for field in ("tieu_de", "tu", "den", "co_dieu_kien", "giai_quyet_xong", "ty_le", "giam"):
        assert re.search(rf"^#\s+(- )?{field}:.*#", text, re.M), field
    assert "Giải quyết xong" in text
    filled = _uncomment_results(
        text,
        {
            "tu": "2020-10-01",
            "den": "2021-02-28",
            "co_dieu_kien": "5588",
            "giai_quyet_xong": "2073",
        },
    )
    path.write_text(filled, encoding="utf-8")
    metadata, problems = read(tmp_path, path)
    assert problems == []
    assert metadata["ket_qua"].viec.giai_quyet_xong == 2073
    assert str(metadata["ket_qua"].viec.rate) == "37.10"


def test_never_overwrites(tmp_path):
    path = new(tmp_path, "Hội nghị sơ kết")
    path.write_text("đã viết", encoding="utf-8")
    with pytest.raises(ScaffoldError, match="không ghi đè"):
        new(tmp_path, "Hội nghị  sơ kết")
    assert path.read_text(encoding="utf-8") == "đã viết"


def test_unknown_category_lists_the_valid_ones(tmp_path):
    with pytest.raises(ScaffoldError) as error:
        new(tmp_path, "Tin mới", category="Tin hoat dong")
    message = str(error.value)
    assert "«Tin hoat dong» không có trong danh sách" in message
    for category in CATEGORIES:
        assert f"- {category}" in message
    assert not (tmp_path / "articles").exists()


def test_title_without_letters_is_refused(tmp_path):
    with pytest.raises(ScaffoldError, match="Thiếu tiêu đề"):
        new(tmp_path, "   ")


def _make(tmp_path, *arguments):
    env = {**os.environ, "PATH": os.environ["PATH"]}
    return subprocess.run(
        ["make", "--no-print-directory", "new", f"INPUTDIR={tmp_path}", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_make_new(tmp_path):
    """The Makefile target: quotes and colons in the title need no escaping."""
    result = _make(tmp_path, 'TITLE=Thông báo: "lịch" nghỉ Tết', "CATEGORY=Thông báo", "KET_QUA=1")
    assert result.returncode == 0, result.stderr
    year = dt.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).year
    path = tmp_path / f"articles/{year}/thong-bao-lich-nghi-tet.md"
    assert str(path) in result.stdout
    metadata, problems = read(tmp_path, path)
    assert problems == []
    assert metadata["title"] == 'Thông báo: "lịch" nghỉ Tết'
    assert "# ket_qua:" in path.read_text(encoding="utf-8")

    again = _make(tmp_path, 'TITLE=Thông báo: "lịch" nghỉ Tết')
    assert again.returncode != 0
    assert "không ghi đè" in again.stderr

    wrong = _make(tmp_path, "TITLE=Tin khác", "CATEGORY=Tin tuc")
    assert wrong.returncode != 0
    assert "Chọn một trong" in wrong.stderr and "Chỉ đạo – điều hành" in wrong.stderr
