"""``make devserver``: the live preview. Build, serve the output, rebuild after every save.

    python -m bantin_editor.live CONTENT -o OUTPUT -s pelicanconf.py [-b HOST] [-p PORT]
        [--no-serve] -e BANTIN_PREVIEW=true …

Pelican's command-line options (its ``-e``, ``-s``, ``-o``, …). What differs from ``pelican
-lr`` (Pelican's autoreload), and why (issue 18 §5, measured in bench/preview_bench.py):

- **One file watcher for the whole session** (watchfiles, as Pelican uses), in place before
  the first build. Pelican starts a new watcher after each build, so a file saved while a build
  runs was never rebuilt; here it starts the next build as soon as this one ends.
- **The page is told at once.** ``/__preview/doi?build=ID&page=PATH`` (see ``preview.js``)
  answers when ``__preview/build.json`` names another build or stage, or after 20 s: a long
  poll instead of fetching the status every second. It also says which page is open.
- **The open page first.** The build gets the open pages (:class:`OpenPages`, in its settings
  under :data:`OPEN_KEY`); the plugin renders each as soon as everything it shows is known,
  writes it, and says so in the status (``"stage": "page"``) before the rest of the site
  (:func:`bantin_editor.write_open_pages`). Every other page waits, served only when the whole
  build is done: nothing served disagrees with its source. The build then waits (at most
  2 s) until the browser has reloaded the page and its script asks again: the browser has
  both cores to itself while it shows the change. Its styles and scripts are there: the
  preview keeps them between builds (:func:`keep_assets`).

Staff run it through ``make devserver``; ``make admin`` runs it with ``--no-serve`` next to
the editor's server.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import logging
import os
import queue
import sys
import threading
import time
import urllib.parse

from pelican import DEFAULT_LOG_HANDLER, get_instance, init_logging, parse_arguments
from pelican.server import ComplexHTTPRequestHandler
from pelican.utils import FileChangeFilter

from bantin_core.state import release_previous_build
from bantin_search.indexer import BUNDLE

from . import settle_status
from .preview import OPEN_KEY, PREVIEW_DIR, OpenPages, page_name

logger = logging.getLogger(__name__)

#: The long poll's address and how long it waits before answering «nothing new».
WAIT_PATH = "/__preview/doi"
WAIT_SECONDS = 20.0


def status_key(raw: bytes) -> str:
    """What a page compares: the build id and its stage (``build:stage``)."""
    try:
        status = json.loads(raw)
    except ValueError:
        return ""
    return f"{status.get('build', '')}:{status.get('stage', 'done')}"


class PreviewHandler(ComplexHTTPRequestHandler):
    """Pelican's handler (``/a/b`` → ``a/b.html`` …) plus the long poll; quiet for both."""

    pages: OpenPages

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path == WAIT_PATH:
            return self._wait(urllib.parse.parse_qs(url.query))
        self._hold(url.path)
        return super().do_GET()

    def do_HEAD(self):
        self._hold(urllib.parse.urlsplit(self.path).path)
        return super().do_HEAD()

    def _hold(self, path: str) -> None:
        """While a build runs, answer only for the open pages (written first) and files that
        are not pages and exist (the styles, the preview's script and status, photos); any
        other request waits for the end of the build: an old page would disagree with its
        source, a missing photo may be on its way."""
        deadline = time.monotonic() + 120
        name = page_name(path)
        while self.pages.building and time.monotonic() < deadline:
            if name in self.pages.fresh:
                return
            if not name.endswith(".html") and (self.pages.output / name).is_file():
                return
            self.pages.wait(0.5)

    def _wait(self, query: dict) -> None:
        known = query.get("build", [""])[0]
        opened = query.get("page", [])
        raw = self.pages.status()
        for page in opened:
            self.pages.visit(page)
            self.pages.asking(page, True, current=bool(raw) and status_key(raw) == known)
        try:
            self._answer(known, raw)
        finally:
            for page in opened:
                self.pages.asking(page, False)

    def _answer(self, known: str, raw: bytes) -> None:
        deadline = time.monotonic() + WAIT_SECONDS
        # No status while a build has just emptied the output folder: wait for the new one.
        while (not raw or status_key(raw) == known) and time.monotonic() < deadline:
            self.pages.wait(min(0.5, max(0.0, deadline - time.monotonic())))
            raw = self.pages.status()
        if not raw:
            self.send_response(204)  # still no status: the page asks again
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def send_head(self):
        # A page can change twice in a second: never «not modified» from a date in seconds
        # (the browser would keep the older page it has).
        del self.headers["If-Modified-Since"]
        return super().send_head()

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, msg_format, *args):
        pass  # one line per request would bury the build's messages


class PreviewServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # the page went away (reloaded, closed) while it waited: nothing to say
        super().handle_error(request, client_address)


