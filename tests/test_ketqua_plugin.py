"""The ``ket_qua`` field in the strict reader: a report in the metadata, problems at their line."""

from __future__ import annotations

import pickle
from decimal import Decimal

import pytest

import bantin_ketqua
from bantin_core.problems import problem_log
from bantin_frontmatter.fields import FIELDS
from bantin_frontmatter.reader import PROBLEMS_KEY, BantinMarkdownReader
from bantin_ketqua.model import ResultsReport
from tests.conftest import get_settings

HEADER = """---
title: "Sơ kết 05 tháng đầu năm 2021"
date: 2021-03-19 08:30
category: Tin hoạt động
slug: so-ket
"""

GOOD_BLOCK = """ket_qua:
  ky: {tu: 2020-10-01, den: 2021-02-28}
  viec:
    giai_quyet_xong: 2073
    ty_le: 37.10
    so_cung_ky: 53
  tien: {giai_quyet_xong: 75683482000, ty_le: 13.69}
"""


@pytest.fixture(autouse=True)
def ket_qua_field():
    """The field as the plugin registers it; the table is left as it was found."""
    before = dict(FIELDS)
    bantin_ketqua.add_field()
    yield
    FIELDS.clear()
    FIELDS.update(before)


def read(tmp_path, block: str, body: str = "Đoạn mở đầu.\n"):
    (tmp_path / "articles").mkdir(exist_ok=True)
    path = tmp_path / "articles" / "bai.md"
    path.write_text(f"{HEADER}{block}---\n{body}", encoding="utf-8")
    reader = BantinMarkdownReader(get_settings(PATH=str(tmp_path)))
    return reader.read(str(path))


def test_good_block_becomes_a_report(tmp_path):
    _, meta = read(tmp_path, GOOD_BLOCK)
    assert PROBLEMS_KEY not in meta
    report = meta["ket_qua"]
    assert isinstance(report, ResultsReport)
    assert report.viec.giai_quyet_xong == 2073
    assert str(report.viec.rate) == "37.1"
    # Pelican's content cache pickles the metadata.
    assert pickle.loads(pickle.dumps(report)) == report


# (block, field path staff see, line in the file: the header has 5 lines before the block)
BAD_BLOCKS = [
    pytest.param(
        """ket_qua:
  ky: {tu: 2020-10-01, den: 2021-02-28}
  viec:
    co_dieu_kien: 5588
    giai_quyet_xong: 2073
    ty_le: 38.10
""",
        "ket_qua.viec.ty_le",
        11,
        ["Đang ghi: 38.1", "Cần: 37.10", "Tỷ lệ ghi"],
        id="rate-disagrees",
    ),
    pytest.param(
        """ket_qua:
  ky: {tu: 2020-10-01, den: 2021-02-28}
  viec:
    giai_quyet_xon: 2073
""",
        "ket_qua.viec.giai_quyet_xon",
        9,
        ["giai_quyet_xong"],
        id="typo-suggests-key",
    ),
    pytest.param(
        """ket_qua:
  ky: {tu: 2020-10-01, den: 2021-02-28}
  viec: {giai_quyet_xong: 10}
  don_vi:
    - ten: "Chi cục A"
      viec: {giai_quyet_xong: 5}
    - ten: "Chi cục B"
      viec:
        giai_quyet_xong: "2.073"
""",
        # Staff count units from 1: the second unit is [2]; the line is still found.
        "ket_qua.don_vi[2].viec.giai_quyet_xong",
        14,
        ["2073", "dấu chấm"],
        id="second-unit-1-based",
    ),
    pytest.param(
        """ket_qua:
  ky: {tu: 2020-10-01, den: 2021-02-28}
  don_vi:
    - ten: "Chi cục A"
      viec: {giai_quyet_xong: 5}
""",
        "ket_qua.viec",
        6,
        ["Thiếu trường bắt buộc", "viec"],
        id="missing-required-at-block-line",
    ),
    pytest.param(
        "ket_qua: 2073\n",
        "ket_qua",
        6,
        ["nhóm trường"],
        id="not-a-block",
    ),
]


@pytest.mark.parametrize(("block", "field", "line", "words"), BAD_BLOCKS)
def test_problems_name_field_path_and_line(tmp_path, block, field, line, words):
    _, meta = read(tmp_path, block)
    assert meta["status"] == "skip"
    problems = {p.field: p for p in meta[PROBLEMS_KEY]}
    assert field in problems, list(problems)
    problem = problems[field]
    assert problem.line == line, problem.format()
    assert problem.source.endswith("articles/bai.md")
    text = problem.format()
    assert f"trường «{field}»" in text
    for word in words:
        assert word in text


