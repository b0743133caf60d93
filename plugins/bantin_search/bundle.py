"""One Pagefind bundle from several small Pagefind runs (batches).

Pagefind 1.5.2 holds every indexed word several times over while it runs (≈ 180 KB of memory
per 400-word article: ≈ 350 MB at 2,000 articles, 1.6 GB at 8,000) and cannot re-index part of
a site. So the indexed pages are split into batches of consecutive paths; Pagefind indexes
each batch on its own (small memory; a batch whose pages did not change is reused from the
cache) and :func:`merge` joins the batches into the bundle one Pagefind run over all pages
would write: the same pages, words, word positions and weights, filters, sorts, metadata and
fragments, and the word index cut into the same chunks (Pagefind's own rule, so a query loads
the same words). Only the page numbers differ: Pagefind numbers pages in the order its
directory walk meets them (file system order), the merged bundle in path order; given the
pages in path order, Pagefind writes the same index (tests/test_search_batches.py).

The merge does not decode the whole index each time. When a batch is indexed, its Pagefind
output is read once (:func:`prepare`) into a compact form kept in the cache: for every word,
its page list as encoded CBOR bytes without the first page number. Page lists are delta
encoded (each page number is the difference from the previous one), so putting batches one
after another only needs a new first number per batch: the merge is byte concatenation. A
batch keeps its words cut into ranges (WORD_RANGES); the merge joins one range of every batch
at a time, so its memory is a range's, not the site's.

The merged bundle is deterministic (a function of the indexed pages alone, whatever the
batches): pages in path order, filter values, sort keys and languages in sorted order (a
Pagefind run writes them in hash-map order, upstream issue #638), file names from SHA-256 of
their content.

Pagefind's files (1.5.2, checked against real runs by tests/test_search_index.py): every
``.pf_*`` file is gzip of ``pagefind_dcd`` + CBOR (fragments: + JSON).

- ``pagefind.<lang>_<hash>.pf_meta``: ``[version, pages, chunks, filters, sorts, fields]``;
  pages ``[[fragment name, word count], …]`` (page number = position), chunks
  ``[[from, to, name], …]``, filters ``[[filter, name], …]``, sorts ``[[key, [page numbers in
  value order]], …]``, fields: the metadata names.
- ``index/<lang>_<hash>.pf_index``: ``[[word, …]]`` sorted by word; a word is
  ``[word, pages, [[variant, pages], …]]`` and pages ``[[page delta, locations, metadata
  locations], …]``, page numbers ascending and each stored as the difference from the
  previous one. Locations: word positions, a weight change written as ``-(weight) - 1``;
  metadata locations: positions in metadata, a field change as ``-(field number) - 1``, the
  number in that run's field list. Variants (the word as written, with its marks) are listed
  by the first page that has them, then by name; ranking depends on that order. A chunk ends
  after the word that brings the sum, over its words' pages (not the variants'), of
  ``len(locations) + len(metadata locations) + 1`` to 20,000; between two chunks, ``to`` and
  ``from`` are the shortest prefixes that tell the two words apart, but ``to`` stays the whole
  word where its prefix would sort before the chunk's ``from``.
- ``filter/<lang>_<hash>.pf_filter``: ``[filter, [[value, [page numbers]], …]]``.
- ``fragment/<lang>_<hash>.pf_fragment``: one page's JSON (url, content, meta, filters…).
"""

from __future__ import annotations

import bisect
import gzip
import hashlib
import html as html_lib
import json
import marshal
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import cbor2

from bantin_core.files import link_or_copy

