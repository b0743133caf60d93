"""bantin_core.forked: work in forked processes, results and errors back through pipes."""

from __future__ import annotations

import os

import pytest

from bantin_core.forked import Forked

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
