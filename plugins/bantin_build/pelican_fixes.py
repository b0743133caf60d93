"""Pelican 4.12 code that is quadratic in the number of articles, made linear.

Pelican finds the articles of each tag, category, author and period archive with
``[a for a in all_articles if a in group]``, a list membership test per article per group:
at 8,000 articles that is ≈ 4 s of every build (build_bench profile), growing with the square
of the site. ``process_translations`` does the same once per generator. Content objects compare
by identity (``Content`` defines no ``__eq__``), so a set of ``id()`` gives the same answer.

The functions below are Pelican's own, with only those membership tests changed; results,
order and signals are identical. Remove this module when Pelican fixes it upstream.

Pelican's ``strftime`` (its ``%-d`` support) parses the format with regular expressions on
each of the ≈ 80,000 date formats of URL settings at 8,000 articles; it is remembered here.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime
import functools
import logging
import os
import pickle
import re
import struct
import time
from collections import defaultdict
from itertools import groupby
from operator import attrgetter

from pelican import cache, contents, generators, utils
from pelican.writers import FileOverwriteFailedError

from bantin_core.files import pickle_atomically
from bantin_core.forked import Forked

logger = logging.getLogger("pelican.generators")


def _members(group) -> set[int]:
    return {id(item) for item in group}


_positions: dict = {"of": None, "length": -1, "positions": {}}


def _in_order(items: list, group) -> list:
    """``[item for item in items if item in group]`` for many small groups of one long list:
    each group sorted by its members' positions in ``items`` (8,000 × 150 tags otherwise).
    The positions are kept for the last list (held, so its id is not reused; Pelican does not
    change its lists of articles once they are made)."""
    if _positions["of"] is not items or _positions["length"] != len(items):
        _positions.update(
            of=items, length=len(items), positions={id(item): i for i, item in enumerate(items)}
        )
    positions = _positions["positions"]
    found = {positions[id(item)]: item for item in group if id(item) in positions}
    return [found[index] for index in sorted(found)]


PELICAN_BUILD_PERIOD_ARCHIVES = generators.ArticlesGenerator._build_period_archives


def _build_period_archives(self, sorted_articles, articles, settings):
    """Pelican's ``ArticlesGenerator._build_period_archives``, each period's articles found
    by position (Pelican tested every article against every period's list)."""
    period_archives = defaultdict(list)
    period_archives_settings = {
        "year": {"save_as": settings["YEAR_ARCHIVE_SAVE_AS"], "url": settings["YEAR_ARCHIVE_URL"]},
        "month": {
            "save_as": settings["MONTH_ARCHIVE_SAVE_AS"],
            "url": settings["MONTH_ARCHIVE_URL"],
        },
        "day": {"save_as": settings["DAY_ARCHIVE_SAVE_AS"], "url": settings["DAY_ARCHIVE_URL"]},
    }
    granularity_key_func = {
        "year": attrgetter("date.year"),
        "month": attrgetter("date.year", "date.month"),
        "day": attrgetter("date.year", "date.month", "date.day"),
    }
    for granularity in "year", "month", "day":
        save_as_fmt = period_archives_settings[granularity]["save_as"]
        url_fmt = period_archives_settings[granularity]["url"]
        key_func = granularity_key_func[granularity]
        if not save_as_fmt:
            continue
        for period, group in groupby(sorted_articles, key=key_func):
            archive = {}
            dates = list(group)
            archive["dates"] = dates
            archive["articles"] = _in_order(articles, dates)
            d = dates[0].date
            archive["save_as"] = save_as_fmt.format(date=d)
            archive["url"] = url_fmt.format(date=d)
            if granularity == "year":
                archive["period"] = (period,)
                archive["period_num"] = (period,)
            else:
                month_name = calendar.month_name[period[1]]
                if granularity == "month":
                    archive["period"] = (period[0], month_name)
                else:
                    archive["period"] = (period[0], month_name, period[2])
                archive["period_num"] = tuple(period)
            period_archives[granularity].append(archive)
    return period_archives


def _write_groups(self, write, groups, kind: str) -> None:
    """Pelican's ``generate_tags`` / ``generate_categories`` / ``generate_authors``."""
    template = self.get_template(kind)
    for group, articles in groups:
        if not group.save_as:  # e.g. AUTHOR_SAVE_AS = "": Pelican sorted them for nothing
            continue
        dates = _in_order(self.dates, articles)
        try:
            write(
                group.save_as,
                template,
                self.context,
                url=group.url,
                **{kind: group},
                articles=articles,
                dates=dates,
                template_name=kind,
                blog=True,
                page_name=group.page_name,
                all_articles=self.articles,
            )
        except FileOverwriteFailedError:
            if not group.slug:
                logger.info(
                    '%s "%s" has an invalid slug; skipping writing %s page...',
                    kind.capitalize(),
                    group,
                    kind,
                    extra={"limit_msg": f"Further {kind}s with invalid slugs."},
                )
                continue
            logger.error('Failed to write %s page for "%s".', kind.capitalize(), group)
            raise


def generate_tags(self, write):
    _write_groups(self, write, self.tags.items(), "tag")


def generate_categories(self, write):
    _write_groups(self, write, self.categories, "category")


def generate_authors(self, write):
    _write_groups(self, write, self.authors, "author")


_original_process_translations = utils.process_translations


def process_translations(content_list, translation_id=None):
    """Pelican's ``process_translations`` with the last, quadratic step made linear."""
    if not translation_id:
        return content_list, []
    if isinstance(translation_id, str):
        translation_id = {translation_id}
    index = []
    try:
        content_list.sort(key=attrgetter(*translation_id))
    except TypeError:
        raise TypeError(
            f"Cannot unpack {translation_id}, 'translation_id' must be falsy, a"
            " string or a collection of strings"
        ) from None
    except AttributeError:
        raise AttributeError(
            f"Cannot use {translation_id} as 'translation_id', there "
            "appear to be items without these metadata "
            "attributes"
        ) from None
    for id_vals, items in groupby(content_list, attrgetter(*translation_id)):
        id_vals = (id_vals,) if len(translation_id) == 1 else id_vals
        with_str = "with" + ", ".join([' {} "{{}}"'] * len(translation_id)).format(
            *translation_id
        ).format(*id_vals)
        items = list(items)
        original_items = utils.get_original_items(items, with_str)
        index.extend(original_items)
        for a in items:
            a.translations = [x for x in items if x != a]
    originals = _members(index)
    translations = [x for x in content_list if id(x) not in originals]
    return index, translations


_strftime = utils.strftime


@functools.lru_cache(maxsize=65536)
def _remembered_strftime(key, date, date_format):
    return _strftime(date, date_format)


_C89 = "aAbBcdfGHIjmMpSUuVwWxXyYzZ%"
_DIRECTIVE = re.compile("%[-]?.")
_plain_formats: dict[str, bool] = {}


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
    plain = _plain_formats.get(date_format)
    if plain is None:
        plain = _plain_formats[date_format] = all(
            len(candidate) == 2 and candidate[-1] in _C89
            for candidate in _DIRECTIVE.findall(date_format)
        )
    if plain:
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
    :data:`STAT_STAMPS` keeps the stamp of files whose status did not change.
    """
    stamps = self.__dict__.setdefault("_bantin_stamps", {})
    try:
        return stamps[filename]
    except KeyError:
        stamp = stamps[filename] = STAT_STAMPS.stamp(self, filename)
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
        # The next build (the live preview's, in this process) starts from the file.
        self.path, self.entries, self.seen, self.changed = None, {}, set(), False


_STATUS = struct.Struct("<QQQqq")
STAT_STAMPS = StatStamps()


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
    CACHE_WRITERS.append(Forked([functools.partial(_write_cache, self, path)], "Saving a cache"))


#: Caches being written in the background; bantin_build waits for them when the build ends.
CACHE_WRITERS: list[Forked] = []


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


def wait_for_cache_writers() -> None:
    """End of the build: every cache written (a failure only warns, as in Pelican)."""
    while CACHE_WRITERS:
        for problem in CACHE_WRITERS.pop().wait():
            if problem:
                logger.warning("Không ghi được bộ nhớ đệm %s", problem)


def _sitemap_format_date(date) -> str:
    """The sitemap plugin's ``format_date`` (ISO 8601 with a ``+07:00`` offset), written from
    the date's fields: it went through strftime twice for each of 11,000 URLs."""
    if not isinstance(date, datetime.datetime) or date.year < 1000:
        return SITEMAP_FORMAT_DATE(date)
    offset = date.utcoffset() if date.tzinfo else None
    if date.tzinfo and (offset is None or offset % datetime.timedelta(minutes=1)):
        return SITEMAP_FORMAT_DATE(date)
    if offset is None:
        zone = "-00:00"
    else:
        sign = "-" if offset < datetime.timedelta(0) else "+"
        hours, minutes = divmod(abs(offset // datetime.timedelta(minutes=1)), 60)
        zone = f"{sign}{hours:02d}:{minutes:02d}"
    return (
        f"{date.year:04d}-{date.month:02d}-{date.day:02d}"
        f"T{date.hour:02d}:{date.minute:02d}:{date.second:02d}{zone}"
    )


try:
    from pelican.plugins.sitemap import sitemap as _sitemap

    SITEMAP_FORMAT_DATE = _sitemap.format_date
except ImportError:  # pragma: no cover - the sitemap plugin is pinned in requirements
    _sitemap = SITEMAP_FORMAT_DATE = None


def install() -> None:
    if _sitemap is not None:
        _sitemap.format_date = _sitemap_format_date
    cache.FileDataCacher.cache_data = _cache_data_noting_change
    cache.FileDataCacher.save_cache = _save_cache_if_changed
    utils.strftime = strftime
    contents.Content.get_relative_source_path = _remembered_relative_source_path
    cache.FileStampDataCacher._get_file_stamp = _remembered_file_stamp
    articles = generators.ArticlesGenerator
    articles._build_period_archives = _build_period_archives
    articles.generate_tags = generate_tags
    articles.generate_categories = generate_categories
    articles.generate_authors = generate_authors
    generators.process_translations = process_translations
