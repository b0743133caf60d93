"""Results tables from the ``ket_qua`` front-matter block: validated figures, units, targets.

Enable after ``bantin_frontmatter`` and ``bantin_data``. The pure model is in :mod:`.model`;
this module only wires it to Pelican:

- ``ket_qua`` becomes a front-matter field; every problem the model finds is reported with the
  file, line and field path (``ket_qua.viec.ty_le``, ``ket_qua.don_vi[2].ten``).
- Each article with the block gets ``article.results``: the report with the statistical year's
  targets from ``content/data/chi_tieu.yml``. ``components/article_body.html`` places its tables.
- The statistics page and the open data files are written with the articles.

Settings (defaults in :data:`DEFAULT_SETTINGS`): ``BANTIN_KETQUA_SAVE_AS`` (the statistics
page), ``BANTIN_KETQUA_CSV_SAVE_AS`` and ``BANTIN_KETQUA_JSON_SAVE_AS`` (open data).
"""

from __future__ import annotations

import logging
import os
from itertools import chain

from pelican import signals

from bantin_core.problems import Problem, problem_log
from bantin_frontmatter.fields import BlockErrors, SubProblem, register_field
from bantin_frontmatter.reader import display_path

from .model import YearTargets, apply_targets, parse_results
from .opendata import result_rows, to_csv, to_json
from .placement import MARKER, count_markers, marker_lines, split_at_results
from .schema import RESULTS_DESCRIPTION
from .statistics import build_statistics
from .tables import group_columns, present_columns

logger = logging.getLogger(__name__)

DEFAULT_SETTINGS = {
    "BANTIN_KETQUA_SAVE_AS": "thong-ke/index.html",
    "BANTIN_KETQUA_CSV_SAVE_AS": "thong-ke/ket-qua.csv",
    "BANTIN_KETQUA_JSON_SAVE_AS": "thong-ke/ket-qua.json",
}

FIELD = "ket_qua"


def convert_results(value, ctx):
    """The ``ket_qua`` front-matter converter: the model's report, or every issue it found."""
    report, issues = parse_results(value)
    if issues:
        raise BlockErrors(
            [SubProblem(i.path, i.message, i.found, i.expected, i.hint) for i in issues]
        )
    return report


def add_field() -> None:
    """Make ``ket_qua`` a known front-matter field (before any file is read)."""
    register_field(FIELD, convert_results, "Kết quả thi hành án", **RESULTS_DESCRIPTION)


def add_filters(generator):
    """The filters ``components/results.html`` and ``article_body.html`` use."""
    generator.env.filters.update(
        bt_split_at_results=split_at_results,
        bt_columns=present_columns,
        bt_group_columns=group_columns,
    )
    # Templates (the home page's latest-results block) link the statistics section too.
    for name, value in DEFAULT_SETTINGS.items():
        generator.context.setdefault(name, generator.settings.get(name, value))


def _year_targets(generator) -> dict[int, YearTargets]:
    if "DATA" not in generator.context:
        # bantin_data not enabled: read content/data/ the same way it would.
        from bantin_data import add_data

        add_data(generator)
    return {
        year: YearTargets(target.viec, target.tien)
        for year, target in generator.context["DATA"].get("chi_tieu", {}).items()
    }


def _marker_problems(article, has_results: bool):
    # The raw HTML: ``article.content`` would resolve {filename} links before pages are read.
    count = count_markers(article._content)
    if count == 0 or (has_results and count == 1):
        return
    source = display_path(article.source_path)
    with open(article.source_path, encoding="utf-8-sig") as handle:
        lines = marker_lines(handle.read())
    if not has_results:
        yield Problem(
            source,
            lines[0] if lines else None,
            "",
            f"Bài có dòng {MARKER} (chỗ đặt bảng kết quả) nhưng không có khối ket_qua",
            hint=f"thêm khối ket_qua vào phần thông tin đầu bài, hoặc xóa dòng {MARKER}",
        )
    else:
        yield Problem(
            source,
            lines[1] if len(lines) > 1 else None,
            "",
            f"Bài có {count} dòng {MARKER}; bảng kết quả chỉ đặt được ở một chỗ",
            hint=f"giữ một dòng {MARKER}, xóa các dòng còn lại",
        )


def attach_results(generator):
    """Give every article with a ``ket_qua`` block its report with the year's targets.

    A new attribute, ``article.results``: the metadata (which Pelican's cache keeps) is not
    touched.
    """
    targets = _year_targets(generator)
    articles = chain(
        generator.articles,
        generator.translations,
        generator.hidden_articles,
        generator.hidden_translations,
        generator.drafts,
        generator.drafts_translations,
    )
    for article in articles:
        report = getattr(article, FIELD, None)
        if report is not None:
            article.results = apply_targets(report, targets)
        problem_log.extend(_marker_problems(article, report is not None))


def reject_pages(generator):
    """A page (Giới thiệu, Liên hệ) never shows results: say so instead of dropping the block."""
    for page in chain(generator.pages, generator.hidden_pages, generator.draft_pages):
        if getattr(page, FIELD, None) is not None:
            problem_log.report(
                Problem(
                    display_path(page.source_path),
                    None,
                    FIELD,
                    "Khối ket_qua chỉ dùng trong bài viết (thư mục articles/), "
                    "không dùng trong trang (pages/)",
                    hint="chuyển số liệu sang một bài viết, hoặc xóa khối ket_qua",
                )
            )


def _url(save_as: str) -> str:
    return save_as.removesuffix("index.html")


def _write_bytes(output_path: str, save_as: str, data: bytes) -> None:
    path = os.path.join(output_path, save_as)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)
    logger.info("[ket_qua] Writing %s", path)


def write_statistics(generator, writer):
    """The statistics page (every period, chart, units) and the open data files."""
    settings = {**DEFAULT_SETTINGS, **generator.settings}
    statistics = build_statistics(
        (article.url, article.title, article.results)
        for article in generator.articles
        if getattr(article, "results", None) is not None
    )
    page_save_as = settings["BANTIN_KETQUA_SAVE_AS"]
    csv_save_as = settings["BANTIN_KETQUA_CSV_SAVE_AS"]
    json_save_as = settings["BANTIN_KETQUA_JSON_SAVE_AS"]
    writer.write_file(
        page_save_as,
        generator.get_template("thong_ke"),
        generator.context,
        relative_urls=settings.get("RELATIVE_URLS", False),
        statistics=statistics,
        page_url=_url(page_save_as),
        csv_url=csv_save_as,
        json_url=json_save_as,
    )
    site_url = settings.get("PUBLIC_URL") or settings.get("SITEURL", "")
    rows = result_rows(statistics.entries, site_url)
    # An empty setting turns a file off, as with Pelican's own *_SAVE_AS settings.
    if csv_save_as:
        _write_bytes(generator.output_path, csv_save_as, to_csv(rows))
    if json_save_as:
        source = f"{site_url}/{_url(page_save_as)}"
        _write_bytes(generator.output_path, json_save_as, to_json(rows, source))


def register():
    add_field()
    signals.generator_init.connect(add_filters)
    signals.article_generator_finalized.connect(attach_results)
    signals.page_generator_finalized.connect(reject_pages)
    signals.article_writer_finalized.connect(write_statistics)
