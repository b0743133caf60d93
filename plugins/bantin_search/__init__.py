"""Full-text search with Pagefind, tuned for Vietnamese typed without accents.

- Every article and page gets ``search_meta`` (folded đ-words, abbreviation keywords) that the
  theme writes as hidden Pagefind metadata (``components/search_meta.html``).
- After the build, the Pagefind binary (PyPI ``pagefind[bin]``) indexes ``output/`` into
  ``output/pagefind/``. Only elements marked ``data-pagefind-body`` are indexed (article and
  page bodies), never menus and footers.

Settings: ``BANTIN_SEARCH`` (default True), ``BANTIN_SEARCH_ABBREVIATIONS`` ({"THADS": "thi hành
án dân sự", …}).
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

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


def run_pagefind(output_path: str) -> subprocess.CompletedProcess:
    """Index a built site with the Pagefind binary shipped by PyPI's pagefind[bin]."""
    return subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", output_path, "--quiet"],
        capture_output=True,
        text=True,
        check=False,
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


def indexed_pages_digest(output_path: str, extra: str = "") -> str:
    """Hash of every HTML page Pagefind would read (path and bytes), plus ``extra``."""
    digest = hashlib.sha256(extra.encode())
    root = Path(output_path)
    for page in sorted(root.rglob("*.html")):
        relative = page.relative_to(root).as_posix()
        if relative.startswith("pagefind/"):
            continue
        digest.update(relative.encode() + b"\0" + page.read_bytes() + b"\0")
    return digest.hexdigest()


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

    Pagefind writes its filter and metadata files in an arbitrary order (upstream issue
    #638: only fragments are stable), so two runs over the same pages differ in bytes. The
    bundle is therefore kept in a cache keyed by the pages it indexed: a rebuild of the same
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
    key = indexed_pages_digest(str(output), f"pagefind {PAGEFIND_VERSION} {UNUSED_BUNDLE_FILES}")
    cached = cache / key
    if bundle.exists():
        shutil.rmtree(bundle)
    if cached.is_dir():
        shutil.copytree(cached, bundle)
        logger.info("[bantin_search] Chỉ mục tìm kiếm không đổi, dùng lại bản đã tạo.")
        return
    result = run_pagefind(str(output))
    if result.returncode != 0:
        logger.error(
            "[bantin_search] Không tạo được chỉ mục tìm kiếm (Pagefind): %s",
            (result.stderr or result.stdout).strip(),
        )
        raise SystemExit(1)
    for name in UNUSED_BUNDLE_FILES:
        (bundle / name).unlink(missing_ok=True)
    cache.mkdir(parents=True, exist_ok=True)
    partial = cache / f"{key}.tmp"
    shutil.rmtree(partial, ignore_errors=True)
    shutil.copytree(bundle, partial)
    partial.rename(cached)  # complete bundles only: a build killed mid-copy leaves a .tmp
    _prune(cache, key)


def register():
    signals.all_generators_finalized.connect(prepare_search)
    signals.finalized.connect(index_site)
