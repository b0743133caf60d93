"""The field tables of docs/huong-dan-cong-khai.md, made from the field descriptions.

Each table stands between ``<!-- bang-truong-cong-khai: NAME -->`` and
``<!-- /bang-truong-cong-khai -->``; NAME is a kind (``chua-co-dieu-kien``, ``dau-gia``) or a
block in it (``chua-co-dieu-kien.ban_an``). ``python -m bantin_congkhai.guide`` rewrites them;
``tests/test_congkhai_model.py`` fails when the guide and the fields disagree.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from bantin_frontmatter import guide

from .schema import AUCTION_FIELDS, DEBTOR_FIELDS

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "huong-dan-cong-khai.md"
KINDS = {"chua-co-dieu-kien": DEBTOR_FIELDS, "dau-gia": AUCTION_FIELDS}


def specs_of(name: str):
    """The fields of a kind, or of a block inside it (dotted)."""
    kind, *blocks = name.split(".")
    if not blocks:
        # A kind's own required fields read «Bắt buộc», as an article's do (their ``required``
        # would read «Bắt buộc khi có khối này», which is for fields inside a block).
        return [
            (n, replace(s, required=False, required_for=("article", "page")) if s.required else s)
            for n, s in KINDS[kind]
        ]
    specs = KINDS[kind]
    for block in blocks:
        specs = dict(specs)[block].subfields
    return specs


def render(text: str) -> str:
    """The guide with every field table made anew (the house's one table maker)."""
    return guide.render(text, specs_of, marker="bang-truong-cong-khai")


def main() -> int:
    text = GUIDE.read_text(encoding="utf-8")
    new = render(text)
    if new != text:
        GUIDE.write_text(new, encoding="utf-8")
        print(f"Đã cập nhật bảng trường trong {GUIDE.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
