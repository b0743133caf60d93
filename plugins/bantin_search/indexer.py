"""Run the Pagefind binary over a built site and put its bundle in ``OUTPUT/pagefind`` whole.

Pagefind (``pagefind --site OUTPUT``) indexes only the pages that have a
``data-pagefind-body`` element once any page has one (article and page bodies, never menus,
lists or footers). It writes into a scratch folder beside the output folder
(``.OUTPUT.pagefind-PID-N``), which is renamed into ``OUTPUT/pagefind`` once complete: a
failed or interrupted run never leaves a half index, and the bundle it replaces stays until
then.

``make html`` and ``make publish`` wait for it (:func:`build_index`). A live preview build
starts this file as a detached process (:func:`start_in_background`) and does not wait: the
index follows a few seconds after the page reloads. A newer preview build stops an older
indexer still running (:func:`stop_background`), and an indexer put in place only while it is
still the newest (the token in the ``.OUTPUT.pagefind-pid`` file).

Standard library only: run as ``python indexer.py …`` by the preview, without the plugins.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

BUNDLE = "pagefind"
# Pagefind's ready-made interfaces: the search page uses pagefind.js directly, so these are
# never requested. Removed so the published site carries only what readers can download.
UNUSED_BUNDLE_FILES = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
)
# What Pagefind prints when no page has a data-pagefind-body element: it would then index
# every page whole (menus, lists), so nothing is indexed.
NO_BODY = "Did not find a data-pagefind-body element"


class NothingToIndex(Exception):
    """No page of the site has a data-pagefind-body element."""


def scratch_prefix(output: Path) -> str:
    return f".{output.name}.{BUNDLE}-"


def pid_file(output: Path) -> Path:
    return output.parent / f".{output.name}.{BUNDLE}-pid"


def new_scratch(output: Path) -> Path:
    """A fresh scratch folder's path beside ``output``, named after this process."""
    return output.parent / f"{scratch_prefix(output)}{os.getpid()}-{time.monotonic_ns()}"


def remove_abandoned(output: Path) -> None:
    """Scratch folders of runs whose process is gone (killed mid-way)."""
    prefix = scratch_prefix(output)
    try:
        names = [n for n in os.listdir(output.parent) if n.startswith(prefix)]
    except FileNotFoundError:
        return
    for name in names:
        pid = name[len(prefix) :].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(output.parent / name, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def run_pagefind(executable: str, site: Path, scratch: Path, started=None) -> None:
    """Pagefind over ``site`` into ``scratch``; RuntimeError with its message if it failed.

    ``started``: called with the Pagefind process once it runs (the background indexer stops
    it when told to)."""
    command = [executable, "--site", str(site), "--output-path", str(scratch)]
    try:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace"
        )
    except OSError as error:
        raise RuntimeError(f"không chạy được {executable}: {error.strerror}") from error
    if started is not None:
        started(process)
    out, _ = process.communicate()
    if NO_BODY in out:
        shutil.rmtree(scratch, ignore_errors=True)
        raise NothingToIndex
    if process.returncode != 0 or not (scratch / "pagefind.js").is_file():
        shutil.rmtree(scratch, ignore_errors=True)
        lines = [line for line in out.splitlines() if "rror" in line] or out.splitlines()[-3:]
        raise RuntimeError(" ".join(lines).strip() or f"mã lỗi {process.returncode}")
    for name in UNUSED_BUNDLE_FILES:
        (scratch / name).unlink(missing_ok=True)


def put_in_place(scratch: Path, output: Path) -> None:
    """Make the complete bundle ``scratch`` the site's ``OUTPUT/pagefind``."""
    target = output / BUNDLE
    if not output.is_dir():  # the output was removed meanwhile (a newer build)
        shutil.rmtree(scratch, ignore_errors=True)
        return
    old = scratch.with_name(scratch.name + "-old")
    if target.is_dir() and not target.is_symlink():
        os.rename(target, old)
    elif target.exists() or target.is_symlink():
        target.unlink()
    try:
        os.rename(scratch, target)
    except OSError as error:
        if error.errno != errno.EXDEV:  # the output folder is a mount point: copy, then rename
            raise
        copy = output / f".{BUNDLE}-{os.getpid()}"
        shutil.copytree(scratch, copy)
        os.rename(copy, target)
        shutil.rmtree(scratch)
    shutil.rmtree(old, ignore_errors=True)


def build_index(executable: str, output: Path) -> bool:
    """Index ``output`` and put the bundle in place; False: no page to index (any old bundle
    is removed). RuntimeError: Pagefind failed, and the output's bundle is left as it was."""
    remove_abandoned(output)
    scratch = new_scratch(output)
    try:
        run_pagefind(executable, output, scratch)
    except NothingToIndex:
        shutil.rmtree(output / BUNDLE, ignore_errors=True)
        return False
    put_in_place(scratch, output)
    return True


# --- The live preview's background indexer -------------------------------------------------


def stop_background(output: Path) -> None:
    """Stop the background indexer of ``output`` if one still runs (a newer build starts)."""
    try:
        pid, token = pid_file(output).read_text(encoding="utf-8").split()
        if int(pid) <= 0:
            return
        with open(f"/proc/{int(pid)}/cmdline", "rb") as handle:
            running = token.encode() in handle.read()
    except (OSError, ValueError):
        return
    if running:
        with contextlib.suppress(OSError):  # it ended meanwhile
            os.killpg(int(pid), signal.SIGTERM)


def start_in_background(executable: str, output: Path) -> subprocess.Popen:
    """Start the indexer of ``output`` as a detached process and return at once."""
    stop_background(output)
    token = f"bantin-{os.getpid()}-{time.monotonic_ns()}"
    command = [sys.executable, __file__, str(output), "--executable", executable]
    command += ["--token", token]
    # Its messages reach the terminal of `make devserver`; never a pipe a caller waits on.
    stream = sys.stderr if sys.stderr.isatty() else subprocess.DEVNULL
    # The token first: the indexer puts its bundle in place only while the file names it.
    pid_file(output).write_text(f"0 {token}\n", encoding="utf-8")
    process = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=stream, stderr=stream, start_new_session=True
    )
    pid_file(output).write_text(f"{process.pid} {token}\n", encoding="utf-8")
    return process


def _newest(output: Path, token: str) -> bool:
    try:
        return pid_file(output).read_text(encoding="utf-8").split()[1] == token
    except (OSError, IndexError):
        return False


def background_main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Bantin: chỉ mục tìm kiếm cho bản xem trước")
    parser.add_argument("output", type=Path)
    parser.add_argument("--executable", required=True)
    parser.add_argument("--token", required=True)
    args = parser.parse_args(argv)
    output, scratch = args.output, new_scratch(args.output)
    running = []

    def stop(_signum, _frame):
        for process in running:
            process.kill()
        shutil.rmtree(scratch, ignore_errors=True)
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    remove_abandoned(output)
    try:
        run_pagefind(args.executable, output, scratch, running.append)
    except NothingToIndex:
        return 0
    except RuntimeError as error:
        print(f"[bantin_search] Không tạo được chỉ mục tìm kiếm: {error}", file=sys.stderr)
        return 1
    # Put in place only by the newest indexer, and never cut short by a stop.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    if _newest(output, args.token):
        put_in_place(scratch, output)
        pid_file(output).unlink(missing_ok=True)
    else:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(background_main())
