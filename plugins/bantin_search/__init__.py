"""Full-text search with Pagefind, tuned for Vietnamese typed without accents.

- Every article and page gets ``search_meta`` (folded đ-words, abbreviation keywords) that the
  theme writes as hidden Pagefind metadata (``components/search_meta.html``).
- After the build, the Pagefind binary (PyPI ``pagefind[bin]``) indexes the pages that have a
  ``data-pagefind-body`` element (article and page bodies, never menus and footers) into
  ``output/pagefind/``; it is given only those pages, from that element on, in batches of
  consecutive paths merged into one bundle (bundle.py): small memory, and an edit re-indexes
  one batch.

Settings: ``BANTIN_SEARCH`` (default True), ``BANTIN_SEARCH_ABBREVIATIONS`` ({"THADS": "thi hành
án dân sự", …}), ``BANTIN_SEARCH_BATCH_PAGES`` and ``BANTIN_SEARCH_BATCH_BYTES`` (batch size).
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
import multiprocessing
import os
import pickle
import re
import shutil
import zlib
from collections import Counter
from importlib.metadata import version
from pathlib import Path

from pelican import signals
from pelican.generators import ArticlesGenerator

from bantin_build.writer import page_keys
from bantin_core import engine
from bantin_core.files import pickle_atomically, remove_trees
from bantin_core.forked import BuildWorkers, Standby

from .bundle import DIGESTS, MERGE_FORMAT, encoding_tables, index_batch, merge
from .folding import choose_compounds, count_pairs, d_compounds, search_meta, visible_text

logger = logging.getLogger(__name__)
PAGEFIND_VERSION = version("pagefind")
# Folded word pairs → the site's spelling ("dau gia" → "đấu giá"), read by the search page.
COMPOUNDS_SAVE_AS = "tim-kiem/tu-ghep.json"


def _items(generator):
    return [
        *getattr(generator, "articles", ()),
        *getattr(generator, "translations", ()),
        *getattr(generator, "pages", ()),
        *getattr(generator, "hidden_pages", ()),
    ]


# Every list of written content items Pelican's generators keep: the output files that may
# carry data-pagefind-body (checked on the written file).
_ITEM_LISTS = (
    "articles",
    "translations",
    "drafts",
    "drafts_translations",
    "pages",
    "hidden_pages",
    "hidden_translations",
    "draft_pages",
    "draft_translations",
    # Pages other generators write and want indexed (bantin_congkhai's entries).
    "indexed_pages",
)


def _texts(item) -> list[str]:
    # The raw body: reading .content here would resolve {filename} links before pages are
    # read (Pelican warns "Unable to find …"); link targets are not searched anyway.
    texts = [visible_text(item._content or "")]
    for key in ("summary", "image_caption", "image_alt"):
        if item.metadata.get(key):
            texts.append(visible_text(str(item.metadata[key])))
    document = item.metadata.get("van_ban")
    if document is not None:
        texts += [document.loai, document.so_ky_hieu, document.co_quan_ban_hanh]
    return texts


def _item_key(item, abbreviations: dict) -> str:
    """What an item's search metadata and đ-pairs are computed from (cheap to hash)."""
    digest = hashlib.sha1(usedforsecurity=False)
    digest.update(f"{item.title}\0{item._content or ''}\0".encode())
    for key in ("summary", "image_caption", "image_alt"):
        digest.update(f"{item.metadata.get(key) or ''}\0".encode())
    document = item.metadata.get("van_ban")
    if document is not None:
        digest.update(
            f"{document.loai}\0{document.so_ky_hieu}\0{document.co_quan_ban_hanh}".encode()
        )
    digest.update(repr(sorted(abbreviations.items())).encode())
    return digest.hexdigest()


