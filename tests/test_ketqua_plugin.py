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


# --- The same period twice, and corrections (đính chính) ----------------------------------
def _post(slug, date, co_dieu_kien, extra=""):
    return (
        f'---\ntitle: "Kết quả {slug}"\ndate: {date}\ncategory: Tin hoạt động\nslug: {slug}\n'
        f"{extra}ket_qua:\n  ky: {{tu: 2020-10-01, den: 2021-02-28}}\n"
        f"  viec: {{co_dieu_kien: {co_dieu_kien}, giai_quyet_xong: 2073}}\n---\nBài.\n"
    )


@pytest.fixture(scope="module")
def corrected_site(tmp_path_factory):
    import shutil

    from tests.conftest import SITES, build_site

    root = tmp_path_factory.mktemp("dinh-chinh")
    content = root / "content"
    shutil.copytree(SITES / "check-clean", content)
    folder = content / "articles/2021"
    (folder / "cu.md").write_text(_post("ket-qua-cu", "2021-03-05", 5588), encoding="utf-8")
    (folder / "moi.md").write_text(
        _post("ket-qua-moi", "2021-03-20", 5600, "dinh_chinh: ket-qua-cu\n"), encoding="utf-8"
    )
    result = build_site(content, root / "output")
    return root / "output", result


def test_a_correction_replaces_the_older_report(corrected_site):
    output, result = corrected_site
    assert result.returncode == 0, result.stderr[-3000:]
    assert "trùng với bài" not in result.stderr
    statistics = (output / "thong-ke/index.html").read_text(encoding="utf-8")
    assert "2021/03/ket-qua-moi/" in statistics and "2021/03/ket-qua-cu/" not in statistics
    rows = (output / "thong-ke/ket-qua.csv").read_text(encoding="utf-8").splitlines()
    assert len(rows) == 2, rows  # the header and the one period
    assert "ket-qua-moi" in rows[1] and "5600" in rows[1]
    old = (output / "2021/03/ket-qua-cu/index.html").read_text(encoding="utf-8")
    new = (output / "2021/03/ket-qua-moi/index.html").read_text(encoding="utf-8")
    assert "Số liệu kỳ này đã được đính chính trong bài" in old
    assert 'href="/2021/03/ket-qua-moi/"' in old
    assert "Bài này đính chính số liệu của bài" in new and 'href="/2021/03/ket-qua-cu/"' in new


def test_a_correction_must_name_a_report_of_the_same_period(tmp_path):
    from types import SimpleNamespace

    def article(slug, tu, status="published", correction=None):
        report = SimpleNamespace(ky=SimpleNamespace(tu=tu, den=tu.replace(month=12)))
        metadata = {"status": status} | ({"dinh_chinh": correction} if correction else {})
        source = tmp_path / f"{slug}.md"
        return SimpleNamespace(
            slug=slug, results=report, metadata=metadata, source_path=str(source), url=slug,
            title=slug,
        )  # fmt: skip

    from datetime import date

    older = article("cu", date(2020, 1, 1))
    elsewhere = article("khac-ky", date(2019, 1, 1), correction="cu")
    missing = article("khong-co", date(2020, 1, 1), correction="khong-ton-tai")
    draft_twin = article("nhap", date(2020, 1, 1), status="draft")
    generator = SimpleNamespace(
        articles=[older, elsewhere, missing],
        translations=[],
        hidden_articles=[],
        hidden_translations=[],
        drafts=[draft_twin],
        drafts_translations=[],
    )
    problems = bantin_ketqua.check_periods(generator)
    by_file = {(p.source.rsplit("/", 1)[1], p.field): p for p in problems}
    assert "phải cùng một kỳ" in by_file[("khac-ky.md", "dinh_chinh")].message
    assert "Không có bài kết quả" in by_file[("khong-co.md", "dinh_chinh")].message
    # The uncorrected twins of 2020 are named, each with the other; the draft's is marked.
    assert "khong-co.md" in by_file[("cu.md", "ket_qua.ky")].message
    assert by_file[("nhap.md", "ket_qua.ky")].draft is True
    assert not getattr(older, "bt_corrected_by", None)
