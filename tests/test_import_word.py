"""``make import``: a Word report becomes a draft post; headings, lists, a table, images survive,
a caption stays with its photo, the date comes from the document, and what a person must still
write is a problem the reader names until replaced."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import subprocess
from zoneinfo import ZoneInfo

import mammoth
import pytest
from docx import Document
from docx.shared import Cm
from PIL import Image

from bantin_editor.scaffold import ScaffoldError
from bantin_editor.word import (
    ALT_PLACEHOLDER,
    DATE_PLACEHOLDER,
    convert_docx,
    explain_messages,
    import_docx,
    judge,
)
from bantin_frontmatter.fields import PLACEHOLDERS
from bantin_frontmatter.reader import PROBLEMS_KEY, BantinMarkdownReader
from bantin_images.markup import rewrite_body
from tests.conftest import ROOT, get_settings

CATEGORIES = ("Tin hoạt động", "Thông báo", "Chỉ đạo – điều hành", "Văn bản")
NOW = dt.datetime(2026, 11, 27, 21, 5, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
# An English sentence of mammoth's (any run of three plain ASCII words) must never reach staff.
ENGLISH = re.compile(r"\b[A-Za-z]{3,} [A-Za-z]{2,} [A-Za-z]{3,}\b")


def _png(color) -> io.BytesIO:
    data = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(data, "PNG")
    data.seek(0)
    return data


def _picture(document, color, description=None):
    document.add_picture(_png(color), width=Cm(3))
    if description is not None:
        document.inline_shapes[-1]._inline.docPr.set("descr", description)


def report_docx(path, *, title_style="Title", image=True, date_line=None):
    """A typical conference report: title, headings, paragraphs, lists, a table, a photo."""
    document = Document()
    if date_line:
        document.add_paragraph(date_line)
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
        _picture(document, (200, 30, 30))
        document.add_paragraph("Quang cảnh hội nghị", style="Caption")
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


def figures(html: str) -> list[tuple[str, list]]:
    """(kind, images) of each image block, as bantin_images will draw them."""
    blocks = []
    rewrite_body(html, lambda kind, images, first: blocks.append((kind, images)) or "")
    return blocks


def test_report_becomes_a_draft_the_reader_accepts_but_for_the_photo_description(tmp_path):
    docx = report_docx(tmp_path / "bao-cao.docx")
    content, path, images, converted = run_import(tmp_path, docx)

    title = "Báo cáo sơ kết: công tác thi hành án 6 tháng đầu năm 2022"
    assert converted.title == title
    # The date the report states («Sáng ngày 20/4/2022»), not the day of the import.
    assert converted.date == dt.date(2022, 4, 20)
    slug = "bao-cao-so-ket-cong-tac-thi-hanh-an-6-thang-dau-nam-2022"
    assert path == content / f"articles/2022/{slug}.md"
    body, metadata, problems = read(content, path)
    # The one thing left: the photo's description, a placeholder the reader refuses.
    assert len(problems) == 1 and ALT_PLACEHOLDER in problems[0], problems
    assert f"{path.name}:" in problems[0]

    text = path.read_text(encoding="utf-8")
    assert "\ndate: 2022-04-20 " in text
    assert "\nstatus: draft " in text
    # The title is the page's h1: the document's headings start at ##.
    assert "\n## Kết quả đạt được\n" in text
    assert "\n### Nhiệm vụ trọng tâm\n" in text
    assert "- Đình chỉ thi hành án đúng quy định" in text
    assert "1. Rà soát hồ sơ" in text
    assert "| Đơn vị | Việc | Tiền (đồng) |" in text

    # The photo is extracted into the folder of the post's year, with its Word caption.
    assert [p.relative_to(content).as_posix() for p in images] == [f"images/2022/{slug}-1.png"]
    with Image.open(images[0]) as photo:
        assert photo.size == (64, 48)
    assert f'![{ALT_PLACEHOLDER}](images/2022/{slug}-1.png "Quang cảnh hội nghị")' in text
    assert converted.captions == 1
    assert "\nQuang cảnh hội nghị" not in text  # not a paragraph of its own any more

    # Once the description is written the draft passes, and the photo is a figure.
    path.write_text(text.replace(ALT_PLACEHOLDER, "Đại biểu dự hội nghị"), encoding="utf-8")
    body, metadata, problems = read(content, path)
    assert problems == []
    assert metadata["status"] == "draft" and metadata["title"] == title
    assert metadata["date"] == dt.datetime(2022, 4, 20)
    assert "<table>" in body and "<th>Đơn vị</th>" in body and "<td>9000000000</td>" in body
    [(kind, [photo])] = figures(body)
    assert kind == "figure"
    assert (photo.alt, photo.title) == ("Đại biểu dự hội nghị", "Quang cảnh hội nghị")
    assert photo.src == f"images/2022/{slug}-1.png"


def test_importer_writes_only_the_schemas_placeholders():
    assert ALT_PLACEHOLDER in PLACEHOLDERS and DATE_PLACEHOLDER in PLACEHOLDERS


def test_caption_before_or_after_its_photo_and_a_table_caption(tmp_path):
    document = Document()
    document.add_heading("Hội nghị sơ kết", 1)
    document.add_paragraph("Ngày 19/3/2021, hội nghị được tổ chức.")
    _picture(document, (10, 10, 200), description="Cục trưởng phát biểu tại bục")
    document.add_paragraph('Đồng chí Cục trưởng phát biểu "khai mạc"', style="Caption")
    document.add_paragraph("Toàn cảnh hội trường", style="Caption")  # above the next photo
    _picture(document, (10, 200, 10), description="Picture 2")  # Word's name, not a description
    document.add_paragraph("Bảng 1: Kết quả theo đơn vị", style="Caption")
    document.add_table(rows=1, cols=2).cell(0, 0).text = "Vị Thanh"
    _picture(
        document,
        (200, 200, 10),
        description="A room with people. Description automatically generated",
    )
    docx = tmp_path / "anh.docx"
    document.save(docx)

    content, path, _, converted = run_import(tmp_path, docx)
    text = path.read_text(encoding="utf-8")
    assert converted.captions == 2
    assert "Unrecognised" not in " ".join(converted.notes)
    # The Word description is the alt text; Word's "Picture 2" and its machine English are not.
    assert (
        '![Cục trưởng phát biểu tại bục](images/2021/hoi-nghi-so-ket-1.png "Đồng chí Cục '
        'trưởng phát biểu “khai mạc”")' in text
    )
    assert f'![{ALT_PLACEHOLDER}](images/2021/hoi-nghi-so-ket-2.png "Toàn cảnh hội trường")' in text
    assert f"![{ALT_PLACEHOLDER}](images/2021/hoi-nghi-so-ket-3.png)" in text
    # A caption with no photo beside it stays a paragraph.
    assert "\nBảng 1: Kết quả theo đơn vị\n" in text

    path.write_text(text.replace(ALT_PLACEHOLDER, "Hội trường"), encoding="utf-8")
    body, _, problems = read(content, path)
    assert problems == []
    blocks = figures(body)
    assert [kind for kind, _ in blocks] == ["figure", "figure", "figure"]
    assert [photos[0].title for _, photos in blocks] == [
        "Đồng chí Cục trưởng phát biểu “khai mạc”",
        "Toàn cảnh hội trường",
        None,
    ]


@pytest.mark.parametrize(
    ("top", "expected", "words"),
    [
        (
            ["CỤC THI HÀNH ÁN DÂN SỰ", "Hậu Giang, ngày 19 tháng 3 năm 2021"],
            dt.date(2021, 3, 19),
            "ngày 19 tháng 3 năm 2021",
        ),
        (["Số: 12/BC-CTHADS", "Vị Thanh, ngày 05/01/2020"], dt.date(2020, 1, 5), "ngày 05/01/2020"),
        # A cited law's date is not the document's; the dateline wins over an event date.
        (
            [
                "Căn cứ Luật Thi hành án dân sự ngày 14 tháng 11 năm 2008",
                "Chiều ngày 2/4/2021, đoàn công tác làm việc tại Chi cục.",
                "Cần Thơ, ngày 3 tháng 4 năm 2021",
            ],
            dt.date(2021, 4, 3),
            "ngày 3 tháng 4 năm 2021",
        ),
    ],
)
def test_date_is_the_one_the_document_states(tmp_path, top, expected, words):
    document = Document()
    for text in top:
        document.add_paragraph(text)
    document.add_heading("Báo cáo kết quả", 1)
    document.add_paragraph("Nội dung báo cáo.")
    _picture(document, (1, 2, 3), description="Ảnh tư liệu")
    docx = tmp_path / "bc.docx"
    document.save(docx)

    content, path, images, converted = run_import(tmp_path, docx)
    assert (converted.date, converted.date_text) == (expected, words)
    assert path.parent == content / "articles" / str(expected.year)
    assert images[0].parent == content / "images" / str(expected.year)
    _, metadata, problems = read(content, path)
    assert problems == []
    assert metadata["date"] == dt.datetime(expected.year, expected.month, expected.day)


def test_a_date_in_a_header_table(tmp_path):
    """Official documents set agency and dateline side by side in a borderless table."""
    document = Document()
    header = document.add_table(rows=2, cols=2)
    header.cell(0, 0).text = "CỤC THADS TỈNH HẬU GIANG"
    header.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    header.cell(1, 0).text = "Số: 125/BC-CTHADS"
    header.cell(1, 1).text = "Hậu Giang, ngày 28 tháng 02 năm 2021"
    document.add_paragraph("BÁO CÁO sơ kết 5 tháng")
    document.save(tmp_path / "h.docx")
    converted = convert_docx(tmp_path / "h.docx")
    assert converted.date == dt.date(2021, 2, 28)


def test_the_dateline_is_not_the_title(tmp_path):
    document = Document()
    document.add_paragraph("Hậu Giang, ngày 19 tháng 3 năm 2021")
    document.add_paragraph("Hội nghị sơ kết công tác 5 tháng")
    document.add_paragraph("Sáng nay, Cục Thi hành án dân sự tỉnh tổ chức hội nghị sơ kết.")
    document.save(tmp_path / "a.docx")
    converted = convert_docx(tmp_path / "a.docx")
    assert converted.title == "Hội nghị sơ kết công tác 5 tháng"
    assert converted.date == dt.date(2021, 3, 19)
    assert converted.markdown.startswith("Hậu Giang, ngày 19 tháng 3 năm 2021\n\nSáng nay")


def test_without_a_date_the_draft_says_to_set_one(tmp_path):
    document = Document()
    document.add_heading("Thông báo lịch tiếp công dân", 1)
    document.add_paragraph("Lịch tiếp công dân được niêm yết tại trụ sở, ngày 31/2/2021.")
    document.save(tmp_path / "tb.docx")
    content, path, _, converted = run_import(tmp_path, tmp_path / "tb.docx")

    assert converted.date is None
    assert any("31/2/2021" in note and "không có trên lịch" in note for note in converted.notes)
    # The draft is written, in the folder of the import's year, with a date the reader refuses.
    assert path.parent == content / "articles" / "2026"
    assert f"\ndate: {DATE_PLACEHOLDER} " in path.read_text(encoding="utf-8")
    problems = judge(path, get_settings(PATH=str(content)))
    assert [p.field for p in problems] == ["date"]
    assert DATE_PLACEHOLDER in problems[0].format()


@pytest.mark.parametrize(
    ("english", "vietnamese"),
    [
        ("Unrecognised paragraph style: caption (Style ID: Caption)", None),
        ("Image of type image/x-emf is unlikely to display in web browsers", "EMF"),
        ("Could not find image file for a:blip element", "không đọc được"),
        ("unexpected non-row element in table, cell merging may be incorrect", "gộp ô"),
        ("An unrecognised element was ignored: w:object", "không chép được"),
        ("paragraph style with ID Foo was referenced but not defined in the document", None),
        ("Something mammoth may say one day", "không chuyển được"),
    ],
)
def test_converter_messages_are_vietnamese(english, vietnamese):
    notes = explain_messages([mammoth.results.warning(english)])
    for note in notes:
        assert not ENGLISH.search(note), note
    if vietnamese is None:
        assert notes == [] or "giữ như đoạn văn thường" in notes[0]
    else:
        assert len(notes) == 1 and vietnamese in notes[0]


def test_unknown_styles_are_named_once():
    warnings = [
        mammoth.results.warning(f"Unrecognised paragraph style: {name} (Style ID: X)")
        for name in ("No Spacing", "Body Text", "No Spacing")
    ]
    assert explain_messages(warnings) == [
        "Các đoạn kiểu «No Spacing», «Body Text» trong Word được giữ như đoạn văn thường."
    ]


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


def _make_import(content, docx):
    return subprocess.run(
        ["make", "--no-print-directory", "import", f"INPUTDIR={content}", f"FILE={docx}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=120,
    )


def test_make_import_lists_what_is_left_to_do(tmp_path):
    docx = report_docx(tmp_path / "bao cao.docx", date_line="Hậu Giang, ngày 19 tháng 3 năm 2021")
    content = tmp_path / "content"
    result = _make_import(content, docx)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Đã nhập bản nháp:" in out
    assert "Tiêu đề gợi ý: Báo cáo sơ kết" in out
    assert "Ngày đăng: 19/03/2021, lấy từ «ngày 19 tháng 3 năm 2021»" in out
    [draft] = content.glob("articles/*/*.md")
    assert draft.parent.name == "2021"
    # The reader's own problem for the placeholder, with file and line, in the list to do.
    left = out.split("Cần sửa trước khi đăng (1 chỗ):\n", 1)[1]
    assert f"{draft.name}:" in left and ALT_PLACEHOLDER in left
    assert not ENGLISH.search(out + result.stderr), out + result.stderr


def test_make_import_without_a_date(tmp_path):
    document = Document()
    document.add_heading("Thông báo", 1)
    document.add_paragraph("Nội dung.")
    document.save(tmp_path / "tb.docx")
    result = _make_import(tmp_path / "content", tmp_path / "tb.docx")
    assert result.returncode == 0, result.stderr
    assert "Không tìm thấy ngày trong tệp Word" in result.stdout
    assert f"thay «{DATE_PLACEHOLDER}» ở dòng date:" in result.stdout
    assert "trường «date»" in result.stdout.split("Cần sửa trước khi đăng")[1]