def _compute(item, abbreviations: dict) -> tuple[dict, bytes]:
    """(search metadata, đ-pairs) of one item; the pairs as one "folded\twritten\n" text,
    UTF-8 and zlib-compressed. They are read again only to count them, and kept for every
    page: as a list of tuples they held ≈ 60 MB at 8,000 articles, as text 28 MB, compressed
    4.6 MB (a cold build's peak memory, and the cache every rebuild loads and saves)."""
    texts = _texts(item)
    pairs = "".join(
        f"{key}\t{written}\n" for key, written in d_compounds(f"{item.title} {' '.join(texts)}")
    )
    return search_meta(item.title, texts, abbreviations), zlib.compress(pairs.encode(), 1)


_pending: list = []


def _compute_slice(bounds) -> list:
    start, stop, abbreviations = bounds
    return [_compute(item, abbreviations) for item in _pending[start:stop]]


def _compute_all(items: list, abbreviations: dict, workers: int) -> list:
    """:func:`_compute` of every item, on every core when there are many."""
    global _pending
    if workers < 2 or len(items) < 200 or not hasattr(os, "fork"):
        return [_compute(item, abbreviations) for item in items]
    _pending = items
    try:
        step = -(-len(items) // (workers * 4))
        bounds = [(i, i + step, abbreviations) for i in range(0, len(items), step)]
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            return [result for part in pool.map(_compute_slice, bounds) for result in part]
    finally:
        _pending = []


def _load_meta_cache(path: str | None) -> dict:
    if not path or not os.path.isfile(path):
        return {}
    try:
        with open(path, "rb") as handle:
            cache = pickle.load(handle)
    except Exception:  # a cache from another version, or cut short: start again
        return {}
    return cache if isinstance(cache, dict) else {}


def _save_meta_cache(path: str | None, cache: dict) -> None:
    if path:
        pickle_atomically(path, cache)


def prepare_search(generators):
    """Once everything is read: each page's search metadata, and the site's đ-compounds.

    Both are kept per item in ``CACHE_PATH/search-meta-3.pickle`` (keyed by what they are
    computed from), so a rebuild folds only new or edited pages; a cold build folds on every
    core.
    """
    settings = generators[0].settings
    if not settings.get("BANTIN_SEARCH", True):
        return
    # Their output files are listed when the index is built: URLs are remembered by then.
    _INDEXED[str(Path(generators[0].output_path))] = generators
    abbreviations = dict(settings.get("BANTIN_SEARCH_ABBREVIATIONS", {}))
    cache_path = None
    if settings.get("LOAD_CONTENT_CACHE") and settings.get("CACHE_PATH"):
        cache_path = os.path.join(settings["CACHE_PATH"], "search-meta-3.pickle")
    cache = _load_meta_cache(cache_path)
    items = [item for generator in generators for item in _items(generator)]
    keys = [_item_key(item, abbreviations) for item in items]
    missing = [(item, key) for item, key in zip(items, keys, strict=True) if key not in cache]
    if missing:
        workers = engine.workers(settings)  # 1 while BANTIN_ENGINE is off
        computed = _compute_all([item for item, _ in missing], abbreviations, workers)
        for (_item, key), result in zip(missing, computed, strict=True):
            cache[key] = result
    for item, key in zip(items, keys, strict=True):
        item.search_meta = dict(cache[key][0])
    save_as = settings.get("BANTIN_SEARCH_COMPOUNDS_SAVE_AS", COMPOUNDS_SAVE_AS)
    # The word pairs depend on every page: counted again only when a page changed.
    site = hashlib.sha1("\n".join([str(save_as), *keys]).encode(), usedforsecurity=False)
    site = site.hexdigest()
    compounds = cache.get(_COMPOUNDS_KEY)
    counted = cache.get(_COUNTS_KEY)
    if compounds is None or compounds[0] != site:
        counted = _update_counts(counted, keys, cache)
        compounds = (site, choose_compounds(counted[1]) if save_as else {})
    if missing or compounds is not cache.get(_COMPOUNDS_KEY) or len(cache) != len(set(keys)) + 2:
        kept = {key: cache[key] for key in keys}
        kept[_COMPOUNDS_KEY] = compounds
        kept[_COUNTS_KEY] = counted
        _save_meta_cache(cache_path, kept)
    if save_as:
        path = Path(generators[0].output_path, save_as)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            json.dumps(compounds[1], ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
        )


_COMPOUNDS_KEY = "(word pairs)"
_COUNTS_KEY = "(word pair counts)"


def _pairs(packed: bytes):
    return (line.split("\t", 1) for line in zlib.decompress(packed).decode().splitlines())


def _update_counts(counted, keys: list[str], cache: dict) -> tuple:
    """(pages counted, pair counts) for ``keys``: the last build's counts with the pages that
    left taken away and the new ones added (counting 8,000 pages again took ≈ 0.5 s)."""
    wanted = Counter(keys)
    if counted is not None:
        pages, counts = counted
        gone, new = pages - wanted, wanted - pages
        if all(key in cache for key in gone):
            for key, times in gone.items():
                for _ in range(times):
                    count_pairs(counts, _pairs(cache[key][1]), step=-1)
            for key, times in new.items():
                for _ in range(times):
                    count_pairs(counts, _pairs(cache[key][1]))
            return wanted, counts
    counts: dict = {}
    for key in keys:  # one page's lines at a time (all at once held ≈ 100 MB at 8,000)
        count_pairs(counts, _pairs(cache[key][1]))
    return wanted, counts


# Pagefind's ready-made interfaces: the search page uses pagefind.js directly, so these are
# never requested. Removed so the published site carries only what readers can download.
UNUSED_BUNDLE_FILES = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
)
# Part of every cache key: a new Pagefind, a change in what it is given or in the merge
# rebuilds the index.
FORMAT = f"pagefind {PAGEFIND_VERSION} input 3 {MERGE_FORMAT} {UNUSED_BUNDLE_FILES}"
MARKER = b"data-pagefind-body"
_HTML_TAG = re.compile(rb"<html\b[^>]*>", re.IGNORECASE)
_TAG_NAME = re.compile(rb"<([A-Za-z][A-Za-z0-9-]*)")
# Pages per Pagefind run. A batch ends after a page whose path hashes to 0 modulo
# BATCH_PAGES (one page in BATCH_PAGES on average), so batch bounds depend on the paths
# around them only: an edit re-indexes the batch of the edited page, a new article the batch
# it joins (the last one, for dated URLs). BATCH_BYTES cuts a batch earlier: Pagefind needs
# ≈ 20 times the markup it reads in memory, so ≈ 2 MB keeps each run near 50 MB.
BATCH_PAGES = 128
BATCH_BYTES = 2_000_000
# Batches not used by the last build that are kept (undoing an edit finds its batch again).
KEEP_BATCHES = 8

