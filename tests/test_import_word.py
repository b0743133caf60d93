"""``make import``: a Word report becomes a draft post; headings, lists, a table, images survive."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
from zoneinfo import ZoneInfo

import pytest
from docx import Document
from docx.shared import Cm
from PIL import Image

from bantin_editor.scaffold import ScaffoldError
from bantin_editor.word import import_docx
from bantin_frontmatter.reader import PROBLEMS_KEY, BantinMarkdownReader
from tests.conftest import ROOT, get_settings

CATEGORIES = ("Tin hoạt động", "Thông báo", "Chỉ đạo – điều hành", "Văn bản")
NOW = dt.datetime(2026, 11, 27, 21, 5, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def _png(color) -> io.BytesIO:
    data = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(data, "PNG")
    data.seek(0)
    return data


def report_docx(path, *, title_style="Title", image=True):
    """A typical conference report: title, headings, paragraphs, lists, a table, a photo."""
    document = Document()
    if title_style == "Title":
        document.add_heading("Báo cáo sơ kết: công tác thi hành án 6 tháng đầu năm 2022", 0)
    elif title_style == "Heading 1":
        document.add_heading("Báo cáo sơ kết công tác 6 tháng", 1)
    document.add_paragraph("Sáng ngày 20/4/2022, Cục Thi hành án dân sự tỉnh tổ chức hội nghị.")
    document.add_heading("Kết quả đạt được", 1)
    document.add_paragraph("Về việc: giải quyết xong 2.073 việc.")
    document.add_paragraph("Đình chỉ thi hành án đúng quy định", style="List Bullet")
    document.add_paragraph("Tăng cường xác minh điều kiện", style="List Bullet")
    document.add_heading("Nhiệm vụ trọng tâm", 2)
    document.add_paragraph("Rà soát hồ sơ", style="List Number")
    document.add_paragraph("Phân loại án", style="List Number")
    table = document.add_table(rows=3, cols=3)
    for row, cells in enumerate(
        [
            ("Đơn vị", "Việc", "Tiền (đồng)"),
            ("Vị Thanh", "268", "9000000000"),
            ("Long Mỹ", "301", "1"),
        ]
    ):
        for column, text in enumerate(cells):
            table.cell(row, column).text = text
    if image:
        document.add_picture(_png((200, 30, 30)), width=Cm(3))
        document.add_paragraph("Quang cảnh hội nghị")
    document.save(path)
    return path


def read(content, path):
    reader = BantinMarkdownReader(get_settings(PATH=str(content)))
    body, metadata = reader.read(str(path))
    return body, metadata, [p.format() for p in metadata.get(PROBLEMS_KEY, ())]


def run_import(tmp_path, docx, **options):
    content = tmp_path / "content"
    options = {"category": None, "categories": CATEGORIES, "now": NOW, **options}
    return content, *import_docx(docx, content, **options)


def test_report_becomes_a_draft_that_passes_the_reader(tmp_path):
    docx = report_docx(tmp_path / "bao-cao.docx")
    content, path, images, converted = run_import(tmp_path, docx)

    title = "Báo cáo sơ kết: công tác thi hành án 6 tháng đầu năm 2022"
    assert converted.title == title
    assert (
        path
        == content / "articles/2026/bao-cao-so-ket-cong-tac-thi-hanh-an-6-thang-dau-nam-2022.md"
    )
    body, metadata, problems = read(content, path)
    assert problems == []
    assert metadata["status"] == "draft"
    assert metadata["title"] == title
    assert metadata["slug"] == path.stem

    text = path.read_text(encoding="utf-8")
    # The title is the page's h1: the document's headings start at ##.
    assert "\n## Kết quả đạt được\n" in text
    assert "\n### Nhiệm vụ trọng tâm\n" in text
    assert "- Đình chỉ thi hành án đúng quy định" in text
    assert "1. Rà soát hồ sơ" in text
    assert "| Đơn vị | Việc | Tiền (đồng) |" in text
    assert "<table>" in body and "<th>Đơn vị</th>" in body and "<td>9000000000</td>" in body
    assert "<h2" in body and "<ul>" in body and "<ol>" in body

    # The photo is extracted into content/images/YEAR/ and referenced from the body.
    assert [p.relative_to(content).as_posix() for p in images] == [f"images/2026/{path.stem}-1.png"]
    with Image.open(images[0]) as photo:
        assert photo.size == (64, 48)
    assert f"](images/2026/{path.stem}-1.png)" in text
    assert "CẦN VIẾT MÔ TẢ ẢNH" in text


def test_heading_1_is_the_title_when_there_is_no_title_style(tmp_path):
    docx = report_docx(tmp_path / "a.docx", title_style="Heading 1", image=False)
    _, path, images, converted = run_import(tmp_path, docx, category="Thông báo")
    assert converted.title == "Báo cáo sơ kết công tác 6 tháng"
    assert images == []
    _, metadata, problems = read(tmp_path / "content", path)
    assert problems == []
    assert str(metadata["category"]) == "Thông báo"


def test_first_paragraph_is_the_title_without_headings(tmp_path):
    docx = report_docx(tmp_path / "a.docx", title_style=None, image=False)
    _, _, _, converted = run_import(tmp_path, docx)
    assert converted.title.startswith("Sáng ngày 20/4/2022")


def test_never_overwrites_and_refuses_other_formats(tmp_path):
    docx = report_docx(tmp_path / "bao-cao.docx", image=False)
    run_import(tmp_path, docx)
    with pytest.raises(ScaffoldError, match="không ghi đè"):
        run_import(tmp_path, docx)
    old_word = tmp_path / "bao-cao.doc"
    old_word.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(ScaffoldError, match="docx"):
        run_import(tmp_path, old_word)


def test_make_import(tmp_path):
    docx = report_docx(tmp_path / "bao cao.docx")
    content = tmp_path / "content"
    result = subprocess.run(
        ["make", "--no-print-directory", "import", f"INPUTDIR={content}", f"FILE={docx}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Đã nhập bản nháp:" in result.stdout
    assert "Tiêu đề gợi ý: Báo cáo sơ kết" in result.stdout
    drafts = list(content.glob("articles/*/*.md"))
    assert len(drafts) == 1
    assert read(content, drafts[0])[2] == []