def test_list_indexes_are_counted_from_one_for_every_field(tmp_path):
    """The reader's field names count list items from 1 (tags too), lines stay right."""
    (tmp_path / "articles").mkdir()
    path = tmp_path / "articles" / "bai.md"
    path.write_text(f"{HEADER}tags:\n  - Hội nghị\n  - \n---\nThân bài.\n", encoding="utf-8")
    _, meta = BantinMarkdownReader(get_settings(PATH=str(tmp_path))).read(str(path))
    (problem,) = meta[PROBLEMS_KEY]
    assert problem.field == "tags[2]"
    assert problem.line == 8


def test_converter_never_changes_the_raw_block(tmp_path):
    import yaml

    raw = yaml.safe_load(GOOD_BLOCK)["ket_qua"]
    snapshot = repr(raw)
    bantin_ketqua.convert_results(raw, None)
    assert repr(raw) == snapshot


def fake_generator(articles=(), pages=(), targets=None):
    from types import SimpleNamespace

    from bantin_data.schema import YearTarget

    chi_tieu = {
        year: YearTarget(year, Decimal(viec), Decimal(tien))
        for year, (viec, tien) in (targets or {}).items()
    }
    return SimpleNamespace(
        context={"DATA": {"chi_tieu": chi_tieu}},
        articles=list(articles),
        translations=[],
        hidden_articles=[],
        hidden_translations=[],
        drafts=[],
        drafts_translations=[],
        pages=list(pages),
        hidden_pages=[],
        draft_pages=[],
    )


def fake_content(tmp_path, report, html="<p>Đoạn mở đầu.</p>"):
    from types import SimpleNamespace

    source = tmp_path / "bai.md"
    source.write_text("---\n---\n" + html, encoding="utf-8")
    metadata = {"ket_qua": report} if report is not None else {}
    return SimpleNamespace(source_path=str(source), _content=html, metadata=metadata, **metadata)


def test_results_get_the_year_targets_without_touching_the_metadata(tmp_path):
    whole_year = GOOD_BLOCK.replace("den: 2021-02-28", "den: 2021-09-30")
    _, meta = read(tmp_path, whole_year)
    article = fake_content(tmp_path, meta["ket_qua"])
    bantin_ketqua.attach_results(fake_generator([article], targets={2021: ("81.00", "38.50")}))
    assert article.results.viec.target == Decimal("81.00")
    assert article.results.viec.meets_target is False
    assert article.results.tien.target == Decimal("38.50")
    # The cached metadata keeps the report as read, without targets.
    assert article.metadata["ket_qua"] is meta["ket_qua"]
    assert article.metadata["ket_qua"].viec.target is None


def test_year_without_targets_leaves_the_report_without_them(tmp_path):
    _, meta = read(tmp_path, GOOD_BLOCK)
    article = fake_content(tmp_path, meta["ket_qua"])
    bantin_ketqua.attach_results(fake_generator([article], targets={2030: ("90", "50")}))
    assert article.results.viec.target is None


def test_two_markers_are_reported_at_the_second(tmp_path):
    html = "<p>[KET_QUA]</p>\n<p>Chữ.</p>\n<p>[KET_QUA]</p>"
    _, meta = read(tmp_path, GOOD_BLOCK)
    article = fake_content(tmp_path, meta["ket_qua"], html="")
    article._content = html
    (tmp_path / "bai.md").write_text("---\n---\n[KET_QUA]\n\nChữ.\n\n[KET_QUA]\n", "utf-8")
    problem_log.clear()
    bantin_ketqua.attach_results(fake_generator([article]))
    (problem,) = problem_log.sorted()
    problem_log.clear()
    assert problem.line == 7
    assert "2 dòng [KET_QUA]" in problem.message


def test_block_in_a_page_is_an_error_not_silently_ignored(tmp_path):
    _, meta = read(tmp_path, GOOD_BLOCK)
    page = fake_content(tmp_path, meta["ket_qua"])
    problem_log.clear()
    bantin_ketqua.reject_pages(fake_generator(pages=[page]))
    (problem,) = problem_log.sorted()
    problem_log.clear()
    assert problem.field == "ket_qua"
    assert "chỉ dùng trong bài viết" in problem.message
