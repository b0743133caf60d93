"""The reader's and the results plugin's settings: defaults in one place (each plugin's
``settings.py``), read once into a frozen object that the code uses."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bantin_frontmatter import settings as frontmatter
from bantin_frontmatter.fields import FieldContext, earliest_date
from bantin_frontmatter.reader import PROBLEMS_KEY, BantinMarkdownReader
from bantin_ketqua import settings as ketqua
from tests.conftest import get_settings

ARTICLE = """---
title: Bài cũ
date: {date}
category: {category}
slug: bai-cu
---
Nội dung <iframe src="https://video.example.org/v/1"></iframe>
"""


def test_the_defaults_are_the_plain_sites():
    plain = frontmatter.read({})
    assert plain == frontmatter.PLAIN
    assert plain.categories == () and plain.earliest_date == dt.date(1990, 1, 1)
    assert FieldContext(content_path="", source_path="").earliest == plain.earliest_date
    assert "www.youtube-nocookie.com" in plain.video_hosts
    with pytest.raises(dataclasses.FrozenInstanceError):
        plain.categories = ("Tin",)
    own = ketqua.read({"BANTIN_KETQUA_CSV_SAVE_AS": ""})
    assert own.save_as == ketqua.DEFAULTS["BANTIN_KETQUA_SAVE_AS"] == "thong-ke/index.html"
    assert own.csv_save_as == ""  # empty: the file is not written
    with pytest.raises(dataclasses.FrozenInstanceError):
        own.save_as = "x.html"


def test_the_project_settings_reach_the_reader(tmp_path):
    settings = get_settings(
        PATH=str(tmp_path),
        BANTIN_EARLIEST_DATE="2000-01-01",
        BANTIN_VIDEO_HOSTS=["video.example.org"],
    )
    own = frontmatter.read(settings)
    assert own.categories[0] == "Tin hoạt động"  # pelicanconf.py's list
    assert earliest_date(settings) == dt.date(2000, 1, 1)
    (tmp_path / "bai.md").write_text(
        ARTICLE.format(date="1999-05-01", category="Tin hoạt động"), encoding="utf-8"
    )
    reader = BantinMarkdownReader(settings)
    _, metadata = reader.read(str(tmp_path / "bai.md"))
    [problem] = metadata[PROBLEMS_KEY]
    assert problem.field == "date" and "từ 01/01/2000" in problem.expected
    (tmp_path / "bai.md").write_text(
        ARTICLE.format(date="2021-05-01", category="Tin hoạt động"), encoding="utf-8"
    )
    body, metadata = reader.read(str(tmp_path / "bai.md"))
    assert PROBLEMS_KEY not in metadata
    assert 'src="https://video.example.org/v/1"' in body  # the site's own video host kept


def test_a_wrong_earliest_date_is_said_in_vietnamese_naming_it():
    with pytest.raises(ValueError, match="BANTIN_EARLIEST_DATE phải là một ngày"):
        frontmatter.read({"BANTIN_EARLIEST_DATE": "01/01/2000"})
