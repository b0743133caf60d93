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

import logging
import os
import subprocess
import sys

from pelican import signals

from .folding import search_meta, visible_text

logger = logging.getLogger(__name__)


def attach_search_meta(generator):
    """Compute each article's and page's search metadata once per build."""
    abbreviations = generator.settings.get("BANTIN_SEARCH_ABBREVIATIONS", {})
    items = [
        *getattr(generator, "articles", ()),
        *getattr(generator, "translations", ()),
        *getattr(generator, "pages", ()),
        *getattr(generator, "hidden_pages", ()),
    ]
    for item in items:
        texts = [visible_text(item.content)]
        for key in ("summary", "image_caption", "image_alt"):
            if item.metadata.get(key):
                texts.append(visible_text(str(item.metadata[key])))
        document = item.metadata.get("van_ban")
        if document is not None:
            texts += [document.loai, document.so_ky_hieu, document.co_quan_ban_hanh]
        item.search_meta = search_meta(item.title, texts, abbreviations)


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


def index_site(pelican):
    """Build the search index after everything is written."""
    if not pelican.settings.get("BANTIN_SEARCH", True):
        return
    result = run_pagefind(pelican.output_path)
    if result.returncode != 0:
        logger.error(
            "[bantin_search] Không tạo được chỉ mục tìm kiếm (Pagefind): %s",
            (result.stderr or result.stdout).strip(),
        )
        raise SystemExit(1)
    bundle = os.path.join(pelican.output_path, "pagefind")
    for name in UNUSED_BUNDLE_FILES:
        path = os.path.join(bundle, name)
        if os.path.exists(path):
            os.remove(path)


def register():
    signals.article_generator_finalized.connect(attach_search_meta)
    signals.page_generator_finalized.connect(attach_search_meta)
    signals.finalized.connect(index_site)
