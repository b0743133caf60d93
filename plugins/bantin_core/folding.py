"""The one Vietnamese folding: what a citizen types without accents, what staff type as a field
name with them. ``Đơn thư`` → ``don thu``: marks removed, đ → d, lower case.

The search index (``bantin_search``), the public notices' name filter (``bantin_congkhai``) and
the results block's field-name hints (``bantin_ketqua``) all fold with :func:`fold`.
"""

from __future__ import annotations

import re
import unicodedata

# Vietnamese marks after NFD (and most others) are in U+0300–U+036F; the few characters of that
# block that are not combining (U+034F) are left out. Any other non-ASCII character that
# remains is checked on its own: the result is what removing every combining character gives.
_BLOCK_MARKS = re.compile(
    "[" + "".join(chr(c) for c in range(0x300, 0x370) if unicodedata.combining(chr(c))) + "]+"
)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _unless_combining(match: re.Match) -> str:
    return "" if unicodedata.combining(match.group()) else match.group()


def fold(text: str) -> str:
    """Lower-case ASCII form: marks removed, đ → d (``Đơn thư`` → ``don thu``)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    stripped = _BLOCK_MARKS.sub("", unicodedata.normalize("NFD", text))
    if not stripped.isascii():
        stripped = _NON_ASCII.sub(_unless_combining, stripped)
    return unicodedata.normalize("NFC", stripped).lower()
