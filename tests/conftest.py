"""Shared test helpers: settings, building a site with the real `pelican` command."""

from __future__ import annotations

import contextlib
import functools
import gzip
import io
import os
import re
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SITES = Path(__file__).resolve().parent / "sites"
PELICANCONF = ROOT / "pelicanconf.py"


def get_settings(**overrides):
    """The project's pelicanconf settings with overrides (Pelican's own test habit)."""
    from pelican.settings import read_settings

    return read_settings(str(PELICANCONF), override=overrides)


def build_site(
    content: Path,
    output: Path,
    *extra: str,
    settings: Path = PELICANCONF,
    cache: Path | None = None,
):
    """Run `pelican` as staff do (a subprocess: signals and plugins start fresh each time).

    ``extra`` are more pelican arguments; ``-e KEY=VALUE`` settings in it are merged with the
    cache setting into one ``-e`` (pelican keeps only the last ``-e`` it is given).
    """
    overrides = [f'CACHE_PATH="{cache or Path(f"{output}.cache")}"']
    arguments = []
    for argument in extra:
        if argument in ("-e", "--extra-settings"):
            continue
        if re.match(r"^[A-Z][A-Z0-9_]*=", argument):  # a setting, with or without its -e
            overrides.append(argument)
        else:
            arguments.append(argument)
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
    command = [sys.executable, "-m", "pelican", str(content), "-o", str(output)]
    command += ["-s", str(settings), *arguments, "-e", *overrides]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)


@pytest.fixture(scope="session")
def basic_site(tmp_path_factory):
    """The fixture site tests/sites/basic built once per test session."""
    output = tmp_path_factory.mktemp("basic") / "output"
    result = build_site(SITES / "basic", output)
    assert result.returncode == 0, result.stdout + result.stderr
    return output


# --- Browser tests: Debian's chromium driven by Playwright (never `playwright install`) -------
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output readable
        pass


class _GzipHandler(_QuietHandler):
    """Text files gzipped on the wire, as nginx's gzip_static serves a published site."""

    TEXT = (".html", ".css", ".js", ".svg", ".json", ".xml", ".txt")

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.suffix in self.TEXT and path.is_file()):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 9, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


@contextlib.contextmanager
def serve_directory(directory: Path, *, gzip_text: bool = False):
    """Serve a built site on 127.0.0.1 (random free port); yields the base URL.

    ``gzip_text``: compress text files like the production server does (page weight tests).
    """
    handler_class = _GzipHandler if gzip_text else _QuietHandler
    handler = functools.partial(handler_class, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser():
    """One headless chromium for the session; tests open their own contexts and pages."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is missing: `make test` installs it (apt-get)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
