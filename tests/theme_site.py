"""The sample site (content/) built once per test session for the theme's page and browser tests.

A module-level cache rather than a fixture: test_theme_pages.py and test_browser_theme.py share
one build without a fixture in conftest.py.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.conftest import ROOT, build_site

CONTENT = ROOT / "content"


@functools.cache
def sample_site() -> Path:
    """Build content/ into a temporary folder (removed at exit) and return that folder.

    ``BANTIN_THEME_TEST_SITE=<folder>`` uses a site already built there instead (quicker while
    working on templates: ``make html OUTPUTDIR=<folder>`` once, then run the tests).
    """
    prebuilt = os.environ.get("BANTIN_THEME_TEST_SITE")
    if prebuilt:
        return Path(prebuilt)
    folder = Path(tempfile.mkdtemp(prefix="bantin-theme-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    output = folder / "output"
    # Preview mode: a content problem another test reports must not hide every theme check.
    result = build_site(CONTENT, output, "-e", "BANTIN_FAIL_ON_PROBLEMS=false")
    if result.returncode != 0 or not (output / "index.html").is_file():
        raise RuntimeError("sample site build failed:\n" + result.stdout + result.stderr)
    return output


def soup(site: Path, path: str) -> BeautifulSoup:
    """Parse one built page; ``path`` as a URL path (``/gioi-thieu/``) or a file path."""
    file = site / path.lstrip("/")
    if path.endswith("/") or not path.strip("/"):
        file = file / "index.html"
    return BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")


def _url(site: Path, file: Path) -> str:
    relative = file.relative_to(site).as_posix()
    return "/" + relative.removesuffix("index.html")


@functools.cache
def page_kinds(site: Path) -> dict[str, str]:
    """One URL path per page kind, found in the build (the sample content changes over time)."""
    articles = sorted(site.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/[a-z]*/index.html"))
    with_photo = [a for a in articles if 'class="bt-figure' in a.read_text(encoding="utf-8")]
    without_photo = [a for a in articles if a not in with_photo]
    months = sorted(site.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/index.html"))
    years = sorted(site.glob("[0-9][0-9][0-9][0-9]/index.html"))
    categories = sorted(site.glob("chuyen-muc/*/index.html"))
    tags = sorted(site.glob("the/*/index.html"))
    documents = [
        a for a in articles if 'class="bt-summary-list bt-document' in a.read_text(encoding="utf-8")
    ]
    kinds = {  # every kind the theme has, in KINDS order
        "home": "/",
        "home-page-2": "/trang/2/" if (site / "trang/2/index.html").is_file() else None,
        "article-photo": _url(site, with_photo[0]) if with_photo else None,
        "article": _url(site, without_photo[0]) if without_photo else None,
        "article-document": _url(site, documents[0]) if documents else None,
        "category": _url(site, categories[0]) if categories else None,
        "categories": "/chuyen-muc/",
        "tag": _url(site, tags[0]) if tags else None,
        "tags": "/the/",
        "archives": "/luu-tru/",
        "year": _url(site, years[-1]) if years else None,
        "month": _url(site, months[-1]) if months else None,
        "page": "/gioi-thieu/",
        "page-english": "/english/",
        "documents": "/van-ban/",
        "site-map": "/so-do-trang/",
        "not-found": "/404.html",
        # Pages other plugins add, checked here too when the site has them.
        "statistics": "/thong-ke/" if (site / "thong-ke/index.html").is_file() else None,
        "search": "/tim-kiem/" if (site / "tim-kiem/index.html").is_file() else None,
    }
    return kinds


KINDS = (
    "home",
    "home-page-2",
    "article-photo",
    "article",
    "article-document",
    "category",
    "categories",
    "tag",
    "tags",
    "archives",
    "year",
    "month",
    "page",
    "page-english",
    "documents",
    "site-map",
    "not-found",
    "statistics",
    "search",
)
OPTIONAL_KINDS = ("statistics", "search")


def page_path(kind: str) -> str:
    """The URL path of one page kind in the sample site; fails if the content lacks it."""
    path = page_kinds(sample_site())[kind]
    if not path and kind in OPTIONAL_KINDS:
        pytest.skip(f"this build has no {kind} page")
    assert path, f"the sample content has no page of kind {kind!r}"
    return path
