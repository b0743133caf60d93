"""What every Bantin build shares: the content problem log and the end-of-build verdict.

Enable it first in ``PLUGINS``. At the end of a build every problem is printed together, file by
file, in Vietnamese, and the build's verdict is recorded on the Pelican object
(:class:`Verdict`, :func:`verdict_of`): failed when a problem that is not a draft's was found and
``BANTIN_FAIL_ON_PROBLEMS`` is true (the live preview sets it false: it keeps serving the valid
pages and shows the problems instead).

The verdict becomes the exit status only once ``Pelican.run`` has returned, every ``finalized``
receiver having run: no receiver ends the process (Blinker calls receivers in the order they
were connected, so one that raised would skip every receiver connected after it). Nor does the
verdict depend on that order: a problem reported by a ``finalized`` receiver that ran after
:func:`finish_build` (a Pagefind that failed) is added by :func:`settle`, which the entry points
below call after ``Pelican.run`` returned (it prints it, rewrites the problem list and judges
again).

- ``pelican`` and ``python -m pelican``: pelicanconf.py sets ``PELICAN_CLASS`` (Pelican's own
  setting for this) to :class:`BantinPelican`, whose ``run`` ends, after Pelican's, by raising
  :class:`BuildFailed` (a ``SystemExit`` with status 1, which Pelican's command line lets
  through: no traceback) when the verdict failed.
- ``python -m bantin_build`` (``make html``) reads the verdict itself (:func:`exit_status`), so
  its status is right whatever class the settings name.
- ``python -m bantin_publish`` builds with ``BANTIN_FAIL_ON_PROBLEMS = False`` and judges the
  problem list the build wrote (``BANTIN_PROBLEMS_FILE``) with the output checks.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import sys

from pelican import Pelican, signals

from . import settings as core_settings
from . import state
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


#: The build state's key for the files written ``status: draft`` in this build (as staff see
#: their paths): every problem of theirs, whichever plugin found it, is a draft's, listed and
#: never blocking.
DRAFTS = "bantin_core.drafts"


@dataclasses.dataclass(frozen=True)
class Verdict:
    """How a build ended, judged by its content problems."""

    problems: tuple[Problem, ...] = ()
    #: The problems that are not drafts'.
    blocking: int = 0
    fail_on_problems: bool = True

    @property
    def failed(self) -> bool:
        return bool(self.blocking) and self.fail_on_problems

    @property
    def message(self) -> str:
        return f"Bản dựng KHÔNG đạt: {self.blocking} lỗi (xem danh sách ở trên). Sửa rồi chạy lại."


def verdict_of(pelican) -> Verdict | None:
    """The verdict of ``pelican``'s last build; None before it ended (or without this plugin)."""
    return getattr(pelican, "bantin_verdict", None)


def exit_status(pelican) -> int:
    """The exit status a command line should end with after ``pelican.run()`` returned."""
    verdict = settle(pelican)
    return 1 if verdict is not None and verdict.failed else 0


class BuildFailed(SystemExit):
    """The build found content problems and ``BANTIN_FAIL_ON_PROBLEMS`` is true.

    A ``SystemExit`` (status 1): Pelican's command line catches ``Exception`` and would print a
    traceback under the Vietnamese list; this passes through it as the exit status."""

    def __init__(self, verdict: Verdict):
        super().__init__(1)
        self.verdict = verdict


class BantinPelican(Pelican):
    """Pelican, whose ``run`` turns the build's verdict into its exit status.

    Named by ``PELICAN_CLASS`` in pelicanconf.py. Raising after ``Pelican.run`` returned, not
    in a receiver, means every ``finalized`` receiver has run (share cards in the output,
    workers ended, the editor's drafts list written) whatever order Blinker called them in.
    """

    def run(self):
        self.bantin_verdict = None  # the live preview runs many builds on one Pelican object
        super().run()
        verdict = settle(self)
        if verdict is not None and verdict.failed:
            logger.error("%s", verdict.message)  # the last line, after Pelican's summary
            raise BuildFailed(verdict)


def start_build(pelican):
    """A new build (the live preview runs many in one process): forget the last one's problems."""
    problem_log.clear()
    for name, message in core_settings.read(pelican.settings).errors:
        problem_log.report(Problem("pelicanconf.py", None, name, message))
    pelican_logger = logging.getLogger("pelican")
    if _collector not in pelican_logger.handlers:
        pelican_logger.addHandler(_collector)


