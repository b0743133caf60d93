"""The engine room's one switch, read where a feature plugin must know it.

``BANTIN_ENGINE = True`` (pelicanconf.py) turns on every speed device at once: the page cache
and parallel writer, the changes to Pelican and Python-Markdown (``bantin_build``), reading and
photo work on several processes. ``False``: Pelican and the feature plugins only, one process,
the same bytes (``tests/test_engine_switch.py``). See docs/may-dong-co.md.
"""

from __future__ import annotations

import os

SWITCH = "BANTIN_ENGINE"


def engine_on(settings) -> bool:
    """Whether the build's speed devices are on (the default)."""
    return bool(settings.get(SWITCH, True))


def workers(settings, setting: str = "BANTIN_BUILD_WORKERS") -> int:
    """Processes a build may use: 1 with the engine off or where processes cannot be forked,
    else ``setting`` (default: one per core)."""
    if not engine_on(settings) or not hasattr(os, "fork"):
        return 1
    return max(1, int(settings.get(setting) or os.cpu_count() or 1))
