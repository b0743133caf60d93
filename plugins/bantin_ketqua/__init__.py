"""Results tables from the ``ket_qua`` front-matter block: validated figures, units, targets.

Enable after ``bantin_frontmatter`` and ``bantin_data``. The pure model is in :mod:`.model`;
this module only wires it to Pelican:

- ``ket_qua`` becomes a front-matter field; every problem the model finds is reported with the
  file, line and field path (``ket_qua.viec.ty_le``, ``ket_qua.don_vi[2].ten``).
- Each article with the block gets ``article.results``: the report with the statistical year's
  targets from ``content/data/chi_tieu.yml``. ``components/article_body.html`` places its tables.
- The statistics page and the open data files are written with the articles.
- Two published articles reporting the same period (same ``ky.tu`` and ``ky.den``) are a
  problem naming both, unless the newer says ``dinh_chinh: <slug of the older>`` (a
  correction, «đính chính»): then only the newer is in the statistics and open data, and both
  pages say so (``article.bt_correction``; see docs/huong-dan-ket-qua.md).

Settings (defaults in :mod:`.settings`): ``BANTIN_KETQUA_SAVE_AS`` (the statistics
page), ``BANTIN_KETQUA_CSV_SAVE_AS`` and ``BANTIN_KETQUA_JSON_SAVE_AS`` (open data).
"""

from __future__ import annotations

import logging
import os
from itertools import chain

from pelican import signals

from bantin_core.problems import FieldError, Problem, problem_log
from bantin_frontmatter.fields import _SLUG_PATTERN, convert_slug, register_field
from bantin_frontmatter.reader import LINES_KEY, display_path

from .model import YearTargets, apply_targets, parse_results
from .opendata import result_rows, to_csv, to_json
from .placement import MARKER, count_markers, marker_lines, split_at_results
from .schema import RESULTS_DESCRIPTION
from .settings import read as read_settings
from .statistics import build_statistics
from .tables import group_columns, present_columns

logger = logging.getLogger(__name__)

FIELD = "ket_qua"
CORRECTION = "dinh_chinh"


def convert_results(value, ctx):
    """The ``ket_qua`` front-matter converter: the model's report, or every problem it found."""
    report, problems = parse_results(value)
    if problems:
        raise FieldError(problems=problems)
    return report


def add_field() -> None:
    """Make ``ket_qua`` a known front-matter field (before any file is read)."""
    register_field(FIELD, convert_results, "Kết quả thi hành án", **RESULTS_DESCRIPTION)
    register_field(
        CORRECTION,
        convert_slug,
        "Đính chính bài",
        kinds=("article",),
        hint="slug của bài kết quả cũ mà bài này sửa số liệu (cùng kỳ báo cáo); bài cũ được "
        "giữ, trang Thống kê chỉ lấy số liệu của bài này",
        example="ket-qua-thi-hanh-an-5-thang-dau-nam-2021",
        pattern=_SLUG_PATTERN,
    )


def add_filters(generator):
    """The filters ``components/results.html`` and ``article_body.html`` use."""
    generator.env.filters.update(
        bt_split_at_results=split_at_results,
        bt_columns=present_columns,
        bt_group_columns=group_columns,
    )
    # Templates (the home page's latest-results block) link the statistics section too.
    generator.context.setdefault("BANTIN_KETQUA_SAVE_AS", read_settings(generator.settings).save_as)


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
    problem_log.extend(check_periods(generator))


def _is_draft(article) -> bool:
    return article.metadata.get("status") == "draft"


def _line(article, *fields) -> int | None:
    lines = article.metadata.get(LINES_KEY) or {}
    return next((lines[f] for f in fields if f in lines), None)


def _period(article) -> tuple:
    ky = article.results.ky
    return (ky.tu, ky.den)


def _period_text(article) -> str:
    tu, den = _period(article)
    return f"{tu:%d/%m/%Y} – {den:%d/%m/%Y}"


