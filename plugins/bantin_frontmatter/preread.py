"""Read the Markdown files a build needs on every core before Pelican asks for them.

Pelican reads content one file at a time in ``generate_context``; YAML checks, Markdown and
the HTML sanitizer are a third of a cold build. When a generator is created, the files its
reader cache does not hold are read by forked worker processes (the reader, settings and
plugins are inherited, nothing is re-imported); Pelican's ``read_file`` then takes each
result from :attr:`BantinMarkdownReader.preread` instead of reading the file itself, so
signals, metadata processing and the content cache work exactly as before. Python's
multiprocessing is enough here; no library does this for Pelican.
"""

from __future__ import annotations

import logging
import multiprocessing
import os

from pelican.utils import file_suffix

from .reader import BantinMarkdownReader

#: Below this many files to read, starting workers costs more than it saves.
MINIMUM_FILES = 64
_reader: BantinMarkdownReader | None = None
logger = logging.getLogger(__name__)
# Page files read by the articles' workers, for the pages generator: path → result.
_pages_read: dict[str, tuple] = {}


def _read(path: str):
    return _reader.read(path)


def workers(settings) -> int:
    """Processes to read with; one (no workers) where processes cannot be forked."""
    if not hasattr(os, "fork"):
        return 1
    return max(1, int(settings.get("BANTIN_BUILD_WORKERS") or os.cpu_count() or 1))


def _markdown_files(generator, paths_key: str, excludes_key: str):
    """(absolute path, its BantinMarkdownReader) of the generator's Markdown files."""
    settings = generator.settings
    readers = generator.readers.readers
    for name in generator.get_files(settings[paths_key], exclude=settings[excludes_key]):
        path = os.path.abspath(os.path.join(generator.path, name))
        reader = readers.get(file_suffix(path))
        if isinstance(reader, BantinMarkdownReader):
            yield path, reader


def preread(generator, paths_key: str, excludes_key: str, pages: bool = False) -> None:
    """Read in parallel the files of ``generator`` that its reader cache does not hold.

    ``pages``: the page files too, when there are workers anyway (a site has a handful: alone
    they would be read by this process, which then keeps the HTML sanitizer's 1.5 MB)."""
    global _reader
    settings = generator.settings
    count = workers(settings)
    if count < 2:
        return
    files = list(_markdown_files(generator, paths_key, excludes_key))
    todo = [
        path
        for path, _ in files
        if generator.readers.get_cached_data(path, (None, None))[0] is None
    ]
    if len(todo) < MINIMUM_FILES:
        return
    reader = files[0][1]
    extra = []
    if pages:
        # The pages generator is not made yet: its cache cannot be asked, every page is read
        # (a build that reads this many articles has few pages cached). The same reader class
        # and settings read both: a file's kind comes from its path.
        taken = set(todo)
        extra = [
            path
            for path, _ in _markdown_files(generator, "PAGE_PATHS", "PAGE_EXCLUDES")
            if path not in taken
        ]
    _reader = reader
    try:
        with multiprocessing.get_context("fork").Pool(count) as pool:
            everything = todo + extra
            results = pool.map(_read, everything, chunksize=max(1, len(everything) // (count * 8)))
    finally:
        _reader = None
    reader.preread.update(zip(todo, results[: len(todo)], strict=True))
    _pages_read.update(zip(extra, results[len(todo) :], strict=True))
    logger.info(
        "[bantin_frontmatter] Đọc song song trên %d tiến trình: %d tệp, thêm %d trang.",
        count,
        len(todo),
        len(extra),
    )


def preread_articles(generator) -> None:
    _pages_read.clear()
    preread(generator, "ARTICLE_PATHS", "ARTICLE_EXCLUDES", pages=True)


def preread_pages(generator) -> None:
    if _pages_read:
        done = dict(_pages_read)
        _pages_read.clear()
        for path, reader in _markdown_files(generator, "PAGE_PATHS", "PAGE_EXCLUDES"):
            if path in done:
                reader.preread[path] = done[path]
        return
    preread(generator, "PAGE_PATHS", "PAGE_EXCLUDES")
