"""The one schema: every field described once, and the descriptions agree with the rules."""

from __future__ import annotations

import re

import pytest
import yaml

from bantin_frontmatter.fields import (
    PLACEHOLDERS,
    FieldContext,
    FieldError,
    convert_date,
    convert_text,
    guide_table,
    schema,
)
from bantin_ketqua.model import parse_results

WIDGETS = {
    "string", "text", "markdown", "datetime", "date", "select", "list", "image", "file",
    "number", "object", "hidden",
}  # fmt: skip


def _walk(specs, prefix=()):
    for name, spec in specs:
        yield (*prefix, name), spec
        yield from _walk(spec.subfields, (*prefix, name))


def test_every_field_is_described():
    for path, spec in _walk(schema().items()):
        assert spec.label, path
        assert spec.widget in WIDGETS, path
        if spec.widget == "number":
            assert spec.number in ("count", "signed", "money", "signed-money", "percent"), path
        if spec.widget not in ("hidden", "object", "list"):
            assert spec.example or spec.widget in ("markdown",), f"{path}: no example"


def test_examples_pass_their_own_rules():
    ctx = FieldContext(content_path="/nonexistent", source_path="/nonexistent/a.md")
    for name, spec in schema().items():
        if spec.converter is None or not spec.example or spec.widget in ("image", "select"):
            continue
        value = yaml.safe_load(f"{name}: {spec.example}")[name]
        spec.converter(value, ctx)  # raises FieldError when the example is wrong


def _example_block(specs):
    block = {}
    for name, spec in specs:
        if spec.subfields:
            value = _example_block(spec.subfields)
            block[name] = [value] if spec.repeated else value
        elif spec.example:
            block[name] = yaml.safe_load(f"v: {spec.example}")["v"]
    return block


def test_results_examples_make_a_valid_report():
    report, issues = parse_results(_example_block(schema()["ket_qua"].subfields))
    assert issues == ()
    assert report.viec.giai_quyet_xong == 2073


def test_required_flags_follow_the_model():
    """Each sub-field the schema calls required is reported missing by the model."""
    full = _example_block(schema()["ket_qua"].subfields)
    for path, spec in _walk(schema()["ket_qua"].subfields):
        if not spec.required or "don_vi" in path:
            continue
        block = yaml.safe_load(yaml.safe_dump(full))
        parent = block
        for part in path[:-1]:
            parent = parent[part]
        del parent[path[-1]]
        _, issues = parse_results(block)
        assert any(i.path[-1] == path[-1] and "Thiếu" in i.message for i in issues), path


@pytest.mark.parametrize("marker", PLACEHOLDERS)
def test_placeholders_are_refused(marker):
    ctx = FieldContext(content_path="/c", source_path="/c/a.md")
    with pytest.raises(FieldError, match="chưa được thay"):
        convert_text(f"Ảnh: {marker.lower()}", ctx)


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("2021-02-30", "Ngày 30/02/2021 không có trên lịch"),
        ("2021-13-01 08:00", "không có trên lịch"),
        ("0001-01-01", "không hợp lý"),
        ("2201-03-19", "không hợp lý"),
        ("19/03/2021", "không đúng dạng"),
    ],
)
def test_dates_that_cannot_be(written, message):
    ctx = FieldContext(content_path="/c", source_path="/c/a.md")
    with pytest.raises(FieldError, match=re.escape(message)):
        convert_date(written, ctx)


def test_guide_table_lists_every_offered_field():
    table = guide_table(schema().items())
    for name, spec in schema().items():
        assert (f"`{name}`" in table) == (spec.widget != "hidden"), name


def test_guides_tables_are_made_from_the_schema():
    """``python -m bantin_frontmatter.guide`` has been run: the guides say what the schema says."""
    from bantin_frontmatter.guide import guides, render

    assert {p.name for p in guides()} >= {"huong-dan-viet-bai.md", "huong-dan-ket-qua.md"}
    for path in guides():
        text = path.read_text(encoding="utf-8")
        assert render(text) == text, (
            f"{path.name}: bảng trường khác lược đồ; chạy python -m bantin_frontmatter.guide"
        )


@pytest.mark.parametrize("written", ["../..", "../../etc/passwd", "page.html", "Trang"])
def test_template_is_a_name_not_a_path(written):
    from bantin_frontmatter.fields import convert_template

    ctx = FieldContext(content_path="/c", source_path="/c/a.md")
    with pytest.raises(FieldError, match="Tên mẫu trang"):
        convert_template(written, ctx)
