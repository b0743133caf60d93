"""content/data/*.yml: read strictly, each mistake reported with file and entry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from bantin_data.schema import load_data_folder


def write(folder, name, text):
    (folder / f"{name}.yml").write_text(text, encoding="utf-8")


def test_good_data(tmp_path):
    write(
        tmp_path,
        "menu",
        "- ten: Giới thiệu\n  duong_dan: /gioi-thieu/\n  muc_con:\n"
        "    - {ten: Lãnh đạo, duong_dan: /lanh-dao/}\n",
    )
    write(
        tmp_path, "don_vi", "- {ten: Chi cục THADS huyện Long Mỹ, ma: long-my, den: 2025-06-30}\n"
    )
    write(tmp_path, "chi_tieu", "- {nam: 2022, viec: 81.50, tien: 40.10}\n")
    data, problems = load_data_folder(str(tmp_path))
    assert problems == []
    assert data["menu"][0].children[0].ten == "Lãnh đạo"
    unit = data["don_vi"][0]
    assert unit.active_on(dt.date(2025, 6, 30)) and not unit.active_on(dt.date(2025, 7, 1))
    assert data["chi_tieu"][2022].viec == Decimal("81.5")


@pytest.mark.parametrize(
    ("name", "text", "field", "words"),
    [
        ("menu", "- ten: Giới thiệu\n", "menu[1].duong_dan", "Thiếu"),
        ("menu", "- {ten: A, duong_dan: /a/, link: x}\n", "menu[1].link", "Trường lạ"),
        ("menu", "ten: A\n", "menu", "danh sách"),
        ("chi_tieu", "- {nam: 2022, viec: 181.5}\n", "chi_tieu[1].viec", "0 đến 100"),
        ("chi_tieu", "- {nam: 2022, viec: '81,5'}\n", "chi_tieu[1].viec", "81.50"),
        ("chi_tieu", "- {nam: hai, viec: 81.5}\n", "chi_tieu[1].nam", "năm"),
        ("don_vi", "- {ten: A, ma: a, den: 30/06/2025}\n", "don_vi[1].den", "2025-06-30"),
        ("don_vi", "- {ten: A}\n", "don_vi[1].ma", "Thiếu"),
    ],
)
def test_data_problems_name_file_and_entry(tmp_path, name, text, field, words):
    write(tmp_path, name, text)
    _, problems = load_data_folder(str(tmp_path))
    assert [p.field for p in problems] == [field]
    assert problems[0].source.endswith(f"{name}.yml")
    assert words in problems[0].format()


def test_yaml_syntax_error_names_the_line(tmp_path):
    write(tmp_path, "menu", "- ten: A\n  duong_dan: /a/\n- ten: B: C\n")
    _, problems = load_data_folder(str(tmp_path))
    assert problems[0].line == 3
    assert "ngoặc kép" in problems[0].format()
