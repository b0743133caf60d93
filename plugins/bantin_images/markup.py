"""Body images in the HTML that Markdown wrote: find them, then replace them with pictures.

Markdown gives ``<img alt=".." src=".." title="..">``. The documented forms (see
``docs/huong-dan-anh.md``):

- an image alone in its paragraph is a figure; its title (``![mô tả](anh.jpg "Chú thích")``)
  becomes the ``<figcaption>``;
- several images in one paragraph (one per line, no blank line between) are a gallery;
- an image inside a sentence or a link stays inline, as a ``<picture>``.

Only the ``<img>`` tags of article and page bodies are touched (a few regular expressions per
body, not a parse of every written file). The markup itself comes from the theme's macros.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from bantin_frontmatter.body import resolve_image

_IMG = r"<img\b[^>]*>"
#: A paragraph holding images only (Markdown puts one per line, maybe with <br>).
_BLOCK = re.compile(
    rf"<p>\s*(?P<images>{_IMG}(?:\s*(?:<br\s*/?>)?\s*{_IMG})*)\s*</p>|(?P<inline>{_IMG})"
)
_IMG_TAG = re.compile(_IMG)
_ATTR = re.compile(r'([a-zA-Z_:][-\w:.]*)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')


@dataclass(frozen=True)
class BodyImage:
    """One ``<img>`` as staff wrote it (entities decoded)."""

    src: str
    alt: str | None
    title: str | None


def parse_img(tag: str) -> BodyImage:
    attrs = {
        m[1].lower(): html.unescape(m[2] if m[2] is not None else m[3]) for m in _ATTR.finditer(tag)
    }
    return BodyImage(attrs.get("src", ""), attrs.get("alt"), attrs.get("title") or None)


def find_images(body: str) -> list[BodyImage]:
    """Every image of a body, in order."""
    if "<img" not in body:
        return []
    return [parse_img(m[0]) for m in _IMG_TAG.finditer(body)]


def is_external(src: str) -> bool:
    """An image on another site (or inline data): not ours to resize."""
    return bool(urlsplit(src).scheme) or src.startswith("//")


def resolve_source(src: str, content_path: str, source_path: str) -> str | None:
    """The content-relative path (``images/2021/a.jpg``) an image's ``src`` points to.

    Staff write ``images/…``, ``/images/…``, ``{static}/images/…`` or a path relative to the
    Markdown file (``../../images/…``). Returns the first that exists, else None. The reader's
    body check finds images the same way: one function, so the two never disagree.
    """
    return resolve_image(src, content_path, source_path)


#: render(kind, images, first_index) -> HTML; kind is "figure", "gallery" or "inline".
Renderer = Callable[[str, list[BodyImage], int], str]


def rewrite_body(body: str, render: Renderer) -> str:
    """The body with each image block replaced by what ``render`` returns for it.

    ``first_index`` is the position of the block's first image in the body, so the renderer
    knows which image is the page's first (loaded eagerly).
    """
    if "<img" not in body:
        return body
    seen = 0

    def replace(match: re.Match) -> str:
        nonlocal seen
        if match["images"] is not None:
            images = [parse_img(tag) for tag in _IMG_TAG.findall(match["images"])]
            kind = "figure" if len(images) == 1 else "gallery"
        else:
            images = [parse_img(match["inline"])]
            kind = "inline"
        first, seen = seen, seen + len(images)
        return render(kind, images, first)

    return _BLOCK.sub(replace, body)