def serve(pages: OpenPages, host: str, port: int) -> PreviewServer:
    handler = type("Handler", (PreviewHandler,), {"pages": pages, "base_path": str(pages.output)})
    server = PreviewServer((host, port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"Xem trước tại http://{host}:{port}/ — Ctrl-C để dừng.", flush=True)
    return server


def watched_paths(settings_file: str, settings: dict) -> list[str]:
    """What Pelican's autoreload watches: the settings file, the theme, the content."""
    content = settings.get("PATH", "")
    candidates = [settings_file, settings.get("THEME", ""), content]
    candidates += [os.path.join(content, p) for p in settings.get("STATIC_PATHS", [])]
    paths = {os.path.abspath(p) for p in candidates if p and os.path.exists(p)}
    # watchfiles watches folders recursively: a folder inside another is watched already.
    return sorted(p for p in paths if not any(p.startswith(q + os.sep) for q in paths))


def keep_assets(pelican) -> None:
    """Pelican empties the output folder at the start of each build (``DELETE_OUTPUT_DIRECTORY``)
    but for ``OUTPUT_RETENTION``; the theme's files come back only at the end. A page reloaded
    while a build runs (the open page, written first) would wait for its styles and scripts
    until then: the browser shows nothing new before its styles arrive. Kept from one preview
    build to the next: the theme's files (copied again by every build), the preview's script
    and status, the search index (the search page works while the next one is made)."""
    kept = (pelican.settings.get("THEME_STATIC_DIR", "theme"), PREVIEW_DIR, BUNDLE)
    retention = list(pelican.output_retention)
    pelican.output_retention = retention + [name for name in kept if name not in retention]


def build(pelican, pages: OpenPages | None) -> None:
    if pages is not None:
        pelican.settings[OPEN_KEY] = pages
        pages.start()
    try:
        pelican.run()
    except SystemExit as stop:  # the build's verdict (make html); the preview goes on
        logger.debug("build ended with %s", stop)
    except Exception as error:  # as Pelican's autoreload: say it, wait for the next save
        logger.warning("Lỗi khi dựng: %s", error, exc_info=pelican.settings.get("DEBUG"))
    finally:
        # Problems reported after the status was written (bantin_core.settle): into it too.
        try:
            settle_status(pelican)
        except Exception as error:
            logger.warning("Không cập nhật được danh sách lỗi: %s", error)
        if pages is not None:
            pages.finish()
        # While the preview waits for the next save, not at the start of the next build
        # (0.08 s of every rebuild at 2,000 articles).
        release_previous_build()


class Watcher:
    """One file watcher for the whole session, started before the first build: a file saved
    at any moment after start-up, during a build or between builds, is never missed. It runs
    in its own thread; :meth:`next_changes` returns everything saved since the last call."""

    def __init__(self, paths: list[str], ignore: set[str]):
        self._changes: queue.Queue[set[str]] = queue.Queue()
        self._stop = threading.Event()
        ready = threading.Event()
        thread = threading.Thread(
            target=self._run, args=(paths, ignore, ready), daemon=True, name="watcher"
        )
        thread.start()
        # watchfiles answers its first «nothing yet» once the watcher is in place.
        ready.wait(timeout=30)

    def _run(self, paths: list[str], ignore: set[str], ready: threading.Event) -> None:
        import watchfiles

        for changes in watchfiles.watch(
            *paths,
            watch_filter=FileChangeFilter(ignore_file_patterns=ignore),
            debounce=1600,
            step=20,
            rust_timeout=250,
            yield_on_timeout=True,
            stop_event=self._stop,
        ):
            ready.set()
            if changes:
                self._changes.put({path for _, path in changes})

    def next_changes(self) -> list[str]:
        """Wait for a save; return every path changed since the last call, sorted."""
        changed = set(self._changes.get())
        with contextlib.suppress(queue.Empty):
            while True:
                changed |= self._changes.get_nowait()
        return sorted(changed)

    def stop(self) -> None:
        self._stop.set()


def main(argv=None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    serving = "--no-serve" not in argv
    argv = [a for a in argv if a not in ("--no-serve", "-l", "-r", "--listen", "--autoreload")]
    args = parse_arguments(["-l", *argv] if serving else argv)
    init_logging(level=args.verbosity, fatal=args.fatal, handler=DEFAULT_LOG_HANDLER)
    pelican, settings = get_instance(args)
    keep_assets(pelican)
    pages = OpenPages(settings["OUTPUT_PATH"]) if serving else None
    server = (
        serve(pages, settings.get("BIND") or "127.0.0.1", settings.get("PORT") or 8000)
        if serving
        else None
    )
    settings_file = os.path.abspath(args.settings) if args.settings else ""
    watcher = Watcher(watched_paths(settings_file, settings), set(settings["IGNORE_FILES"]))
    try:
        build(pelican, pages)
        while True:
            changed = watcher.next_changes()
            if settings_file in changed:
                pelican, settings = get_instance(args)
                keep_assets(pelican)
            print(f"\nĐã lưu: {', '.join(changed)}. Dựng lại…", flush=True)
            build(pelican, pages)
    except KeyboardInterrupt:
        print("Đã dừng xem trước.", flush=True)
    finally:
        watcher.stop()
        if server is not None:
            with contextlib.suppress(Exception):
                server.shutdown()


if __name__ == "__main__":
    main()
