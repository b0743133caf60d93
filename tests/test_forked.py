"""bantin_core.forked: work in forked processes, results and errors back through pipes."""

from __future__ import annotations

import os
import pickle
import select

import pytest

from bantin_core.forked import (
    Forked,
    Standby,
    build_workers,
    held_workers,
    release_build_workers,
    run_calls,
)
from bantin_core.state import KEY, BuildState, build_state

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")


def test_results_come_back_in_order_from_other_processes():
    children = Forked([lambda n=n: (n * n, os.getpid()) for n in range(4)])
    results = children.wait()
    assert [value for value, _pid in results] == [0, 1, 4, 9]
    pids = {pid for _value, pid in results}
    assert len(pids) == 4 and os.getpid() not in pids


def test_a_failing_child_raises_with_its_traceback_after_all_have_ended(tmp_path):
    def fail():
        raise ValueError("thẻ hỏng")

    def slow_success():
        (tmp_path / "done").write_text("ok", encoding="utf-8")
        return 1

    children = Forked([fail, slow_success], what="Drawing share cards")
    with pytest.raises(RuntimeError) as error:
        children.wait()
    message = str(error.value)
    assert message.startswith("Drawing share cards failed in a worker process")
    assert "ValueError: thẻ hỏng" in message
    assert (tmp_path / "done").read_text(encoding="utf-8") == "ok", "the other child finished"
    assert children.children == [], "every child was waited for"


def test_a_child_that_dies_without_a_report_is_an_error():
    children = Forked([lambda: os._exit(3)])
    with pytest.raises(RuntimeError, match="ended without a report"):
        children.wait()


def _square_and_pid(n):
    return n * n, os.getpid()


def _memory_mb():
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _fail(message):
    raise ValueError(message)


def _write(path, text):
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    return len(text)


def test_standby_workers_run_calls_sent_after_they_were_forked(tmp_path):
    workers = Standby(2, what="Drawing share cards")
    try:
        pids = {worker.pid for worker in workers.workers}
        assert len(pids) == 2 and os.getpid() not in pids
        numbers = workers.submit([(_square_and_pid, (n,)) for n in range(7)])
        steps = []
        results = workers.results(numbers, step=steps.append)
        assert [value for value, _pid in results] == [n * n for n in range(7)]
        assert {pid for _value, pid in results} == pids, "both workers took calls"
        assert sorted(steps) == list(range(7))
        # A second batch, answered while the first one's numbers are gone.
        later = workers.submit([(_write, (str(tmp_path / "a.txt"), "thẻ"))])
        assert workers.results(later) == [3]
        assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "thẻ"
    finally:
        workers.close()
    assert workers.workers == []
    for pid in pids:  # waited for: no such child any more
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_standby_workers_do_not_hold_what_the_process_read_after_the_fork():
    workers = Standby(1)
    try:
        ballast = bytearray(64 * 1024 * 1024)  # read after the fork: the worker never has it
        ballast[::4096] = b"x" * len(ballast[::4096])
        (answer,) = workers.results(workers.submit([(_memory_mb, ())]))
        assert answer < _memory_mb() - 48
    finally:
        workers.close()


def test_a_failing_call_raises_its_own_error_with_the_workers_traceback():
    workers = Standby(2, what="Encoding photos")
    try:
        numbers = workers.submit([(_fail, ("ảnh hỏng",)), (_square_and_pid, (3,))])
        with pytest.raises(ValueError, match="ảnh hỏng") as error:
            workers.results(numbers)
        cause = str(error.value.__cause__)
        assert "Traceback" in cause and "_fail" in cause and "ValueError: ảnh hỏng" in cause
        # The workers are still there for the next batch.
        ((value, _pid),) = workers.results(workers.submit([(_square_and_pid, (4,))]))
        assert value == 16
    finally:
        workers.close()


class _Unpicklable(Exception):
    def __init__(self, a, b):  # pickle rebuilds exceptions from args: one is missing
        super().__init__(a)


def _fail_unpicklably():
    raise _Unpicklable("không gửi được", 2)


def test_an_error_that_cannot_be_sent_arrives_as_text():
    workers = Standby(1, what="Drawing share cards")
    try:
        with pytest.raises(RuntimeError) as error:
            workers.results(workers.submit([(_fail_unpicklably, ())]))
        message = str(error.value)
        assert message.startswith("Drawing share cards failed in a worker process")
        assert "_Unpicklable: không gửi được" in message
    finally:
        workers.close()


def test_a_worker_that_dies_is_an_error_not_a_hang():
    workers = Standby(2)
    try:
        numbers = workers.submit([(os._exit, (3,)), (_square_and_pid, (2,))])
        with pytest.raises(RuntimeError, match="ended without a report"):
            workers.results(numbers)
    finally:
        workers.close()


