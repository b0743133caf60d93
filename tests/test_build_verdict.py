"""A build's verdict is a value; the exit status comes from it once Pelican's run has returned.

No signal receiver ends the process: on a build with content problems every ``finalized``
receiver still runs (the share cards drawn in the background go into the output, the search
index is written), whichever order Blinker calls them in. ``pelican`` fails through
``PELICAN_CLASS = "bantin_core.BantinPelican"``; ``python -m bantin_build`` reads the verdict
itself, whatever class the settings name.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.conftest import PELICANCONF, ROOT, SITES, build_site

BROKEN = "---\ntitle: Thiếu chuyên mục\ndate: 2021-03-19\nslug: thieu-truong\n---\nBài.\n"
MESSAGE = "Thiếu trường «Chuyên mục» (category)"


@pytest.fixture(scope="module")
def broken_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("verdict")
    content = root / "content"
    shutil.copytree(SITES / "check-clean", content)
    (content / "articles/2021/thieu-truong.md").write_text(BROKEN, encoding="utf-8")
    return content


def _problems(path):
    return [p["message"] for p in json.loads(path.read_text(encoding="utf-8"))]


def test_a_failed_build_exits_1_after_every_finalized_receiver_ran(broken_site, tmp_path):
    output, report = tmp_path / "out", tmp_path / "problems.json"
    result = build_site(
        broken_site,
        output,
        # Two workers: the share cards are drawn in the background and linked into the output
        # by bantin_images' finalized receiver, connected after bantin_core's.
        "BANTIN_BUILD_WORKERS=2",
        f'BANTIN_PROBLEMS_FILE="{report}"',
    )
    log = result.stdout + result.stderr
    assert result.returncode == 1, log[-3000:]
    assert any(MESSAGE in message for message in _problems(report))
    # The verdict is said last, after Pelican's own summary.
    assert log.index("Done: Processed") < log.rindex("Bản dựng KHÔNG đạt: 1 lỗi")
    assert "Traceback" not in log
    # Receivers connected after bantin_core's finish_build ran: the share card of the valid
    # article (bantin_images.finish_cards) and the search index (bantin_search.index_site).
    cards = list((output / "images/chia-se").glob("bai-mot.*.jpg"))
    assert len(cards) == 1 and cards[0].stat().st_size > 1000
    assert (output / "pagefind/pagefind-entry.json").is_file()


def test_python_m_bantin_build_reads_the_verdict_whatever_pelican_class(broken_site, tmp_path):
    """``make html`` fails the broken build even with Pelican's own class in the settings."""
    command = [sys.executable, "-m", "bantin_build", str(broken_site), "-o", str(tmp_path / "o")]
    command += ["-s", str(PELICANCONF), "-e", f'CACHE_PATH="{tmp_path / "cache"}"']
    command += ['PELICAN_CLASS="pelican.Pelican"', "BANTIN_ENGINE=false"]
    env = {**os.environ, "COLUMNS": "200"}
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env)
    log = result.stdout + result.stderr
    assert result.returncode == 1, log[-3000:]
    assert MESSAGE in result.stderr and "Bản dựng KHÔNG đạt: 1 lỗi" in log


def test_the_preview_lists_the_problems_and_exits_0(broken_site, tmp_path):
    report = tmp_path / "problems.json"
    result = build_site(
        broken_site,
        tmp_path / "out",
        "BANTIN_FAIL_ON_PROBLEMS=false",
        f'BANTIN_PROBLEMS_FILE="{report}"',
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    assert any(MESSAGE in message for message in _problems(report))
    assert "KHÔNG đạt" not in result.stdout + result.stderr
    assert (tmp_path / "out/2021/03/bai-mot/index.html").is_file()
