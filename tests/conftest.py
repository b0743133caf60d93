"""Shared test helpers: settings, building a site with the real `pelican` command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SITES = Path(__file__).resolve().parent / "sites"
PELICANCONF = ROOT / "pelicanconf.py"


def get_settings(**overrides):
    """The project's pelicanconf settings with overrides (Pelican's own test habit)."""
    from pelican.settings import read_settings

    return read_settings(str(PELICANCONF), override=overrides)


def build_site(content: Path, output: Path, *extra: str, settings: Path = PELICANCONF):
    """Run `pelican` as staff do (a subprocess: signals and plugins start fresh each time)."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pelican",
            str(content),
            "-o",
            str(output),
            "-s",
            str(settings),
            "-e",
            f'CACHE_PATH="{output}.cache"',
            *extra,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )


@pytest.fixture(scope="session")
def basic_site(tmp_path_factory):
    """The fixture site tests/sites/basic built once per test session."""
    output = tmp_path_factory.mktemp("basic") / "output"
    result = build_site(SITES / "basic", output)
    assert result.returncode == 0, result.stdout + result.stderr
    return output