def test_calls_larger_than_a_pipe_do_not_block_a_busy_worker():
    """Several MB of calls to one worker whose answers nobody reads meanwhile."""
    workers = Standby(1)
    try:
        payload = "đ" * 200_000
        numbers = []
        for _ in range(20):
            numbers += workers.submit([(len, (payload,))])
        assert workers.results(numbers) == [200_000] * 20
    finally:
        workers.close()


def test_closing_with_calls_unanswered_ends_the_workers():
    workers = Standby(2)
    workers.submit([(_square_and_pid, (n,)) for n in range(50)])
    pids = [worker.pid for worker in workers.workers]
    workers.close()
    for pid in pids:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
    with pytest.raises(RuntimeError, match="closed"):
        workers.submit([(_square_and_pid, (1,))])


def test_calls_are_shared_out_by_weight_heaviest_first():
    workers = Standby(2)
    try:
        weights = [1, 1, 7, 1, 1, 1, 1, 1]
        numbers = workers.submit([(_square_and_pid, (n,)) for n in range(8)], weights)
        pids = [pid for _value, pid in workers.results(numbers)]
        heavy = pids[2]
        assert pids.count(heavy) == 1, "the heavy call has a worker to itself"
        assert len(set(pids)) == 2
    finally:
        workers.close()


def test_plugins_share_one_set_of_build_workers_that_ends_with_the_last_release():
    settings = {}
    build_state(settings)
    context = dict(settings)  # Pelican's context: a copy of the settings, the same state in it
    shared = build_workers(context, "images", 2)
    assert build_workers(settings, "search", 2) is shared, "one set of workers per build"
    assert held_workers(settings, "images") is shared
    assert held_workers({}, "images") is None, "another build holds none"
    pids = [worker.pid for worker in shared.workers]
    release_build_workers(settings, "images")
    assert held_workers(context, "images") is None
    assert shared.workers, "still held by the search"
    ((value, _pid),) = shared.results(shared.submit([(_square_and_pid, (5,))]))
    assert value == 25
    release_build_workers(context, "search")
    assert shared.workers == []
    for pid in pids:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_a_build_that_failed_before_letting_go_does_not_leave_its_workers_to_the_next():
    settings = {}
    old = build_workers(settings, "images", 2)  # never released: the build stopped
    build_state(settings).reset()  # the next build starts (get_generators)
    assert old.workers == [], "the failed build's workers were ended"
    new = build_workers(settings, "images", 2)
    assert new is not old and new.workers
    release_build_workers(settings, "images")
    assert new.workers == []


def test_the_build_state_is_pickled_empty():
    """Pelican's content cache pickles articles with their settings: a cached article never
    carries a build's worker processes into the next build."""
    settings = {}
    workers = build_workers(settings, "images", 2)
    try:
        copy = pickle.loads(pickle.dumps(settings))
        assert copy[KEY] == {} and isinstance(copy[KEY], BuildState)
    finally:
        release_build_workers(settings, "images")
    assert workers.workers == []


def test_run_calls_gives_results_in_order_on_several_processes_or_one():
    calls = [(_square_and_pid, (n,)) for n in range(6)]
    steps = []
    shared = run_calls(calls, 2, step=steps.append, what="Squares")
    assert [value for value, _pid in shared] == [n * n for n in range(6)]
    assert len({pid for _value, pid in shared}) == 2 and os.getpid() not in {
        pid for _value, pid in shared
    }
    assert sorted(steps) == list(range(6))
    alone = run_calls(calls, 1)
    assert [value for value, _pid in alone] == [n * n for n in range(6)]
    assert {pid for _value, pid in alone} == {os.getpid()}
    with pytest.raises(ZeroDivisionError):
        run_calls([(divmod, (1, 0)), (abs, (2,))], 2)


def test_standby_workers_do_not_keep_other_processes_pipes_open():
    """A pipe the build process had open when the workers were forked (a browser driver's
    stdin in the tests) reaches its end when the build process closes it, while the workers
    still wait for calls: otherwise the program reading it waits forever."""
    read_end, write_end = os.pipe()
    workers = Standby(2, "Pipe")
    try:
        os.close(write_end)
        ready, _, _ = select.select([read_end], [], [], 5)
        assert ready, "a worker kept the write end of a pipe that is not its own"
        assert os.read(read_end, 1) == b""  # the end of the pipe, not data
        assert workers.results(workers.submit([(abs, (-3,))])) == [3]  # and they still work
    finally:
        os.close(read_end)
        workers.close()


def _nap_and_pid(seconds):
    import time

    time.sleep(seconds)
    return os.getpid()


def test_run_calls_gives_a_worker_held_up_by_a_long_call_no_more_calls():
    """Calls go to whichever worker has fewer than two under way: the quick calls are not
    queued behind the long one (concurrent.futures' pools share work the same way)."""
    pids = run_calls([(_nap_and_pid, (2.0,))] + [(_nap_and_pid, (0.01,))] * 12, 2)
    held_up = pids[0]
    assert pids.count(held_up) <= 2, "the long call and at most the one sent with it"
    assert len(set(pids)) == 2
