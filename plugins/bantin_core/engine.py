"""The engine room's one switch, read where a feature plugin must know it.

``BANTIN_ENGINE = True`` (pelicanconf.py) turns on every speed device at once: the page cache
and parallel writer, the changes to Pelican and Python-Markdown (``bantin_build``), reading and
photo work on several processes. ``False``: Pelican and the feature plugins only, one process,
the same bytes (``tests/test_engine_switch.py``). See docs/may-dong-co.md.
"""

from __future__ import annotations

from .settings import read


def engine_on(settings) -> bool:
    """Whether the build's speed devices are on (the default)."""
    return read(settings).engine


def workers(settings) -> int:
    """Processes a build may use: 1 with the engine off or where processes cannot be forked,
    else ``BANTIN_BUILD_WORKERS`` (default: one per core)."""
    return read(settings).workers
