"""What every Bantin build shares: the content problem log and the end-of-build verdict.

Enable it first in ``PLUGINS``. At the end of a build every problem is printed together, file by
file, in Vietnamese; the build then fails unless ``BANTIN_FAIL_ON_PROBLEMS`` is false (the live
preview keeps serving the valid pages and shows the problems instead).
"""

from __future__ import annotations

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


def start_build(pelican):
    """A new build (the live preview runs many in one process): forget the last one's problems."""
    problem_log.clear()
    pelican_logger = logging.getLogger("pelican")
    if _collector not in pelican_logger.handlers:
        pelican_logger.addHandler(_collector)


def finish_build(pelican):
    """Print every problem together; write them as JSON; fail the build if asked."""
    settings = pelican.settings
    problems = problem_log.sorted()
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


def check_articles(generator):
    """The checks that compare articles with each other (``bantin_publish.sources``)."""
    from bantin_publish.sources import check_articles

    check_articles(generator)


def check_pages(generator):
    """Pages against articles and the site's own pages; every text file and file name."""
    from bantin_publish.sources import check_pages

    check_pages(generator)


def register():
    signals.initialized.connect(start_build)
    # The whole-site rules run inside every build: `make html` and the preview report what
    # `make check` and `make publish` report.
    signals.article_generator_pretaxonomy.connect(check_articles)
    signals.page_generator_finalized.connect(check_pages)
    signals.finalized.connect(finish_build)