# The generators whose items a build may index, set by prepare_search (per output folder).
_INDEXED: dict[str, list] = {}


def _indexed_files(generators) -> list[str]:
    files = set()
    for generator in generators:
        for name in _ITEM_LISTS:
            for item in getattr(generator, name, ()):
                if getattr(item, "save_as", ""):
                    files.add(item.save_as)
    return sorted(files)


def search_input(html: str) -> str | None:
    """What Pagefind needs of a page: its <html> tag (the language) and the first
    data-pagefind-body element. <head>, menus, header, sidebar and footer lie outside that
    element and Pagefind ignores them. None: the page is not indexed."""
    text = search_input_bytes(html.encode("utf-8"))
    return None if text is None else text.decode("utf-8")


def search_input_bytes(html: bytes) -> bytes | None:
    """:func:`search_input` on UTF-8 bytes (the build reads pages without decoding them).

    The page is cut after the last closing tag of the element's name: never inside the
    element (its own closing tag is at or before the last one), whatever its content holds.
    For an <article> that drops the sidebar and footer, a third of what Pagefind would parse.
    """
    body = html.find(MARKER)
    if body < 0:
        return None
    start = html.rfind(b"<", 0, body)
    tag = _HTML_TAG.search(html, 0, start)
    name = _TAG_NAME.match(html, start)
    end = len(html)
    if name is not None:
        close = html.rfind(b"</" + name.group(1), start)
        found = html.find(b">", close) if close > 0 else -1
        if found > 0:
            end = found + 1
    return (
        b"<!DOCTYPE html>"
        + (tag.group(0) if tag else b"<html>")
        + b"<body>"
        + html[start:end]
        + (b"</body></html>" if end < len(html) else b"")
    )