SIGNATURE = b"pagefind_dcd"
# Pagefind's chunk budget (pagefind/src/index/mod.rs, chunk_index).
CHUNK_SIZE = 20_000
PREPARED = "bantin-batch.marshal"
DATA_DIRS = ("index", "filter", "fragment")
# gzip level of the index and filter files. Pagefind's files are ≈ 2 % smaller than level
# 6 writes and ≈ 4 % smaller than level 5; level 5 compresses twice as fast as 6, and
# compressing the chunks an edit changes is most of the cost of a merge.
COMPRESS_LEVEL = 5
# Version of the prepared form and the merge: part of every cache key.
MERGE_FORMAT = f"merge 7 gzip {COMPRESS_LEVEL} python {sys.version_info[0]}.{sys.version_info[1]}"
# A prepared batch keeps its words in these ranges (by where a word sorts), one after another
# in its file: the merge reads one range of every batch at a time, so it never holds the
# whole site's words (≈ 36 MB at 8,000 articles) at once. Numbers (dates, document numbers,
# amounts) are most of a news site's distinct words, and a common word (các, của, thi) has
# every page in its list: both get ranges of their own.
WORD_RANGES = (
    *("1", "2", "201", "202", "203", "3", "4", "5", "6", "7", "8", "9", "a"),
    *("b", "c", "ch", "co", "cu", "d", "di", "do", "du", "g", "h", "ho", "k", "kh", "l", "m"),
    *("n", "ng", "nh", "o", "p", "q", "s", "t", "th", "thi", "tho", "tr", "tu", "v", "vi"),
)


def _split(words: list) -> list[list]:
    """Word records cut into the WORD_RANGES parts (len(WORD_RANGES) + 1 lists, in order)."""
    parts: list[list] = [[] for _ in range(len(WORD_RANGES) + 1)]
    for record in words:
        parts[bisect.bisect_right(WORD_RANGES, record[0])].append(record)
    return parts


def read_pf(path: Path) -> bytes:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise ValueError(f"{path}: not a Pagefind file")
    return data[len(SIGNATURE) :]


def write_pf(path: Path, data: bytes) -> None:
    path.write_bytes(gzip.compress(SIGNATURE + data, compresslevel=COMPRESS_LEVEL, mtime=0))


def page_url(path: str) -> str:
    """Pagefind's URL for a site-relative file: "/" + path without "index.html"."""
    return "/" + path.removesuffix("index.html")


# --- CBOR heads (the shortest forms, as minicbor and cbor2 write them) ---------------------


def _head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes((major | value,))
    if value < 0x100:
        return bytes((major | 24, value))
    if value < 0x10000:
        return bytes((major | 25,)) + value.to_bytes(2, "big")
    return bytes((major | 26,)) + value.to_bytes(4, "big")


class _Heads(dict):
    """Integer → its CBOR encoding, made on first use (a build meets a few thousand distinct
    word positions and page numbers; tables of every 16-bit value held ≈ 6 MB)."""

    def __missing__(self, value: int) -> bytes:
        if 0 <= value < 1 << 32:
            encoded = _head(0x00, value)
        elif -(1 << 32) <= value < 0:
            encoded = _head(0x20, -1 - value)
        else:
            encoded = cbor2.dumps(value)
        self[value] = encoded
        return encoded


_INTS = _Heads()
# Heads of arrays shorter than 1,024 items (word positions on one page, pages of a word).
_ARRAY_HEADS = [_head(0x80, length) for length in range(1024)]


def encoding_tables() -> None:
    """The most used encodings (values below 1,024), made before workers are forked."""
    for value in range(-1024, 1024):
        _INTS[value]  # the lookup fills the table


def _ints(values: list[int]) -> bytes:
    """An array of integers (what cbor2 writes, several times faster for short lists)."""
    length = len(values)
    head = _ARRAY_HEADS[length] if length < 1024 else _array(length)
    return head + b"".join(map(_INTS.__getitem__, values))


def _array(length: int) -> bytes:
    return _head(0x80, length)


# --- Preparing one batch ------------------------------------------------------------------


def _segment(entries: list) -> tuple:
    """A page list as (count, first page, last page, encoded entries without the first
    entry's array head and page number, whether any entry has metadata locations).
    Entries carry absolute page numbers here."""
    if not entries:
        return 0, 0, 0, b"", False
    previous = 0
    for entry in entries:
        entry[0], previous = entry[0] - previous, entry[0]
    return _encode(entries, previous)


