"""``make new``: a new article that passes the strict reader as written, never overwriting."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

import bantin_ketqua
from bantin_editor.scaffold import (
    BLOCKS,
    WRITTEN,
    ScaffoldError,
    _commented,
    article_fields,
    create_article,
    field_lines,
    field_note,
)
from bantin_frontmatter.loader import parse_front_matter
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
    assert bool(re.search(r"^# ket_qua: ", text, re.M)) is with_results
    assert bool(re.search(r"^# van_ban: ", text, re.M)) is (category == "Văn bản")


def _uncommented(text: str, names, *, fill=False) -> str:
    """What staff do: remove «# » before the template lines of the fields ``names`` (and their
    blocks' lines), and with ``fill`` write each leaf's schema example after its colon."""
    specs = dict(article_fields())
    wanted = {line for name in names for line in _commented(field_lines(name, specs[name]))}
    out = []
    for line in text.split("\n"):
        if line in wanted:
            line = line.removeprefix("# ")
        out.append(line)
    text = "\n".join(out)
    return _fill_examples(text) if fill else text


_FIELD_LINE = re.compile(r"^(?P<indent> *)(?P<dash>- )?(?P<name>[a-z_]+):(?P<rest>.*)$")


def _fill_examples(text: str) -> str:
    """Each empty front-matter leaf gets the example the schema gives for its path."""
    lines = text.split("\n")
    end = lines.index("---", 1)
    stack: list[tuple[int, str]] = []
    for number, line in enumerate(lines[1:end], 1):
        match = _FIELD_LINE.match(line)
        if not match:
            continue
        column = len(match["indent"]) + (2 if match["dash"] else 0)
        while stack and stack[-1][0] >= column:
            stack.pop()
        stack.append((column, match["name"]))
        spec = _spec_at([name for _, name in stack])
        rest = match["rest"]
        # A rate is left for the page to compute: one rate example cannot fit both tables.
        if (
            not spec.subfields
            and spec.example
            and match["name"] != "ty_le"
            and rest.lstrip().startswith("#")
        ):
            lines[number] = (
                f"{match['indent']}{match['dash'] or ''}{match['name']}: {spec.example}{rest}"
            )
    return "\n".join(lines)


def _spec_at(path):
    subfields = article_fields()
    for name in path:
        spec = dict(subfields)[name]
        subfields = spec.subfields
    return spec


def _keys(value):
    """The tree of keys of parsed YAML (a list of blocks: its first item's keys)."""
    if isinstance(value, list):
        return _keys(value[0])
    if isinstance(value, dict):
        return {key: _keys(child) for key, child in value.items()}
    return None


def _schema_keys(fields):
    return {name: _schema_keys(spec.subfields) if spec.subfields else None for name, spec in fields}


def _optional(content):
    return [name for name, _ in article_fields() if name not in WRITTEN and name not in BLOCKS]


def test_template_offers_every_field_of_the_schema(tmp_path):
    """Uncommented, the template's front-matter has exactly the schema's article fields and
    block sub-fields, nested as the schema nests them: the two cannot drift."""
    path = new(
        tmp_path,
        "Quyết định 125",
        category="Văn bản",
        with_results=True,
        document_category="Văn bản",
    )
    names = [name for name, _ in article_fields()]
    text = _uncommented(path.read_text(encoding="utf-8"), names)
    front, problems = parse_front_matter(text)
    assert problems == []
    assert _keys(front.data) == _schema_keys(article_fields())
    assert "chi_tieu" in _keys(front.data)["ket_qua"]["viec"]
    assert "chi_tieu" in _keys(front.data)["ket_qua"]["tien"]
    # Every line says what its field is, in the schema's words.
    for name, spec in article_fields():
        assert f"# {field_note(spec)}" in text, name


def _example_files(content):
    """The files the schema's examples name (a photo, a PDF), so filled examples are valid."""
    photo = content / "images/2021/hoi-nghi.jpg"
    photo.parent.mkdir(parents=True)
    Image.new("RGB", (8, 8), "red").save(photo)
    pdf = content / "documents/2021/125-qd-cthads.pdf"
    pdf.parent.mkdir(parents=True)
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")


@pytest.mark.parametrize("block", ["fields", "van_ban", "ket_qua"])
def test_each_commented_block_works_once_uncommented(tmp_path, block):
    """Uncommented and filled with the schema's examples, each part passes the reader;
    uncommented but left empty, each problem names its field (never a YAML syntax error)."""
    _example_files(tmp_path)
    path = new(
        tmp_path,
        "Sơ kết 5 tháng",
        category="Văn bản",
        with_results=True,
        document_category="Văn bản",
    )
    template = path.read_text(encoding="utf-8")
    names = _optional(tmp_path) if block == "fields" else [block]

    path.write_text(_uncommented(template, names, fill=True), encoding="utf-8")
    metadata, problems = read(tmp_path, path)
    assert problems == []
    for name in names:
        assert name in metadata, name
    if block == "ket_qua":
        assert metadata["ket_qua"].viec.giai_quyet_xong == 2073
        assert metadata["ket_qua"].viec.chi_tieu == Decimal("81.50")
        assert metadata["ket_qua"].don_vi[0].ten == "Chi cục THADS thành phố Vị Thanh"

    path.write_text(_uncommented(template, names), encoding="utf-8")
    _, problems = read(tmp_path, path)
    assert problems
    for problem in problems:
        assert "«" in problem and any(f"«{name}" in problem for name in names), problem


@pytest.mark.parametrize(
    "uncommented",
    [
        ("don_vi:", "- ten:"),  # the case: the unit's lines, not the block's first line
        ("don_vi:", "- ten:", "viec:", "co_dieu_kien:"),
        ("viec:", "co_dieu_kien:"),
    ],
)
def test_half_uncommented_block_gets_no_misleading_hint(tmp_path, uncommented):
    """Lines uncommented without their parent line are an indentation problem at that line;
    no hint about {static} image paths (the template's old inline «{…}» forms drew one)."""
    path = new(tmp_path, "Sơ kết", with_results=True)
    lines = path.read_text(encoding="utf-8").split("\n")
    start = lines.index(next(line for line in lines if line.startswith("#   don_vi:")))
    for index in range(start, len(lines)):
        text = lines[index].removeprefix("# ")
        if text.strip().startswith(uncommented):
            lines[index] = text
    path.write_text("\n".join(lines), encoding="utf-8")
    _, problems = read(tmp_path, path)
    assert len(problems) == 1
    assert "{" not in problems[0] and "static" not in problems[0]
    assert "vẫn còn «# »" in problems[0]


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
    assert re.search(r"^# ket_qua: ", path.read_text(encoding="utf-8"), re.M)

    again = _make(tmp_path, 'TITLE=Thông báo: "lịch" nghỉ Tết')
    assert again.returncode != 0
    assert "không ghi đè" in again.stderr

    wrong = _make(tmp_path, "TITLE=Tin khác", "CATEGORY=Tin tuc")
    assert wrong.returncode != 0
    assert "Chọn một trong" in wrong.stderr and "Chỉ đạo – điều hành" in wrong.stderr
