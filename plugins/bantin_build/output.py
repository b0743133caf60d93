"""Emptying the output folder without waiting for it.

Pelican deletes the previous output file by file before it reads anything
(``DELETE_OUTPUT_DIRECTORY``): 27,000 files at 8,000 articles, ≈ 0.4 s of every rebuild on one
core. Here the folder is renamed aside (one system call), an empty one takes its place, and
``rm -rf`` removes the old one in its own process while the build reads content on the other
core (:func:`remove_old_output`, the first receiver after Pelican cleaned the folder; the
process is kept in the build's state). The build waits for it at the end, so nothing outlives
the build.

Where renaming is not possible (the output folder is a mount point, its parent is read-only,
no ``rm``), Pelican's own ``clean_output_dir`` runs, as before.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import time

from pelican.utils import clean_output_dir as _clean_output_dir

from bantin_core.files import REMOVES_IN_BACKGROUND, remove_trees
from bantin_core.state import build_state

logger = logging.getLogger(__name__)

#: Key of the ``rm`` processes under way in the build's state.
REMOVALS = "bantin_build.removals"
#: Set in the build's state once the old output folders have been looked for.
LOOKED = "bantin_build.removals_looked"


def _trash_name(name: str) -> re.Pattern:
    return re.compile(rf"\.{re.escape(name)}\.bantin-old-\d+-\d+")


def clean_output_dir(path: str, retention) -> None:
    """Pelican's ``clean_output_dir(path, retention)``: same result, removal in the background."""
    path = os.path.abspath(path)
    plain_folder = os.path.isdir(path) and not os.path.islink(path) and not os.path.ismount(path)
    if not REMOVES_IN_BACKGROUND or not plain_folder:
        return _clean_output_dir(path, retention)
    parent, name = os.path.split(path)
    trash = os.path.join(parent, f".{name}.bantin-old-{os.getpid()}-{time.monotonic_ns()}")
    try:
        mode = os.stat(path).st_mode
        os.rename(path, trash)
    except OSError:
        return _clean_output_dir(path, retention)
    try:
        os.mkdir(path)
        os.chmod(path, mode & 0o7777)
        for kept in retention:
            if os.path.lexists(os.path.join(trash, kept)):
                os.rename(os.path.join(trash, kept), os.path.join(path, kept))
    except OSError:
        # Put everything back as it was and let Pelican delete file by file.
        if os.path.isdir(path) and not os.listdir(path):
            os.rmdir(path)
        if not os.path.exists(path):
            os.rename(trash, path)
        return _clean_output_dir(path, retention)


def remove_old_output(generator) -> None:
    """``article_generator_preread`` (Pelican has just cleaned the output folder): the old
    output folder renamed aside, and any a killed build left behind, removed in the background.
    Pelican sends it before each file it reads: only the first of a build looks (listing the
    parent folder 2,000 times took 0.2 s of every preview rebuild at 2,000 articles)."""
    build = build_state(generator.settings)
    if build.get(LOOKED):
        return
    build[LOOKED] = True
    parent, name = os.path.split(os.path.abspath(generator.output_path))
    pattern = _trash_name(name)
    try:
        leftovers = [
            os.path.join(parent, old) for old in os.listdir(parent) if pattern.fullmatch(old)
        ]
    except OSError:
        return
    process = remove_trees(leftovers)
    if process is not None:
        build_state(generator.settings).setdefault(REMOVALS, []).append(process)


def wait(settings: dict) -> None:
    """Wait until the old output folders are gone (end of the build)."""
    removals: list[subprocess.Popen] = build_state(settings).pop(REMOVALS, [])
    for process in removals:
        if process.wait() != 0:
            logger.warning(
                "Không xoá hết được bản đầu ra cũ (rm trả về %s); lần dựng sau sẽ xoá lại.",
                process.returncode,
            )
