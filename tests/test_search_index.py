"""The search index: the Pagefind binary over the built site, put in place whole.

Real builds of tests/sites/search with the real binary; the bundle is decoded (Pagefind 1.5.2
files are gzip of ``pagefind_dcd`` + CBOR or JSON, read here by the tests only) and compared
with a plain Pagefind run over the built site. Page numbers and file names are left out of
the comparison: Pagefind numbers pages in file-system order and writes filter values in
hash-map order (upstream #638), so two runs over the same site differ in bytes.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from pagefind.service import get_executable

from bantin_search import indexer, pagefind_executable
from tests.conftest import ROOT, SITES, build_site

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


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("index")
    output = root / "output"
    result = build_site(SITES / "search", output)
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
    # Pagefind dropped the pages without one (lists, tags, the search page itself).
    assert len(list(output.rglob("*.html"))) > len(marked) + 5


def test_the_bundle_holds_only_what_readers_download_and_no_scratch_is_left(built):
    root, output = built
    bundle = {p.relative_to(output).as_posix() for p in (output / "pagefind").rglob("*")}
    assert {"pagefind/pagefind.js", "pagefind/pagefind-worker.js"} <= bundle
    assert not [name for name in bundle if "-ui." in name or "highlight" in name]
    assert [p.name for p in root.iterdir() if p.name.startswith(".")] == []


def test_a_site_without_indexed_pages_gets_no_index(tmp_path):
    """Without a data-pagefind-body element anywhere Pagefind would index every page whole
    (menus, lists): nothing is indexed, and an old bundle goes."""
    site = tmp_path / "output"
    (site / "the").mkdir(parents=True)
    (site / "the" / "index.html").write_text(
        '<html lang="vi"><body><nav>Trang chủ</nav><p>Danh sách thẻ</p></body></html>',
        encoding="utf-8",
    )
    (site / "pagefind").mkdir()
    assert indexer.build_index(pagefind_executable(), site) is False
    assert not (site / "pagefind").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]


# A Pagefind that fails half-way: it has written part of a bundle when it stops.
FAILING = """#!/bin/sh
while [ "$1" != "--output-path" ]; do shift; done
mkdir -p "$2/fragment" && echo '{}' > "$2/fragment/x.pf_fragment"
echo "Error: out of memory" >&2
exit 101
"""

# One build in-process: the problems the build recorded, as JSON, whatever became of them.
IN_PROCESS = """
import json, sys
from pelican import Pelican
from pelican.settings import read_settings
from bantin_core.problems import problem_log
content, output, cache = sys.argv[1:4]
settings = read_settings("pelicanconf.py", override={
    "PATH": content, "OUTPUT_PATH": output, "CACHE_PATH": cache})
try:
    Pelican(settings).run()
except SystemExit:
    pass
print(json.dumps([p.as_dict() for p in problem_log.sorted()], ensure_ascii=False))
"""


def test_a_failing_pagefind_is_a_vietnamese_problem_and_leaves_no_half_index(tmp_path):
    fake = tmp_path / "pagefind-hong"
    fake.write_text(FAILING, encoding="utf-8")
    fake.chmod(0o755)
    output = tmp_path / "site" / "output"
    command = [sys.executable, "-c", IN_PROCESS, str(SITES / "search"), str(output)]
    command.append(str(tmp_path / "cache"))
    env = {**os.environ, "PAGEFIND_BINARY_PATH": str(fake)}
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env)
    assert result.returncode == 0, result.stderr
    problems = json.loads(result.stdout.splitlines()[-1])
    assert [p["source"] for p in problems] == [f"{output}/pagefind"]
    text = problems[0]["text"]
    assert "Không tạo được chỉ mục tìm kiếm: Pagefind báo lỗi «Error: out of memory»" in text
    assert "Cách sửa: chạy lại lệnh" in text and "BANTIN_SEARCH = False" in text
    # The pages are built; no bundle, half or whole, and no scratch folder is left.
    assert (output / "index.html").is_file()
    assert not (output / "pagefind").exists()
    assert sorted(p.name for p in output.parent.iterdir()) == ["output"]


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


def test_a_failing_pagefind_fails_make_html_after_every_receiver_ran(tmp_path):
    """Pagefind runs in a ``finalized`` receiver that may run after bantin_core judged the
    build: its problem still fails ``make html`` (exit 1) and is in the problem list."""
    fake = tmp_path / "pagefind-hong"
    fake.write_text(FAILING, encoding="utf-8")
    fake.chmod(0o755)
    output, problems_file = tmp_path / "output", tmp_path / "problems.json"
    settings = {"CACHE_PATH": str(tmp_path / "cache"), "BANTIN_PROBLEMS_FILE": str(problems_file)}
    command = [sys.executable, "-m", "bantin_build", str(SITES / "search"), "-o", str(output)]
    command += [
        "-s",
        "pelicanconf.py",
        "-e",
        *(f"{k}={json.dumps(v)}" for k, v in settings.items()),
    ]
    env = {**os.environ, "PAGEFIND_BINARY_PATH": str(fake)}
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env)
    assert result.returncode == 1, result.stderr
    assert "Sau khi dựng, thêm 1 lỗi trong 1 tệp" in result.stderr
    assert "Bản dựng KHÔNG đạt: 1 lỗi" in result.stdout + result.stderr
    listed = json.loads(problems_file.read_text(encoding="utf-8"))
    assert [p["source"] for p in listed] == [f"{output}/pagefind"]
