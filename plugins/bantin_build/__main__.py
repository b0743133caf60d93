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

from bantin_core.engine import engine_on


def run(argv: list[str]) -> tuple[int, bool]:
    """Pelican's command line with ``argv``: its exit status, and whether the engine was on."""
    engine = []

    def note_engine(pelican) -> None:
        engine.append(engine_on(pelican.settings))

    signals.initialized.connect(note_engine)
    try:
        pelican_main(argv)
    except SystemExit as exit:
        code = exit.code
        if code is None:
            return 0, all(engine)
        if isinstance(code, int):
            return code, all(engine)
        print(code, file=sys.stderr)
        return 1, all(engine)
    finally:
        signals.initialized.disconnect(note_engine)
    return 0, all(engine)


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
