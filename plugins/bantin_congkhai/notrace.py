"""A withdrawn entry leaves no trace: finding its details in files, and purging caches of them.

:func:`find_traces` looks for a withdrawn person's details (name, address, the numbers of the
judgment and decisions; accented and folded) in every file under some folders, reading
compressed files the way their readers do: gzip (Pagefind's index and fragments, ``.gz``) and
Brotli (``.br``). ``make check`` runs it over the output (:func:`check_output`); every build
runs :func:`purge_withdrawn` over the cache a later build would reuse (the page cache in
``CACHE_PATH/pages``), removing what holds a withdrawn entry: a cached page would otherwise
carry the person back into the site, or stay on disk for months. (The search index is made
again from the output by every build: it keeps no cache of its own.)
"""

from __future__ import annotations

import gzip
import hashlib
import json
import zlib
from pathlib import Path

from bantin_core.files import write_atomically
from bantin_core.problems import Problem
from bantin_search.folding import fold

#: Files that never hold an entry's text as plain or gzip bytes (photos, PDF streams, WebAssembly).
_SKIPPED_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".avif", ".gif", ".heic", ".pdf", ".wasm")
_STATE_FILE = "cong-khai-da-go.json"
#: In every build: the withdrawn entries' file names and days (no personal data), so a release
#: kept for rollback can be compared with the one running (:func:`rollback_exposes`).
MANIFEST = "cong-khai/chua-co-dieu-kien/da-go.json"
#: Only an entry's own page holds it (never the withdrawal notice): the page shows the person.
SHOWN_MARK = "data-pagefind-body"


def needles(entry) -> tuple[str, ...]:
    """The texts that must not remain anywhere once ``entry`` is withdrawn."""
    found: dict[str, None] = {}
    for detail in entry.personal_details:
        found.setdefault(detail, None)
        if len(detail.split()) >= 2:
            found.setdefault(fold(detail), None)  # as Pagefind or a slug would fold it
    return tuple(found)


def _forms(text: str) -> tuple[bytes, ...]:
    """``text`` as files hold it: UTF-8, JSON with \\u escapes, HTML-escaped."""
    forms = {text.encode("utf-8"), json.dumps(text)[1:-1].encode("ascii")}
    forms.add(text.replace("&", "&amp;").replace("'", "&#39;").replace('"', "&#34;").encode())
    return tuple(forms)


