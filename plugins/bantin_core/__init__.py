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

from .problems import Problem, problem_log

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
    files = len({p.source for p in problems})
    # Printed plainly, not through the log handler: Rich would wrap each message into a narrow
    # column, and staff copy these lines into their editor's "go to file:line".
    listing = "\n".join(f"- {p.format()}" for p in problems)
    print(f"\nCó {len(problems)} lỗi trong {files} tệp:\n{listing}\n", file=sys.stderr, flush=True)
    if settings.get("BANTIN_FAIL_ON_PROBLEMS", True):
        logger.error(
            "Bản dựng KHÔNG đạt: %s lỗi (xem danh sách ở trên). Sửa rồi chạy lại.", len(problems)
        )
        raise SystemExit(1)
    logger.warning(
        "Có %s lỗi (xem ở trên): các bài không có lỗi vẫn được dựng, bài có lỗi chưa được đăng.",
        len(problems),
    )


def register():
    signals.initialized.connect(start_build)
    signals.finalized.connect(finish_build)
