"""The search index: Pagefind reads only the pages it indexes, in batches merged into one
bundle, and the bundle holds what one Pagefind run over the whole site makes.

Real builds of tests/sites/search; the bundle is decoded (Pagefind 1.5.2 files are gzip of
``pagefind_dcd`` + CBOR or JSON) and compared with a Pagefind run over the whole built site,
which is what the build did before it gave Pagefind only the indexed pages. Page numbers are
left out of the comparison: Pagefind numbers pages in file-system order, the merge in path
order.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

import pytest
from pagefind.service import get_executable

from bantin_search import search_input, search_input_bytes
from tests.conftest import SITES, build_site

pytestmark = pytest.mark.slow


def _cbor(data: bytes, pos: int = 0):
    """Decode one CBOR item (the subset Pagefind writes): (value, next position)."""
    head = data[pos]
    major, info = head >> 5, head & 0x1F
    pos += 1
    if info < 24:
        arg = info
    else:
        size = 1 << (info - 24)
        arg = int.from_bytes(data[pos : pos + size], "big")
        pos += size
    if major == 0:
        return arg, pos
    if major == 1:
        return -1 - arg, pos
    if major in (2, 3):
        raw = data[pos : pos + arg]
        return (raw.decode() if major == 3 else raw), pos + arg
    if major == 4:
        items = []
        for _ in range(arg):
            item, pos = _cbor(data, pos)
            items.append(item)
        return items, pos
    if major == 7 and info == 26:
        return struct.unpack(">f", data[pos - 4 : pos])[0], pos
    raise ValueError(f"CBOR type {major}/{info} not expected")


def _read(path: Path) -> bytes:
    data = gzip.decompress(path.read_bytes())
    assert data.startswith(b"pagefind_dcd")
    return data[len(b"pagefind_dcd") :]


def _absolute(pages):
    """Page lists store each page number as the difference from the previous one."""
    number, result = 0, []
    for page in pages:
        number += page[0]
        result.append((number, *page[1:]))
    return result


def _located(urls: list[str], pages) -> list:
    return sorted((urls[n], json.dumps(rest)) for n, *rest in _absolute(pages))


def decode(bundle: Path) -> dict:
    """What a search can see in a bundle, independent of page numbering and file order."""
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    seen = {"version": entry["version"]}
    for lang, info in entry["languages"].items():
        meta, _ = _cbor(_read(bundle / f"pagefind.{info['hash']}.pf_meta"))
        _version, pages, chunks, filters, sorts, fields = meta
        fragments = [json.loads(_read(bundle / "fragment" / f"{h}.pf_fragment")) for h, _ in pages]
        urls = [fragment["url"] for fragment in fragments]

        words = {}
        for _from, _to, name in chunks:
            for word, pages_, variants in _cbor(_read(bundle / "index" / f"{name}.pf_index"))[0][0]:
                located = sorted((v, _located(urls, p)) for v, p in variants)
                words[word] = (_located(urls, pages_), located)
        filter_values = {}
        for name, file_hash in filters:
            _name, values = _cbor(_read(bundle / "filter" / f"{file_hash}.pf_filter"))[0]
            filter_values[name] = {v: sorted(urls[p] for p in ps) for v, ps in values}
        seen[lang] = {
            "wasm": info["wasm"],
            "page_count": info["page_count"],
            "pages": sorted(
                (f["url"], json.dumps(f, sort_keys=True), count)
                for f, (_h, count) in zip(fragments, pages, strict=True)
            ),
            "words": words,
            "filters": filter_values,
            "sorts": {key: [urls[p] for p in order] for key, order in sorts},
            "fields": fields,
        }
    return seen


def pagefind_in_path_order(site: Path, bundle: Path) -> Path:
    """One Pagefind run over the HTML pages of ``site`` that meets them in path order.

    Pagefind numbers pages in the order its directory walk meets them, and that order shows
    in results (word variants are listed in the order pages introduce them; equal scores
    keep page order). The merged bundle numbers pages in path order; to compare rankings
    exactly, the pages are written in reverse path order to tmpfs, which lists a folder
    newest first."""
    shm = Path("/dev/shm")
    if not shm.is_dir() or not os.access(shm, os.W_OK):
        pytest.skip("no tmpfs at /dev/shm to give Pagefind the pages in path order")
    scratch = Path(tempfile.mkdtemp(dir=shm, prefix="bantin-test-"))
    try:
        files = sorted(
            p.relative_to(site).as_posix()
            for p in site.rglob("*.html")
            if p.relative_to(site).parts[0] != "pagefind"
        )
        for name in reversed(files):
            target = scratch / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes((site / name).read_bytes())
        command = [str(get_executable()), "--site", str(scratch), "--output-path", str(bundle)]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    for info in entry["languages"].values():
        meta, _ = _cbor(_read(bundle / f"pagefind.{info['hash']}.pf_meta"))
        urls = [
            json.loads(_read(bundle / "fragment" / f"{h}.pf_fragment"))["url"] for h, _ in meta[1]
        ]
        if urls != sorted(urls):
            pytest.skip("this file system does not list new files first: no path-order run")
    return bundle


def raw_index(bundle: Path) -> dict:
    """Per language: chunk bounds, word entries as stored (page numbers, variant order),
    sorts, fields and page word counts; no file names."""
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    result = {}
    for lang, info in entry["languages"].items():
        meta, _ = _cbor(_read(bundle / f"pagefind.{info['hash']}.pf_meta"))
        _version, pages, chunks, _filters, sorts, fields = meta
        result[lang] = {
            "bounds": [chunk[:2] for chunk in chunks],
            "words": [_cbor(_read(bundle / "index" / f"{c[2]}.pf_index"))[0] for c in chunks],
            "sorts": sorts,
            "fields": fields,
            "word_counts": [count for _hash, count in pages],
        }
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("index")
    output = root / "output"
    result = build_site(SITES / "search", output, f'BANTIN_SEARCH_CACHE_PATH="{root / "search"}"')
    assert result.returncode == 0, result.stdout + result.stderr
    return root, output


def pagefind_site(site: Path, out: Path) -> Path:
    """One plain Pagefind run over ``site`` into ``out`` (the reference the merge must equal)."""
    result = subprocess.run(
        [str(get_executable()), "--site", str(site), "--output-path", str(out), "--quiet"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return out


def test_index_is_what_pagefind_makes_of_the_whole_site(built, tmp_path):
    _root, output = built
    whole = tmp_path / "whole"
    site = tmp_path / "site"
    subprocess.run(["cp", "-r", str(output), str(site)], check=True)
    subprocess.run(["rm", "-rf", str(site / "pagefind")], check=True)
    pagefind_site(site, whole)
    ours, reference = decode(output / "pagefind"), decode(whole)
    assert ours.keys() == reference.keys()
    for lang in ours:
        assert ours[lang] == reference[lang], lang
    # The pages indexed are exactly the built pages with a data-pagefind-body element.
    marked = {
        "/" + p.relative_to(output).as_posix().removesuffix("index.html")
        for p in output.rglob("*.html")
        if "data-pagefind-body" in p.read_text(encoding="utf-8")
    }
    indexed = {url for lang in ours if lang != "version" for url, *_ in ours[lang]["pages"]}
    assert indexed == marked
    assert len(marked) > 5


def test_rebuild_of_the_same_content_reuses_the_index_byte_for_byte(built):
    root, output = built
    before = {
        p.relative_to(output).as_posix(): p.read_bytes()
        for p in (output / "pagefind").rglob("*")
        if p.is_file()
    }
    again = root / "again"
    result = build_site(SITES / "search", again, f'BANTIN_SEARCH_CACHE_PATH="{root / "search"}"')
    assert result.returncode == 0, result.stdout + result.stderr
    after = {
        p.relative_to(again).as_posix(): p.read_bytes()
        for p in (again / "pagefind").rglob("*")
        if p.is_file()
    }
    assert after == before
    assert "pagefind/pagefind.js" in after
    assert not [name for name in after if "pagefind-ui" in name]


def test_search_input_keeps_the_language_and_the_indexed_part_only():
    html = (
        '<!DOCTYPE html><html lang="vi"><head><title>T</title></head><body>'
        '<nav>Trang chủ</nav><main><article class="a" data-pagefind-body><h1>Đấu giá</h1>'
        "</article></main><footer>Chân trang</footer></body></html>"
    )
    text = search_input(html)
    assert text.startswith('<!DOCTYPE html><html lang="vi"><body><article class="a" data-pagefind')
    assert "Trang chủ" not in text and "<title>" not in text
    assert "<h1>Đấu giá</h1>" in text
    assert "Chân trang" not in text, "cut after the element: no footer"
    assert text.endswith("</article></body></html>")
    assert search_input("<html><body><p>Danh sách thẻ</p></body></html>") is None


def test_search_input_never_cuts_inside_the_indexed_element():
    """The cut is after the last closing tag of the element's name: a closing tag inside the
    element's content (a comment, raw HTML) never ends it early."""
    html = (
        '<html lang="vi"><body><article data-pagefind-body><p>Đầu</p><!-- </article> -->'
        "<article><p>Giữa</p></article><p>Cuối bài</p></article>"
        "<aside><p>Tin khác</p></aside><footer>Chân trang</footer></body></html>"
    )
    for text in (search_input(html), search_input_bytes(html.encode()).decode()):
        assert "<p>Cuối bài</p></article>" in text
        assert "Tin khác" not in text and "Chân trang" not in text
    div = "<html><body><div data-pagefind-body><p>Nội dung</p></div><p>Sau</p></body></html>"
    assert "<p>Nội dung</p></div>" in search_input(div)