def _candidates(output: Path, files: list[str] | None) -> list[str]:
    """The written content items (``files``); None: every HTML page of the output."""
    if files is not None:
        return files
    return sorted(
        p.relative_to(output).as_posix()
        for p in output.rglob("*.html")
        if p.relative_to(output).parts[0] != "pagefind"
    )


def page_digests(
    output: Path,
    files: list[str] | None = None,
    keys: dict[str, str] | None = None,
    known: dict | None = None,
) -> list[tuple[str, str, int]]:
    """(path, digest of what Pagefind reads, its size) of every indexed page, in path order.
    Only digests are kept: a large site's pages are never held in memory together.

    ``keys``: page path → the key bantin_build wrote it under (its bytes are a function of
    it); ``known``: key → (digest, size), or None for a page not indexed. A page whose key is
    known is not read; ``known`` gets the keys of this call's pages, and only those.
    """
    result = []
    root = str(output)
    keys = keys or {}
    earlier, seen = known or {}, {}
    for name in sorted(_candidates(output, files)):
        key = keys.get(name)
        if key is not None and key in earlier:
            value = seen[key] = earlier[key]
        else:
            try:
                with open(os.path.join(root, name), "rb") as file:
                    html = file.read()
            except (FileNotFoundError, IsADirectoryError):
                continue
            text = search_input_bytes(html)
            value = None if text is None else (hashlib.sha256(text).hexdigest(), len(text))
            if key is not None:
                seen[key] = value
        if value is not None:
            result.append((name, *value))
    if known is not None and keys:
        known.clear()
        known.update(seen)
    return result


def batches(
    pages: list[tuple[str, str, int]], per_batch: int = BATCH_PAGES, budget: int = BATCH_BYTES
) -> list[list[tuple[str, str, int]]]:
    """Consecutive runs of pages (in path order): a run ends after a page whose path hash is
    0 modulo ``per_batch``, or before its markup would pass ``budget`` bytes."""
    result, current, size = [], [], 0
    for page in pages:
        if current and size + page[2] > budget:
            result.append(current)
            current, size = [], 0
        current.append(page)
        size += page[2]
        if int.from_bytes(hashlib.sha256(page[0].encode()).digest()[:8], "big") % per_batch == 0:
            result.append(current)
            current, size = [], 0
    if current:
        result.append(current)
    return result


def batch_key(batch: list[tuple[str, str, int]]) -> str:
    digest = hashlib.sha256(FORMAT.encode())
    for path, page_digest, _size in batch:
        digest.update(f"{path}\0{page_digest}\0".encode())
    return digest.hexdigest()


def _index_job(job) -> None:
    """One batch: read its pages from the output, run Pagefind, prepare the result."""
    output, executable, batch, dest = job
    pages = []
    for path, page_digest, _size in batch:
        text = search_input_bytes((output / path).read_bytes())
        if text is None or hashlib.sha256(text).hexdigest() != page_digest:
            raise RuntimeError(f"{path} đổi trong lúc đánh chỉ mục")
        pages.append((path, text))
    index_batch(pages, dest, executable)


def pagefind_executable() -> str:
    """The Pagefind binary, found the way ``pagefind.service.get_executable`` finds it.

    That module imports asyncio (1.6 MB of memory in the process that holds the whole site and
    in every process forked from it): the usual places are looked up here first.
    """
    configured = os.environ.get("PAGEFIND_BINARY_PATH")
    if configured:
        return configured
    for package in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            module = importlib.import_module(package)
        except ImportError:
            continue
        return str(module.get_executable())
    from pagefind.service import get_executable  # anything else (a pagefind on PATH)

    found = get_executable()
    if found is None:
        raise RuntimeError("không tìm thấy chương trình Pagefind (gói pagefind[bin])")
    return str(found)


