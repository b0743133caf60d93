"""Read the Markdown files a build needs on every core before Pelican asks for them.

Pelican reads content one file at a time in ``generate_context``; YAML checks, Markdown and
the HTML sanitizer are a third of a cold build. When a generator is created, the files its
reader cache does not hold are read by forked worker processes (the reader, settings and
plugins are inherited, nothing is re-imported); Pelican's ``read_file`` then takes each
result from :attr:`BantinMarkdownReader.preread` instead of reading the file itself, so
signals, metadata processing and the content cache work exactly as before. The workers are
the engine room's (:class:`bantin_core.forked.Forked`): none while ``BANTIN_ENGINE`` is off.
"""

from __future__ import annotations

import functools
import logging
import os

from pelican.utils import file_suffix

from bantin_core.engine import workers
from bantin_core.forked import Forked
from bantin_frontmatter.reader import BantinMarkdownReader

#: Below this many files to read, starting workers costs more than it saves.
MINIMUM_FILES = 64
#: Where the articles' workers leave the page files they read, for the pages generator.
PAGES_READ = "bantin_pages_read"
logger = logging.getLogger(__name__)


def _read_all(reader: BantinMarkdownReader, paths: list[str]) -> list:
    """In a forked worker: each of ``paths`` read."""
    return [reader.read(path) for path in paths]


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
    they would be read by this process, which then keeps the HTML sanitizer's 1.5 MB); their
    results wait in the build's context (:data:`PAGES_READ`) for the pages generator."""
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
    everything = todo + extra
    # Every count-th file to each worker (neighbouring files are often alike in size).
    shares = [everything[index::count] for index in range(count)]
    parts = Forked([functools.partial(_read_all, reader, share) for share in shares], "Reading")
    results = {}
    for share, part in zip(shares, parts.wait(), strict=True):
        results.update(zip(share, part, strict=True))
    reader.preread.update((path, results[path]) for path in todo)
    generator.context[PAGES_READ] = {path: results[path] for path in extra}
    logger.info(
        "[bantin_build] Đọc song song trên %d tiến trình: %d tệp, thêm %d trang.",
        count,
        len(todo),
        len(extra),
    )


def preread_articles(generator) -> None:
    generator.context.pop(PAGES_READ, None)
    preread(generator, "ARTICLE_PATHS", "ARTICLE_EXCLUDES", pages=True)


def preread_pages(generator) -> None:
    done = generator.context.pop(PAGES_READ, None)
    if done:
        for path, reader in _markdown_files(generator, "PAGE_PATHS", "PAGE_EXCLUDES"):
            if path in done:
                reader.preread[path] = done[path]
        return
    preread(generator, "PAGE_PATHS", "PAGE_EXCLUDES")
