"""The settings every build shares (the verdict, the engine room's switch): defaults in one place.

``bantin_build`` (the engine room), ``bantin_publish`` and ``bantin_data`` read no ``BANTIN_*``
setting of their own: they read these, through :func:`read`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULTS: dict[str, object] = {
    # False: a build with content problems still ends with status 0 (the live preview, which
    # serves the valid pages and shows the problems). Drafts' problems never fail a build.
    "BANTIN_FAIL_ON_PROBLEMS": True,
    # A JSON file to write the build's problems to (make check, the preview, the editor); None:
    # none written.
    "BANTIN_PROBLEMS_FILE": None,
    # The engine room's one switch (docs/may-dong-co.md). False: Pelican and the feature
    # plugins only, one process, the same bytes.
    "BANTIN_ENGINE": True,
    # Processes a build may use while the engine is on; None: one per core. A publisher sharing
    # the machine may lower it (docs/xuat-ban.md).
    "BANTIN_BUILD_WORKERS": None,
}


@dataclass(frozen=True)
class CoreSettings:
    fail_on_problems: bool
    problems_file: str | None
    engine: bool
    #: Processes the build may use: 1 with the engine off or where processes cannot be forked.
    workers: int
    #: (setting, what is wrong in Vietnamese) for each wrong value, whose default was used:
    #: reported with the content problems when the build starts (bantin_core.start_build).
    errors: tuple[tuple[str, str], ...] = ()


def read(settings: dict) -> CoreSettings:
    """The shared settings of a Pelican settings dict. Never raises: a wrong value is in
    ``errors`` and its default used, whichever receiver asks first."""
    s = {**DEFAULTS, **{k: v for k, v in settings.items() if k in DEFAULTS}}
    errors = []
    engine = bool(s["BANTIN_ENGINE"])
    count = s["BANTIN_BUILD_WORKERS"]
    if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 1):
        message = (
            f"BANTIN_BUILD_WORKERS phải là số nguyên dương (số tiến trình) hoặc None (mỗi lõi "
            f"một tiến trình), đang là {count!r}: tạm dùng mỗi lõi một tiến trình"
        )
        errors.append(("BANTIN_BUILD_WORKERS", message))
        count = None
    if not engine or not hasattr(os, "fork"):
        count = 1
    return CoreSettings(
        fail_on_problems=bool(s["BANTIN_FAIL_ON_PROBLEMS"]),
        problems_file=s["BANTIN_PROBLEMS_FILE"] or None,
        engine=engine,
        workers=count or os.cpu_count() or 1,
        errors=tuple(errors),
    )
