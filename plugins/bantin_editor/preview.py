"""The live preview's pieces that need no Pelican: build status, where a broken file would go.

``make devserver`` sets ``BANTIN_PREVIEW``; after every build the plugin writes
``__preview/build.json`` (a build id and every content problem) into the output. The page's
``preview.js`` polls it, reloads when the id changes, and shows the problems as a banner.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from bantin_frontmatter.body import MARKDOWN_SUFFIXES
from bantin_frontmatter.loader import parse_front_matter
from bantin_frontmatter.reader import display_path
from bantin_publish.sources import ContentFile, content_kind, planned_output

TEMPLATES = Path(__file__).resolve().parent / "templates"
PREVIEW_DIR = "__preview"
STATUS_FILE = f"{PREVIEW_DIR}/build.json"
DRAFTS_PAGE = f"{PREVIEW_DIR}/ban-nhap/index.html"
#: A page not heard from for this long is no longer open.
OPEN_FOR = 60.0
#: How long a build waits for an open page, written first, to be reloaded in the browser.
RELOAD_WAIT = 2.0
#: Where the build finds the pages open in the preview (:class:`OpenPages`): a key of the
#: settings (so of the build's context), not a setting (no BANTIN_ prefix, a dot: nobody sets
#: it, no template names it).
OPEN_KEY = "bantin_editor.open"


def build_status(
    build_id: str,
    seconds: float,
    problems: list[dict],
    drafts: int = 0,
    stage: str = "done",
    pages: list[str] = (),
    pages_finished: int | None = None,
) -> bytes:
    """The JSON the browser polls: which build this is, how long it took, what is wrong,
    how many drafts and scheduled posts the drafts page lists.

    ``stage``: ``"page"`` when only the open ``pages`` (output paths) are written yet, with
    the problems found so far; ``"done"`` when the whole site is, with all its problems.
    ``pages_finished`` (ms since 1970): when the open pages were written."""
    # "finished" (ms since 1970): a page requested before it may predate the build (preview.js).
    status = {
        "build": build_id,
        "finished": int(time.time() * 1000),
        "seconds": round(seconds, 2),
        "problems": problems,
        "drafts": drafts,
        "drafts_url": DRAFTS_PAGE.removesuffix("index.html"),
        "stage": stage,
        "pages": list(pages),
        "pages_finished": pages_finished,
    }
    return json.dumps(status, ensure_ascii=False, indent=1).encode("utf-8")


def page_name(url_path: str) -> str:
    """The output path a page's address is served from (``/a/b/`` → ``a/b/index.html``)."""
    name = url_path.lstrip("/")
    return name + "index.html" if not name or name.endswith("/") else name


class OpenPages:
    """The pages open in a browser now (output paths, ``2021/03/slug/index.html``), and the
    build's progress the server waits on. Shared by the server's threads and the build."""

    def __init__(self, output: str):
        self.output = Path(output)
        self._seen: dict[str, float] = {}
        self._changed = threading.Condition()
        self.building = False
        #: The open pages this build has written already (the rest of the site is not yet).
        self.fresh: set[str] = set()
        self._asking: dict[str, int] = {}  # page → its long polls waiting now
        self._back: set[str] = set()  # fresh pages whose browser asked again since

    def __repr__(self) -> str:  # constant: the page cache hashes the settings' text
        return "OpenPages()"

    def __reduce__(self):  # Pelican's content cache pickles settings: never the live state
        return (_empty_pages, ())

    def visit(self, url_path: str) -> None:
        with self._changed:
            self._seen[page_name(url_path)] = time.monotonic()

    def asking(self, url_path: str, waiting: bool, current: bool = False) -> None:
        """A page's long poll starts (``waiting``) or ends. ``current``: it already knows the
        status now written: after a written-first page, its reload has run its scripts."""
        name = page_name(url_path)
        with self._changed:
            self._asking[name] = self._asking.get(name, 0) + (1 if waiting else -1)
            if waiting and current and name in self.fresh:
                self._back.add(name)
                self._changed.notify_all()

    def waiting(self, names) -> set[str]:
        """Which of ``names`` a browser is waiting on now (it will reload when told)."""
        with self._changed:
            return {name for name in names if self._asking.get(name, 0) > 0}

    def wait_for_reload(self, names: set[str], timeout: float = RELOAD_WAIT) -> set[str]:
        """Until every page of ``names`` has been reloaded (its script asks again), at most
        ``timeout`` s: the rest of the build waits, so the browser has the cores to itself
        while it shows the page saved («the page being viewed first, the rest after the
        reload»). Returns the pages that came back."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not names <= self._back and time.monotonic() < deadline:
                self._changed.wait(max(0.0, deadline - time.monotonic()))
            return names & self._back

    def names(self) -> frozenset[str]:
        """The output paths of the pages open now."""
        now = time.monotonic()
        with self._changed:
            return frozenset(n for n, t in self._seen.items() if now - t < OPEN_FOR)

    def start(self) -> None:
        with self._changed:
            self.building = True
            self.fresh = set()
            self._back = set()

    def written(self, name: str) -> None:
        """The build wrote the open page ``name``: it may be served before the build ends."""
        with self._changed:
            self.fresh.add(name)
            self._changed.notify_all()

    def finish(self) -> None:
        with self._changed:
            self.building = False
            self._changed.notify_all()

    def notify(self) -> None:
        """The status changed (a build or its open page finished): answer the waiting pages."""
        with self._changed:
            self._changed.notify_all()

    def wait(self, timeout: float) -> None:
        with self._changed:
            self._changed.wait(timeout)

    def status(self) -> bytes:
        try:
            return (self.output / STATUS_FILE).read_bytes()
        except OSError:
            return b""


def _empty_pages() -> OpenPages:
    # Here, not in live.py: that runs as __main__, which a pickle cannot name in another process.
    return OpenPages("")


def intended_output(path: Path, settings: dict) -> str | None:
    """Where a content file with problems would have been written (None: cannot tell).

    The front-matter is read without the field checks, which is enough to place the file when
    its slug and date are readable; a file whose YAML does not parse has no known address.
    """
    content = Path(settings["PATH"]).resolve()
    path = path.resolve()
    if content not in path.parents or path.suffix not in MARKDOWN_SUFFIXES:
        return None
    kind = content_kind(path, content, settings)
    if kind is None:
        return None
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    front, _ = parse_front_matter(text)
    if front is None:
        return None
    data = dict(front.data)
    # A file with problems is not published; its address is where it would have gone.
    data.pop("save_as", None)
    item = ContentFile(path, display_path(str(path)), kind, data, front.lines, "", 0)
    try:
        return planned_output(item, settings)
    except Exception:  # a value too broken to format (e.g. a category that is a list)
        return None


def problems_by_output(problems: list[dict], settings: dict) -> dict[str, list[dict]]:
    """Output path → the problems of the file that should be there."""
    pages: dict[str, list[dict]] = {}
    for problem in problems:
        source = problem.get("source") or ""
        if not source or source.startswith("("):
            continue
        target = intended_output(Path(source), settings)
        if target:
            pages.setdefault(target, []).append(problem)
    return pages


def templates() -> Environment:
    """The plugin's own page templates (error page, staff guide): preview-only pages."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