def _index_workers(settings) -> int:
    """Processes that index batches: two at most (each Pagefind run uses several threads)."""
    return min(2, engine.workers(settings))  # 1 while BANTIN_ENGINE is off


def _index_batches(
    output: Path, todo: list[tuple[list, Path]], workers: int, standby: Standby | None = None
) -> None:
    executable = pagefind_executable()
    jobs = [(output, executable, batch, dest) for batch, dest in todo]
    if standby is not None:
        sizes = [sum(size for _path, _digest, size in batch) for _output, _exe, batch, _d in jobs]
        standby.results(standby.submit([(_index_job, (job,)) for job in jobs], sizes))
    elif workers > 1 and len(jobs) > 1 and hasattr(os, "fork"):
        encoding_tables()  # made once, inherited by the workers
        # Processes, not threads: preparing a batch's index is Python (half of the work).
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            pool.map(_index_job, jobs, chunksize=1)
    else:
        for job in jobs:
            _index_job(job)


def _prune(folder: Path, keep: set[str], count: int):
    """Start removing what ``keep`` does not name but the ``count`` newest (a preview edits
    often); returns the removing process to wait for (remove_trees)."""
    old = sorted(
        (p for p in folder.iterdir() if p.name not in keep),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    return remove_trees([str(path) for path in old[count:]])


def _publish(source: Path, target: Path) -> None:
    """Make ``target`` hold the files of the bundle ``source``, as hard links (the files
    are never changed in place) or copies where the file systems differ. Files already
    linked to the same cached file are left; the others are replaced or removed."""
    if target.is_symlink() or target.is_file():
        target.unlink()
    target.mkdir(parents=True, exist_ok=True)
    _sync(str(source), str(target))


def _sync(source: str, target: str) -> None:
    wanted = {e.name: e for e in os.scandir(source) if e.name != DIGESTS}
    for entry in os.scandir(target):
        new = wanted.get(entry.name)
        if new is None or new.is_dir() != entry.is_dir(follow_symlinks=False):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
        elif not new.is_dir() and new.inode() == entry.inode() and _same_device(new, entry):
            del wanted[entry.name]  # the same file
        elif not new.is_dir():
            os.unlink(entry.path)
    for name, entry in wanted.items():
        path = os.path.join(target, name)
        if entry.is_dir():
            os.makedirs(path, exist_ok=True)
            _sync(entry.path, path)
        else:
            try:
                os.link(entry.path, path)
            except OSError:
                shutil.copyfile(entry.path, path)


def _same_device(a: os.DirEntry, b: os.DirEntry) -> bool:
    return a.stat().st_dev == b.stat(follow_symlinks=False).st_dev


def index_site(pelican):
    """Build the search index after everything is written.

    The pages Pagefind indexes (those with a data-pagefind-body element, cut to what it reads
    of them: search_input) are split into batches of consecutive paths; each batch is
    indexed by its own Pagefind run and the batches are merged into one bundle (bundle.py).
    Memory stays small on large sites, and a batch whose pages did not change is reused from
    the cache: an edit re-indexes one batch. The merged bundle is deterministic and cached
    too, keyed by every batch: a rebuild of the same content copies it back.
    """
    settings = pelican.settings
    if not settings.get("BANTIN_SEARCH", True):
        return
    try:
        _index_site(pelican, _workers.get())
    finally:
        _workers.release()


# The workers that index the batches and merge them, for the build under way.
_workers = BuildWorkers("bantin_search")


def start_workers(generator) -> None:
    """Have the build's standby workers forked while the build process is still small: they
    index the batches and merge them (bantin_core.forked.build_workers), small processes
    whatever the size of the site."""
    if not isinstance(generator, ArticlesGenerator):
        return
    if not generator.settings.get("BANTIN_SEARCH", True):
        return
    _workers.take(generator.context, _index_workers(generator.settings))


def _index_site(pelican, standby: Standby | None) -> None:
    settings = pelican.settings
    output = Path(pelican.output_path)
    cache = Path(
        settings.get("BANTIN_SEARCH_CACHE_PATH") or Path(settings["CACHE_PATH"]).parent / "search"
    )
    known_path = cache / "page-digests.pickle"
    known = _load_meta_cache(str(known_path))
    before = dict(known)
    generators = _INDEXED.pop(str(output), None)
    files = _indexed_files(generators) if generators is not None else None
    pages = page_digests(output, files, page_keys(str(output)), known)
    if known != before:
        _save_meta_cache(str(known_path), known)
    groups = batches(
        pages,
        int(settings.get("BANTIN_SEARCH_BATCH_PAGES", BATCH_PAGES)),
        int(settings.get("BANTIN_SEARCH_BATCH_BYTES", BATCH_BYTES)),
    )
    keys = [batch_key(group) for group in groups]
    key = hashlib.sha256(" ".join([FORMAT, *keys]).encode()).hexdigest()
    bundles, batch_dir = cache / "bundles", cache / "batches"
    cached = bundles / key
    removals = []
    if cached.is_dir():
        logger.info("[bantin_search] Chỉ mục tìm kiếm không đổi, dùng lại bản đã tạo.")
    elif not groups:
        logger.warning("[bantin_search] Không có trang nào để đánh chỉ mục tìm kiếm.")
        shutil.rmtree(output / "pagefind", ignore_errors=True)
        return
    else:
        batch_dir.mkdir(parents=True, exist_ok=True)
        todo = [
            (group, batch_dir / k)
            for group, k in zip(groups, keys, strict=True)
            if not (batch_dir / k).is_dir()
        ]
        try:
            _index_batches(output, todo, _index_workers(settings), standby)
        except (RuntimeError, ValueError) as error:
            logger.error("[bantin_search] Không tạo được chỉ mục tìm kiếm (Pagefind): %s", error)
            raise SystemExit(1) from error
        bundles.mkdir(parents=True, exist_ok=True)
        partial = bundles / f"{key}.tmp"
        shutil.rmtree(partial, ignore_errors=True)
        earlier = [p for p in bundles.iterdir() if p.is_dir() and not p.name.endswith(".tmp")]
        batch_paths = [batch_dir / k for k in keys]
        if standby is not None:  # its memory in a small process, not in this one
            call = (merge, (batch_paths, partial, UNUSED_BUNDLE_FILES, earlier))
            standby.results(standby.submit([call]))
        else:
            merge(batch_paths, partial, UNUSED_BUNDLE_FILES, earlier)
        partial.rename(cached)  # complete bundles only: a build killed mid-way leaves a .tmp
        # An old bundle is a link per page (11,000 at 8,000 articles): removed while the new
        # one is published.
        removals = [_prune(batch_dir, set(keys), KEEP_BATCHES), _prune(bundles, {key}, 1)]
        logger.info(
            "[bantin_search] Chỉ mục tìm kiếm: %d trang, %d phần, %d phần đánh chỉ mục lại.",
            len(pages),
            len(groups),
            len(todo),
        )
    _publish(cached, output / "pagefind")
    for process in removals:
        if process is not None:
            process.wait()


def remember_generators(generators) -> None:
    if generators[0].settings.get("BANTIN_SEARCH", True):
        _INDEXED[str(Path(generators[0].output_path))] = generators


def prepare_before_writing(pelican) -> None:
    """``get_writer`` comes once per build, after every ``all_generators_finalized``
    receiver. Pelican runs those in no set order, and bantin_images rewrites the bodies there
    (pictures, captions, a broken photo removed): search metadata is made from the bodies as
    they will be written, whatever the order."""
    generators = _INDEXED.get(str(Path(pelican.output_path)))
    if generators is not None:
        prepare_search(generators)


def register():
    signals.generator_init.connect(start_workers)
    signals.all_generators_finalized.connect(remember_generators)
    signals.get_writer.connect(prepare_before_writing)
    signals.finalized.connect(index_site)
