"""``make import FILE=bao-cao.docx``: a Word report becomes a draft post.

mammoth reads the .docx into clean HTML (headings, paragraphs, lists, tables, images; Word's
formatting noise dropped), markdownify writes that as Markdown. The first heading (or the
Title-style paragraph, else the first paragraph) becomes the title; a Caption-style paragraph
next to a photo becomes that photo's caption (``![mô tả](ảnh.jpg "chú thích")``, the figure form
of docs/huong-dan-anh.md). The post's date is the one the document states near its top
(«Hậu Giang, ngày 19 tháng 3 năm 2021», «Sáng ngày 19/3/2021»): Word's own "created" property
is when the file was made, often a copied template. The post is saved as a draft in
``content/articles/<year>/``, its images in ``content/images/<year>/`` of that date.

Where a person must still write something the importer writes a marker from
:data:`bantin_frontmatter.fields.PLACEHOLDERS` (a photo without a description in Word, a
document without a date): the reader refuses those until replaced, and :func:`judge` runs the
written draft through the reader so the person sees at once what is left to do.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import mammoth
from bs4 import BeautifulSoup, Tag
from markdownify import markdownify

from bantin_core.problems import Problem
from bantin_frontmatter.fields import PLACEHOLDERS, placeholder_in, schema
from bantin_frontmatter.reader import PROBLEMS_KEY, BantinMarkdownReader

from .scaffold import NewArticle, ScaffoldError, article_path, plan_article, write_article


def _marker(words: str) -> str:
    """The schema's placeholder holding ``words`` (the importer writes no marker of its own)."""
    return next(marker for marker in PLACEHOLDERS if words in marker)


#: Written for a photo that has no description in Word.
ALT_PLACEHOLDER = _marker("MÔ TẢ ẢNH")
#: Written as ``date:`` when the document states no date.
DATE_PLACEHOLDER = _marker("ĐIỀN")

_CAPTION_CLASS = "bantin-caption"
# Word's Title style is the document's title; mammoth leaves it a plain paragraph otherwise.
# Style names are matched ignoring case: built-in styles are stored as "caption", "Title".
# Vietnamese Word shows the Caption style as «Chú thích»; offices also make their own
# «Chú thích ảnh».
STYLE_MAP = "\n".join(
    [
        "p[style-name='Title'] => h1:fresh",
        "p[style-name='Subtitle'] => p:fresh",
        f"p[style-name='Caption'] => p.{_CAPTION_CLASS}:fresh",
        f"p[style-name^='Chú thích'] => p.{_CAPTION_CLASS}:fresh",
    ]
)
_IMAGE_TOKEN = "bantin-image-{}"
_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp"}
# Word 365 fills in a machine description ("… Description automatically generated"); file names
# and "Picture 3" are no description either.
_NOT_A_DESCRIPTION = re.compile(
    r"automatically generated|được tạo tự động|tự động tạo|^(picture|image|hình|ảnh)\s*\d*$"
    r"|\.(jpe?g|png|gif|bmp|tiff?|webp|heic|emf|wmf)$",
    re.IGNORECASE,
)


@dataclass
class WordImport:
    """A converted document: title, Markdown body, images, date, Vietnamese notes."""

    title: str
    markdown: str
    images: list[tuple[str, bytes]] = field(default_factory=list)  # (extension, data)
    notes: list[str] = field(default_factory=list)  # Vietnamese, for the person importing
    date: dt.date | None = None
    date_text: str = ""  # the words the date was read from
    captions: int = 0  # photos that got their Word caption


# --- Images and captions ---------------------------------------------------------------------
def _description(alt_text: str | None) -> str:
    """The photo's description as written in Word, or "" when Word has none worth keeping."""
    text = _clean(alt_text or "")
    if not text or _NOT_A_DESCRIPTION.search(text):
        return ""
    # Square brackets end Markdown's [description]; straight quotes end a title.
    return _typographic_quotes(text.replace("[", "(").replace("]", ")"))


def _collect_images(images: list, skipped: list):
    def convert(image):
        extension = _EXTENSIONS.get(image.content_type)
        if extension is None:  # EMF/WMF drawings: no browser shows them
            skipped.append(image.content_type)
            return {}
        with image.open() as stream:
            images.append((extension, stream.read()))
        return {"src": _IMAGE_TOKEN.format(len(images)), "alt": _description(image.alt_text)}

    return mammoth.images.img_element(convert)