def readable_bytes(path: Path) -> bytes:
    """A file's bytes, decompressed when it is gzip (Pagefind files, .gz) or Brotli (.br)."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        try:
            return data + gzip.decompress(data)
        except (OSError, EOFError, zlib.error):
            return data
    if path.suffix == ".br":
        import brotli

        try:
            return data + brotli.decompress(data)
        except brotli.error:
            return data
    return data


def shown_details(entries) -> tuple[str, ...]:
    """The texts of the entries still shown. A detail of a withdrawn entry that one of them
    holds is public by another duty (a co-debtor of the same judgment, a relative at the
    same address, the auction of the person's asset), so it is no trace."""
    texts: dict[str, None] = {}
    for entry in entries:
        if entry.withdrawn:
            continue
        for name, value in vars(entry).items():
            if name in ("slug", "source"):
                continue
            if isinstance(value, str):
                texts.setdefault(value, None)
            elif isinstance(getattr(value, "so", None), str):  # a judgment or decision
                texts.setdefault(value.so, None)
    return tuple(texts)


def _holds(public: str, text: str) -> bool:
    """``public`` shows ``text``: the same, or a long text (an address) inside it; a number is
    never «inside» another (12/2023/DS-ST is not in 112/2023/DS-ST)."""
    return public == text or (len(text) >= 20 and text in public)


def find_traces(roots, entries, shown=()) -> list[tuple[Path, object, str]]:
    """(file, entry, detail) for each withdrawn entry's detail found in a file under ``roots``,
    the details in ``shown`` (:func:`shown_details`) left out."""
    wanted = [
        (entry, text, _forms(text))
        for entry in entries
        for text in needles(entry)
        if not any(_holds(public, text) for public in shown)
    ]
    if not wanted:
        return []
    hits = []
    for root in roots:
        root = Path(root)
        if not root.exists():
            continue
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            if path.suffix.lower() in _SKIPPED_SUFFIXES:
                continue
            try:
                data = readable_bytes(path)
            except OSError:
                continue
            for entry, text, forms in wanted:
                if any(form in data for form in forms):
                    hits.append((path, entry, text))
    return hits


def check_output(output_path, entries) -> list[Problem]:
    """Problems for each withdrawn entry still found in the built site (search index too)."""
    withdrawn = [e for e in entries if e.withdrawn]
    problems = []
    for path, entry, text in find_traces([output_path], withdrawn, shown_details(entries)):
        problems.append(
            Problem(
                entry.source,
                None,
                "thu_hoi",
                f"Thông tin đã gỡ vẫn còn trong tệp {path}",
                found=f"«{text}»",
                hint="dựng lại trang (make html) rồi kiểm tra lại; nếu vẫn còn, báo người "
                "bảo trì: một trang hay bộ nhớ đệm đã giữ lại thông tin",
            )
        )
    return problems


def cache_roots(settings) -> list[Path]:
    """The caches a following build reuses pages from."""
    return [Path(settings["CACHE_PATH"])] if settings.get("CACHE_PATH") else []


def _digest(entry) -> str:
    return hashlib.sha256("\0".join(needles(entry)).encode()).hexdigest()


def purge_withdrawn(settings, entries) -> list[Path]:
    """Remove from the caches every file that holds a withdrawn entry; return what was removed.

    The caches are searched once per withdrawal: ``CACHE_PATH/cong-khai-da-go.json`` records
    the withdrawals already purged. An entry shown again (the withdrawal undone) is taken off
    that record, so withdrawing it again searches again.
    """
    roots = cache_roots(settings)
    if not roots:
        return []
    state_path = roots[0] / _STATE_FILE
    try:
        done = json.loads(state_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        done = {}
    shown = {e.slug for e in entries if not e.withdrawn}
    record = {slug: digest for slug, digest in done.items() if slug not in shown}
    todo = [e for e in entries if e.withdrawn and record.get(e.slug) != _digest(e)]
    removed: list[Path] = []
    if todo:
        for path, _entry, _text in find_traces(roots, todo, shown_details(entries)):
            if path not in removed:
                path.unlink(missing_ok=True)
                removed.append(path)
        record.update({e.slug: _digest(e) for e in todo})
    if record != done:
        roots[0].mkdir(parents=True, exist_ok=True)
        write_atomically(str(state_path), json.dumps(record, sort_keys=True).encode())
    return removed


def write_manifest(output_path, withdrawn) -> None:
    """The list of withdrawn entries (file name, day) of this build, in the output."""
    path = Path(output_path, MANIFEST)
    path.parent.mkdir(parents=True, exist_ok=True)
    entries = [{"ma": e.slug, "ngay_go": e.thu_hoi.ngay.isoformat()} for e in withdrawn]
    path.write_text(json.dumps({"da_go": entries}, indent=1) + "\n", encoding="utf-8")


def withdrawn_slugs(text: str) -> list[str]:
    """The withdrawn entries' file names in a manifest's text (:func:`write_manifest`);
    [] when it is not one."""
    try:
        items = json.loads(text).get("da_go", ())
        return [item["ma"] for item in items if isinstance(item.get("ma"), str)]
    except (ValueError, AttributeError, TypeError):
        return []


def entry_page(slug: str) -> str:
    """The entry ``slug``'s page, relative to a build's output (``/``-separated)."""
    return f"{Path(MANIFEST).parent.as_posix()}/{slug}/index.html"


def rollback_exposes(current, target) -> list[str]:
    """The entries withdrawn in the release ``current`` that the release ``target`` still
    shows in full: switching to ``target`` (make rollback) would publish them again.

    ``deploy/deploy.py`` asks the same on the server (a shell script over SSH), with
    :data:`MANIFEST`, :func:`withdrawn_slugs`, :func:`entry_page` and :data:`SHOWN_MARK`.
    """
    try:
        slugs = withdrawn_slugs(Path(current, MANIFEST).read_text(encoding="utf-8"))
    except OSError:
        return []
    exposed = []
    for slug in slugs:
        try:
            html = Path(target, entry_page(slug)).read_bytes()
        except OSError:
            continue
        if SHOWN_MARK.encode() in html:  # the entry itself, not the withdrawal notice
            exposed.append(slug)
    return exposed