def _judge(pelican, settling: bool) -> tuple[Verdict, list[Problem]]:
    """The verdict on every problem reported so far; and those the last verdict did not hold.
    The problem list is written at the end of the build, and again when settling added any."""
    settings = core_settings.read(pelican.settings)
    drafts = state.build_state(pelican.settings).get(DRAFTS, set())
    problems = _mark_drafts(problem_log.sorted(), drafts)
    verdict = Verdict(tuple(problems), len(blocking(problems)), settings.fail_on_problems)
    earlier = verdict_of(pelican)
    known = set(earlier.problems) if earlier is not None else set()
    pelican.bantin_verdict = verdict
    late = [p for p in problems if p not in known]
    if settings.problems_file and (not settling or late):  # settling: rewritten if it grew
        report_path = settings.problems_file
        os.makedirs(os.path.dirname(os.path.abspath(report_path)), exist_ok=True)
        with open(report_path, "w", encoding="utf-8") as handle:
            json.dump([p.as_dict() for p in problems], handle, ensure_ascii=False, indent=1)
    return verdict, late


def _print(problems: list[Problem], heading: str) -> None:
    # Printed plainly, not through the log handler: Rich would wrap each message into a narrow
    # column, and staff copy these lines into their editor's "go to file:line".
    listing = "\n".join(f"- {p.format()}" for p in problems)
    print(f"\n{heading}:\n{listing}\n", file=sys.stderr, flush=True)


def settle(pelican) -> Verdict | None:
    """The build's final verdict, once ``Pelican.run`` has returned: with the problems that
    ``finalized`` receivers running after :func:`finish_build` reported (printed here)."""
    if verdict_of(pelican) is None:  # this plugin did not judge: nothing to settle
        return None
    if getattr(pelican, "bantin_settled", False):  # settled already (BantinPelican.run)
        return verdict_of(pelican)
    verdict, late = _judge(pelican, settling=True)
    pelican.bantin_settled = True
    if late:
        _print(late, f"Sau khi dựng, thêm {count_text(late)}")
        if verdict.failed and not isinstance(pelican, BantinPelican):
            logger.error("%s", verdict.message)  # BantinPelican.run says it, as the last line
    # The live preview runs many builds in one process; each reports only its own problems.
    problem_log.clear()
    return verdict


def finish_build(pelican):
    """Print every problem together; write them as JSON; record the verdict on ``pelican``."""
    verdict, _ = _judge(pelican, settling=False)
    pelican.bantin_settled = False
    problems = list(verdict.problems)
    if not problems:
        return
    _print(problems, f"Có {count_text(problems)}")
    failing = blocking(problems)
    if verdict.failed:
        if not isinstance(pelican, BantinPelican):  # else said by its run, as the last line
            logger.error("%s", verdict.message)
        return
    if not failing:
        logger.warning("Chỉ bản nháp có lỗi (xem ở trên): các bài khác được dựng bình thường.")
        return
    logger.warning(
        "Có %s lỗi (xem ở trên): các bài không có lỗi vẫn được dựng, bài có lỗi chưa được đăng.",
        len(problems),
    )


def _mark_drafts(problems: list[Problem], drafts: set[str]) -> list[Problem]:
    marked = (
        dataclasses.replace(p, draft=True) if p.source in drafts and not p.draft else p
        for p in problems
    )
    return list(dict.fromkeys(marked))


def _drafts(holder: dict) -> set[str]:
    return state.build_state(holder).setdefault(DRAFTS, set())


def note_draft(generator, metadata):
    """A draft with problems is not built (the reader's stub): its path comes in its metadata."""
    if metadata.get("bantin_draft") and metadata.get("bantin_source"):
        _drafts(generator.settings).add(metadata["bantin_source"])


def _note_items(generator, lists) -> None:
    from bantin_frontmatter.reader import PROBLEMS_KEY, display_path

    for item in (item for name in lists for item in getattr(generator, name, ())):
        # A built file's own problems (its body): reported again here (the log keeps one of
        # each), in case Pelican's content cache handed the file back without reading it.
        problem_log.extend(item.metadata.get(PROBLEMS_KEY, ()))
        if item.metadata.get("status") == "draft":
            _drafts(generator.settings).add(display_path(item.source_path))


def check_articles(generator):
    """The checks that compare articles with each other (``bantin_publish.sources``)."""
    from bantin_publish.sources import ARTICLE_LISTS, check_articles

    _note_items(generator, ARTICLE_LISTS)
    check_articles(generator)


def check_pages(generator):
    """Pages against articles and the site's own pages; every text file and file name."""
    from bantin_publish.sources import PAGE_LISTS, check_pages

    _note_items(generator, PAGE_LISTS)
    check_pages(generator)


def register():
    state.connect()
    signals.initialized.connect(start_build)
    # The whole-site rules run inside every build: `make html` and the preview report what
    # `make check` and `make publish` report.
    signals.article_generator_context.connect(note_draft)
    signals.page_generator_context.connect(note_draft)
    signals.article_generator_pretaxonomy.connect(check_articles)
    signals.page_generator_finalized.connect(check_pages)
    signals.finalized.connect(finish_build)
