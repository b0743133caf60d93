"""Every change the engine room makes to Pelican's behaviour, and its guard.

:data:`REPLACEMENTS` lists them: each is put in place only while ``BANTIN_ENGINE`` is on and
the installed Pelican is exactly :data:`WRITTEN_AGAINST` (otherwise a warning and Pelican's own
code); ``tests/test_pelican_fixes.py`` fails when the upstream source of any of them changes.
Each has a patch under docs/patches/ that could be offered upstream. Pelican's quadratic
functions, copied with one line changed, are in :mod:`.pelican_copies`; the wrappers here
call Pelican's own function and remember its result, or skip work that changes nothing.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.metadata
import logging
import os
import pickle
import re
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass

import pelican
from pelican import cache, contents, generators, utils

from bantin_core.files import pickle_atomically
from bantin_core.forked import Forked
from bantin_core.state import build_state

from . import output
from . import pelican_copies as copies
from .writer import URLS_FINAL, BantinWriter

logger = logging.getLogger("bantin")


_strftime = utils.strftime


@functools.lru_cache(maxsize=65536)
def _remembered_strftime(key, date, date_format):
    return _strftime(date, date_format)


_C89 = "aAbBcdfGHIjmMpSUuVwWxXyYzZ%"
_DIRECTIVE = re.compile("%[-]?.")


@functools.lru_cache(maxsize=256)
def _plain(date_format: str) -> bool:
    """Whether ``date_format`` has only C89 directives, none with ``-``."""
    return all(
        len(candidate) == 2 and candidate[-1] in _C89
        for candidate in _DIRECTIVE.findall(date_format)
    )


_ONE_FIELD = {
    "%Y": lambda date: str(date.year),
    "%m": lambda date: f"{date.month:02d}",
    "%d": lambda date: f"{date.day:02d}",
    "%Y-%m-%d": lambda date: f"{date.year}-{date.month:02d}-{date.day:02d}",
}


def strftime(date, date_format):
    """Pelican's ``strftime`` (used for every ``{date:%Y}`` in a URL setting), faster.

    Pelican formats each ``%`` directive on its own so that ``%-d`` can drop zeros, and leaves
    directives outside C89 as they are. A format with only C89 directives and no ``-`` is
    therefore exactly the date's own ``strftime``; others are remembered, keyed by the date's
    own fields and time zone (two aware datetimes that are the same instant compare equal but
    print different hours).
    """
    if _plain(date_format):
        # URL settings ({date:%Y}/{date:%m}/…) format one field at a time: the field itself,
        # as strftime writes it (years from 1000 on, where %Y has four digits everywhere).
        field = _ONE_FIELD.get(date_format)
        if field is not None and date.year >= 1000:
            return field(date)
        if isinstance(date, utils.SafeDatetime):
            # Remembered on the date itself (datetimes never change; pickling leaves the
            # attribute out): every URL setting formats each article's date again.
            formats = date.__dict__.get("_bantin_formats")
            if formats is None:
                formats = date.__dict__["_bantin_formats"] = {}
            value = formats.get(date_format)
            if value is None:
                value = formats[date_format] = date.strftime(date_format, safe=False)
            return value
        return date.strftime(date_format)
    try:
        key = (
            type(date),
            date.year,
            date.month,
            date.day,
            getattr(date, "hour", 0),
            getattr(date, "minute", 0),
            getattr(date, "second", 0),
            getattr(date, "microsecond", 0),
            getattr(date, "tzinfo", None),
            getattr(date, "fold", 0),
        )
        return _remembered_strftime(key, date, date_format)
    except TypeError:  # an unhashable time zone
        return _strftime(date, date_format)


_get_file_stamp = cache.FileStampDataCacher._get_file_stamp


def _remembered_file_stamp(self, filename):
    """A source file's stamp (its SHA-256) once per build, not four times.

    The cache object lives for one build (Pelican makes new readers for each), and the
    preread, the cache look-up and the cache store each asked for it again. Across builds,
    :class:`StatStamps` (one per build, in its state) keeps the stamp of files whose status did
    not change.
    """
    stamps = self.__dict__.setdefault("_bantin_stamps", {})
    try:
        return stamps[filename]
    except KeyError:
        stat_stamps = build_state(self.settings).setdefault(STAT_STAMPS, StatStamps())
        stamp = stamps[filename] = stat_stamps.stamp(self, filename)
        return stamp


class StatStamps:
    """Stamps of content files kept between builds while ``os.stat`` says the file is the same.

    Hashing every source file is ≈ 0.5 s of each rebuild at 8,000 articles. The key is the
    device, inode, size, modification time and change time; the change time is set by the
    kernel on every write, rename or ``touch`` and cannot be set back (``cp -p``, ``git
    checkout`` and editors all change it). Git's index trusts the same fields. A file changed
    less than :data:`SETTLE_NS` before it was hashed is not remembered: a second write within
    one tick of the file system's clock could keep the same times.

    Stored in ``CACHE_PATH/bantin-file-stamps-<method>.pickle``, only where Pelican's content
    cache is used (``make publish`` hashes every file).
    """

    SETTLE_NS = 2_000_000_000

    def __init__(self):
        self.path = None
        self.entries: dict = {}
        self.seen: set = set()
        self.changed = False

    def _load(self, path: str) -> None:
        """Read the stamps kept in ``path`` (named after the hash method)."""
        if self.path == path:
            return
        self.path, self.entries, self.seen, self.changed = path, {}, set(), False
        try:
            with open(path, "rb") as handle:
                entries = pickle.load(handle)
        except Exception:  # none yet, or unreadable: hash every file
            return
        if isinstance(entries, dict):
            self.entries = entries

    def stamp(self, cacher, filename):
        settings = cacher.settings
        method = settings.get("CHECK_MODIFIED_METHOD")
        use = settings.get("LOAD_CONTENT_CACHE") and settings.get("CACHE_CONTENT")
        if method == "mtime" or not use or not settings.get("CACHE_PATH"):
            return _get_file_stamp(cacher, filename)
        self._load(os.path.join(settings["CACHE_PATH"], f"bantin-file-stamps-{method}.pickle"))
        try:
            status = os.stat(filename)  # before hashing: a change meanwhile shows next time
        except OSError:
            return _get_file_stamp(cacher, filename)
        # One bytes object per file (status + digest): 8,000 tuples of ints held ≈ 4 MB.
        key = _STATUS.pack(
            status.st_dev,
            status.st_ino,
            status.st_size,
            status.st_mtime_ns,
            status.st_ctime_ns,
        )
        self.seen.add(filename)
        entry = self.entries.get(filename)
        if entry is not None and entry.startswith(key):
            return entry[_STATUS.size :]
        stamp = _get_file_stamp(cacher, filename)
        if isinstance(stamp, bytes) and time.time_ns() - status.st_ctime_ns > self.SETTLE_NS:
            self.entries[filename] = key + stamp
            self.changed = True
        elif entry is not None:
            del self.entries[filename]
            self.changed = True
        return stamp

    def save(self) -> None:
        """Write the stamps of the files this build looked at (end of a build)."""
        if self.path is None:
            return
        gone = self.entries.keys() - self.seen
        if gone:
            for filename in gone:
                del self.entries[filename]
            self.changed = True
        if self.changed:
            pickle_atomically(self.path, self.entries)


_STATUS = struct.Struct("<QQQqq")
#: Keys in the build's state: its :class:`StatStamps`, the caches being written in the
#: background (bantin_build waits for them when the build's output is done).
STAT_STAMPS = "bantin_build.stat_stamps"
CACHE_WRITERS = "bantin_build.cache_writers"


_relative_source_path = contents.Content.get_relative_source_path


def _remembered_relative_source_path(self, source_path=None):
    """``Content.get_relative_source_path()`` of the object's own file, once per file.

    Every URL setting expansion asks for it (two ``abspath`` and a ``relpath``: ≈ 1 s of a
    rebuild at 8,000 articles); it changes only with ``source_path``.
    """
    if source_path is not None:
        return _relative_source_path(self, source_path)
    own = self.source_path
    remembered = self.__dict__.get("_bantin_relative_source")
    if remembered is not None and remembered[0] == own:
        return remembered[1]
    value = _relative_to_content(own, self.settings.get("PATH")) or _relative_source_path(self)
    self.__dict__["_bantin_relative_source"] = (own, value)
    return value


@functools.lru_cache(maxsize=8)
def _content_root(path: str) -> str:
    return os.path.abspath(path)


def _relative_to_content(source: str | None, path: str | None) -> str | None:
    """What Pelican's ``relpath(abspath(join(PATH, source)), abspath(PATH))`` gives, by
    slicing, for an absolute, already normal ``source`` under PATH (every file Pelican reads);
    None otherwise."""
    if not source or not path or os.sep != "/" or not source.startswith("/"):
        return None
    root = _content_root(path)
    if (
        not source.startswith(root + "/")
        or "//" in source
        or "/./" in source
        or "/../" in source
        or source.endswith(("/", "/.", "/.."))
    ):
        return None
    return source[len(root) + 1 :]


_cache_data = cache.FileDataCacher.cache_data
_save_cache = cache.FileDataCacher.save_cache


def _cache_data_noting_change(self, filename, data):
    self.__dict__["_bantin_changed"] = True
    _cache_data(self, filename, data)


def _save_cache_if_changed(self):
    """Pelican writes its whole content cache after every build (0.4 s at 8,000 articles);
    a build that read no file anew leaves the file it loaded as it was. Otherwise the cache
    is written by a forked process (a snapshot of it) while the build goes on, to a temporary
    file renamed into place: a build stopped half-way never leaves half a cache."""
    path = getattr(self, "_cache_path", None)
    if not self.__dict__.get("_bantin_changed") and path and os.path.exists(path):
        return
    if not self._cache_data_policy:
        return
    if not path or not hasattr(os, "fork"):
        _save_cache(self)
        return
    writer = Forked([functools.partial(_write_cache, self, path)], "Saving a cache")
    build_state(self.settings).setdefault(CACHE_WRITERS, []).append(writer)


def _write_cache(cacher, path: str) -> str | None:
    """Write ``cacher``'s cache to ``path``; the reason it could not, or None."""
    temporary = f"{path}.tmp{os.getpid()}"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with cacher._cache_open(temporary, "wb") as handle:
            pickle.dump(cacher._cache, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except (OSError, pickle.PicklingError, TypeError) as error:
        with contextlib.suppress(OSError):
            os.remove(temporary)
        return f"{path}: {error}"
    return None


def wait_for_cache_writers(settings: dict) -> None:
    """End of the build: every cache written (a failure only warns, as in Pelican)."""
    for writer in build_state(settings).pop(CACHE_WRITERS, []):
        for problem in writer.wait():
            if problem:
                logger.warning("Không ghi được bộ nhớ đệm %s", problem)


_get_url_setting = contents.Content.get_url_setting


def _memoised_url_setting(self, key):
    """``Content.get_url_setting``, remembered per object once the writer has started
    (:data:`.writer.URLS_FINAL` in the build's context): metadata no longer change."""
    context = getattr(self, "_context", None)
    if not context or not context.get(URLS_FINAL):
        return _get_url_setting(self, key)
    cache = self.__dict__.get("_bantin_urls")
    if cache is None:
        cache = self.__dict__["_bantin_urls"] = {}
    try:
        return cache[key]
    except KeyError:
        value = cache[key] = _get_url_setting(self, key)
        return value


_generate_static_output = generators.StaticGenerator.generate_output


def _flush_then_copy_static(self, writer):
    """Render the queued pages before static files are copied (StaticGenerator runs last),
    then end the engine's work of the build (:func:`end_of_output`)."""
    if isinstance(writer, BantinWriter):
        writer.flush()
    _generate_static_output(self, writer)
    if isinstance(writer, BantinWriter):
        end_of_output(writer)


def end_of_output(writer: BantinWriter) -> None:
    """Every page written, the caches saved, the old output removed: done here, before any
    ``finalized`` receiver runs, so none of them depends on the order Pelican runs them in
    (bantin_core's verdict may end the build there)."""
    stat_stamps = build_state(writer.settings).pop(STAT_STAMPS, None)
    if stat_stamps is not None:
        stat_stamps.save()
    wait_for_cache_writers(writer.settings)
    output.wait(writer.settings)
    writer.prune_cache()
    logger.info(
        "Trang: %s dựng mới, %s không đổi (lấy lại từ lần dựng trước).",
        writer.stats["rendered"],
        writer.stats["reused"],
    )


# --- Every change to upstream behaviour, guarded by the version it was written against --------

#: Exact versions the changes below were written against (``importlib.metadata``).
WRITTEN_AGAINST = {"pelican": "4.12.0", "markdown": "3.11.3"}


@dataclass(frozen=True)
class Replacement:
    """``owner.name = replacement`` while the engine is on, for ``package`` at its
    :data:`WRITTEN_AGAINST` version only. ``patch``: the same change offered upstream
    (docs/patches/)."""

    owner: object
    name: str
    replacement: Callable
    package: str
    patch: str

    @property
    def path(self) -> str:
        module = getattr(self.owner, "__module__", None)
        if isinstance(self.owner, type):
            return f"{module}.{self.owner.__qualname__}.{self.name}"
        return f"{self.owner.__name__}.{self.name}"


_articles = generators.ArticlesGenerator
REPLACEMENTS = (
    Replacement(_articles, "_build_period_archives", copies._build_period_archives, "pelican",
                "pelican-period-archives.diff"),
    Replacement(_articles, "generate_tags", copies.generate_tags, "pelican",
                "pelican-group-pages.diff"),
    Replacement(_articles, "generate_categories", copies.generate_categories, "pelican",
                "pelican-group-pages.diff"),
    Replacement(_articles, "generate_authors", copies.generate_authors, "pelican",
                "pelican-group-pages.diff"),
    Replacement(generators, "process_translations", copies.process_translations, "pelican",
                "pelican-process-translations.diff"),
    Replacement(utils, "strftime", strftime, "pelican", "pelican-strftime.diff"),
    Replacement(contents.Content, "get_relative_source_path", _remembered_relative_source_path,
                "pelican", "pelican-relative-source-path.diff"),
    Replacement(contents.Content, "get_url_setting", _memoised_url_setting, "pelican",
                "pelican-url-setting.diff"),
    Replacement(cache.FileStampDataCacher, "_get_file_stamp", _remembered_file_stamp, "pelican",
                "pelican-file-stamps.diff"),
    Replacement(cache.FileDataCacher, "cache_data", _cache_data_noting_change, "pelican",
                "pelican-save-cache-if-changed.diff"),
    Replacement(cache.FileDataCacher, "save_cache", _save_cache_if_changed, "pelican",
                "pelican-save-cache-if-changed.diff"),
    Replacement(generators.StaticGenerator, "generate_output", _flush_then_copy_static,
                "pelican", "pelican-static-last.diff"),
    Replacement(pelican, "clean_output_dir", output.clean_output_dir, "pelican",
                "pelican-clean-output-in-background.diff"),
)  # fmt: skip
#: What each name held before any replacement (restored when the engine is off).
ORIGINALS = {(id(r.owner), r.name): getattr(r.owner, r.name) for r in REPLACEMENTS}


@functools.cache
def version_matches(package: str) -> bool:
    """Whether ``package`` is installed at exactly the version the changes were written
    against; if not, warns once (Vietnamese, then English) and the changes stay off."""
    wanted = WRITTEN_AGAINST[package]
    try:
        installed = importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        installed = "?"
    if installed == wanted:
        return True
    logger.warning(
        "[bantin_build] %s %s không phải bản %s mà các thay đổi tăng tốc được viết cho: bỏ qua "
        "chúng, trang vẫn dựng đúng như %s gốc, chỉ chậm hơn (xem docs/may-dong-co.md để nâng "
        "cấp). / %s %s is not %s, which the speed changes were written against: they are "
        "skipped; the site is built by plain %s, only slower.",
        package, installed, wanted, package, package, installed, wanted, package,
    )  # fmt: skip
    return False


def install() -> list[Replacement]:
    """Put every replacement whose package version matches in place; returns those."""
    applied = []
    for replacement in REPLACEMENTS:
        if version_matches(replacement.package):
            setattr(replacement.owner, replacement.name, replacement.replacement)
            applied.append(replacement)
        else:
            _restore(replacement)
    return applied


def uninstall() -> None:
    """Pelican's own code everywhere again (the engine is off)."""
    for replacement in REPLACEMENTS:
        _restore(replacement)


def _restore(replacement: Replacement) -> None:
    setattr(replacement.owner, replacement.name, ORIGINALS[id(replacement.owner), replacement.name])
