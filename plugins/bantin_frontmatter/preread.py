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

import multiprocessing
import os

from pelican.utils import file_suffix

from .reader import BantinMarkdownReader

#: Below this many files to read, starting workers costs more than it saves.
MINIMUM_FILES = 64
_reader: BantinMarkdownReader | None = None


def _read(path: str):
    return _reader.read(path)


def workers(settings) -> int:
    """Processes to read with; one (no workers) where processes cannot be forked."""
    if not hasattr(os, "fork"):
        return 1
    return max(1, int(settings.get("BANTIN_BUILD_WORKERS") or os.cpu_count() or 1))


def preread(generator, paths_key: str, excludes_key: str) -> None:
    """Read in parallel the files of ``generator`` that its reader cache does not hold."""
    global _reader
    settings = generator.settings
    count = workers(settings)
    if count < 2:
        return
    readers = generator.readers
    todo = []
    reader = None
    for name in generator.get_files(settings[paths_key], exclude=settings[excludes_key]):
        path = os.path.abspath(os.path.join(generator.path, name))
        candidate = readers.readers.get(file_suffix(path))
        if not isinstance(candidate, BantinMarkdownReader):
            continue
        reader = candidate
        if readers.get_cached_data(path, (None, None))[0] is None:
            todo.append(path)
    if reader is None or len(todo) < MINIMUM_FILES:
        return
    _reader = reader
    try:
        with multiprocessing.get_context("fork").Pool(count) as pool:
            results = pool.map(_read, todo, chunksize=max(1, len(todo) // (count * 8)))
    finally:
        _reader = None
    reader.preread.update(zip(todo, results, strict=True))


def preread_articles(generator) -> None:
    preread(generator, "ARTICLE_PATHS", "ARTICLE_EXCLUDES")


def preread_pages(generator) -> None:
    preread(generator, "PAGE_PATHS", "PAGE_EXCLUDES")
