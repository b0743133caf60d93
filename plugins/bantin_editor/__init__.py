"""Writing without Git: the live preview, the web editor at /admin/, ``make new``, Word import.

Enable after ``bantin_core`` in ``PLUGINS``. It does nothing unless ``BANTIN_PREVIEW`` is true
(``make devserver`` and ``make admin`` set it; ``make publish`` never does). Then, after each
build, it writes into the output:

- ``__preview/build.json`` and ``__preview/preview.js``: the open page polls the first, reloads
  when a build finishes and shows every content problem as a banner (``components/preview.html``);
- an error page at the address of each file that could not be published, so the page being
  edited shows what to fix instead of "not found";
- ``__preview/ban-nhap/``: every draft and scheduled post with its date and problems (the same
  list as ``make drafts``), linked from the banner;
- ``admin/``: the Decap CMS editor (bundle built by ``make admin``) and its configuration.

It also prints how long each build took. The command-line tools are in :mod:`.scaffold`
(``make new``) and :mod:`.word` (``make import``), run through ``python -m bantin_editor``.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path

from pelican import signals

from bantin_core.problems import Problem, problem_log
from bantin_frontmatter.reader import DRAFT_KEY, PROBLEMS_KEY, display_path
from bantin_publish.drafts import DraftEntry, format_date, now_in, sort_entries

from .admin import write_admin
from .preview import (
    DRAFTS_PAGE,
    PREVIEW_DIR,
    STATUS_FILE,
    build_status,
    problems_by_output,
    templates,
)

HERE = Path(__file__).resolve().parent
_build = {"id": "", "started": 0.0}
# This build's drafts: Pelican's draft items, and files with problems that are drafts or
# scheduled (the reader's stubs: Pelican keeps no object for them).
_drafts: dict[str, list] = {"items": [], "stubs": []}


def _enabled(settings) -> bool:
    return bool(settings.get("BANTIN_PREVIEW"))


def start_build(pelican):
    """Each build (the devserver runs many in one process) gets an id and a start time."""
    _drafts["items"].clear()
    _drafts["stubs"].clear()
    if _enabled(pelican.settings):
        _build["started"] = time.perf_counter()
        _build["id"] = f"{time.time_ns():x}"


def note_stub(generator, metadata):
    """A file with problems that is a draft, or dated after today, goes on the drafts page."""
    if not _enabled(generator.settings) or metadata.get("status") != "skip":
        return
    date = metadata.get("bantin_date")
    if metadata.get(DRAFT_KEY) or (date is not None and date > now_in(generator.settings)):
        _drafts["stubs"].append(metadata)


def note_article_drafts(generator):
    if _enabled(generator.settings):
        _drafts["items"].extend([*generator.drafts, *generator.drafts_translations])


def note_page_drafts(generator):
    if _enabled(generator.settings):
        _drafts["items"].extend(getattr(generator, "draft_pages", ()))


def draft_entries(problems: list[dict], settings) -> list[DraftEntry]:
    """The drafts page's entries, from this build; each with its problems as the build lists
    them."""
    by_source: dict[str, list[Problem]] = {}
    for problem in problems:
        fields = {k: v for k, v in problem.items() if k != "text"}
        by_source.setdefault(problem["source"], []).append(Problem(**fields))
    entries = []
    for item in _drafts["items"]:
        source = display_path(item.source_path)
        date = getattr(item, "date", None)
        date = date.replace(tzinfo=None) if date is not None and date.year < 9999 else None
        scheduled = item.metadata.get("status") != "draft"
        entries.append(
            DraftEntry(
                source,
                str(item.title),
                date,
                scheduled,
                tuple(by_source.get(source, ())),
                item.url,
            )
        )
    for stub in _drafts["stubs"]:
        source = stub.get("bantin_source", "")
        entries.append(
            DraftEntry(
                source,
                str(stub.get("title", source)),
                stub.get("bantin_date"),
                not stub.get(DRAFT_KEY),
                tuple(by_source.get(source, stub.get(PROBLEMS_KEY, ()))),
            )
        )
    return sort_entries(entries)


def write_drafts_page(output: Path, entries: list[DraftEntry], settings) -> None:
    """``__preview/ban-nhap/index.html``: drafts and scheduled posts, their dates, problems."""
    target = output / DRAFTS_PAGE
    target.parent.mkdir(parents=True, exist_ok=True)
    root = "../" * DRAFTS_PAGE.count("/")
    html = (
        templates()
        .get_template("drafts.html")
        .render(entries=entries, root=root, settings=settings, format_date=format_date)
    )
    target.write_text(html, encoding="utf-8")


def _problems(settings) -> list[dict]:
    # bantin_core wrote them (it runs first) and cleared its log; read what it wrote.
    report = settings.get("BANTIN_PROBLEMS_FILE")
    if report and os.path.exists(report):
        with open(report, encoding="utf-8") as handle:
            return json.load(handle)
    return [p.as_dict() for p in problem_log.sorted()]


def write_error_pages(output: Path, problems: list[dict], settings) -> int:
    """An error page where each broken file would have been published; returns how many."""
    template = templates().get_template("preview_error.html")
    written = 0
    for save_as, file_problems in problems_by_output(problems, settings).items():
        target = output / save_as
        if target.exists():  # never hide a page that was built (two files, one address)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        root = "../" * save_as.count("/")
        html = template.render(
            problems=file_problems,
            source=file_problems[0]["source"],
            root=root,
            settings=settings,
        )
        target.write_text(html, encoding="utf-8")
        written += 1
    return written


def finish_build(pelican):
    """Write the build status, error pages and the editor; print the rebuild time."""
    settings = pelican.settings
    if not _enabled(settings):
        return
    output = Path(pelican.output_path)
    problems = _problems(settings)
    seconds = time.perf_counter() - _build["started"]
    status_dir = output / PREVIEW_DIR
    status_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(HERE / "static" / "preview.js", status_dir / "preview.js")
    write_error_pages(output, problems, settings)
    entries = draft_entries(problems, settings)
    write_drafts_page(output, entries, settings)
    write_admin(output, settings)
    # Written last: the browser reloads as soon as it sees the new id.
    (output / STATUS_FILE).write_bytes(
        build_status(_build["id"], seconds, problems, drafts=len(entries))
    )
    verdict = f"{len(problems)} lỗi, xem danh sách ở trên" if problems else "không có lỗi"
    duration = f"{seconds:.2f}".replace(".", ",")
    print(
        f"Xem trước: dựng lại xong trong {duration} giây ({verdict}).", file=sys.stderr, flush=True
    )


def register():
    signals.get_generators.connect(start_build)
    signals.article_generator_context.connect(note_stub)
    signals.page_generator_context.connect(note_stub)
    signals.article_generator_finalized.connect(note_article_drafts)
    signals.page_generator_finalized.connect(note_page_drafts)
    signals.finalized.connect(finish_build)
