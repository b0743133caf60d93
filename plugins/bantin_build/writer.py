"""A Pelican writer that renders pages on every core and reuses pages whose inputs are unchanged.

``write_file`` does what Pelican's does (same pagination, same override rules, the same
``content_written`` signal, sent at once so the sitemap sees every page) but does not render:
each page gets a key (:mod:`.fingerprint`: the build, the site's front-matter, the page's own
body, the template and the output name). A page whose key is in the page cache is linked from
it; the others are queued and rendered by :meth:`flush` in forked worker processes, which write
the page and add it to the cache. Pelican's own writer renders one page at a time on one core.

Written by hand because Pelican has no parallel or incremental writer (its ``--autoreload``
re-renders every page; ``WRITE_SELECTED`` writes only named files and skips the rest, which is
not a whole site).
"""

from __future__ import annotations

import collections
import contextlib
import functools
import hashlib
import logging
import os

from pelican.contents import Content
from pelican.paginator import Paginator
from pelican.plugins import signals
from pelican.utils import get_relative_path, path_to_url, sanitised_join
from pelican.writers import FileOverwriteFailedError, Writer

from bantin_core import engine
from bantin_core.files import link_or_copy, write_atomically
from bantin_core.forked import Forked
from bantin_core.problems import problem_log

from . import fingerprint

logger = logging.getLogger(__name__)

#: Set in the build's context from the first page written, when every generator has settled
#: its metadata: content URLs may be remembered from then on (pelican_fixes).
URLS_FINAL = "bantin_urls_final"


