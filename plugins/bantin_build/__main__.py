"""``python -m bantin_build ARGS``: ``pelican ARGS`` (what ``make html`` and ``make publish``
run), ending the process without freeing the build's objects one by one.

When Pelican returns, Python frees every object of the build before the process ends:
0.6 s of a 5 s rebuild at 8,000 articles, for memory the operating system takes back at once.
Here the exit functions still run (logging flushed, multiprocessing and temporary files
cleaned up), output is flushed, and the process ends with Pelican's exit status. Part of the
engine room: with ``BANTIN_ENGINE = False`` the process ends the usual way.
"""

from __future__ import annotations

import atexit
import logging
import os
import sys

from pelican import main as pelican_main
from pelican import signals

from bantin_core import exit_status
from bantin_core.engine import engine_on


def run(argv: list[str]) -> tuple[int, bool]:
    """Pelican's command line with ``argv``: its exit status, and whether the engine was on.

    The status is Pelican's, or 1 when the build's verdict failed (``bantin_core.exit_status``,
    read once ``Pelican.run`` has returned: whatever class ``PELICAN_CLASS`` names)."""
    built = []

    def note_build(pelican) -> None:
        built.append(pelican)

    signals.initialized.connect(note_build)
    try:
        pelican_main(argv)
        code = 0
    except SystemExit as exit:
        code = exit.code
        if code is None:
            code = 0
        elif not isinstance(code, int):
            print(code, file=sys.stderr)
            code = 1
    finally:
        signals.initialized.disconnect(note_build)
    code = code or max((exit_status(pelican) for pelican in built), default=0)
    return code, all(engine_on(pelican.settings) for pelican in built)


def main() -> None:
    code, engine = run(sys.argv[1:])
    # What the interpreter would do before exiting, without the object-by-object teardown.
    run_exit_functions = getattr(atexit, "_run_exitfuncs", None)
    if run_exit_functions is None or not engine:  # not CPython, or the engine off: as usual
        sys.exit(code)
    run_exit_functions()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