def _typographic_quotes(text: str) -> str:
    """ "a" → “a”: a straight quote would end the Markdown title the caption is written in."""
    parts = text.split('"')
    return "".join(
        part + ("" if i == len(parts) - 1 else "“" if i % 2 == 0 else "”")
        for i, part in enumerate(parts)
    )


def _lone_image(block) -> Tag | None:
    """The image of a paragraph that holds one image and nothing else (a figure)."""
    if not isinstance(block, Tag) or block.name != "p":
        return None
    images = block.find_all("img")
    if len(images) != 1 or block.get_text(strip=True):
        return None
    return images[0]


def _attach_captions(soup: BeautifulSoup) -> int:
    """Give each Caption paragraph's text to the photo next to it; returns how many.

    Word puts captions under a photo (Insert Caption's default), some offices above it: a
    caption is first matched to the photo before it, then the rest to the photo after them.
    A caption with no photo beside it, or right above a table, stays a paragraph.
    """
    attached = 0
    for neighbour in ("find_previous_sibling", "find_next_sibling"):
        for caption in soup.find_all("p", class_=_CAPTION_CLASS):
            following = caption.find_next_sibling()
            if following is not None and following.name == "table":
                continue  # Word puts a table's caption above it
            image = _lone_image(getattr(caption, neighbour)())
            text = _clean(caption.get_text())
            if image is not None and text and not image.get("title"):
                image["title"] = _typographic_quotes(text)
                caption.decompose()
                attached += 1
    for caption in soup.find_all("p", class_=_CAPTION_CLASS):
        del caption["class"]
    return attached


# --- Title and date --------------------------------------------------------------------------
def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()))


# A first paragraph longer than this is the report's text, not its title.
TITLE_MAX_LENGTH = 160


def _is_letterhead(block: Tag) -> bool:
    """A block of an official document's letterhead: the agency and dateline table, or a short
    line that is not a sentence («CỤC THI HÀNH ÁN DÂN SỰ», «Số: 12/BC-CTHADS»)."""
    if block.name == "table":
        return True
    text = _clean(block.get_text())
    return block.name == "p" and len(text) <= 80 and not text.endswith((".", ":", ";"))


def _take_title(soup: BeautifulSoup) -> str:
    """The document's title, taken out of the body: its first heading near the top (Word's
    Title or Heading style; official documents put the agency and the dateline above it), else
    its first short paragraph that is not the dateline; "" when the document starts with text.
    """
    top = soup.find_all(True, recursive=False)[:DATE_BLOCKS]
    candidates = []
    for block in top:
        candidates.append(block)
        if block.name in ("h1", "h2", "h3"):
            break
        if not _is_letterhead(block):
            break  # the text has begun: a heading further down is a section's
    first = next((b for b in candidates if b.name in ("h1", "h2", "h3")), None)
    if first is None:
        # «Hậu Giang, ngày 19 tháng 3 năm 2021» is the dateline, not a title.
        paragraphs = (b for b in candidates if b.name == "p")
        first = next((b for b in paragraphs if not _DATE_WORDS.search(b.get_text())), None)
    if first is None:
        return ""
    title = _clean(first.get_text())
    if first.name == "p" and len(title) > TITLE_MAX_LENGTH:
        return ""
    first.decompose()
    return title


#: How many blocks from the top (paragraphs, headings, the header table) may state the date.
DATE_BLOCKS = 12
_DATE_WORDS = re.compile(
    r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE | re.UNICODE
)
_DATE_NUMBERS = re.compile(r"ngày\s+(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*(\d{4})", re.IGNORECASE)
# «Hậu Giang, ngày 19 tháng 3 năm 2021»: the place-and-date line of an official document.
_DATELINE = re.compile(r"(?:^|\n)\s*[^\d,\n]{2,40},\s*$")
# «Căn cứ Luật … ngày 14 tháng 11 năm 2008»: the date of another document, not this one's.
_CITATION = re.compile(r"^\s*(căn cứ|theo|thực hiện)\b", re.IGNORECASE)


def _block_texts(soup: BeautifulSoup) -> list[str]:
    """The text of the top blocks, one string per paragraph (a table's cells each apart)."""
    texts = []
    for block in soup.find_all(True, recursive=False)[:DATE_BLOCKS]:
        cells = block.find_all(["p", "td", "th"]) if block.name == "table" else [block]
        texts += [_clean(cell.get_text(" ")) for cell in cells]
    return [t for t in texts if t]


