"""Folding for search: d typed for đ, and abbreviations, as page metadata."""

from __future__ import annotations

import re
import unicodedata
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bantin_search.folding import (
    abbreviation_keywords,
    compound_dictionary,
    d_compounds,
    fold,
    folded_d_words,
    search_meta,
)

ABBREVIATIONS = {"THADS": "thi hành án dân sự", "CHV": "chấp hành viên"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Đơn thư khiếu nại", "don thu khieu nai"),
        ("đấu giá", "dau gia"),
        ("Đảng ủy", "dang uy"),
        ("hoà hòa", "hoa hoa"),
        ("THADS", "thads"),
        ("Lê Phước Toàn", "le phuoc toan"),
    ],
)
def test_fold(text, expected):
    assert fold(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thông báo bán đấu giá tài sản", "dau"),
        ("Đơn thư khiếu nại; đơn đề nghị", "don de"),
        ("Quyết định số 125/QĐ-CTHADS", "dinh qd"),
        ("Không có chữ đê", "de"),
        ("Không có chữ nào", ""),
    ],
)
def test_only_words_with_d_bar_are_folded(text, expected):
    assert folded_d_words(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cục Thi hành án dân sự tỉnh", "thads thi hanh an dan su"),
        ("Cục THADS tỉnh", "thads thi hanh an dan su"),
        ("Các chấp hành viên và THADS", "thads thi hanh an dan su chv chap vien"),
        ("Thi hành án hành chính", ""),
        ("THADSX", ""),
    ],
)
def test_abbreviations_work_both_ways(text, expected):
    assert abbreviation_keywords(text, ABBREVIATIONS) == expected


def test_search_meta_separates_title_and_body():
    meta = search_meta("Thông báo đấu giá", ["<p>Đơn vị <b>đề nghị</b></p>"], ABBREVIATIONS)
    assert meta == {"tkd": "dau", "bkd": "don de", "kw": ""}


def test_compound_dictionary_reads_pairs_as_the_site_writes_them():
    texts = [
        "Thông báo bán đấu giá tài sản. Tổ chức đấu giá.",
        "Kết quả 6 tháng đầu năm; đấu giá lại.",
        "Đơn thư khiếu nại",
    ]
    compounds = compound_dictionary(texts)
    assert compounds["dau gia"] == "đấu giá"
    assert compounds["dau nam"] == "đầu năm"
    assert compounds["don thu"] == "đơn thư"
    assert "thong bao" not in compounds  # no đ: Pagefind's own folding finds it


def test_compound_dictionary_keeps_the_most_frequent_pairs():
    texts = ["đơn thư " * 3, "đấu giá " * 2, "đầu tư"]
    assert list(compound_dictionary(texts, limit=2)) == ["dau gia", "don thu"]


# The first, plain versions of fold and d_compounds; the module's are faster (a translate
# table, substring tests) and must give the same result for any text.
def _plain_fold(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).lower()


def _plain_d_compounds(text: str):
    words = re.findall(r"\w+", text)
    for first, second in pairwise(words):
        if first.isalpha() and second.isalpha() and any(ch in "đĐ" for ch in first + second):
            yield f"{_plain_fold(first)} {_plain_fold(second)}", f"{first} {second}".lower()


# Vietnamese letters in both forms, combining marks alone, other scripts, digits, spaces.
_TEXT = st.text(
    st.one_of(
        st.sampled_from("đĐdDaăâeêoơưáàảãạấầẩẫậắằẳẵặếềểễệốồổỗộớờởỡợứừửữựíìỉĩị "),
        st.sampled_from("\u0300\u0301\u0303\u0309\u0323\u0306\u0302\u031b\u0488"),
        st.characters(),
    ),
    max_size=60,
)


@given(_TEXT)
def test_fold_equals_the_plain_version(text):
    assert fold(text) == _plain_fold(text)


@given(_TEXT)
def test_d_compounds_equal_the_plain_version(text):
    assert list(d_compounds(text)) == list(_plain_d_compounds(text))
