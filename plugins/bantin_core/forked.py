"""Work in forked child processes, with each child's result or error sent back by a pipe.

Used where a build splits work it already holds in memory (the queued pages, the share cards
to draw): a forked child inherits it, with the loaded templates and plugins, at no cost.
``multiprocessing`` would pickle every job to its workers and keep a thread per pool.
Written by hand for that reason; the callers fall back to one process where ``os.fork`` is
missing.
"""

from __future__ import annotations

import os
import pickle
import sys
import traceback
from collections.abc import Callable
from typing import Any


class Forked:
    """Start one child process per call; :meth:`wait` returns their results in order.

    A child never returns into the caller's code: it runs its call, writes
    ``("ok", result)`` or ``("error", traceback)`` to its pipe and ends with ``os._exit``.
    """

    def __init__(self, calls: list[Callable[[], Any]], what: str = "Work"):
        self.what = what
        self.children: list[tuple[int, int]] = []
        for call in calls:
            read_end, write_end = os.pipe()
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - runs in the child, checked through its output
                os.close(read_end)
                status = 0
                try:
                    payload = ("ok", call())
                except BaseException:
                    payload = ("error", traceback.format_exc())
                    status = 1
                try:
                    with os.fdopen(write_end, "wb") as pipe:
                        pickle.dump(payload, pipe)
                finally:
                    os._exit(status)
            os.close(write_end)
            self.children.append((pid, read_end))

    def wait(self) -> list:
        """Every child's result; raises ``RuntimeError`` with a child's traceback if one failed
        (after waiting for all of them)."""
        results, error = [], None
        children, self.children = self.children, []
        for pid, read_end in children:
            with os.fdopen(read_end, "rb") as pipe:
                data = pipe.read()
            os.waitpid(pid, 0)
            try:
                kind, value = pickle.loads(data)
            except Exception:
                kind, value = "error", "a worker process ended without a report"
            if kind == "ok":
                results.append(value)
            else:
                results.append(None)
                error = error or value
        if error:
            raise RuntimeError(f"{self.what} failed in a worker process:\n{error}")
        return results
