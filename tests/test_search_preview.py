"""The live preview's search index: Pagefind runs in the background, the build never waits.

Real preview builds (``BANTIN_PREVIEW=true``) of tests/sites/search with the real Pagefind
binary behind a wrapper that starts it only when the test says so, so the build is seen
returning first.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bantin_search import indexer, pagefind_executable
from tests.conftest import ROOT, SITES, build_site
from tests.test_devserver_preview import _free_port
from tests.test_search_index import decode

pytestmark = pytest.mark.slow

PREVIEW = ("BANTIN_PREVIEW=true", "BANTIN_FAIL_ON_PROBLEMS=false")


def late_pagefind(folder: Path) -> tuple[Path, Path]:
    """A Pagefind that starts once the returned file exists: (the program, that file)."""
    script, gate = folder / "pagefind-cho", folder / "bat-dau"
    script.write_text(
        f'#!/bin/sh\nwhile [ ! -e "{gate}" ]; do sleep 0.05; done\n'
        f'exec "{pagefind_executable()}" "$@"\n'
    )
    script.chmod(0o755)
    return script, gate


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def wait_for(condition, seconds: float = 60.0) -> None:
    end = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.1)


def marked_pages(output: Path) -> set[str]:
    return {
        "/" + p.relative_to(output).as_posix().removesuffix("index.html")
        for p in output.rglob("*.html")
        if "data-pagefind-body" in p.read_text(encoding="utf-8")
    }


def indexed_pages(output: Path) -> set[str]:
    return {url for url, *_ in decode(output / "pagefind")["vi"]["pages"]}


def finished(output: Path) -> bool:
    return (output / "pagefind").is_dir() and not indexer.pid_file(output).exists()


def test_a_preview_build_returns_first_and_the_whole_index_follows(tmp_path, monkeypatch):
    program, gate = late_pagefind(tmp_path)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(program))
    output = tmp_path / "site" / "output"
    result = build_site(SITES / "search", output, *PREVIEW)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (output / "index.html").is_file()
    assert not (output / "pagefind").exists(), "the build did not wait for Pagefind"
    gate.touch()
    wait_for(lambda: finished(output))
    assert indexed_pages(output) == marked_pages(output)
    assert len(indexed_pages(output)) > 5
    assert [p.name for p in output.parent.iterdir() if p.name.startswith(".")] == []


def test_a_newer_preview_build_stops_the_older_indexer(tmp_path, monkeypatch):
    content = tmp_path / "content"
    content.symlink_to(SITES / "search")
    output = tmp_path / "site" / "output"
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(late_pagefind(tmp_path)[0]))  # never starts
    first = build_site(content, output, *PREVIEW)
    assert first.returncode == 0, first.stdout + first.stderr
    older = int(indexer.pid_file(output).read_text().split()[0])
    assert running(older)

    monkeypatch.delenv("PAGEFIND_BINARY_PATH")
    second = build_site(content, output, *PREVIEW)
    assert second.returncode == 0, second.stdout + second.stderr
    wait_for(lambda: not running(older), 10)
    wait_for(lambda: finished(output))
    assert indexed_pages(output) == marked_pages(output)
    assert [p.name for p in output.parent.iterdir() if p.name.startswith(".")] == []


def _words(output: Path) -> set[str]:
    try:
        return set(decode(output / "pagefind")["vi"]["words"])
    except (OSError, KeyError, ValueError):  # no bundle yet, or one being put in place
        return set()


def test_the_devserver_indexes_a_saved_edit_in_the_background(tmp_path):
    """`make devserver` (bantin_editor.live): a save rebuilds the site, and the search index
    follows with the new words, whole."""
    content = tmp_path / "content"
    shutil.copytree(SITES / "search", content)
    output = tmp_path / "output"
    command = [sys.executable, "-m", "bantin_editor.live", str(content), "-o", str(output)]
    command += ["-s", str(ROOT / "pelicanconf.py"), "-b", "127.0.0.1", "-p", str(_free_port())]
    command += ["-e", *PREVIEW, f'CACHE_PATH="{tmp_path / "cache"}"']
    command += [f'BANTIN_PROBLEMS_FILE="{tmp_path / "problems.json"}"']
    with open(tmp_path / "devserver.log", "w", encoding="utf-8") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        wait_for(lambda: "dau" in _words(output), 120)
        article = content / "articles" / "2022" / "so-ket.md"
        article.write_text(
            article.read_text(encoding="utf-8") + "\nĐoàn khảo sát xuongmaymoi làm việc.\n",
            encoding="utf-8",
        )
        log = tmp_path / "devserver.log"
        # The watcher starts after the first build: saved again until a rebuild is seen.
        touched = [time.monotonic()]

        def rebuilding() -> bool:
            if "Đã lưu" in log.read_text(encoding="utf-8"):
                return True
            if time.monotonic() - touched[0] > 3:
                article.touch()
                touched[0] = time.monotonic()
            return False

        wait_for(rebuilding, 60)
        wait_for(lambda: "xuongmaymoi" in _words(output), 120)
        wait_for(lambda: finished(output))
        assert indexed_pages(output) == marked_pages(output)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