def _bundle_files(output: Path) -> dict[str, bytes]:
    bundle = output / "pagefind"
    return {
        p.relative_to(bundle).as_posix(): p.read_bytes() for p in bundle.rglob("*") if p.is_file()
    }


def test_an_edit_reindexes_its_batch_only_and_matches_a_clean_build(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(SITES / "search", content)
    cache = tmp_path / "search"
    small = "BANTIN_SEARCH_BATCH_PAGES=2"  # several batches on this small site
    output = tmp_path / "output"
    result = build_site(content, output, f'BANTIN_SEARCH_CACHE_PATH="{cache}"', small)
    assert result.returncode == 0, result.stdout + result.stderr
    before = {p.name for p in (cache / "batches").iterdir()}
    assert len(before) >= 3

    article = content / "articles" / "2022" / "so-ket.md"
    article.write_text(
        article.read_text(encoding="utf-8") + "\nĐoàn kiểm tra liên ngành làm việc.\n",
        encoding="utf-8",
    )
    result = build_site(content, output, "--verbose", f'BANTIN_SEARCH_CACHE_PATH="{cache}"', small)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 phần đánh chỉ mục lại" in result.stdout + result.stderr
    after = {p.name for p in (cache / "batches").iterdir()}
    assert len(after - before) == 1  # one new batch: one Pagefind run
    words = decode(output / "pagefind")["vi"]["words"]
    pages, variants = words["lien"]  # "liên": the location is the variant's
    found = {url for url, _ in pages} | {url for _v, located in variants for url, _ in located}
    assert "/2022/04/hoi-nghi-so-ket-6-thang-2022/" in found

    clean = tmp_path / "clean"
    result = build_site(content, clean, f'BANTIN_SEARCH_CACHE_PATH="{tmp_path / "fresh"}"', small)
    assert result.returncode == 0, result.stdout + result.stderr
    assert _bundle_files(output) == _bundle_files(clean)
    # Batch size does not change the bundle either.
    default = tmp_path / "default"
    result = build_site(content, default, f'BANTIN_SEARCH_CACHE_PATH="{tmp_path / "one"}"')
    assert result.returncode == 0, result.stdout + result.stderr
    assert _bundle_files(default) == _bundle_files(clean)


def test_articles_are_filtered_by_their_category_pages_by_none(basic_site):
    """Each article carries its front-matter category as a search filter; pages carry none
    (Pelican would give them a category made from their folder or DEFAULT_CATEGORY)."""
    output = basic_site
    filters = {}
    for page in output.rglob("index.html"):
        html = page.read_text(encoding="utf-8")
        if "data-pagefind-body" in html:
            relative = page.relative_to(output).as_posix()
            filters[relative] = re.findall(r'data-pagefind-filter="category:([^"]*)"', html)
    articles = {path: found for path, found in filters.items() if path[:4].isdigit()}
    pages = {path: found for path, found in filters.items() if not path[:4].isdigit()}
    assert articles and pages
    assert all(len(found) == 1 and found[0] not in ("misc", "pages") for found in articles.values())
    assert all(found == [] for found in pages.values()), pages
