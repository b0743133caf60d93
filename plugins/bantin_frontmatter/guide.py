"""The staff guide's field tables, made from the one schema.

Each table in ``docs/`` stands between ``<!-- bang-truong: NAME -->`` and
``<!-- /bang-truong -->``; ``python -m bantin_frontmatter.guide`` rewrites them, and a test
(``tests/test_schema.py``) fails when a guide and the schema disagree.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from .fields import guide_table, schema

DOCS = Path(__file__).resolve().parents[2] / "docs"
MARKER = "bang-truong"


def _region(marker: str) -> re.Pattern:
    return re.compile(rf"(<!-- {marker}: ([a-z._-]+) -->\n)(.*?)(<!-- /{marker} -->)", re.S)


def _specs(name: str):
    """``bai-viet`` (article fields), or a dotted block path (``ket_qua.viec``)."""
    fields = schema()
    if name in ("bai-viet", "trang"):
        kind = "article" if name == "bai-viet" else "page"
        return [(n, s) for n, s in fields.items() if kind in s.kinds]
    specs = fields[name.split(".")[0]]
    for part in name.split(".")[1:]:
        specs = dict(specs.subfields)[part]
    return specs.subfields


def render(text: str, specs_of=None, marker: str = MARKER) -> str:
    """The guide text with every field table made anew.

    ``specs_of(name)`` gives the fields of the table named ``name``; other content kinds (the
    public notices) pass their own, with their own ``marker``.
    """
    specs_of = specs_of or _specs
    return _region(marker).sub(lambda m: f"{m[1]}{guide_table(specs_of(m[2]))}\n{m[4]}", text)


def guides() -> list[Path]:
    return sorted(p for p in DOCS.glob("*.md") if f"<!-- {MARKER}:" in p.read_text("utf-8"))


def main() -> int:
    for path in guides():
        text = path.read_text(encoding="utf-8")
        new = render(text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            print(f"Đã cập nhật bảng trường trong {path.relative_to(DOCS.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
