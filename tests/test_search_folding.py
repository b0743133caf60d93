"""Folding for search: d typed for đ, and abbreviations, as page metadata."""

from __future__ import annotations

import pytest

from bantin_search.folding import (
    abbreviation_keywords,
    compound_dictionary,
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
