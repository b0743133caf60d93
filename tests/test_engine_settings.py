"""bantin_core.settings: the settings every build shares, read once into a frozen object."""

from __future__ import annotations

import dataclasses
import os

import pytest

from bantin_core.settings import DEFAULTS, read


def test_defaults_one_process_per_core_with_the_engine_on():
    core = read({})
    assert core.engine and core.fail_on_problems and core.problems_file is None
    assert core.workers == (os.cpu_count() or 1) and core.errors == ()
    assert set(DEFAULTS) == {
        "BANTIN_FAIL_ON_PROBLEMS",
        "BANTIN_PROBLEMS_FILE",
        "BANTIN_ENGINE",
        "BANTIN_BUILD_WORKERS",
    }
    with pytest.raises(dataclasses.FrozenInstanceError):
        core.workers = 3


def test_the_engine_off_is_one_process_whatever_the_count():
    assert read({"BANTIN_ENGINE": False, "BANTIN_BUILD_WORKERS": 4}).workers == 1
    assert read({"BANTIN_BUILD_WORKERS": 3}).workers == 3


@pytest.mark.parametrize("value", [0, -2, "2", 1.5, True])
def test_a_wrong_worker_count_is_said_in_vietnamese_and_the_default_used(value):
    core = read({"BANTIN_BUILD_WORKERS": value})
    assert core.workers == (os.cpu_count() or 1)
    ((name, message),) = core.errors
    assert name == "BANTIN_BUILD_WORKERS" and repr(value) in message
    assert "phải là số nguyên dương" in message
