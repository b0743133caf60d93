"""Full-text search with Pagefind, tuned for Vietnamese typed without accents.

- Every article and page carries ``search_meta`` (folded đ-words, abbreviation keywords) that
  the theme writes as hidden Pagefind metadata (``components/search_meta.html``). It is made
  when the page is rendered, from the body as it is written, whatever plugins changed it
  before (bantin_images adds captions).
- :class:`SearchGenerator` writes the site's đ word pairs (``tim-kiem/tu-ghep.json``), read by
  the search page to understand ``dau gia`` as ``đấu giá``.
- Once the site is written, the Pagefind binary (PyPI ``pagefind[bin]``) indexes it
  (``pagefind --site OUTPUT``, see indexer.py) into ``OUTPUT/pagefind``: ``make html`` and
  ``make publish`` wait for it; a live preview build starts it in the background.

Settings: see settings.py.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path

from pelican import signals
from pelican.contents import Article, Page
from pelican.generators import ArticlesGenerator

from bantin_core.problems import Problem, problem_log

from . import indexer
from .folding import choose_compounds, count_pairs, d_compounds, search_meta, visible_text
from .settings import read

logger = logging.getLogger(__name__)


def _texts(item) -> list[str]:
    # The raw body: reading .content here would resolve {filename} links, which are not
    # searched anyway.
    texts = [visible_text(item._content or "")]
    for key in ("summary", "image_caption", "image_alt"):
        if item.metadata.get(key):
            texts.append(visible_text(str(item.metadata[key])))
    document = item.metadata.get("van_ban")
    if document is not None:
        texts += [document.loai, document.so_ky_hieu, document.co_quan_ban_hanh]
    return texts


class SearchMeta(Mapping):
    """An item's search metadata, made when a template first reads it: from the body as it
    will be written, whatever the order in which plugins changed it. A page the page cache
    reuses never needs it."""

    def __init__(self, item, abbreviations: dict):
        self._item, self._abbreviations, self._meta = item, abbreviations, None

    def _made(self) -> dict:
        if self._meta is None:
            item = self._item
            self._meta = search_meta(item.title, _texts(item), self._abbreviations)
        return self._meta

    def __getitem__(self, key):
        return self._made()[key]

    def __iter__(self):
        return iter(self._made())

    def __len__(self) -> int:
        return len(self._made())

    def __reduce__(self):
        # Pickled empty (Pelican's content cache may pickle an article): every build attaches
        # a new one, made from that build's body.
        return (dict, ())


# The items that get search metadata (drafts are never indexed).
_ITEM_LISTS = ("articles", "translations", "pages", "hidden_pages")


def attach_search_meta(generator) -> None:
    config = read(generator.settings)
    if not config.enabled:
        return
    for name in _ITEM_LISTS:
        for item in getattr(generator, name, ()):
            item.search_meta = SearchMeta(item, config.abbreviations)


def _searched(item) -> bool:
    """An item whose words count for the word pairs: what gets search metadata."""
    if isinstance(item, Article):
        return item.status == "published"
    return isinstance(item, Page) and item.status in ("published", "hidden")


def word_pairs(items) -> dict[str, str]:
    """Folded đ word pair → the site's most frequent spelling of it, over ``items``."""
    counts: dict = {}
    for item in items:
        count_pairs(counts, d_compounds(f"{item.title} {' '.join(_texts(item))}"))
    return choose_compounds(counts)


class SearchGenerator:
    """Writes the word pairs. A generator, so it runs once every generator's context is
    final and every ``all_generators_finalized`` receiver has changed the bodies."""

    def __init__(self, context, settings, path, theme, output_path, **_kwargs):
        self.context, self.settings, self.output_path = context, settings, output_path

    def generate_output(self, _writer) -> None:
        config = read(self.settings)
        if not config.enabled or not config.compounds_save_as:
            return
        items = [i for i in self.context.get("generated_content", {}).values() if _searched(i)]
        path = Path(self.output_path, config.compounds_save_as)
        path.parent.mkdir(parents=True, exist_ok=True)
        pairs = json.dumps(word_pairs(items), ensure_ascii=False, separators=(",", ":"))
        path.write_text(pairs, encoding="utf-8")


def add_generator(_pelican):
    return SearchGenerator


def pagefind_executable() -> str:
    """The Pagefind binary, found the way ``pagefind.service.get_executable`` finds it.

    That module imports asyncio (1.6 MB of memory in the build process): the usual places
    are looked up here first.
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


def _shown(path: Path) -> str:
    """A path as staff see it: relative to the working folder when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


def pagefind_problem(output: Path, error: str) -> Problem:
    return Problem(
        source=_shown(output / indexer.BUNDLE),
        message=f"Không tạo được chỉ mục tìm kiếm: Pagefind báo lỗi «{error}»",
        hint=(
            "chạy lại lệnh; nếu vẫn lỗi, cài lại Pagefind bằng «make install» (gói pagefind[bin]) "
            "hoặc tạm tắt tìm kiếm bằng BANTIN_SEARCH = False trong pelicanconf.py"
        ),
    )


def stop_older_indexer(generator) -> None:
    """A preview build starts: an indexer of an older build still running is stopped before
    the output it reads is rewritten."""
    if isinstance(generator, ArticlesGenerator) and read(generator.settings).preview:
        indexer.stop_background(Path(generator.output_path))


def index_site(pelican) -> None:
    """Index the written site with Pagefind: at once (``make html``, ``make publish``), or in
    the background for a live preview. A failure is a build problem, never half an index."""
    config = read(pelican.settings)
    if not config.enabled:
        return
    output = Path(pelican.output_path)
    try:
        executable = pagefind_executable()
        if config.preview:
            indexer.start_in_background(executable, output)
            logger.info("[bantin_search] Đang tạo chỉ mục tìm kiếm (chạy nền).")
        elif indexer.build_index(executable, output):
            logger.info("[bantin_search] Đã tạo chỉ mục tìm kiếm.")
        else:
            logger.warning("[bantin_search] Không có trang nào để đánh chỉ mục tìm kiếm.")
    except (RuntimeError, OSError) as error:
        # Listed with the build's problems, whichever receiver judged first (bantin_core.settle).
        problem_log.report(pagefind_problem(output, str(error)))


def register():
    signals.article_generator_finalized.connect(attach_search_meta)
    signals.page_generator_finalized.connect(attach_search_meta)
    signals.get_generators.connect(add_generator)
    signals.generator_init.connect(stop_older_indexer)
    signals.finalized.connect(index_site)
