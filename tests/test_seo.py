"""bantin_seo's one change to a tool's own code: pelican-sitemap's ``now``, version-guarded."""

from __future__ import annotations

import datetime
import hashlib
import importlib.metadata
import inspect
import logging
from types import SimpleNamespace

import bantin_seo
import pytest
from pelican.plugins.sitemap import sitemap

# sha256 of the pelican-sitemap code that sets and reads ``now``: when it changes, read it,
# check that bantin_seo.stable_sitemap_dates still does what it says, then update the digests
# and SITEMAP_WRITTEN_AGAINST.
UPSTREAM_SOURCES = {
    "SitemapGenerator.__init__": "be3305c3b1aa0361cdbb0ccae0970b8e2587123e0cf137996214d1e2e1274dd4",
    "SitemapGenerator._write_out": (
        "81a15f0e8b1388d2bad983321a1b8ede82677a1291acb5dd4db754b1fad3a6d8"
    ),
}


def test_the_sitemap_code_it_relies_on_is_unchanged():
    assert importlib.metadata.version("pelican-sitemap") == bantin_seo.SITEMAP_WRITTEN_AGAINST
    changed = [
        name
        for name, digest in UPSTREAM_SOURCES.items()
        if hashlib.sha256(
            inspect.getsource(getattr(sitemap.SitemapGenerator, name.split(".")[1])).encode()
        ).hexdigest()
        != digest
    ]
    assert changed == [], f"pelican-sitemap changed: {changed}"


@pytest.fixture
def generator_now():
    saved = sitemap.generator.now
    yield
    sitemap.generator.now = saved


def _generators():
    dates = [datetime.datetime(2023, 5, 1), datetime.datetime(2024, 2, 3, 8, 30)]
    articles = [SimpleNamespace(date=dates[0]), SimpleNamespace(date=dates[1])]
    return [SimpleNamespace(articles=articles, pages=[SimpleNamespace(date=None)])]


def test_undated_entries_get_the_newest_content_date(generator_now):
    bantin_seo.stable_sitemap_dates(_generators())
    assert sitemap.generator.now == datetime.datetime(2024, 2, 3, 8, 30)


def test_another_sitemap_version_keeps_its_own_behaviour(generator_now, monkeypatch, caplog):
    before = sitemap.generator.now
    real_version = importlib.metadata.version
    monkeypatch.setattr(
        importlib.metadata,
        "version",
        lambda name: "9.0.0" if name == "pelican-sitemap" else real_version(name),
    )
    with caplog.at_level(logging.WARNING, logger="bantin_seo"):
        bantin_seo.stable_sitemap_dates(_generators())
    assert sitemap.generator.now == before
    assert "pelican-sitemap 9.0.0 không phải bản 1.2.2" in caplog.text