class BantinWriter(Writer):
    """See the module docstring. Setting: ``BANTIN_BUILD_WORKERS``."""

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        settings = self.settings
        # Workers are forked (they inherit the templates and the context): none without fork.
        self.workers = engine.workers(settings)
        self.cache_dir = None
        # A build that may not load caches (make publish: LOAD_CONTENT_CACHE = False) renders
        # every page.
        caches = settings.get("LOAD_CONTENT_CACHE") and settings.get("CACHE_PATH")
        if caches:
            self.cache_dir = os.path.join(settings["CACHE_PATH"], "pages")
        self._jobs: dict[str, tuple] = {}  # output path → (template, base, extras, key)
        self._last_context = self._last_snapshot = None
        self._written_receivers = None
        self._keys_used: set[str] = set()
        self._build_digest: str | None = None
        self._site_digest: str | None = None
        self.stats = {"rendered": 0, "reused": 0}

    # --- keys -----------------------------------------------------------------------------

    def _page_key(self, template, name: str, base: dict, extras: dict) -> str | None:
        if self.cache_dir is None:
            return None
        if self._build_digest is None:
            self._build_digest = fingerprint.build_digest(self.settings)
            self._site_digest = fingerprint.site_digest(base, problem_log.sorted())
        digest = hashlib.sha256()
        digest.update(f"{self._build_digest}\0{self._site_digest}\0".encode())
        siteurl = extras.get("SITEURL", base.get("SITEURL"))
        digest.update(f"{template.name}\0{name}\0{siteurl}\0".encode())
        for key in sorted(extras):
            value = extras[key]
            if isinstance(value, Content):
                digest.update(f"{key}\0{fingerprint.body_digest(value)}\0".encode())
        return digest.hexdigest()

    def _snapshot(self, context: dict) -> dict:
        """A shallow copy of ``context``, shared by every page queued while it is unchanged.

        Pelican copies the whole context for each page; holding 11,000 copies until the pages
        are rendered would cost ≈ 100 MB at 8,000 articles.
        """
        last = self._last_snapshot
        # dict == compares values with an identity short cut, in C: the context is unchanged.
        if last is not None and self._last_context is context and last == context:
            return last
        self._last_context, self._last_snapshot = context, dict(context)
        return self._last_snapshot

    # --- Pelican's interface ----------------------------------------------------------------

    def write_file(
        self,
        name,
        template,
        context,
        relative_urls=False,
        paginated=None,
        template_name=None,
        override_output=False,
        url=None,
        **kwargs,
    ):
        """Pelican's ``Writer.write_file``, queueing pages instead of rendering them."""
        if not name:
            return
        context[URLS_FINAL] = True
        base = self._snapshot(context)

        def localcontext_for(save_as, values):
            """What this page adds to the shared context (Pelican's _get_localcontext)."""
            extras = {"localsiteurl": base.get("localsiteurl", None)}
            if relative_urls:
                relative_url = path_to_url(get_relative_path(save_as))
                extras["SITEURL"] = relative_url
                extras["localsiteurl"] = relative_url
            extras["output_file"] = save_as
            extras.update(values)
            return base, extras

        if paginated is None:
            paginated = {key: val for key, val in kwargs.items() if key in {"articles", "dates"}}
        if paginated and template_name in self.settings["PAGINATED_TEMPLATES"]:
            per_page = (
                self.settings["PAGINATED_TEMPLATES"][template_name]
                or self.settings["DEFAULT_PAGINATION"]
            )
            for save_as, values in self._paginate(name, url, paginated, per_page, kwargs):
                self._queue(template, *localcontext_for(save_as, values), save_as, override_output)
        else:
            self._queue(template, *localcontext_for(name, kwargs), name, override_output)

    def _paginate(self, name, url, paginated: dict, per_page: int, kwargs: dict):
        """(save_as, template values) of each page of a paginated listing, as Pelican's
        ``write_file`` makes them."""
        paginators = {
            key: Paginator(name, url, val, self.settings, per_page)
            for key, val in paginated.items()
        }
        # Each Page made once (Pelican makes each three times: as the page, and as its
        # neighbours' next and previous; every one held until the pages are rendered).
        total = next(iter(paginators.values())).num_pages
        pages = {
            key: [paginator.page(n) for n in range(1, max(total, paginator.num_pages) + 1)]
            for key, paginator in paginators.items()
        }
        for page_num in range(total):
            values = kwargs.copy()
            for key, paginator in paginators.items():
                page = pages[key][page_num]
                values[f"{key}_paginator"] = paginator
                values[f"{key}_page"] = page
                values[f"{key}_previous_page"] = pages[key][page_num - 1] if page_num else None
                values[f"{key}_next_page"] = (
                    pages[key][page_num + 1] if page_num + 1 < paginator.num_pages else None
                )
            yield page.save_as, values

    def _queue(self, template, base, extras, name, override) -> None:
        path = sanitised_join(self.output_path, name)
        # Pelican's rules for two writes to one file (Writer._open_w), decided now.
        if path in self._overridden_files:
            if override:
                raise FileOverwriteFailedError(
                    f'Failed to overwrite "{path}" a second time (was previously overwritten)'
                )
            logger.info('Skipping "%s", not overwriting', path)
            return
        if path in self._written_files and not override:
            raise FileOverwriteFailedError(
                f'Failed to overwrite "{path}" as Pelican has already written to it '
                "previously (set `override=True` if intended)"
            )
        if override:
            self._overridden_files.add(path)
        self._written_files.add(path)
        key = self._page_key(template, name, base, extras)
        self._jobs[path] = (template, base, extras, key)
        # signals.content_written.send(path, ...), without blinker working out the receivers
        # again for each of 11,000 pages (a path as sender has no receivers of its own).
        if self._written_receivers is None:
            self._written_receivers = list(signals.content_written.receivers_for(object()))
        # The page's context as a view, not a copy of the whole context for each page.
        localcontext = collections.ChainMap(extras, base)
        for receiver in self._written_receivers:
            receiver(path, context=localcontext)

    # --- rendering --------------------------------------------------------------------------

    def flush(self) -> None:
        """Link cached pages, render the others on every core. Called before static files."""
        jobs, self._jobs = self._jobs, {}
        if not jobs:
            return
        if self.cache_dir:
            os.makedirs(self.cache_dir, exist_ok=True)
        pending = []
        for path, (template, base, extras, key) in jobs.items():
            if key is not None:
                self._keys_used.add(key)
                if self._reuse(os.path.join(self.cache_dir, key), path):
                    self.stats["reused"] += 1
                    continue
            pending.append((path, template, base, extras, key))
        self.stats["rendered"] += len(pending)
        if len(pending) < 40 or self.workers == 1:
            problems = self._render(pending)
        else:
            problems = self._render_in_workers(pending)
        problem_log.extend(problems)

    @staticmethod
    def _reuse(cached: str, path: str) -> bool:
        """Put the cached page at ``path``: a hard link, or a copy across file systems.

        False when it is not there (never built, or pruned meanwhile by a build running at the
        same time): the page is then rendered.
        """
        try:
            link_or_copy(cached, path)
        except FileNotFoundError:
            return False
        return True

    def _render(self, jobs) -> list:
        """Render and write ``jobs``; return the content problems reported meanwhile."""
        before = len(problem_log)
        for path, template, base, extras, key in jobs:
            seen = len(problem_log)
            output = template.render({**base, **extras}).encode("utf-8")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            write_atomically(path, output)
            logger.info('Writing "%s"', path)
            # A page whose rendering reported a problem is rendered again next time, so the
            # problem is reported again (nothing is dropped by the cache).
            if key is not None and len(problem_log) == seen:
                cached = os.path.join(self.cache_dir, key)
                try:
                    os.link(path, cached)
                except FileExistsError:
                    pass
                except OSError:
                    write_atomically(cached, output)
        return problem_log.since(before)

    def _render_in_workers(self, jobs) -> list:
        """Fork ``workers`` children; each renders every ``workers``-th job and sends back its
        content problems or its error through a pipe. This process renders none: what
        rendering keeps (Pelican's memoized content, Babel's locale data, compiled templates:
        ≈ 10 MB at 8,000 articles) would stay in it to the end of the build, and every process
        forked later (search indexing) would start from that size."""
        children = Forked(
            [
                functools.partial(self._render, jobs[index :: self.workers])
                for index in range(self.workers)
            ],
            what="Rendering pages",
        )
        problems = []
        for value in children.wait():
            problems.extend(value)
        return problems

    def prune_cache(self) -> None:
        """Forget cached pages this build did not use (the cache holds one site's pages)."""
        if not self.cache_dir or not os.path.isdir(self.cache_dir):
            return
        with os.scandir(self.cache_dir) as entries:
            for entry in entries:
                if entry.name not in self._keys_used:
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)