def check_periods(generator) -> list[Problem]:
    """Corrections (``dinh_chinh``) linked; two reports of one period without one: problems.

    Published (and hidden) articles are the statistics' entries. A draft or scheduled post
    is compared with them too, so the clash is known before it is published.
    """
    problems: list[Problem] = []
    published = [
        a
        for a in chain(generator.articles, generator.translations)
        if getattr(a, "results", None) is not None
    ]
    waiting = [
        a
        for a in chain(generator.drafts, generator.drafts_translations)
        if getattr(a, "results", None) is not None
    ]
    by_slug = {
        getattr(a, "slug", None): a
        for a in chain(
            generator.articles,
            generator.translations,
            generator.hidden_articles,
            generator.hidden_translations,
        )
    }
    corrected: dict[int, object] = {}  # id(older) -> the published article correcting it
    for article in chain(generator.articles, generator.translations, generator.hidden_articles):
        if article.metadata.get(CORRECTION):
            problems.extend(_link_correction(article, by_slug, corrected, publish=True))
    for article in chain(generator.drafts, generator.drafts_translations):
        if article.metadata.get(CORRECTION):
            problems.extend(_link_correction(article, by_slug, {}, publish=False))

    groups: dict[tuple, list] = {}
    for article in published:
        if id(article) not in corrected:
            groups.setdefault(_period(article), []).append(article)
    for articles in groups.values():
        if len(articles) < 2:
            continue
        for article in articles:
            others = [display_path(a.source_path) for a in articles if a is not article]
            problems.append(_duplicate(article, others, draft=False))
    for article in waiting:
        target = by_slug.get(article.metadata.get(CORRECTION) or "")
        clash = [
            display_path(a.source_path)
            for a in groups.get(_period(article), ())
            if a is not target and a is not article
        ]
        if clash:
            problems.append(_duplicate(article, clash, draft=_is_draft(article)))
    return problems


def _duplicate(article, others, draft: bool) -> Problem:
    return Problem(
        display_path(article.source_path),
        _line(article, "ket_qua.ky", FIELD),
        "ket_qua.ky",
        f"Kỳ báo cáo {_period_text(article)} trùng với bài {', '.join(others)}: trang Thống kê "
        "và tệp ket-qua.csv sẽ có hai dòng cho cùng một kỳ",
        hint="nếu bài mới sửa số liệu của bài cũ, thêm vào bài mới dòng «dinh_chinh: <slug "
        "của bài cũ>»; nếu ghi nhầm kỳ, sửa ket_qua.ky",
        draft=draft,
    )


def _link_correction(article, by_slug, corrected, publish: bool):
    """Check one ``dinh_chinh`` and, for a published article, link the two articles."""
    slug = article.metadata[CORRECTION]
    source = display_path(article.source_path)
    line = _line(article, CORRECTION)

    def problem(message, hint):
        return Problem(
            source, line, CORRECTION, message, found=slug, hint=hint, draft=_is_draft(article)
        )

    target = by_slug.get(slug)
    if getattr(article, "results", None) is None:
        yield problem(
            "Bài đính chính phải có khối ket_qua với số liệu đã sửa",
            "thêm khối ket_qua (cùng kỳ với bài được đính chính), hoặc xóa dòng dinh_chinh",
        )
    elif target is None or target is article or getattr(target, "results", None) is None:
        yield problem(
            "Không có bài kết quả nào đã đăng với slug này để đính chính",
            "ghi đúng slug của bài kết quả cũ (dòng slug: trong bài đó)",
        )
    elif _period(target) != _period(article):
        yield problem(
            f"Bài được đính chính báo cáo kỳ {_period_text(target)}, bài này kỳ "
            f"{_period_text(article)}: đính chính phải cùng một kỳ",
            "sửa ket_qua.ky cho cùng kỳ với bài cũ, hoặc xóa dòng dinh_chinh",
        )
    elif publish:
        corrected[id(target)] = article
        target.bt_corrected_by = article
        target.bt_correction = {
            "text": "Số liệu kỳ này đã được đính chính trong bài",
            "url": article.url,
            "title": article.title,
        }
        article.bt_correction = {
            "text": "Bài này đính chính số liệu của bài",
            "url": target.url,
            "title": target.title,
        }


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
    settings, own = generator.settings, read_settings(generator.settings)
    statistics = build_statistics(
        (article.url, article.title, article.results)
        for article in generator.articles
        if getattr(article, "results", None) is not None
        # A corrected report gives way to the article correcting it.
        and getattr(article, "bt_corrected_by", None) is None
    )
    page_save_as, csv_save_as, json_save_as = own.save_as, own.csv_save_as, own.json_save_as
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
