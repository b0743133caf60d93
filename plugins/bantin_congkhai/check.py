"""What ``make check`` and ``make publish`` add for the publication duties (bantin_publish).

:func:`check_public_notices` runs after the build, on its output: every withdrawn entry is
looked for in every file (the search index decompressed, ``.gz`` and ``.br`` copies too), and
the deadline report is made for staff to read whatever the verdict. The build itself prints
the report as well, but ``make check`` shows the build's own output only when it fails.
"""

from __future__ import annotations

import os
from pathlib import Path

from bantin_core.problems import Problem

from . import calendar_of, notrace, read_entries, today_of
from .duties import duties, format_report
from .settings import read


def check_public_notices(output: Path, settings: dict) -> tuple[list[Problem], str]:
    """(problems: withdrawn entries found in ``output``, the deadline report); nothing for a
    site without the plugin."""
    if "bantin_congkhai" not in (settings.get("PLUGINS") or ()):
        return [], ""
    from bantin_data.schema import load_data_folder

    content = settings["PATH"]
    data, _problems = load_data_folder(os.path.join(content, settings.get("DATA_PATH", "data")))
    # Problems of the entries themselves are the build's (already listed).
    entries, _problems = read_entries(content, settings, data)
    today = today_of(settings)
    found = duties(entries, today, calendar_of(settings), read(settings).deadlines)
    return notrace.check_output(output, entries), format_report(found, today)
