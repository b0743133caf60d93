"""File helpers every Bantin plugin that keeps a cache outside ``output/`` shares."""

from __future__ import annotations

import os
import shutil


def link_or_copy(source: str, target: str) -> None:
    """Put ``source`` (a cached file) at ``target``: a hard link (no copy, no disk), or a copy
    when the two are on different file systems. An existing ``target`` is replaced, never
    written through (it may itself be a link into a cache).

    Raises ``FileNotFoundError`` when ``source`` is gone.
    """
    os.makedirs(os.path.dirname(target), exist_ok=True)
    if os.path.lexists(target):
        os.remove(target)
    try:
        os.link(source, target)
    except FileNotFoundError:
        raise
    except OSError:
        shutil.copyfile(source, target)