def find_date(soup: BeautifulSoup) -> tuple[dt.date | None, str, list[str]]:
    """The date the document states near its top: (date, the words it was read from, notes).

    A place-and-date line («Hậu Giang, ngày 19 tháng 3 năm 2021») wins; else the first
    «ngày 19 tháng 3 năm 2021» or «ngày 19/3/2021» that is not a citation of another document.
    """
    found: list[tuple[bool, int, str, tuple[int, int, int]]] = []
    for order, text in enumerate(_block_texts(soup)):
        if _CITATION.match(text):
            continue
        for match in _DATE_WORDS.finditer(text):
            dateline = bool(_DATELINE.search(text[: match.start()]))
            day, month, year = (int(g) for g in match.groups())
            found.append((not dateline, order, match[0], (year, month, day)))
        for match in _DATE_NUMBERS.finditer(text):
            day, month, year = int(match[1]), int(match[3]), int(match[4])
            found.append((True, order, match[0], (year, month, day)))
    notes = []
    for _, _, words, (year, month, day) in sorted(found, key=lambda f: (f[0], f[1])):
        try:
            return dt.date(year, month, day), words, notes
        except ValueError:
            notes.append(f"Ngày «{words}» trong tệp Word không có trên lịch, không dùng được.")
    return None, "", notes


# --- mammoth's messages ----------------------------------------------------------------------
SKIPPED_IMAGE_NOTE = (
    "Có hình dạng vẽ của Word (EMF, WMF, TIFF, SVG) không hiện được trên trang web, đã bỏ qua: "
    "lưu hình đó thành ảnh JPEG hoặc PNG, chép vào content/images/ rồi thêm vào bài."
)
_MESSAGES = (
    (re.compile(r"Image of type .* is unlikely to display"), SKIPPED_IMAGE_NOTE),
    (
        re.compile(r"image file|imagedata|could not find", re.IGNORECASE),
        "Có ảnh trong tệp Word không đọc được (ảnh liên kết ra ngoài tệp, hoặc bị hỏng), đã bỏ "
        "qua: chép ảnh gốc vào content/images/ rồi thêm vào bài.",
    ),
    (
        re.compile(r"cell merging", re.IGNORECASE),
        "Có bảng gộp ô không đều: so bảng trong bài với bảng trong tệp Word.",
    ),
    (
        re.compile(r"w:sym", re.IGNORECASE),
        "Có ký hiệu đặc biệt (phông Symbol, Wingdings) không chép được: kiểm tra lại chỗ có ký "
        "hiệu trong bài.",
    ),
    (
        re.compile(r"unrecognised element was ignored", re.IGNORECASE),
        "Có phần của tệp Word (hộp chữ, biểu đồ, đối tượng nhúng) không chép được: so bài với "
        "tệp Word.",
    ),
    (
        re.compile(r"complex field|break type", re.IGNORECASE),
        "Có trường tự động hoặc ngắt trang của Word bị bỏ qua (không ảnh hưởng nội dung).",
    ),
    # A style the document names but does not define: nothing lost.
    (re.compile(r"referenced but not defined"), None),
)
_UNKNOWN_STYLE = re.compile(r"Unrecognised (paragraph|run) style: (.*) \(Style ID: .*\)$")


def explain_messages(messages) -> list[str]:
    """mammoth's English warnings as Vietnamese notes, each said once."""
    notes: list[str] = []
    styles: dict[str, list[str]] = {"paragraph": [], "run": []}
    for message in messages:
        text = message.message
        unknown = _UNKNOWN_STYLE.match(text)
        if unknown:
            names = styles[unknown[1]]
            if unknown[2] not in names:
                names.append(unknown[2])
            continue
        note = next(
            (note for pattern, note in _MESSAGES if pattern.search(text)),
            "Có phần định dạng của tệp Word không chuyển được: đọc lại bài, so với tệp Word.",
        )
        if note and note not in notes:
            notes.append(note)
    if styles["paragraph"]:
        names = ", ".join(f"«{name}»" for name in styles["paragraph"])
        notes.append(f"Các đoạn kiểu {names} trong Word được giữ như đoạn văn thường.")
    if styles["run"]:
        names = ", ".join(f"«{name}»" for name in styles["run"])
        notes.append(f"Chữ kiểu {names} trong Word được giữ như chữ thường.")
    return notes


