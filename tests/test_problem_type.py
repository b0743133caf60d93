"""One record of a problem (issue 18 §4): ``bantin_core.problems.Problem``, from the check that
finds it (a converter, the ``ket_qua`` model, the YAML loader) to the list staff read."""

from __future__ import annotations

import ast
import pickle
from pathlib import Path

import pytest

from bantin_core.problems import FieldError, Problem, field_name
from bantin_frontmatter.fields import FieldContext, convert_document, convert_tags
from bantin_frontmatter.loader import parse_front_matter
from bantin_ketqua import convert_results

PLUGINS = Path(__file__).resolve().parents[1] / "plugins"


def test_a_problem_found_inside_a_value_is_placed_in_its_file():
    inner = Problem.inside(("don_vi", 1, "ten"), "Tên đơn vị để trống", hint="Ghi tên")
    assert (inner.source, inner.line, inner.field) == ("", None, "don_vi[2].ten")
    placed = inner.within("ket_qua").at("content/articles/a.md", 12)
    assert placed.path == ("ket_qua", "don_vi", 1, "ten")
    assert placed.format() == (
        "content/articles/a.md:12: trường «ket_qua.don_vi[2].ten»: Tên đơn vị để trống. "
        "Cách sửa: Ghi tên."
    )
    # The path says what the field says: equality, sorting and JSON go by the field.
    assert placed == Problem("content/articles/a.md", 12, "ket_qua.don_vi[2].ten",
                             "Tên đơn vị để trống", hint="Ghi tên")  # fmt: skip
    assert "path" not in placed.as_dict()
    assert pickle.loads(pickle.dumps(placed)).path == placed.path  # Pelican's cache keeps it
    assert field_name(()) == "" and field_name(("tags", 0)) == "tags[1]"


def test_converters_raise_their_problems_relative_to_the_value():
    ctx = FieldContext(content_path="/", source_path="/a.md")
    with pytest.raises(FieldError) as raised:
        convert_tags(["Hội nghị", ""], ctx)
    [problem] = raised.value.problems
    assert problem.path == (1,) and problem.message == "Thẻ đang để trống"
    with pytest.raises(FieldError) as raised:
        convert_document({"loai": "Quyết định", "la": 1}, ctx)
    assert {p.path for p in raised.value.problems} >= {("la",), ("so_ky_hieu",)}
    assert all(p.source == "" for p in raised.value.problems)
    with pytest.raises(FieldError) as raised:
        convert_results({"ky": {"tu": "30/02/2021"}}, ctx)
    paths = {p.path for p in raised.value.problems}
    assert ("ky", "tu") in paths and ("viec",) in paths
    [day] = [p for p in raised.value.problems if p.path == ("ky", "tu")]
    assert day.found == "30/02/2021"  # the value as written
    assert day.hint == "Ngày này không có trong lịch; kiểm tra lại ngày và tháng"


def test_the_loader_says_its_problems_with_the_same_record():
    _, problems = parse_front_matter("---\ntitle: a\ntitle: b\nngay: 2021-13-01\n---\n")
    assert [type(p) for p in problems] == [Problem, Problem]
    assert [(p.line, p.field) for p in problems] == [(3, "title"), (4, "ngay")]


def test_no_plugin_defines_a_second_problem_record():
    """A class with a message and a hint is a problem record; only Problem may be one."""
    records = []
    for path in sorted(PLUGINS.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ClassDef):
                continue
            names = {
                target.id
                for statement in node.body
                for target in ([statement.target] if isinstance(statement, ast.AnnAssign) else [])
                if isinstance(target, ast.Name)
            }
            if {"message", "hint"} <= names:
                records.append(f"{path.relative_to(PLUGINS)}:{node.name}")
    assert records == ["bantin_core/problems.py:Problem"]