def _encode(entries: list, last: int) -> tuple:
    """_segment of delta-encoded entries."""
    first = entries[0][0]
    locations, metadata = entries[0][1], entries[0][2]
    parts = [_ints(locations), _ints(metadata)]
    has_meta = bool(metadata)
    for page, locations, metadata in entries[1:]:
        if metadata:
            has_meta = True
            parts.append(b"\x83" + _INTS[page] + _ints(locations) + _ints(metadata))
        else:  # most pages: no metadata locations
            parts.append(b"\x83" + _INTS[page] + _ints(locations) + b"\x80")
    return len(entries), first, last, b"".join(parts), has_meta


def _remap_segment(segment: tuple, remap: list[int]) -> tuple:
    """A segment whose metadata locations name fields by their number in another list.
    Metadata locations are positions, each field change written as -(field number) - 1."""
    count, first, last, body, has_meta = segment
    if not has_meta:
        return segment
    entries = cbor2.loads(_array(count) + b"\x83" + _INTS[first] + body)
    for entry in entries:
        entry[2] = [-remap[-value - 1] - 1 if value < 0 else value for value in entry[2]]
    return _encode(entries, last)


def _write_part(handle, words: list) -> None:
    """One range of words: its length, then its marshal (marshal.load on a file reads a few
    bytes at a time, several times slower than loads)."""
    data = marshal.dumps(words)
    handle.write(len(data).to_bytes(8, "little") + data)


def _words_file(lang: str) -> str:
    return f"bantin-words-{lang}.marshal"


class _Words:
    """One batch's word records of one language, read range after range (WORD_RANGES) from
    its file, with the metadata field numbers of the merged bundle (``remap``: this batch's
    field number → the bundle's, or None when they are the same). Remapped words are kept
    beside the batch's own: the fields of a site rarely change. The file is opened again for
    each range, so a large site's merge never holds a file per batch open."""

    def __init__(self, batch: Path, lang: str, remap: list[int] | None):
        self.source = batch / _words_file(lang)
        self.remap = remap
        self.partial = None
        if remap is not None:
            key = hashlib.sha256(repr((lang, remap)).encode()).hexdigest()[:16]
            self.cached = batch / f"bantin-remap-{key}.marshal"
            if self.cached.is_file():
                self.source, self.remap = self.cached, None
            else:
                # Per process: two builds merging at once never append to one file.
                self.partial = self.cached.with_name(f"{self.cached.name}.{os.getpid()}.tmp")
                self.partial.write_bytes(b"")
        self.offset = 0

    def read(self) -> list:
        with open(self.source, "rb") as handle:
            handle.seek(self.offset)
            length = int.from_bytes(handle.read(8), "little")
            words = marshal.loads(handle.read(length))
            self.offset += 8 + length
        if self.remap is None:
            return words
        remap = self.remap
        words = [
            (
                word,
                head,
                size,
                _remap_segment(segment, remap),
                tuple((variant, _remap_segment(vsegment, remap)) for variant, vsegment in variants),
            )
            for word, head, size, segment, variants in words
        ]
        with open(self.partial, "ab") as handle:
            _write_part(handle, words)
        return words

    def finish(self) -> None:
        if self.partial is not None:
            self.partial.replace(self.cached)


def _absolute(entries: list, order: list[int] | None) -> list:
    """Page entries with absolute (renumbered) page numbers, ascending."""
    number = 0
    for entry in entries:
        number += entry[0]
        entry[0] = number
    if order is not None:
        for entry in entries:
            entry[0] = order[entry[0]]
        entries.sort(key=lambda entry: entry[0])
    return entries


def _check_sorts(key: str, sort_pages: list[int], values: list[str | None], order) -> None:
    """The order Pagefind wrote for a sort key must be the one the parsed values give."""
    theirs = [order[page] if order is not None else page for page in sort_pages]
    present = [page for page, value in enumerate(values) if value is not None]
    sort_key = _sort_key(values)
    if sorted(theirs) != present or [sort_key(p) for p in theirs] != sorted(
        sort_key(p) for p in present
    ):
        raise ValueError(f"data-pagefind-sort {key!r}: không đọc được giá trị sắp xếp")