# --- Conversion ------------------------------------------------------------------------------
def convert_docx(path: Path) -> WordImport:
    """Read a .docx into a title, a Markdown body and a date (images kept in memory, numbered)."""
    images: list[tuple[str, bytes]] = []
    skipped: list[str] = []
    with open(path, "rb") as handle:
        result = mammoth.convert_to_html(
            handle, style_map=STYLE_MAP, convert_image=_collect_images(images, skipped)
        )
    soup = BeautifulSoup(result.value, "html.parser")
    date, date_text, notes = find_date(soup)
    title = _take_title(soup)
    captions = _attach_captions(soup)
    # The page shows the title as its h1: the document's headings start one level down.
    for heading in soup.find_all(re.compile(r"^h[1-5]$")):
        heading.name = f"h{int(heading.name[1]) + 1}"
    for image in soup.find_all("img"):
        if not image.get("alt"):
            image["alt"] = ALT_PLACEHOLDER
    markdown = markdownify(
        str(soup),
        heading_style="ATX",
        bullets="-",
        escape_underscores=False,
        table_infer_header=True,
    )
    markdown = re.sub(r"\n{3,}", "\n\n", unicodedata.normalize("NFC", markdown)).strip()
    notes += explain_messages(result.messages)
    if skipped and SKIPPED_IMAGE_NOTE not in notes:
        notes.append(SKIPPED_IMAGE_NOTE)
    return WordImport(
        title or path.stem.replace("-", " ").replace("_", " "),
        markdown,
        images,
        notes,
        date,
        date_text,
        captions,
    )


def import_docx(
    path: Path,
    content: Path,
    *,
    category: str | None,
    categories,
    now: dt.datetime,
) -> tuple[Path, list[Path], WordImport]:
    """Write the draft post and its images; returns (post path, image paths, the import).

    Post and images go in the folders of the year of the document's date; a document without
    a date gets ``date:`` :data:`DATE_PLACEHOLDER` and the folders of ``now``'s year.
    """
    if not path.is_file():
        raise ScaffoldError(f"Không tìm thấy tệp {path}")
    if path.suffix.lower() != ".docx":
        raise ScaffoldError(
            f"{path.name} không phải tệp .docx. Mở tệp trong Word, chọn Lưu thành (Save As) "
            "kiểu «Word Document (*.docx)», rồi nhập lại"
        )
    converted = convert_docx(path)
    article = plan_article(converted.title, category=category, categories=categories, now=now)
    year = converted.date.year if converted.date else now.year
    target = article_path(content, article, year=year)
    markdown = converted.markdown
    image_paths = []
    folder = content / "images" / str(year)
    for number, (extension, data) in enumerate(converted.images, start=1):
        name = f"{article.slug}-{number}.{extension}"
        image_path = folder / name
        folder.mkdir(parents=True, exist_ok=True)
        with open(image_path, "xb") as handle:
            handle.write(data)
        image_paths.append(image_path)
        # The token is followed by ")" or by the caption: ' "…")'.
        markdown = re.sub(
            rf"\]\({re.escape(_IMAGE_TOKEN.format(number))}(?=[) ])",
            f"](images/{year}/{name}",
            markdown,
        )
    draft = NewArticle(
        title=article.title,
        category=article.category,
        date=converted.date or DATE_PLACEHOLDER,
        body=markdown or "Viết nội dung bài ở đây.",
    )
    return write_article(target, draft), image_paths, converted


# --- What is left to do ----------------------------------------------------------------------
def placeholders_left(path: Path) -> list[tuple[int, str]]:
    """(line, marker) of every placeholder still in the written file."""
    lines = path.read_text(encoding="utf-8").split("\n")
    return [
        (number, marker)
        for number, line in enumerate(lines, 1)
        if (marker := placeholder_in(line)) is not None
    ]


def judge(path: Path, settings: dict) -> list[Problem]:
    """The written draft's problems as the build and ``make check`` will report them."""
    schema()  # the blocks (ket_qua) known, as when Pelican loads their plugins
    _, metadata = BantinMarkdownReader(settings).read_bytes(path.read_bytes(), str(path))
    return list(metadata.get(PROBLEMS_KEY, ()))
