"""Full-text search with Pagefind, tuned for Vietnamese typed without accents.

- Every article and page gets ``search_meta`` (folded đ-words, abbreviation keywords) that the
  theme writes as hidden Pagefind metadata (``components/search_meta.html``).
- After the build, the Pagefind binary (PyPI ``pagefind[bin]``) indexes the pages that have a
  ``data-pagefind-body`` element (article and page bodies, never menus and footers) into
  ``output/pagefind/``; it is given only those pages, from that element on.

Settings: ``BANTIN_SEARCH`` (default True), ``BANTIN_SEARCH_ABBREVIATIONS`` ({"THADS": "thi hành
án dân sự", …}).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from importlib.metadata import version
from pathlib import Path

from pagefind.service import get_executable
from pelican import signals

from .folding import compound_dictionary, search_meta, visible_text

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


def prepare_search(generators):
    """Once everything is read: each page's search metadata, and the site's đ-compounds."""
    settings = generators[0].settings
    if not settings.get("BANTIN_SEARCH", True):
        return
    _INDEXED[str(Path(generators[0].output_path))] = _indexed_files(generators)
    abbreviations = settings.get("BANTIN_SEARCH_ABBREVIATIONS", {})
    corpus = []
    for generator in generators:
        for item in _items(generator):
            texts = _texts(item)
            item.search_meta = search_meta(item.title, texts, abbreviations)
            corpus.append(f"{item.title} {' '.join(texts)}")
    save_as = settings.get("BANTIN_SEARCH_COMPOUNDS_SAVE_AS", COMPOUNDS_SAVE_AS)
    if save_as:
        path = Path(generators[0].output_path, save_as)
        path.parent.mkdir(parents=True, exist_ok=True)
        compounds = compound_dictionary(corpus)
        path.write_text(
            json.dumps(compounds, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
        )


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
# Part of every cache key: a new Pagefind or a change in what it is given rebuilds the index.
FORMAT = f"pagefind {PAGEFIND_VERSION} input 2 {UNUSED_BUNDLE_FILES}"
MARKER = "data-pagefind-body"
_HTML_TAG = re.compile(r"<html\b[^>]*>", re.IGNORECASE)

# Output files of the pages a build may index, set by prepare_search (per output folder).
_INDEXED: dict[str, list[str]] = {}


def _indexed_files(generators) -> list[str]:
    files = set()
    for generator in generators:
        for name in _ITEM_LISTS:
            for item in getattr(generator, name, ()):
                if getattr(item, "save_as", ""):
                    files.add(item.save_as)
    return sorted(files)


def search_input(html: str) -> str | None:
    """What Pagefind needs of a page: its <html> tag (the language) and everything from the
    first data-pagefind-body element on. <head>, menus and header come before that element
    and Pagefind ignores everything outside it. None: the page is not indexed."""
    body = html.find(MARKER)
    if body < 0:
        return None
    start = html.rfind("<", 0, body)
    tag = _HTML_TAG.search(html, 0, start)
    return f"<!DOCTYPE html>{tag.group(0) if tag else '<html>'}<body>{html[start:]}"


def search_inputs(output: Path, files: list[str] | None = None) -> Iterator[tuple[str, str]]:
    """(site-relative path, search_input) of every indexed page, one at a time (a large
    site's pages are not held in memory together).

    ``files``: the candidates (written content items); None reads every HTML page."""
    if files is None:
        files = sorted(
            p.relative_to(output).as_posix()
            for p in output.rglob("*.html")
            if p.relative_to(output).parts[0] != "pagefind"
        )
    for name in files:
        path = output / name
        if path.is_file():
            text = search_input(path.read_text(encoding="utf-8"))
            if text is not None:
                yield name, text


def inputs_digest(pages: Iterable[tuple[str, str]], extra: str = "") -> str:
    """Hash of what Pagefind reads (paths and page text), plus ``extra``."""
    digest = hashlib.sha256(extra.encode())
    for path, text in pages:
        digest.update(path.encode() + b"\0" + text.encode() + b"\0")
    return digest.hexdigest()


def run_pagefind(pages: Iterable[tuple[str, str]], bundle: Path) -> subprocess.CompletedProcess:
    """Index ``pages`` with the Pagefind binary of PyPI's pagefind[bin] into ``bundle``.

    The pages are written to a scratch site beside ``bundle`` (the same paths, so the same
    URLs): Pagefind reads only them, never the rest of the site.
    """
    site = bundle.with_name(bundle.name + ".site")
    shutil.rmtree(site, ignore_errors=True)
    for path, text in pages:
        target = site / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    try:
        return subprocess.run(
            [str(get_executable()), "--site", str(site), "--output-path", str(bundle), "--quiet"],
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        shutil.rmtree(site, ignore_errors=True)


def _prune(cache: Path, keep: str, count: int = 3) -> None:
    """Keep the newest bundles (a preview edits often; old ones are never read again)."""
    bundles = sorted(
        (p for p in cache.iterdir() if p.is_dir() and p.name != keep),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in bundles[count - 1 :]:
        shutil.rmtree(old, ignore_errors=True)


def index_site(pelican):
    """Build the search index after everything is written.

    Pagefind is given only the pages it indexes (those with a data-pagefind-body element),
    cut to what it reads of them (search_input): it no longer parses every archive, tag
    and list page of the site only to drop it.

    Pagefind writes its filter and metadata files in an arbitrary order (upstream issue
    #638: only fragments are stable), so two runs over the same pages differ in bytes. The
    bundle is therefore kept in a cache keyed by what it indexed: a rebuild of the same
    content reuses it, which keeps builds byte-identical and skips re-indexing.
    """
    settings = pelican.settings
    if not settings.get("BANTIN_SEARCH", True):
        return
    output = Path(pelican.output_path)
    bundle = output / "pagefind"
    cache = Path(
        settings.get("BANTIN_SEARCH_CACHE_PATH") or Path(settings["CACHE_PATH"]).parent / "search"
    )
    files = _INDEXED.get(str(output))
    key = inputs_digest(search_inputs(output, files), FORMAT)
    cached = cache / key
    if bundle.exists():
        shutil.rmtree(bundle)
    if cached.is_dir():
        shutil.copytree(cached, bundle)
        logger.info("[bantin_search] Chỉ mục tìm kiếm không đổi, dùng lại bản đã tạo.")
        return
    cache.mkdir(parents=True, exist_ok=True)
    partial = cache / f"{key}.tmp"
    shutil.rmtree(partial, ignore_errors=True)
    result = run_pagefind(search_inputs(output, files), partial)
    if result.returncode != 0:
        logger.error(
            "[bantin_search] Không tạo được chỉ mục tìm kiếm (Pagefind): %s",
            (result.stderr or result.stdout).strip(),
        )
        raise SystemExit(1)
    for name in UNUSED_BUNDLE_FILES:
        (partial / name).unlink(missing_ok=True)
    partial.rename(cached)  # complete bundles only: a build killed mid-way leaves a .tmp
    shutil.copytree(cached, bundle)
    _prune(cache, key)


def register():
    signals.all_generators_finalized.connect(prepare_search)
    signals.finalized.connect(index_site)