_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _sort_key(values: list[str | None]):
    """Pagefind sorts a key as numbers when every value parses as one, else as strings;
    a stable sort, so equal values keep page order."""
    present = [v for v in values if v is not None]
    if present and all(_NUMBER.fullmatch(v) for v in present):
        return lambda page: float(values[page])
    return lambda page: values[page]


# data-pagefind-sort="key:value" (the form the theme writes).
SORT = re.compile(rb'data-pagefind-sort="([^":]+):([^"]*)"')


def prepare(bundle: Path, pages: dict[str, bytes]) -> None:
    """Read the Pagefind bundle of one batch into the compact form :func:`merge` joins.

    ``pages``: site-relative path → the HTML Pagefind was given (for sort values, which the
    bundle keeps only as an order). Pages are renumbered in path order. The index and
    filter files are removed afterwards; the fragments and Pagefind's scripts stay.
    """
    encoding_tables()
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    paths = {page_url(path): path for path in pages}
    languages, word_lists = {}, {}
    for lang, info in entry["languages"].items():
        meta = cbor2.loads(read_pf(bundle / f"pagefind.{info['hash']}.pf_meta"))
        version, meta_pages, chunks, filters, sorts, fields = meta
        found = []
        for number, (name, word_count) in enumerate(meta_pages):
            raw = gzip.decompress((bundle / "fragment" / f"{name}.pf_fragment").read_bytes())
            url = json.loads(raw[len(SIGNATURE) :])["url"]
            if url not in paths:
                raise ValueError(f"Pagefind: trang {url} không có trong phần được đánh chỉ mục")
            found.append((paths[url], number, name, word_count, hashlib.sha256(raw).hexdigest()))
        found.sort()
        order = [0] * len(found)
        for new, (_path, old, *_rest) in enumerate(found):
            order[old] = new
        if order == list(range(len(order))):
            order = None  # already in path order: page numbers stay
        words = []
        for _from, _to, name in chunks:
            for word, word_pages, variants in cbor2.loads(
                read_pf(bundle / "index" / f"{name}.pf_index")
            )[0]:
                size = sum(len(page[1]) + len(page[2]) + 1 for page in word_pages)
                # Pagefind lists variants by the first page that has them, then by name.
                variants = [(v, _absolute(pages_, order)) for v, pages_ in variants]
                variants.sort(key=lambda item: (item[1][0][0] if item[1] else -1, item[0]))
                words.append(
                    (
                        word,
                        b"\x83" + cbor2.dumps(word),
                        size,
                        _segment(_absolute(word_pages, order)),
                        tuple(
                            (b"\x82" + cbor2.dumps(variant), _segment(pages_))
                            for variant, pages_ in variants
                        ),
                    )
                )
        filter_values = {}
        for filter_name, name in filters:
            _filter, values = cbor2.loads(read_pf(bundle / "filter" / f"{name}.pf_filter"))
            filter_values[filter_name] = {
                value: sorted(order[p] if order is not None else p for p in value_pages)
                for value, value_pages in values
            }
        sort_values = {}
        for key, sort_pages in sorts:
            values = []
            for path, *_rest in found:
                attributes = dict(SORT.findall(pages[path]))
                value = attributes.get(key.encode())
                values.append(html_lib.unescape(value.decode()) if value is not None else None)
            _check_sorts(key, sort_pages, values, order)
            sort_values[key] = values
        languages[lang] = {
            "wasm": info["wasm"],
            "version": version,
            "pages": [
                (page_url(path), name, count, digest) for path, _, name, count, digest in found
            ],
            "fields": fields,
            "filters": filter_values,
            "sorts": sort_values,
        }
        word_lists[lang] = words
    prepared = {
        "version": entry["version"],
        "entry": {k: v for k, v in entry.items() if k not in ("version", "languages")},
        "languages": languages,
    }
    (bundle / PREPARED).write_bytes(marshal.dumps(prepared))
    for lang, words in word_lists.items():
        with open(bundle / _words_file(lang), "wb") as handle:
            for part in _split(words):
                _write_part(handle, part)
    for path in list(bundle.iterdir()):
        if path.name.endswith(".pf_meta"):
            path.unlink()
    for name in ("index", "filter"):
        shutil.rmtree(bundle / name, ignore_errors=True)


