"""``make import FILE=bao-cao.docx``: a Word report becomes a draft post.

mammoth reads the .docx into clean HTML (headings, paragraphs, lists, tables, images; Word's
formatting noise dropped), markdownify writes that as Markdown. The first heading (or the
Title-style paragraph, else the first paragraph) becomes the title; the post is saved as a
draft (``status: draft``) with a suggested slug, its images in ``content/images/YYYY/``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import mammoth
from bs4 import BeautifulSoup
from markdownify import markdownify

from .scaffold import NewArticle, ScaffoldError, article_path, plan_article, write_article

# Word's Title style is the document's title; mammoth leaves it a plain paragraph otherwise.
STYLE_MAP = "p[style-name='Title'] => h1:fresh\np[style-name='Subtitle'] => p:fresh"
_IMAGE_TOKEN = "bantin-image-{}"
_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp"}


@dataclass
class WordImport:
    """A converted document: its title, Markdown body, images and converter warnings."""

    title: str
    markdown: str
    images: list[tuple[str, bytes]] = field(default_factory=list)  # (extension, data)
    warnings: list[str] = field(default_factory=list)


def _collect_images(images: list):
    def convert(image):
        extension = _EXTENSIONS.get(image.content_type)
        if extension is None:  # EMF/WMF drawings: no browser shows them
            return {}
        with image.open() as stream:
            images.append((extension, stream.read()))
        return {"src": _IMAGE_TOKEN.format(len(images)), "alt": (image.alt_text or "").strip()}

    return mammoth.images.img_element(convert)


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()))


# A first paragraph longer than this is the report's text, not its title.
TITLE_MAX_LENGTH = 160


def _take_title(soup: BeautifulSoup) -> str:
    """The document's title, taken out of the body: its first block when that is a heading
    (Word's Title or Heading style) or a short paragraph; "" when the document starts with text.
    """
    first = soup.find(True)
    if first is None or first.name not in ("h1", "h2", "h3", "p"):
        return ""
    title = _clean(first.get_text())
    if first.name == "p" and len(title) > TITLE_MAX_LENGTH:
        return ""
    first.decompose()
    return title


def convert_docx(path: Path) -> WordImport:
    """Read a .docx into a title and a Markdown body (images kept in memory, numbered)."""
    images: list[tuple[str, bytes]] = []
    with open(path, "rb") as handle:
        result = mammoth.convert_to_html(
            handle, style_map=STYLE_MAP, convert_image=_collect_images(images)
        )
    soup = BeautifulSoup(result.value, "html.parser")
    title = _take_title(soup)
    # The page shows the title as its h1: the document's headings start one level down.
    for heading in soup.find_all(re.compile(r"^h[1-5]$")):
        heading.name = f"h{int(heading.name[1]) + 1}"
    for image in soup.find_all("img"):
        if not image.get("alt"):
            image["alt"] = "CẦN VIẾT MÔ TẢ ẢNH"
    markdown = markdownify(
        str(soup),
        heading_style="ATX",
        bullets="-",
        escape_underscores=False,
        table_infer_header=True,
    )
    markdown = re.sub(r"\n{3,}", "\n\n", unicodedata.normalize("NFC", markdown)).strip()
    warnings = [message.message for message in result.messages]
    return WordImport(
        title or path.stem.replace("-", " ").replace("_", " "), markdown, images, warnings
    )


def import_docx(
    path: Path,
    content: Path,
    *,
    category: str | None,
    categories,
    now: dt.datetime,
) -> tuple[Path, list[Path], WordImport]:
    """Write the draft post and its images; returns (post path, image paths, the import)."""
    if not path.is_file():
        raise ScaffoldError(f"Không tìm thấy tệp {path}")
    if path.suffix.lower() != ".docx":
        raise ScaffoldError(
            f"{path.name} không phải tệp .docx. Mở tệp trong Word, chọn Lưu thành (Save As) "
            "kiểu «Word Document (*.docx)», rồi nhập lại"
        )
    converted = convert_docx(path)
    article = plan_article(converted.title, category=category, categories=categories, now=now)
    target = article_path(content, article)
    markdown = converted.markdown
    image_paths = []
    folder = content / "images" / f"{now:%Y}"
    for number, (extension, data) in enumerate(converted.images, start=1):
        name = f"{article.slug}-{number}.{extension}"
        image_path = folder / name
        folder.mkdir(parents=True, exist_ok=True)
        with open(image_path, "xb") as handle:
            handle.write(data)
        image_paths.append(image_path)
        markdown = markdown.replace(_IMAGE_TOKEN.format(number) + ")", f"images/{now:%Y}/{name})")
    draft = NewArticle(
        title=article.title,
        category=article.category,
        date=article.date,
        body=markdown or "Viết nội dung bài ở đây.",
    )
    return write_article(target, draft), image_paths, converted
