"""The build's one way to run work on several processes: forked children, results and errors
back through pipes.

- :class:`Forked`: where a build splits work it already holds in memory (the queued pages, the
  files to read): a forked child inherits it, with the loaded templates and plugins, at no cost.
- :class:`Standby` and :func:`build_workers`: the opposite, for work that needs nothing the
  build has read (photos, share cards): workers forked when the build starts, small, that get
  their calls later through a pipe; kept in the build's state (:mod:`bantin_core.state`).
- :func:`run_calls`: calls run now on workers forked for them (a photo pipeline made on its
  own, ``make publish``'s compression), or in this process when one is enough.

``multiprocessing`` and ``concurrent.futures`` pickle every job to workers forked when the pool
is made, and keep threads in the parent (which a later fork copies mid-work). Written by hand
for that reason; the callers fall back to one process where ``os.fork`` is missing, and use one
process while ``BANTIN_ENGINE`` is off (``bantin_core.engine.workers``).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import stat
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import state


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


class Standby:
    """Worker processes forked now, that run calls sent to them later.

    A forked child starts with its parent's memory. A build makes its photos and share cards
    once every article is read, when the build process holds the whole site (≈ 80 MB at 2,000
    articles, 155 MB at 8,000): workers forked then start at that size, and decoding and
    encoding a photo adds ≈ 20 MB on top. Forked when the build starts (≈ 50 MB), the same work
    peaks that much lower, and the workers need nothing the build read since.

    Calls are ``(function, args)``, pickled to a worker (so the function is found by name).
    :meth:`submit` shares a batch of calls out among the workers; :meth:`results` waits for a
    batch. The workers end on :meth:`close`, or at the end of their job pipe (every process
    that holds it ended).
    """

    def __init__(self, count: int, what: str = "Work"):
        self.what = what
        self.workers: list[_Worker] = []
        self._next = 0
        self._done: dict[int, tuple[str, Any]] = {}
        self._owner: dict[int, _Worker] = {}  # call number → the worker running it
        for _ in range(count):
            job_read, job_write = os.pipe()
            result_read, result_write = os.pipe()
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - runs in the child, checked through its results
                try:
                    _close_inherited_pipes(keep={job_read, result_write})
                    _serve(job_read, result_write)
                finally:
                    os._exit(0)
            os.close(job_read)
            os.close(result_write)
            os.set_blocking(job_write, False)
            self.workers.append(_Worker(pid, job_write, result_read))

    def submit(
        self, calls: list[tuple[Callable, tuple]], weights: list[float] | None = None
    ) -> list[int]:
        """Send ``calls`` to the workers; returns their numbers for :meth:`results`.

        All are sent at once (a worker goes on while this process does other things), so they
        are shared out beforehand: heaviest first, each to the worker with the least work
        (``weights``: each call's expected cost; equal if None)."""
        if not self.workers:
            raise RuntimeError(f"{self.what}: the workers were closed")
        numbers = list(range(self._next, self._next + len(calls)))
        self._next += len(calls)
        weights = weights or [1.0] * len(calls)
        loads = [0.0] * len(self.workers)
        shares: list[list] = [[] for _ in self.workers]
        heaviest_first = sorted(range(len(calls)), key=lambda i: -weights[i])
        for i in heaviest_first:
            least = loads.index(min(loads))
            loads[least] += weights[i]
            shares[least].append(i)
        for worker, share in zip(self.workers, shares, strict=True):
            if share:
                share.sort()  # each worker runs its calls in the order they were given
                for i in share:
                    self._owner[numbers[i]] = worker
                self._send(worker, [(numbers[i], *calls[i]) for i in share])
        return numbers

    def _send(self, worker: _Worker, calls: list) -> None:
        """Write one message to ``worker``; while its pipe is full, take its answers (a busy
        worker whose answers nobody read would never read its pipe again)."""
        data = pickle.dumps(calls, protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(len(data).to_bytes(8, "little") + data)
        while view:
            try:
                view = view[os.write(worker.jobs, view) :]
            except BlockingIOError:
                readable, _writable, _ = select.select([worker.answers], [worker.jobs], [])
                if readable and not self._take(worker):
                    raise RuntimeError(
                        f"{self.what}: a worker process ended without a report"
                    ) from None

    def _take(self, worker: _Worker) -> bool:
        """Read one answer of ``worker``; False at the end of its pipe (it ended)."""
        message = _receive(worker.answers)
        if message is None:
            worker.ended = True
            return False
        number, kind, value = message
        self._done[number] = (kind, value)
        return True

    def results(self, numbers: list[int], step: Callable[[int], None] | None = None) -> list:
        """The results of the calls ``numbers``, in that order, once all have ended;
        ``step(position)`` is called as each ends. A call that failed raises its exception
        here (its traceback in the worker as the cause; ``RuntimeError`` with that traceback
        if the exception could not be sent); a worker that ended before answering raises
        ``RuntimeError``."""
        positions = {number: position for position, number in enumerate(numbers)}
        waiting = set(numbers)
        while True:
            for number in [n for n in waiting if n in self._done]:
                waiting.discard(number)
                if step:
                    step(positions[number])
            if not waiting:
                break
            busy = {self._owner[number] for number in waiting}
            if any(worker.ended for worker in busy):
                raise RuntimeError(f"{self.what}: a worker process ended without a report")
            readable, _, _ = select.select([worker.answers for worker in busy], [], [])
            for worker in busy:
                if worker.answers in readable:
                    self._take(worker)
        answers = [self._done.pop(number) for number in numbers]
        for number in numbers:
            self._owner.pop(number, None)
        return [self._value(kind, value) for kind, value in answers]

    def _value(self, kind: str, value):
        """A call's result, or its error raised here."""
        if kind == "ok":
            return value
        error, text = value
        if error is None:
            raise RuntimeError(f"{self.what} failed in a worker process:\n{text}")
        # The call's own exception, with the worker's traceback as its cause (as
        # concurrent.futures does).
        raise error from _RemoteTraceback(text)

    def run_each(
        self, calls: list[tuple[Callable, tuple]], step: Callable[[int], None] | None = None
    ) -> list:
        """Run ``calls`` and return their results in order, a call sent to a worker whenever it
        has fewer than two under way: a worker slowed down (a long call, the machine's other
        work) is given fewer, so all end together. ``step(position)`` as each call ends. The
        first call that failed raises its exception here, once the calls under way ended."""
        results: list = [None] * len(calls)
        todo = iter(enumerate(calls))
        position_of: dict[int, int] = {}
        under_way = {worker: 0 for worker in self.workers}
        failed = None

        def feed(worker: _Worker) -> None:
            for position, (function, args) in todo:  # the next call, if any
                number, self._next = self._next, self._next + 1
                position_of[number], self._owner[number] = position, worker
                under_way[worker] += 1
                self._send(worker, [(number, function, args)])
                return

        for worker in self.workers * 2:
            feed(worker)
        while position_of:
            busy = [worker for worker in self.workers if under_way[worker]]
            readable, _, _ = select.select([worker.answers for worker in busy], [], [])
            for worker in busy:
                if worker.answers in readable and not self._take(worker):
                    raise RuntimeError(f"{self.what}: a worker process ended without a report")
            for number in [n for n in position_of if n in self._done]:
                position, worker = position_of.pop(number), self._owner.pop(number)
                under_way[worker] -= 1
                kind, value = self._done.pop(number)
                if kind == "ok":
                    results[position] = value
                    if step:
                        step(position)
                else:
                    failed = failed or (kind, value)
                if failed is None:
                    feed(worker)
        if failed is not None:
            self._value(*failed)
        return results

    def close(self) -> None:
        """End the workers and wait for them (a call under way is finished first)."""
        workers, self.workers = self.workers, []
        for worker in workers:
            os.close(worker.answers)  # answers nobody will read no longer hold a worker up
            with contextlib.suppress(OSError):  # BlockingIOError, or BrokenPipeError: ended
                os.write(worker.jobs, _STOP)
            os.close(worker.jobs)
        for worker in workers:
            os.waitpid(worker.pid, 0)


class _RemoteTraceback(Exception):
    def __init__(self, text: str):
        super().__init__(text)
        self.text = text

    def __str__(self) -> str:
        return f'\n"""\n{self.text}"""'


def run_calls(
    calls: list[tuple[Callable, tuple]],
    workers: int,
    step: Callable[[int], None] | None = None,
    what: str = "Work",
) -> list:
    """Run ``calls`` (``(function, args)``) now and return their results in order: on
    ``workers`` processes forked for them (:meth:`Standby.run_each`, the workers closed at the
    end), or in this process when one is enough (``workers`` ≤ 1, one call, no ``os.fork``).
    ``step(position)`` is called as each call ends."""
    count = min(workers, len(calls))
    if count <= 1 or not hasattr(os, "fork"):
        results = []
        for position, (function, args) in enumerate(calls):
            results.append(function(*args))
            if step:
                step(position)
        return results
    standby = Standby(count, what=what)
    try:
        return standby.run_each(calls, step)
    finally:
        standby.close()


# --- One set of standby workers per build, shared by the plugins that send them work --------

#: Key of the build's workers in its state (:mod:`bantin_core.state`).
WORKERS = "bantin_core.workers"


@dataclass
class _Shared:
    standby: Standby | None = None
    users: set[str] = field(default_factory=set)

    def close(self) -> None:
        standby, self.standby = self.standby, None
        self.users = set()
        if standby is not None:
            standby.close()


def _shared(holder: dict) -> _Shared:
    build = state.build_state(holder)
    shared = build.get(WORKERS)
    if shared is None:
        shared = build[WORKERS] = _Shared()
        # A build that stopped before every user let go: its workers end with it.
        build.on_reset(shared.close)
    return shared


def build_workers(holder: dict, user: str, count: int) -> Standby | None:
    """The standby workers of the build whose settings or context is ``holder``, forked on the
    first call of the build (``count`` of them), None where processes cannot be forked or one
    is enough. Every ``user`` that calls this calls :func:`release_build_workers`: the workers
    end when the last one has (Pelican runs signal receivers in no set order), or when the next
    build starts."""
    shared = _shared(holder)
    shared.users.add(user)
    if shared.standby is None and count > 1 and hasattr(os, "fork"):
        shared.standby = Standby(count, what="Background work of the build")
    return shared.standby


def held_workers(holder: dict, user: str) -> Standby | None:
    """The build's workers if ``user`` holds them (:func:`build_workers`), else None."""
    shared = _shared(holder)
    return shared.standby if user in shared.users else None


def release_build_workers(holder: dict, user: str) -> None:
    """``user`` is done with the workers of this build; the last one ends them."""
    shared = _shared(holder)
    shared.users.discard(user)
    if not shared.users:
        shared.close()


@dataclass(eq=False)
class _Worker:
    pid: int
    jobs: int  # the write end of its job pipe
    answers: int  # the read end of its answer pipe
    ended: bool = False


_STOP = len(pickle.dumps(None)).to_bytes(8, "little") + pickle.dumps(None)


def _read_exactly(fd: int, size: int) -> bytes | None:
    parts, left = [], size
    while left:
        part = os.read(fd, min(left, 1 << 20))
        if not part:
            return None
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def _receive(fd: int) -> Any:
    """The next message on ``fd``; None at the end of the pipe."""
    head = _read_exactly(fd, 8)
    if head is None:
        return None
    data = _read_exactly(fd, int.from_bytes(head, "little"))
    return None if data is None else pickle.loads(data)


def _close_inherited_pipes(keep: set[int]) -> None:  # pragma: no cover - in the child
    """A standby worker keeps only its own pipes (and files). Any other pipe or socket it was
    forked with belongs to a conversation between other processes: the other workers' jobs, or
    the stdin of a program the build process started (a browser driver in the tests). Held
    open here, the reader at its other end would wait for an end that never comes."""
    try:
        descriptors = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:  # no /proc: the descriptors a build could have open
        descriptors = list(range(3, 1024))
    for fd in descriptors:
        if fd <= 2 or fd in keep:
            continue
        try:
            mode = os.fstat(fd).st_mode
            if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
                os.close(fd)
        except OSError:
            continue


def _serve(job_read: int, result_write: int) -> None:  # pragma: no cover - in the child
    """A standby worker: run each message's calls and answer each; end on None or at the end
    of the pipe."""
    while True:
        calls = _receive(job_read)
        if calls is None:
            return
        for number, function, args in calls:
            try:
                data = pickle.dumps((number, "ok", function(*args)), pickle.HIGHEST_PROTOCOL)
            except BaseException as error:  # the call failed, or its result cannot be sent
                text = traceback.format_exc()
                try:
                    data = pickle.dumps((number, "error", (error, text)))
                    pickle.loads(data)  # an exception that cannot be rebuilt is sent as text
                except Exception:
                    data = pickle.dumps((number, "error", (None, text)))
            view = memoryview(len(data).to_bytes(8, "little") + data)
            while view:
                view = view[os.write(result_write, view) :]
