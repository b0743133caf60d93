"""Pelican plugin: the engine room — every speed device of the build, behind one switch.

``BANTIN_ENGINE = True`` (pelicanconf.py; see docs/may-dong-co.md). While it is on, and only
for the Pelican and Markdown versions the changes were written against
(:data:`.pelican_fixes.WRITTEN_AGAINST`):

- Pelican's writer is replaced by :class:`.writer.BantinWriter`: pages are queued while the
  generators run and rendered just before static files are copied, by
  ``BANTIN_BUILD_WORKERS`` forked processes (default: one per core); a page whose inputs did
  not change since the last build (:mod:`.fingerprint`) is linked from the page cache in
  ``CACHE_PATH/pages`` instead (``LOAD_CONTENT_CACHE = False``, as ``make publish`` sets it,
  renders every page). Output byte-identical to a clean
  build's (``tests/test_incremental.py``) and to a build with the engine off
  (``tests/test_engine_switch.py``);
- the Pelican functions in :data:`.pelican_fixes.REPLACEMENTS` are replaced (each with its
  patch in docs/patches/), the Markdown inline pre-filter is added (:mod:`.markdown_prefilter`);
- the garbage collector leaves the build's long-lived objects alone, compiled templates are
  kept in ``CACHE_PATH/jinja``.

Off, Pelican and the feature plugins build the same site in one process.
"""

from __future__ import annotations

import gc
import os
import re
import shutil

from jinja2 import FileSystemBytecodeCache
from pelican import signals

from bantin_core.engine import engine_on
from bantin_core.state import release_previous_build

from . import pelican_fixes
from .markdown_prefilter import with_prefilter
from .output import remove_old_output
from .preread import preread_articles, preread_pages
from .writer import BantinWriter


def get_writer(pelican):
    return BantinWriter


def prune_old_caches(settings) -> None:
    """Remove the caches of earlier code versions.

    pelicanconf.py names the cache folder after a hash of the code (``cache/pelican-<hash>``);
    each upgrade would otherwise leave a whole copy of the site's pages behind.
    """
    path = settings.get("CACHE_PATH")
    if not path:
        return
    folder, name = os.path.split(os.path.normpath(path))
    # Only folders named exactly as pelicanconf.py names them: never a folder of someone else's.
    if not _CODE_CACHE.fullmatch(name) or not os.path.isdir(folder):
        return
    for entry in os.scandir(folder):
        if entry.name != name and _CODE_CACHE.fullmatch(entry.name) and entry.is_dir():
            shutil.rmtree(entry.path, ignore_errors=True)


_CODE_CACHE = re.compile(r"pelican-[0-9a-f]{16}")


def start_build(_pelican) -> None:
    """Start of a build (``get_generators``, sent once per build, before any generator): what
    earlier builds of this process left is released (:func:`bantin_core.state.
    release_previous_build`), so it is not frozen again with this build's objects. The live
    preview does it while it waits for the next save; here it is cheap then."""
    release_previous_build()


def freeze_objects(*_args, **_kwargs) -> None:
    """Take every object alive now out of the garbage collector's view until the build ends.

    A build holds millions of long-lived objects (the content cache, articles, their
    metadata); each full collection walked them all again: ≈ 0.7 s of a rebuild at 8,000
    articles (gc callbacks, 5 collections), ≈ 0.1 s once they are frozen. Objects created
    later are collected as usual.
    """
    gc.freeze()


def cache_compiled_templates(generator) -> None:
    """Keep the theme's compiled templates in ``CACHE_PATH/jinja`` (Jinja's own bytecode
    cache: a template whose source changed is compiled again). Compiling every template took
    ≈ 0.25 s of each rebuild. Not for builds that load no cache (``make publish``)."""
    settings = generator.settings
    env = getattr(generator, "env", None)
    if env is None or env.bytecode_cache is not None:
        return
    if not settings.get("LOAD_CONTENT_CACHE") or not settings.get("CACHE_PATH"):
        return
    folder = os.path.join(settings["CACHE_PATH"], "jinja")
    os.makedirs(folder, exist_ok=True)
    env.bytecode_cache = FileSystemBytecodeCache(folder)


def unfreeze_objects(_pelican) -> None:
    """End of the build: what it leaves behind can be collected again."""
    gc.unfreeze()


#: The engine's signal receivers: connected while the engine is on. None of them needs
#: another receiver of the same signal to have run before it, and none ends the process. The
#: end of the engine's work (pages written, caches saved, old output removed) is not a
#: ``finalized`` receiver: it runs when StaticGenerator has copied the static files
#: (:func:`.pelican_fixes.end_of_output`), before any ``finalized`` receiver.
RECEIVERS = (
    (signals.get_writer, get_writer),
    (signals.get_generators, start_build),
    # The old output folder removed while the build reads (.output.clean_output_dir).
    (signals.article_generator_preread, remove_old_output),
    # Markdown files read on every core before Pelican asks for them.
    (signals.article_generator_init, preread_articles),
    (signals.page_generator_init, preread_pages),
    (signals.generator_init, cache_compiled_templates),
    # After each generator has loaded its content cache, and once every article is read.
    (signals.generator_init, freeze_objects),
    (signals.all_generators_finalized, freeze_objects),
    # Unfreezing before the other finalized receivers end only lets the collector walk more
    # objects meanwhile.
    (signals.finalized, unfreeze_objects),
)


def start_engine(pelican) -> None:
    """``initialized`` (each Pelican object, before any generator): the engine room on or off
    as ``BANTIN_ENGINE`` says, and only for the Pelican and Markdown versions it was written
    against. Off, Pelican's own code and writer run, and nothing here does."""
    settings = pelican.settings
    prune_old_caches(settings)  # housekeeping, engine on or off
    on = engine_on(settings)
    if on and pelican_fixes.version_matches("markdown"):
        settings["MARKDOWN"] = with_prefilter(settings["MARKDOWN"])
    if on and pelican_fixes.version_matches("pelican"):
        pelican_fixes.install()
        for signal, receiver in RECEIVERS:
            signal.connect(receiver)
    else:
        pelican_fixes.uninstall()
        for signal, receiver in RECEIVERS:
            signal.disconnect(receiver)


def register() -> None:
    signals.initialized.connect(start_engine)
