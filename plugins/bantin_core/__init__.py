"""What every Bantin build shares: the content problem log and the end-of-build verdict.

Enable it first in ``PLUGINS``. At the end of a build every problem is printed together, file by
file, in Vietnamese; the build then fails unless ``BANTIN_FAIL_ON_PROBLEMS`` is false (the live
preview keeps serving the valid pages and shows the problems instead).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import sys

from pelican import signals

from .problems import Problem, blocking, count_text, problem_log

logger = logging.getLogger("bantin")


class _PelicanErrorCollector(logging.Handler):
    """Pelican's own errors (a template that failed, an unreadable file) fail the build too."""

    def __init__(self):
        super().__init__(level=logging.ERROR)

    def emit(self, record):
        try:
            message = record.getMessage()
        except Exception:  # a malformed log call must not hide the error itself
            message = str(record.msg)
        problem_log.report(Problem("(Pelican)", None, "", message.splitlines()[0]))


_collector = _PelicanErrorCollector()


#: Files written ``status: draft`` in this build (as staff see their paths): every problem of
#: theirs, whichever plugin found it, is a draft's, listed and never blocking.
_draft_sources: set[str] = set()


def start_build(pelican):
    """A new build (the live preview runs many in one process): forget the last one's problems."""
    problem_log.clear()
    _draft_sources.clear()
    pelican_logger = logging.getLogger("pelican")
    if _collector not in pelican_logger.handlers:
        pelican_logger.addHandler(_collector)


def finish_build(pelican):
    """Print every problem together; write them as JSON; fail the build if asked."""
    settings = pelican.settings
    problems = _mark_drafts(problem_log.sorted())
    # The live preview runs many builds in one process; each reports only its own problems.
    problem_log.clear()
    report_path = settings.get("BANTIN_PROBLEMS_FILE")
    if report_path:
        os.makedirs(os.path.dirname(os.path.abspath(report_path)), exist_ok=True)
        with open(report_path, "w", encoding="utf-8") as handle:
            json.dump([p.as_dict() for p in problems], handle, ensure_ascii=False, indent=1)
    if not problems:
        return
    # Printed plainly, not through the log handler: Rich would wrap each message into a narrow
    # column, and staff copy these lines into their editor's "go to file:line".
    listing = "\n".join(f"- {p.format()}" for p in problems)
    print(f"\nCó {count_text(problems)}:\n{listing}\n", file=sys.stderr, flush=True)
    # A draft's problems are listed, never block the rest of the site.
    failing = blocking(problems)
    if failing and settings.get("BANTIN_FAIL_ON_PROBLEMS", True):
        logger.error(
            "Bản dựng KHÔNG đạt: %s lỗi (xem danh sách ở trên). Sửa rồi chạy lại.", len(failing)
        )
        raise SystemExit(1)
    if not failing:
        logger.warning("Chỉ bản nháp có lỗi (xem ở trên): các bài khác được dựng bình thường.")
        return
    logger.warning(
        "Có %s lỗi (xem ở trên): các bài không có lỗi vẫn được dựng, bài có lỗi chưa được đăng.",
        len(problems),
    )


def _mark_drafts(problems: list[Problem]) -> list[Problem]:
    marked = (
        dataclasses.replace(p, draft=True) if p.source in _draft_sources and not p.draft else p
        for p in problems
    )
    return list(dict.fromkeys(marked))


def note_draft(generator, metadata):
    """A draft with problems is not built (the reader's stub): its path comes in its metadata."""
    if metadata.get("bantin_draft") and metadata.get("bantin_source"):
        _draft_sources.add(metadata["bantin_source"])


def _note_items(items) -> None:
    from bantin_frontmatter.reader import PROBLEMS_KEY, display_path

    for item in items:
        # A built file's own problems (its body): reported again here (the log keeps one of
        # each), in case Pelican's content cache handed the file back without reading it.
        problem_log.extend(item.metadata.get(PROBLEMS_KEY, ()))
        if item.metadata.get("status") == "draft":
            _draft_sources.add(display_path(item.source_path))


def check_articles(generator):
    """The checks that compare articles with each other (``bantin_publish.sources``)."""
    from bantin_publish.sources import ARTICLE_LISTS, check_articles

    _note_items(item for name in ARTICLE_LISTS for item in getattr(generator, name, ()))
    check_articles(generator)


def check_pages(generator):
    """Pages against articles and the site's own pages; every text file and file name."""
    from bantin_publish.sources import PAGE_LISTS, check_pages

    _note_items(item for name in PAGE_LISTS for item in getattr(generator, name, ()))
    check_pages(generator)


def register():
    signals.initialized.connect(start_build)
    # The whole-site rules run inside every build: `make html` and the preview report what
    # `make check` and `make publish` report.
    signals.article_generator_context.connect(note_draft)
    signals.page_generator_context.connect(note_draft)
    signals.article_generator_pretaxonomy.connect(check_articles)
    signals.page_generator_finalized.connect(check_pages)
    signals.finalized.connect(finish_build)
