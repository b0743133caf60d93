"""The one slug maker: a text as lower-case ASCII words joined by hyphens, for addresses and
file names. ``Ảnh Hội nghị 1`` → ``anh-hoi-nghi-1``.

The reader's suggestion for a missing or wrong ``slug`` (``bantin_frontmatter``), ``make new``
and the photos' and share cards' file names (``bantin_images``) all make slugs with :func:`slug`.
"""

from __future__ import annotations

import re
import unicodedata

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_OTHER = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """Marks removed, đ → d, lower case, each run of anything else one hyphen; ``""`` when
    nothing is left. A text that is already a slug comes back as it is."""
    if _SLUG.fullmatch(text):  # most names are already one (an article's slug)
        return text
    text = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    text = text.encode("ascii", "ignore").decode().lower()
    return _OTHER.sub("-", text).strip("-")
