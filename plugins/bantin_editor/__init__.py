"""Writing without Git: the live preview, the web editor at /admin/, ``make new``, Word import.

Enable after ``bantin_core`` in ``PLUGINS``. It does nothing unless ``BANTIN_PREVIEW`` is true
(``make devserver`` and ``make admin`` set it; ``make publish`` never does). Then, after each
build, it writes into the output:

- ``__preview/build.json`` and ``__preview/preview.js``: the open page waits on the first (a
  long poll to :mod:`.live`, the preview's server), reloads when a build finishes and shows every
  content problem as a banner (``components/preview.html``);
- the page open in the browser first (:func:`write_open_pages`), when :mod:`.live` runs the
  build: its status then says ``"stage": "page"`` before the rest of the site is written;
- an error page at the address of each file that could not be published, so the page being
  edited shows what to fix instead of "not found";
- ``__preview/ban-nhap/``: every draft and scheduled post with its date and problems (the same
  list as ``make drafts``), linked from the banner;
- ``admin/``: the Decap CMS editor (bundle built by ``make admin``) and its configuration.

It also prints how long each build took. One build's state (its id, start, drafts) lives in
the build's state (:mod:`bantin_core.state`), under :data:`STATE_KEY`. The command-line tools
are in :mod:`.scaffold` (``make new``) and :mod:`.word` (``make import``), run through
``python -m bantin_editor``. ``make devserver`` runs the preview with :mod:`.live`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import itertools
import json
import shutil
import sys
import time
from pathlib import Path

from pelican import signals
from pelican.contents import Article
from pelican.utils import get_relative_path, path_to_url

import bantin_core
from bantin_core import state
from bantin_core.files import link_or_copy, write_atomically
from bantin_core.problems import Problem, problem_log
from bantin_frontmatter.reader import DRAFT_KEY, PROBLEMS_KEY, display_path
from bantin_publish.drafts import DraftEntry, format_date, now_in, sort_entries

from . import admin
from . import settings as editor_settings
from .preview import (
    DRAFTS_PAGE,
    OPEN_KEY,
    PREVIEW_DIR,
    STATUS_FILE,
    build_status,
    problems_by_output,
    templates,
)

HERE = Path(__file__).resolve().parent
#: This plugin's entry in the build's state (bantin_core.state).
STATE_KEY = "bantin_editor"
#: Where /admin/ is kept between builds (with a hash of what it is made of), in CACHE_PATH.
ADMIN_CACHE = "bantin-editor-admin"


@dataclasses.dataclass
class PreviewBuild:
    """One preview build: its id and start, its drafts (Pelican's draft items, and the files
    with problems that are drafts or scheduled: the reader's stubs, which Pelican keeps no
    object for), the open pages it wrote first."""

    id: str = dataclasses.field(default_factory=lambda: f"{time.time_ns():x}")
    started: float = dataclasses.field(default_factory=time.perf_counter)
    items: list = dataclasses.field(default_factory=list)
    stubs: list = dataclasses.field(default_factory=list)
    first: list = dataclasses.field(default_factory=list)
    first_at: int | None = None  # when they were written (ms since 1970)
    #: The open pages not written yet (None: the output has not started).
    waiting: set | None = None


def _enabled(settings) -> bool:
    return editor_settings.read(settings).preview


def _build(settings) -> PreviewBuild:
    """This build's :class:`PreviewBuild` (made by the first receiver that asks: the build's
    state is emptied when each build starts)."""
    return state.build_state(settings).setdefault(STATE_KEY, PreviewBuild())


def start_build(generator):
    """``generator_init``: the first generator of a build starts its clock and names it."""
    if _enabled(generator.settings):
        _build(generator.settings)


def note_stub(generator, metadata):
    """A file with problems that is a draft, or dated after today, goes on the drafts page."""
    # Per file read: the metadata is looked at first, the settings only for a stub.
    if metadata.get("status") != "skip" or not _enabled(generator.settings):
        return
    date = metadata.get("bantin_date")
    if metadata.get(DRAFT_KEY) or (date is not None and date > now_in(generator.settings)):
        _build(generator.settings).stubs.append(metadata)


def note_article_drafts(generator):
    if _enabled(generator.settings):
        _build(generator.settings).items.extend([*generator.drafts, *generator.drafts_translations])


def note_page_drafts(generator):
    if _enabled(generator.settings):
        _build(generator.settings).items.extend(getattr(generator, "draft_pages", ()))


# --- The open page first -----------------------------------------------------------------------
def write_open_pages(generator, content):
    """``article_generator_write_article`` / ``page_generator_write_page``: the first of a build
    renders and writes every article and page open in the preview (:mod:`.live`) now, as
    Pelican's writer would (same template, context and arguments), and tells the page, before
    the rest of the site is written. Everything the page shows is known by then: every file has
    been read (by the same reader, with the same checks) and every plugin has finished its
    content (``all_generators_finalized`` has been sent). The first, not the open page's own
    turn: at 2,000 articles the writer queued ≈ 1,000 others first (0.2 s). An open page the
    first could not see (a page's translation) is written at its own turn."""
    settings = generator.settings
    pages = settings.get(OPEN_KEY)
    if pages is None:
        return
    build = _build(settings)
    if build.waiting is None:
        build.waiting = set(pages.names()) if _enabled(settings) else set()
        found = [item for item in _contents(generator) if item.save_as in build.waiting]
        if found:
            # The pages whose browser waits to be told: it reloads them before the build goes on.
            reloading = pages.waiting(item.save_as for item in found)
            for item in found:
                _write_open(generator, item, pages, build)
            pages.wait_for_reload(reloading)
    # Sent for every article: Pelican's save_as formats a URL, asked only while one waits.
    if build.waiting and content.save_as in build.waiting:
        _write_open(generator, content, pages, build)


def _contents(generator):
    """The articles and pages known when the output starts, in the order Pelican writes them."""
    own = ("translations", "articles", "hidden_translations", "hidden_articles")
    own += ("pages", "hidden_pages", "draft_translations", "draft_pages")
    yield from itertools.chain.from_iterable(getattr(generator, name, ()) for name in own)
    if hasattr(generator, "articles"):  # the pages, from the context the generators share
        for name in ("pages", "hidden_pages", "draft_pages"):
            yield from generator.context.get(name, ())


def _write_open(generator, content, pages, build: PreviewBuild) -> None:
    settings = generator.settings
    name = content.save_as
    build.waiting.discard(name)
    kind = "article" if isinstance(content, Article) else "page"
    values = {kind: content, "url": content.url}
    if kind == "article":
        values.update(category=getattr(content, "category", None), blog=True)
    # Pelican's Writer.write_file and its _get_localcontext, without sending content_written
    # (the build's writer sends it when it writes the page again, with the same bytes).
    local = generator.context.copy()
    local["localsiteurl"] = local.get("localsiteurl", None)
    if settings.get("RELATIVE_URLS"):
        local["SITEURL"] = local["localsiteurl"] = path_to_url(get_relative_path(name))
    local["output_file"] = name
    local.update(values)
    html = generator.get_template(content.template).render(local).encode("utf-8")
    target = Path(generator.output_path) / name
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(str(target), html)
    build.first.append(name)
    build.first_at = int(time.time() * 1000)
    _write_status(generator.output_path, settings, build, _problems_so_far(settings), "page")
    pages.written(name)


def _problems_so_far(settings) -> list[dict]:
    """The problems reported until now, drafts' marked as bantin_core marks them (when the open
    page is written, every file has been read: the reader's problems are all there)."""
    drafts = state.build_state(settings).get(bantin_core.DRAFTS, set())
    marked = (
        dataclasses.replace(p, draft=True) if p.source in drafts and not p.draft else p
        for p in problem_log.sorted()
    )
    return [p.as_dict() for p in dict.fromkeys(marked)]


def _write_status(output, settings, build: PreviewBuild, problems, stage: str, drafts=0):
    """``__preview/build.json``, then the waiting pages are told (:mod:`.live`)."""
    (Path(output) / PREVIEW_DIR).mkdir(parents=True, exist_ok=True)
    seconds = time.perf_counter() - build.started
    status = build_status(
        build.id,
        seconds,
        problems,
        drafts=drafts,
        stage=stage,
        pages=build.first,
        pages_finished=build.first_at,
    )
    write_atomically(str(Path(output) / STATUS_FILE), status)
    pages = settings.get(OPEN_KEY)
    if pages is not None:
        pages.notify()


def draft_entries(problems: list[dict], build: PreviewBuild) -> list[DraftEntry]:
    """The drafts page's entries, from this build; each with its problems as the build lists
    them."""
    by_source: dict[str, list[Problem]] = {}
    for problem in problems:
        fields = {k: v for k, v in problem.items() if k != "text"}
        by_source.setdefault(problem["source"], []).append(Problem(**fields))
    entries = []
    for item in build.items:
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
    for stub in build.stubs:
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


def _problems(pelican) -> list[dict]:
    """Every problem of the build, as bantin_core judges it, whichever of its ``finalized``
    receiver and this one runs first: its verdict when it has judged (it then cleared its
    log), else its log as it will judge it."""
    verdict = bantin_core.verdict_of(pelican)
    if verdict is not None:
        return [p.as_dict() for p in verdict.problems]
    return _problems_so_far(pelican.settings)


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


def write_admin_if_changed(output: Path, settings) -> bool:
    """``/admin/`` (:func:`.admin.write_admin`: ≈ 1 s of YAML and Markdown at each build) made
    into ``CACHE_PATH/ADMIN_CACHE`` when what it is made of changed, then linked into
    ``output`` (emptied by each preview build); True when it was made again."""
    digest = hashlib.sha256()
    digest.update(json.dumps(admin.editor_config(settings), sort_keys=True, default=str).encode())
    sources = [admin.ADMIN_SOURCE / "index.html", editor_settings.read(settings).admin_bundle]
    sources += sorted(admin.GUIDES.glob("huong-dan-*.md"))
    sources += sorted((HERE / "templates").glob("*.html"))
    for source in sources:
        with contextlib.suppress(OSError):
            stat = source.stat()
            digest.update(f"{source}:{stat.st_mtime_ns}:{stat.st_size}".encode())
    key = digest.hexdigest()
    store = Path(settings.get("CACHE_PATH") or output / PREVIEW_DIR) / ADMIN_CACHE
    made = True
    with contextlib.suppress(OSError):
        made = (store / "key").read_text() != key or not (store / "admin/config.yml").exists()
    if made:
        shutil.rmtree(store, ignore_errors=True)
        admin.write_admin(store, settings)
        (store / "key").write_text(key)
    for source in (store / "admin").rglob("*"):
        if source.is_file():
            link_or_copy(str(source), str(output / source.relative_to(store)))
    return made


def finish_build(pelican):
    """Write the error pages, drafts page and build status (the page reloads), then the
    editor; print the rebuild time."""
    settings = pelican.settings
    if not _enabled(settings):
        return
    build = _build(settings)
    output = Path(pelican.output_path)
    problems = _problems(pelican)
    (output / PREVIEW_DIR).mkdir(parents=True, exist_ok=True)
    script = output / PREVIEW_DIR / "preview.js"
    source = HERE / "static" / "preview.js"
    if not script.exists() or script.read_bytes() != source.read_bytes():
        shutil.copyfile(source, script)
    write_error_pages(output, problems, settings)
    entries = draft_entries(problems, build)
    write_drafts_page(output, entries, settings)
    # The status after every page it speaks of: the browser reloads as soon as it sees it.
    _write_status(output, settings, build, problems, "done", drafts=len(entries))
    pages = settings.get(OPEN_KEY)
    if pages is not None:
        pages.finish()  # every page is written: the server may serve any
    seconds = time.perf_counter() - build.started
    write_admin_if_changed(output, settings)
    verdict = f"{len(problems)} lỗi, xem danh sách ở trên" if problems else "không có lỗi"
    duration = f"{seconds:.2f}".replace(".", ",")
    print(
        f"Xem trước: dựng lại xong trong {duration} giây ({verdict}).", file=sys.stderr, flush=True
    )


def settle_status(pelican) -> bool:
    """After ``pelican.run()`` returned (:mod:`.live`): problems that ``finalized`` receivers
    reported after this plugin wrote the status (a failing Pagefind) join its list, as
    ``bantin_core.settle`` adds them to the build's verdict. True when the status changed."""
    verdict = bantin_core.verdict_of(pelican)
    path = Path(pelican.output_path) / STATUS_FILE
    if verdict is None or not _enabled(pelican.settings) or not path.exists():
        return False
    status = json.loads(path.read_text(encoding="utf-8"))
    problems = [p.as_dict() for p in verdict.problems]
    if status.get("problems") == problems:
        return False
    status["problems"] = problems
    write_atomically(str(path), json.dumps(status, ensure_ascii=False, indent=1).encode("utf-8"))
    pages = pelican.settings.get(OPEN_KEY)
    if pages is not None:
        pages.notify()
    return True


def register():
    state.connect()
    signals.generator_init.connect(start_build)
    signals.article_generator_context.connect(note_stub)
    signals.page_generator_context.connect(note_stub)
    signals.article_generator_finalized.connect(note_article_drafts)
    signals.page_generator_finalized.connect(note_page_drafts)
    signals.article_generator_write_article.connect(write_open_pages)
    signals.page_generator_write_page.connect(write_open_pages)
    signals.finalized.connect(finish_build)