def index_batch(pages: list[tuple[str, bytes]], dest: Path, executable: str) -> None:
    """Run Pagefind over ``pages`` (site-relative path, HTML) and prepare its output into the
    batch folder ``dest``, which appears complete or not at all.

    The pages are written to a scratch site beside ``dest`` (the same paths, so the same
    URLs), in reverse path order: on tmpfs, which lists a folder newest first, Pagefind then
    meets them in path order and no renumbering is needed.
    """
    site = dest.with_name(dest.name + ".site")
    partial = dest.with_name(dest.name + ".tmp")
    shutil.rmtree(site, ignore_errors=True)
    shutil.rmtree(partial, ignore_errors=True)
    for path, html in reversed(pages):
        target = site / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(html)
    try:
        result = subprocess.run(
            [executable, "--site", str(site), "--output-path", str(partial), "--silent"],
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        shutil.rmtree(site, ignore_errors=True)
    if result.returncode != 0:
        shutil.rmtree(partial, ignore_errors=True)
        raise RuntimeError((result.stderr or result.stdout).strip() or "Pagefind")
    try:
        prepare(partial, dict(pages))
    except Exception:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    partial.rename(dest)


# --- Merging ------------------------------------------------------------------------------


def _join(segments: list[tuple[int, tuple[int, int, int, bytes]]]) -> bytes:
    """Page lists of several batches (offset, segment), in page order, as one CBOR list."""
    segments = [item for item in segments if item[1][0]]
    if not segments:
        return b"\x80"
    if len(segments) == 1:
        offset, (count, first, _last, body, _meta) = segments[0]
        return _array(count) + b"\x83" + _INTS[offset + first] + body
    parts = []
    total = previous = 0
    for offset, (count, first, last, body, _meta) in segments:
        parts.append(b"\x83" + _INTS[offset + first - previous] + body)
        previous = offset + last
        total += count
    return _array(total) + b"".join(parts)


def _name(prefix: str, digest: str, taken: dict, length: int = 7) -> str:
    """``prefix`` + the shortest digest prefix (≥ length) that no other content has."""
    while (name := prefix + digest[:length]) in taken and taken[name] != digest:
        length += 1
    taken[name] = digest
    return name


def _prefixes(a: str, b: str) -> tuple[str, str]:
    """The chunk bounds between two neighbouring words (Pagefind's get_prefixes)."""
    common = 0
    for x, y in zip(b, a, strict=False):
        if x != y:
            break
        common += 1
    return a[: common + 1], b[: common + 1]


class _Chunks:
    """Encoded words cut into index chunks by Pagefind's rule."""

    def __init__(self, lang: str, out: Path, files: _Files):
        self.lang, self.out, self.files = lang, out, files
        self.words: list[bytes] = []
        self.size = 0
        self.first = self.last = ""
        self.meta: list[list[str]] = []
        self.taken: dict[str, str] = {}

    def add(self, word: str, size: int, encoded: bytes) -> None:
        if not self.words:
            self.first = word
        self.words.append(encoded)
        self.last = word
        self.size += size
        if self.size >= CHUNK_SIZE:
            self.flush()

    def flush(self) -> None:
        if not self.words:
            return
        data = b"\x81" + _array(len(self.words)) + b"".join(self.words)
        digest = hashlib.sha256(data).hexdigest()
        name = _name(f"{self.lang}_", digest, self.taken)
        self.files.write(f"index/{name}.pf_index", data, digest)
        self.meta.append([self.first, self.last, name])
        self.words, self.size = [], 0

    def finish(self) -> list[list[str]]:
        self.flush()
        for left, right in zip(self.meta, self.meta[1:], strict=False):
            end, right[0] = _prefixes(left[1], right[0])
            # Pagefind 1.5.2 keeps the whole last word where its prefix would sort before
            # the chunk's first bound (an empty range).
            if end >= left[0]:
                left[1] = end
        return self.meta


DIGESTS = "bantin-digests.json"


class _Files:
    """Writes a bundle's index and filter files, or links the file an earlier bundle wrote
    of the same data (compressing is most of the cost of a merge; an edit changes part of
    the chunks only). Records each file's SHA-256 for the next merge (DIGESTS)."""

    def __init__(self, out: Path, earlier: Iterable[Path]):
        self.out = out
        self.reuse: dict[str, str] = {}
        self.digests: dict[str, str] = {}
        for bundle in earlier:
            try:
                digests = json.loads((bundle / DIGESTS).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            for name, digest in digests.items():
                self.reuse.setdefault(digest, os.path.join(bundle, name))

    def write(self, name: str, data: bytes, digest: str) -> None:
        key = f"{COMPRESS_LEVEL}:{digest}"  # the bytes depend on the data and the level
        target = os.path.join(self.out, name)
        source = self.reuse.get(key)
        try:
            if source is None:
                raise FileNotFoundError
            os.link(source, target)
        except OSError:
            write_pf(Path(target), data)
        self.digests[name] = key

    def finish(self) -> None:
        (self.out / DIGESTS).write_text(json.dumps(self.digests, sort_keys=True), encoding="utf-8")


def _add_words(chunks: _Chunks, by_word: dict[str, list]) -> None:
    """Words (word → [(batch offset, record), …] in batch order) into ``chunks``, in order."""
    for word in sorted(by_word):
        group = by_word[word]
        if len(group) == 1:
            offset, (_word, head, size, segment, variants) = group[0]
            encoded = [head, _join([(offset, segment)]), _array(len(variants))]
            for variant, vsegment in variants:
                encoded += (variant, _join([(offset, vsegment)]))
        else:
            size = 0
            segments = []
            variant_segments: dict[bytes, list] = {}
            head = group[0][1][1]
            for offset, (_word, _head, word_size, segment, variants) in group:
                size += word_size
                segments.append((offset, segment))
                for variant, vsegment in variants:
                    found = variant_segments.get(variant)
                    if found is None:
                        variant_segments[variant] = [(offset, vsegment)]
                    else:
                        found.append((offset, vsegment))
            encoded = [head, _join(segments), _array(len(variant_segments))]
            # Variants by first page, then name: batch after batch, a batch's new ones last.
            for variant, vsegments in variant_segments.items():
                encoded += (variant, _join(vsegments))
        chunks.add(word, size, b"".join(encoded))


def _merge_language(lang: str, batches: list[tuple[Path, dict]], out: Path, files: _Files) -> dict:
    offsets, total = [], 0
    for _path, data in batches:
        offsets.append(total)
        total += len(data["pages"])

    # Pages and their fragments (one file per distinct content, named by its digest).
    taken: dict[str, str] = {}
    pages = []
    written = set()
    fragments = os.path.join(out, "fragment")
    for path, data in batches:
        source_dir = os.path.join(path, "fragment")
        for _url, source, word_count, digest in data["pages"]:
            name = _name(f"{lang}_", digest, taken)
            if name not in written:
                written.add(name)
                link_or_copy(
                    os.path.join(source_dir, f"{source}.pf_fragment"),
                    os.path.join(fragments, f"{name}.pf_fragment"),
                )
            pages.append([name, word_count])

    # Filters: each value's pages, renumbered.
    filter_values: dict[str, dict[str, list[int]]] = {}
    for offset, (_path, data) in zip(offsets, batches, strict=True):
        for name, values in data["filters"].items():
            merged = filter_values.setdefault(name, {})
            for value, value_pages in values.items():
                merged.setdefault(value, []).extend(offset + page for page in value_pages)
    filters = []
    taken = {}
    for name in sorted(filter_values):
        values = filter_values[name]
        data = cbor2.dumps([name, [[value, values[value]] for value in sorted(values)]])
        digest = hashlib.sha256(data).hexdigest()
        file_name = _name(f"{lang}_", digest, taken)
        files.write(f"filter/{file_name}.pf_filter", data, digest)
        filters.append([name, file_name])

    # Sorts: pages in the order of their values, equal values in page order.
    sort_values: dict[str, list[str | None]] = {}
    for offset, (_path, data) in zip(offsets, batches, strict=True):
        for key, values in data["sorts"].items():
            sort_values.setdefault(key, [None] * total)[offset : offset + len(values)] = values
    sorts = []
    for key in sorted(sort_values):
        values = sort_values[key]
        present = [page for page, value in enumerate(values) if value is not None]
        sorts.append([key, sorted(present, key=_sort_key(values))])

    # What the words below do not need (the pages' digests and sort values: most of a
    # batch's head) is let go before they are read.
    del filter_values, sort_values
    for _path, data in batches:
        data["pages"] = data["filters"] = data["sorts"] = None

    # Words, batch after batch for each word, in word order: one range of words at a time.
    # Metadata locations number the fields of their own batch: renumbered where a batch
    # lacks some of the fields.
    fields = sorted({field for _path, data in batches for field in data["fields"]})
    sources = [
        (
            offset,
            _Words(
                path,
                lang,
                None
                if data["fields"] == fields
                else [fields.index(field) for field in data["fields"]],
            ),
        )
        for offset, (path, data) in zip(offsets, batches, strict=True)
    ]
    chunks = _Chunks(lang, out, files)
    for _range in range(len(WORD_RANGES) + 1):
        by_word: dict[str, list] = {}
        for offset, source in sources:
            for record in source.read():
                group = by_word.get(record[0])
                if group is None:
                    by_word[record[0]] = [(offset, record)]
                else:
                    group.append((offset, record))
        _add_words(chunks, by_word)
        del by_word
    for _offset, source in sources:
        source.finish()
    chunk_meta = chunks.finish()

    version = batches[0][1]["version"]
    data = cbor2.dumps([version, pages, chunk_meta, filters, sorts, fields])
    meta_name = f"{lang}_{hashlib.sha256(data).hexdigest()[: len(lang) + 8]}"
    write_pf(out / f"pagefind.{meta_name}.pf_meta", data)
    return {"hash": meta_name, "wasm": batches[0][1]["wasm"], "page_count": total}


def load(batch: Path) -> dict:
    return marshal.loads((batch / PREPARED).read_bytes())


def merge(
    batch_paths: Iterable[Path],
    out: Path,
    skip: Iterable[str] = (),
    earlier: Iterable[Path] = (),
) -> None:
    """Write into ``out`` (a new folder) one Pagefind bundle of every page of the batches,
    in batch order. ``skip``: Pagefind files not to copy (its ready-made interfaces).
    ``earlier``: bundles merged before, whose files of the same data are linked."""
    encoding_tables()
    batch_paths = list(batch_paths)
    out.mkdir(parents=True)
    for name in DATA_DIRS:
        (out / name).mkdir()
    skip = {*skip, PREPARED, "pagefind-entry.json", *DATA_DIRS}
    # Pagefind's scripts and WASM files (one per language family) are the same in every batch.
    for path in batch_paths:
        for source in sorted(path.iterdir()):
            # bantin-*: the batch's own files (prepared words), not Pagefind's.
            if (
                source.name not in skip
                and not source.name.startswith("bantin-")
                and not (out / source.name).exists()
            ):
                shutil.copyfile(source, out / source.name)
    prepared = [(path, load(path)) for path in batch_paths]
    files = _Files(out, earlier)
    languages = sorted({lang for _path, data in prepared for lang in data["languages"]})
    written = {}
    for lang in languages:
        batches = [
            (path, data["languages"][lang]) for path, data in prepared if lang in data["languages"]
        ]
        written[lang] = _merge_language(lang, batches, out, files)
    entry = {"version": prepared[0][1]["version"], "languages": written, **prepared[0][1]["entry"]}
    (out / "pagefind-entry.json").write_text(
        json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    files.finish()
