"""bantin_build.pelican_fixes: faster versions of Pelican code give Pelican's results, are
applied only to the upstream versions they were written against, and a change of the upstream
source they replace fails here (:data:`UPSTREAM_SOURCES`)."""

from __future__ import annotations

import datetime
import difflib
import hashlib
import importlib
import inspect
import logging
import os
import weakref
import zoneinfo
from pathlib import Path

import pelican
from conftest import ROOT, get_settings
from hypothesis import given
from hypothesis import strategies as st
from markdown.treeprocessors import InlineProcessor
from pelican.utils import SafeDatetime

import bantin_build
from bantin_build import pelican_copies, pelican_fixes
from bantin_build.markdown_prefilter import InlinePrefilter, PrefilteredInlineProcessor
from bantin_frontmatter.reader import BantinMarkdownReader

FORMATS = ["%Y", "%m", "%d", "%Y-%m-%d", "%Y/%m", "%-d/%-m/%Y", "%d %B %Y", "%A, %d/%m/%Y %H:%M"]
ZONES = [None, zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"), datetime.UTC]


@given(
    moment=st.datetimes(min_value=datetime.datetime(1, 1, 1)),
    zone=st.sampled_from(ZONES),
    date_format=st.sampled_from(FORMATS),
    kind=st.sampled_from(["safe", "date"]),
)
def test_strftime_formats_as_pelican_does(moment, zone, date_format, kind):
    if kind == "date":
        value = moment.date()
    else:
        value = SafeDatetime(*moment.timetuple()[:6], moment.microsecond, tzinfo=zone)
    expected = pelican_fixes._strftime(value, date_format)
    assert pelican_fixes.strftime(value, date_format) == expected
    assert pelican_fixes.strftime(value, date_format) == expected  # remembered: the same


@given(
    parts=st.lists(st.sampled_from(["a", "bài", ".", "..", "", "x.md"]), min_size=1, max_size=5),
    root=st.sampled_from(["/srv/content", "/srv/content/", "/srv/./content", "/", "content"]),
)
def test_relative_source_path_is_pelicans(parts, root):
    """The sliced relative path equals Pelican's relpath wherever it is given."""
    source = "/srv/content/" + "/".join(parts)
    fast = pelican_fixes._relative_to_content(source, root)
    if fast is not None:
        expected = os.path.relpath(
            os.path.abspath(os.path.join(root, source)), os.path.abspath(root)
        )
        assert fast == expected


def test_an_earlier_builds_garbage_is_collected_before_the_next_build_freezes():
    """The live preview builds again in one process: garbage cycles an earlier build left
    (finished, or stopped on an error) are collected when the next build starts, not frozen
    again with it."""
    import gc
    import weakref

    import bantin_build

    class Node:
        pass

    for finished in (True, False):
        try:
            bantin_build.start_build(None)  # a build starts
            bantin_build.freeze_objects()  # its content cache loaded
            node = Node()
            node.me = node  # a cycle: only the collector frees it
            alive = weakref.ref(node)
            bantin_build.freeze_objects()  # after reading
            del node
            if finished:
                bantin_build.unfreeze_objects(None)
            assert alive() is not None
            bantin_build.start_build(None)  # the next build
            bantin_build.freeze_objects()
            assert alive() is None, f"garbage of an earlier build kept (finished={finished})"
        finally:
            bantin_build.unfreeze_objects(None)
    assert gc.get_freeze_count() == 0


class _Dated:
    def __init__(self, date):
        self.date = date


@given(
    dates=st.lists(
        st.datetimes(
            min_value=datetime.datetime(2015, 1, 1), max_value=datetime.datetime(2026, 12, 31)
        ),
        max_size=60,
    ),
    order=st.randoms(use_true_random=False),
)
def test_period_archives_are_pelicans(dates, order):
    """Each period's articles in the order of the article list, as Pelican finds them."""
    items = [_Dated(SafeDatetime.fromtimestamp(moment.timestamp())) for moment in dates]
    sorted_articles = sorted(items, key=lambda item: item.date, reverse=True)
    articles = list(items)
    order.shuffle(articles)
    settings = {
        "YEAR_ARCHIVE_SAVE_AS": "{date:%Y}/index.html",
        "YEAR_ARCHIVE_URL": "{date:%Y}/",
        "MONTH_ARCHIVE_SAVE_AS": "{date:%Y}/{date:%m}/index.html",
        "MONTH_ARCHIVE_URL": "{date:%Y}/{date:%m}/",
        "DAY_ARCHIVE_SAVE_AS": "{date:%Y}/{date:%m}/{date:%d}/index.html",
        "DAY_ARCHIVE_URL": "",
    }
    ours = pelican_copies._build_period_archives(None, sorted_articles, articles, settings)
    pelicans = upstream("pelican.generators.ArticlesGenerator._build_period_archives")
    theirs = pelicans(None, sorted_articles, articles, settings)
    assert ours == theirs


class _Group:
    def __init__(self, number: int):
        self.save_as = self.url = self.page_name = self.slug = f"nhom-{number}"


class _Generator:
    """What ArticlesGenerator.generate_tags / _categories / _authors read."""

    def __init__(self, dates: list, groups: list):
        self.dates = self.articles = dates
        self.tags = dict(groups)
        self.categories = self.authors = groups
        self.context = {}

    def get_template(self, name):
        return name


@given(
    count=st.integers(0, 40),
    memberships=st.lists(st.lists(st.integers(0, 39), max_size=12), max_size=8),
    order=st.randoms(use_true_random=False),
)
def test_group_pages_list_pelicans_dates(count, memberships, order):
    """Each tag's, category's and author's ``dates`` as Pelican's own methods give them."""
    dates = [_Dated(index) for index in range(count)]
    order.shuffle(dates)
    groups = [
        (_Group(number), [dates[i] for i in members if i < count])
        for number, members in enumerate(memberships)
    ]
    for name in ("generate_tags", "generate_categories", "generate_authors"):
        written = {"ours": [], "pelican": []}
        for who, method in (
            ("ours", getattr(pelican_copies, name)),
            ("pelican", upstream(f"pelican.generators.ArticlesGenerator.{name}")),
        ):
            method(
                _Generator(dates, groups),
                lambda save_as, *args, log=written[who], **kwargs: log.append(
                    (save_as, [id(item) for item in kwargs["dates"]])
                ),
            )
        assert written["ours"] == written["pelican"], name


@given(
    count=st.integers(0, 30),
    groups=st.lists(st.integers(0, 5), max_size=30),
    translated=st.lists(st.booleans(), max_size=30),
)
def test_translations_are_pelicans(count, groups, translated):
    """process_translations: the same originals and translations, in the same order."""

    def items():
        made = []
        for index in range(min(count, len(groups), len(translated))):
            item = _Dated(index)
            item.slug, item.lang = f"bai-{groups[index]}", "en" if translated[index] else "vi"
            item.in_default_lang = not translated[index]
            item.metadata, item.source_path = {}, f"bai-{index}.md"
            made.append(item)
        return made

    ours_items, their_items = items(), items()
    ours = pelican_copies.process_translations(ours_items, "slug")
    theirs = upstream("pelican.generators.process_translations")(their_items, "slug")
    assert [[i.date for i in part] for part in ours] == [[i.date for i in part] for part in theirs]
    assert [[t.date for t in i.translations] for i in ours_items] == [
        [t.date for t in i.translations] for i in their_items
    ]


# --- Guards: the upstream code each change was written against ---------------------------------

#: sha256 of ``inspect.getsource`` of every upstream function the engine room replaces, wraps
#: or overrides, at the versions in ``pelican_fixes.WRITTEN_AGAINST``. When one fails after an
#: upgrade: read the upstream change, update (or drop) the replacement and its patch in
#: docs/patches/, then put the new digest here and the new version in WRITTEN_AGAINST.
UPSTREAM_SOURCES = {
    "pelican.generators.ArticlesGenerator._build_period_archives":
        "c19e3024444c4c43b91c678d95652b51960e73fd307d749d2dc86c9f036104e9",
    "pelican.generators.ArticlesGenerator.generate_tags":
        "37f65d284c713dd4dcd8b823d248cff420e163ac4400a7f7cfc13a4779ad9afb",
    "pelican.generators.ArticlesGenerator.generate_categories":
        "cfb524524a3caae35717d53ba9cf85dfe271a0f677a3720f46f0367cf77b9a97",
    "pelican.generators.ArticlesGenerator.generate_authors":
        "982c57fcfcf0435e5c882255c00bb78be3945b0dc9c44ecd707c218d00cacd9d",
    "pelican.generators.process_translations":
        "895f109099fe40b93ad558d7d26216de336f8c513ddbf5baadd82a9a2833878a",
    "pelican.utils.strftime":
        "0b3c59004b3eaa07024d45dc4613a1ca6f01a8c900ecb8787be5ef77ccf03ecb",
    "pelican.contents.Content.get_relative_source_path":
        "6c1f5107e08bf7eaf5bc3b05b246a3187e7be458752bd2826eff0fcb6e9d32bc",
    "pelican.contents.Content.get_url_setting":
        "e0eb063bf0a5ae24d6f0c1e7b7ffa31ecc673a3f672136e694e2005b702e1113",
    "pelican.cache.FileStampDataCacher._get_file_stamp":
        "771a0b92fd2c314a8557db1ad49cbe66085a6740a08f20238768cf69f04e0b74",
    "pelican.cache.FileDataCacher.cache_data":
        "c434a4bf74465232e4e4eb75f38322e751150a7309ef8b40bf9838f45d3b4493",
    "pelican.cache.FileDataCacher.save_cache":
        "ac07627d0831e861cca7e8d8f042f710c035e7b1335b286f9462d80556a273d1",
    "pelican.generators.StaticGenerator.generate_output":
        "39a57bba5e4cc0b41831dd2160a00591b74e0c323b6515f3d7ea935dc5f2ba84",
    "pelican.clean_output_dir":
        "76ce0fc8a1dad98258434078e3acf33ae864cb6b399a2e1122a1890f2d447ab2",
    # BantinWriter (bantin_build/writer.py) does what these do, queueing instead of rendering.
    "pelican.writers.Writer.write_file":
        "6a604ad67bbeec997e58ef69a393930c22cf3178a760fdc21d2c42f1871da373",
    "pelican.writers.Writer._open_w":
        "69700ea0b4668663b0886011eee71e8b4ea9debd376fe2a2fe322c90ec5aee6d",
    "markdown.treeprocessors.InlineProcessor._InlineProcessor__handleInline":
        "fe27babc114aed0ad06af7b99ad449f4bcf2cadab8ee03065a61d3a1f85caa5b",
    "markdown.treeprocessors.InlineProcessor._InlineProcessor__applyPattern":
        "8862b35197c0e6141513cea1ccb124e1d0565027073c8c84795f184ee0387596",
}  # fmt: skip


def upstream(path: str):
    """The upstream object at ``path`` (Pelican's own even while a replacement is in place)."""
    for replacement in pelican_fixes.REPLACEMENTS:
        if replacement.path == path:
            return pelican_fixes.ORIGINALS[id(replacement.owner), replacement.name]
    module_name, *names = path.split(".")
    while True:  # the longest importable prefix, then attributes
        try:
            target = importlib.import_module(module_name + "." + names[0])
        except ImportError:
            break
        module_name += "." + names.pop(0)
    target = importlib.import_module(module_name)
    for name in names:
        target = getattr(target, name)
    return target


#: The patches whose change is a copy in bantin_build.pelican_copies: regenerated from the
#: upstream file and the copies (``python tests/test_pelican_fixes.py`` writes them).
COPIED = {
    "pelican-period-archives.diff": ["_build_period_archives"],
    "pelican-group-pages.diff": ["generate_tags", "generate_categories", "generate_authors"],
    "pelican-process-translations.diff": ["process_translations"],
}
PATCHES = ROOT / "docs" / "patches"


def copied_patch(names: list[str]) -> str:
    """The unified diff, against Pelican's installed source file, that turns its functions
    ``names`` into the copies in bantin_build.pelican_copies."""
    originals = [
        next(upstream(r.path) for r in pelican_fixes.REPLACEMENTS if r.name == name)
        for name in names
    ]
    filename = inspect.getsourcefile(originals[0])
    lines = Path(filename).read_text(encoding="utf-8").splitlines(keepends=True)
    changed = list(lines)
    # From the last function up, so that earlier line numbers stay right.
    spans = sorted(
        ((*inspect.getsourcelines(o), name) for o, name in zip(originals, names, strict=True)),
        key=lambda span: -span[1],
    )
    for source, start, name in spans:
        indent = source[0][: len(source[0]) - len(source[0].lstrip())]
        copy = inspect.getsource(getattr(pelican_copies, name)).splitlines(keepends=True)
        copy = [indent + line if line.strip() else line for line in copy]
        changed[start - 1 : start - 1 + len(source)] = copy
    relative = Path(filename).relative_to(Path(pelican.__file__).parent.parent).as_posix()
    diff = difflib.unified_diff(lines, changed, f"a/{relative}", f"b/{relative}")
    return "".join(diff)


def diff_part(text: str) -> str:
    return text[text.index("--- a/") :]


def write_patches() -> None:
    """Write the diff part of the COPIED patches (their explanation above it is kept)."""
    for patch, names in COPIED.items():
        path = PATCHES / patch
        text = path.read_text(encoding="utf-8")
        why = text[: text.index("--- a/")] if "--- a/" in text else text
        path.write_text(why + copied_patch(names), encoding="utf-8")


def test_each_copy_is_upstream_with_its_patch():
    """What pelican_copies holds is exactly Pelican's function with the patch applied."""
    for patch, names in COPIED.items():
        text = (PATCHES / patch).read_text(encoding="utf-8")
        assert diff_part(text) == copied_patch(names), f"{patch}: run python {__file__}"
        assert text.index("--- a/") > 80, f"{patch}: say why above the diff"


def test_every_change_is_in_the_table_with_its_patch():
    """A new replacement needs its upstream digest here and its patch in docs/patches/."""
    for replacement in pelican_fixes.REPLACEMENTS:
        assert replacement.path in UPSTREAM_SOURCES, replacement.path
        assert replacement.package in pelican_fixes.WRITTEN_AGAINST
        assert (ROOT / "docs" / "patches" / replacement.patch).is_file(), replacement.patch
    assert (ROOT / "docs" / "patches" / "markdown-inline-prefilter.diff").is_file()


def test_the_upstream_source_is_the_one_the_changes_were_written_against():
    changed = [
        path
        for path, digest in UPSTREAM_SOURCES.items()
        if hashlib.sha256(inspect.getsource(upstream(path)).encode()).hexdigest() != digest
    ]
    assert changed == [], (
        "upstream code replaced by bantin_build changed: read it, update the replacement and "
        f"docs/patches/, then the digest and WRITTEN_AGAINST ({changed})"
    )


class _Pelican:
    def __init__(self, **settings):
        self.settings = get_settings(**settings)


def _live(reference):
    """A receiver as blinker keeps it: a weak reference, or the function itself (weak=False,
    as some tests connect theirs)."""
    return reference() if isinstance(reference, weakref.ref) else reference


def _engine_state():
    replaced = [getattr(r.owner, r.name) is r.replacement for r in pelican_fixes.REPLACEMENTS]
    connected = [
        receiver in signal.receivers_for(object())
        or any(_live(r) is receiver for r in signal.receivers.values())
        for signal, receiver in bantin_build.RECEIVERS
    ]
    return replaced, connected


def test_the_switch_puts_every_change_in_place_and_takes_it_away():
    try:
        on = _Pelican(BANTIN_ENGINE=True)
        bantin_build.start_engine(on)
        replaced, connected = _engine_state()
        assert all(replaced) and all(connected)
        reader = BantinMarkdownReader(on.settings)
        assert type(reader._md.treeprocessors["inline"]) is PrefilteredInlineProcessor
        assert type(reader._md.treeprocessors["smarty"]) is PrefilteredInlineProcessor

        off = _Pelican(BANTIN_ENGINE=False)
        bantin_build.start_engine(off)
        replaced, connected = _engine_state()
        assert not any(replaced) and not any(connected)
        reader = BantinMarkdownReader(off.settings)
        assert type(reader._md.treeprocessors["inline"]) is InlineProcessor
        assert type(reader._md.treeprocessors["smarty"]) is InlineProcessor
        assert not any(
            isinstance(ext, InlinePrefilter) for ext in off.settings["MARKDOWN"]["extensions"]
        )
    finally:
        bantin_build.start_engine(_Pelican(BANTIN_ENGINE=False))


def test_another_version_gets_a_warning_and_pelicans_own_code(monkeypatch, caplog):
    """Pelican 4.13 (say): nothing replaced, one warning in Vietnamese and English."""
    real_version = importlib.metadata.version
    monkeypatch.setattr(
        pelican_fixes.importlib.metadata,
        "version",
        lambda name: "4.13.0" if name == "pelican" else real_version(name),
    )
    pelican_fixes.version_matches.cache_clear()
    try:
        with caplog.at_level(logging.WARNING):
            bantin_build.start_engine(_Pelican(BANTIN_ENGINE=True))
        replaced, connected = _engine_state()
        assert not any(replaced), "no change to a Pelican version it was not written for"
        assert not any(connected), "nor its writer (BantinWriter mirrors Writer.write_file)"
        warnings = [r.getMessage() for r in caplog.records if "4.13.0" in r.getMessage()]
        assert len(warnings) == 1, warnings
        assert "không phải bản 4.12.0" in warnings[0] and "is not 4.12.0" in warnings[0]
    finally:
        pelican_fixes.version_matches.cache_clear()
        bantin_build.start_engine(_Pelican(BANTIN_ENGINE=False))


if __name__ == "__main__":
    write_patches()
