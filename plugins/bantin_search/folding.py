"""Words a citizen may type without Vietnamese letters, for the search index.

Pagefind folds tone and vowel marks itself (``thi hanh an`` finds ``thi hành án``), but ``đ`` is
a letter of its own, not ``d`` with a mark: ``don`` never reaches ``đơn``. Each page therefore
carries, as Pagefind metadata (never visible text), its words containing ``đ`` folded to ASCII,
plus the configured abbreviations (THADS ↔ thi hành án dân sự). See
../shared/reference/search.md for the measurements behind this.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping

from bantin_core.folding import fold

_WORD = re.compile(r"\w+", re.UNICODE)


@functools.lru_cache(maxsize=65536)
def fold_word(word: str) -> str:
    """:func:`fold` of one word, remembered (a site's pages share most of their words)."""
    return fold(word)


def folded_d_words(text: str) -> str:
    """The distinct words of ``text`` that contain đ/Đ, folded, in order of appearance."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(text):
        if "đ" in word or "Đ" in word:
            seen.setdefault(fold_word(word), None)
    return " ".join(seen)


def abbreviation_keywords(text: str, abbreviations: Mapping[str, str]) -> str:
    """Both forms of every configured abbreviation the text uses in either form.

    ``{"THADS": "thi hành án dân sự"}``: a page saying "thi hành án dân sự" is found by
    ``THADS``, and a page saying only "THADS" by ``thi hanh an dan su``.
    """
    folded_text = f" {' '.join(_WORD.findall(fold(text)))} "
    words: dict[str, None] = {}
    for abbreviation, expansion in abbreviations.items():
        short, long = _folded_abbreviation(abbreviation, expansion)
        if f" {short} " in folded_text or f" {long} " in folded_text:
            words.setdefault(short, None)
            for word in long.split():
                words.setdefault(word, None)
    return " ".join(words)


@functools.lru_cache(maxsize=1024)
def _folded_abbreviation(abbreviation: str, expansion: str) -> tuple[str, str]:
    return fold(abbreviation), " ".join(_WORD.findall(fold(expansion)))


def visible_text(html: str) -> str:
    """Rough text of an HTML fragment (tags dropped), enough to find words in it."""
    return unicodedata.normalize("NFC", re.sub(r"<[^>]+>", " ", html))


def search_meta(title: str, texts: Iterable[str], abbreviations: Mapping[str, str]) -> dict:
    """Pagefind metadata for one page: title and body đ-words, abbreviation keywords."""
    body = " ".join(texts)
    return {
        "tkd": folded_d_words(title),
        "bkd": folded_d_words(body),
        "kw": abbreviation_keywords(f"{title} {body}", abbreviations),
    }


def d_compounds(text: str):
    """Adjacent word pairs with a đ in them: (folded pair, the pair as written, lower case).

    ``"Thông báo bán đấu giá"`` gives ``("dau gia", "đấu giá")`` and ``("ban dau", "bán đấu")``.
    """
    if "đ" not in text and "Đ" not in text:
        return
    words = _WORD.findall(text)
    # The pairs (i, i + 1) that hold a word with đ, in order.
    starts: dict[int, None] = {}
    for index, word in enumerate(words):
        if "đ" in word or "Đ" in word:
            if index > 0:
                starts[index - 1] = None
            starts[index] = None
    for index in starts:
        if index + 1 < len(words):
            first, second = words[index], words[index + 1]
            if first.isalpha() and second.isalpha():
                yield f"{fold_word(first)} {fold_word(second)}", f"{first} {second}".lower()


def compound_dictionary(texts: Iterable[str], limit: int = 3000) -> dict[str, str]:
    """Folded pair → the site's most frequent spelling of it.

    The search page uses it to read ``dau gia`` as ``đấu giá`` rather than ``đầu``: a folded
    word alone is ambiguous (đấu, đầu, dầu), the pair written on the site almost never is.
    The most frequent pairs are kept (``limit``) so the file stays small on large sites.
    """
    return best_compounds(
        (pair for text in texts for pair in d_compounds(text)),
        limit,
    )


def best_compounds(pairs: Iterable[tuple[str, str]], limit: int = 3000) -> dict[str, str]:
    """:func:`compound_dictionary` from the pairs :func:`d_compounds` gave for every text."""
    counts: dict[str, dict[str, int]] = {}
    count_pairs(counts, pairs)
    return choose_compounds(counts, limit)


def count_pairs(counts: dict, pairs: Iterable[tuple[str, str]], step: int = 1) -> None:
    """Add (``step`` 1) or take away (-1) ``pairs`` in ``counts``: folded → {written: n}."""
    for key, written in pairs:
        spellings = counts.setdefault(key, {})
        number = spellings.get(written, 0) + step
        if number > 0:
            spellings[written] = number
        else:
            spellings.pop(written, None)
            if not spellings:
                del counts[key]


def choose_compounds(counts: dict, limit: int = 3000) -> dict[str, str]:
    """The most frequent spelling of each pair, the ``limit`` most frequent pairs."""
    best = {
        key: max(spellings.items(), key=lambda item: (item[1], item[0]))
        for key, spellings in counts.items()
    }
    ranked = sorted(best.items(), key=lambda item: (-item[1][1], item[0]))[:limit]
    return {key: written for key, (written, _count) in sorted(ranked)}
