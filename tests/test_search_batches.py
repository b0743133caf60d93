"""Batched indexing: Pagefind runs over batches of pages, merged into one bundle (bundle.py).

A generated site large enough for several index chunks (Pagefind cuts a chunk every 20,000
word locations) is indexed in batches of several sizes; every merged bundle must decode to
what one Pagefind run over all pages makes, with the same chunk bounds, and the bundles of
different batchings must be the same bytes.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from pagefind.service import get_executable

from bantin_search import UNUSED_BUNDLE_FILES, batches, page_digests, search_input_bytes
from bantin_search.bundle import index_batch, merge
from tests.test_search_index import (
    _cbor,
    _read,
    decode,
    pagefind_in_path_order,
    pagefind_site,
    raw_index,
)

pytestmark = pytest.mark.slow

WORDS = (
    "đấu giá đầu dầu tài sản thi hành án dân sự quyết định hòa hoà giải đơn thư khiếu nại "
    "cục chi trưởng phó văn phòng kế hoạch năm tháng ngày báo cáo tổng kết sơ phong trào thi "
    "đua khen thưởng cán bộ công chức đảng ủy hội nghị trực tuyến chấp viên xác minh điều kiện "
    "tổ chức đoàn kiểm tra giám sát ban hành hướng dẫn việc thực hiện nhiệm vụ trọng tâm"
)
# Words without marks keep their locations in the word's own page list, which is what
# Pagefind counts to cut chunks.
PLAIN = [
    "tin",
    "bai",
    "so",
    "ke",
    "ban",
    "chi",
    "an",
    "thi",
    "lam",
    "viec",
    "mot",
    "hai",
    "ba",
    "bon",
    "nam",
    "sau",
    "bay",
    "tam",
    "chin",
    "muoi",
]
SYLLABLES = WORDS.split(" ") + PLAIN * 2


def _page(rng: random.Random, number: int) -> str:
    words = [rng.choice(SYLLABLES) for _ in range(rng.randint(200, 400))]
    title = " ".join(words[:8])
    meta = f'<span data-pagefind-meta="title">{title}</span>'
    if number % 5 == 0:  # a field few batches have: its metadata numbers differ per batch
        meta += f'<span hidden data-pagefind-meta="so_ky_hieu:{number}/QĐ-CTHADS"></span>'
    if number % 7 == 0:
        meta += f'<span hidden data-pagefind-meta="pdf:/documents/{number}.pdf"></span>'
    year = 2016 + number % 9
    return (
        '<!DOCTYPE html><html lang="vi"><head><title>x</title></head><body><nav>Trang chủ</nav>'
        f'<article data-pagefind-body data-pagefind-sort="date:{year}-{number % 12 + 1:02d}-01'
        # Distinct values: equal ones keep page order, which differs (see bundle.py).
        f'T{number // 60:02d}:{number % 60:02d}">'
        f"<h1>{title}</h1>{meta}"
        f'<span data-pagefind-filter="year">{year}</span>'
        f'<span hidden data-pagefind-filter="category:{rng.choice(["Tin", "Văn bản"])}"></span>'
        f"<p>{' '.join(words[8:])} số {number} ngày {number % 28 + 1}/{year}</p>"
        "</article></body></html>"
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("batches") / "site"
    rng = random.Random(9)
    for number in range(240):
        path = root / f"{2016 + number % 9}/{number % 12 + 1:02d}/bai-{number}/index.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_page(rng, number), encoding="utf-8")
    english = root / "english/index.html"
    english.parent.mkdir(parents=True)
    english.write_text(
        '<html lang="en"><body><main data-pagefind-body><h1>About us</h1>'
        "<p>Civil judgment enforcement department.</p></main></body></html>",
        encoding="utf-8",
    )
    (root / "tags.html").write_text("<html><body><p>Không đánh chỉ mục</p></body></html>")
    return root


def _merged(site: Path, out: Path, per_batch: int, budget: int = 2_000_000) -> Path:
    pages = page_digests(site)
    groups = batches(pages, per_batch, budget)
    executable = str(get_executable())
    paths = []
    for number, group in enumerate(groups):
        dest = out / f"batch-{number}"
        texts = [(path, search_input_bytes((site / path).read_bytes())) for path, *_ in group]
        index_batch(texts, dest, executable)
        paths.append(dest)
    bundle = out / "bundle"
    merge(paths, bundle, UNUSED_BUNDLE_FILES)
    return bundle


def _chunk_bounds(bundle: Path) -> dict:
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    return {
        lang: [
            chunk[:2] for chunk in _cbor(_read(bundle / f"pagefind.{info['hash']}.pf_meta"))[0][2]
        ]
        for lang, info in entry["languages"].items()
    }


def _files(bundle: Path) -> dict[str, bytes]:
    return {
        p.relative_to(bundle).as_posix(): p.read_bytes() for p in bundle.rglob("*") if p.is_file()
    }


@pytest.fixture(scope="module")
def single(site, tmp_path_factory):
    """One Pagefind run over the whole site (what the build did before batches)."""
    return pagefind_site(site, tmp_path_factory.mktemp("single") / "pagefind")


@pytest.mark.parametrize("per_batch", [1, 7, 40])
def test_merged_batches_are_what_one_pagefind_run_makes(site, single, tmp_path, per_batch):
    bundle = _merged(site, tmp_path, per_batch)
    ours, reference = decode(bundle), decode(single)
    assert ours.keys() == reference.keys() == {"version", "vi", "en"}
    for lang in ("vi", "en"):
        for key in reference[lang]:
            assert ours[lang][key] == reference[lang][key], (lang, key)
    # The same chunks: a query loads the same words (prefix search stays within a chunk).
    bounds = _chunk_bounds(bundle)
    assert bounds == _chunk_bounds(single)
    assert len(bounds["vi"]) >= 3
    assert (bundle / "pagefind.js").is_file()
    assert not [name for name in _files(bundle) if "pagefind-ui" in name]


def test_a_second_merge_reads_the_remapped_words_it_kept(site, tmp_path):
    """Batches lacking a metadata field keep their renumbered words for the next merge."""
    bundle = _merged(site, tmp_path, 7)
    paths = sorted(tmp_path.glob("batch-*"), key=lambda path: int(path.name.split("-")[1]))
    kept = [name for path in paths for name in path.glob("bantin-remap-*.marshal")]
    assert kept and not list(tmp_path.glob("batch-*/*.tmp"))
    again = tmp_path / "again"
    merge(paths, again, UNUSED_BUNDLE_FILES)
    assert _files(again) == _files(bundle)


def test_merged_bundle_depends_on_the_pages_only(site, tmp_path):
    """Other batch sizes, or a byte budget that cuts batches: the same bytes."""
    first = _files(_merged(site, tmp_path / "a", 7))
    assert _files(_merged(site, tmp_path / "b", 7)) == first
    assert _files(_merged(site, tmp_path / "c", 1_000)) == first
    assert _files(_merged(site, tmp_path / "d", 1_000, budget=60_000)) == first
    assert len(first) > 200


def test_batches_keep_their_bounds_when_a_page_changes_or_is_added(site):
    pages = page_digests(site)
    groups = batches(pages, 16)
    assert len(groups) > 5
    assert [p for group in groups for p in group] == pages
    # An edited page (new digest and size): only its own batch differs.
    edited = list(pages)
    path, _digest, size = edited[100]
    edited[100] = (path, "0" * 64, size + 40)
    after = batches(edited, 16)
    changed = [i for i, (a, b) in enumerate(zip(groups, after, strict=True)) if a != b]
    assert len(after) == len(groups) and len(changed) == 1
    # A new page joins one batch (or makes one); the others stay.
    added = sorted([*pages, ("2024/12/bai-moi/index.html", "1" * 64, 4_000)])
    after = batches(added, 16)
    assert len([g for g in after if g not in groups]) <= 2
    assert len([g for g in groups if g not in after]) <= 1


def test_merged_index_is_pagefinds_own_when_pagefind_meets_pages_in_path_order(site, tmp_path):
    """Page numbers, word variants in their order, positions, chunks: all as stored by a
    Pagefind run that numbers pages as the merge does (in path order)."""
    reference = raw_index(pagefind_in_path_order(site, tmp_path / "reference"))
    for per_batch in (3, 50):
        assert raw_index(_merged(site, tmp_path / str(per_batch), per_batch)) == reference
