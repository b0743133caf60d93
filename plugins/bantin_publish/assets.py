"""Post-build steps of ``make publish``: fingerprinted CSS/JS names and precompressed files.

Both are pure functions of the files in ``output/``, so two publishes of the same content give
byte-identical results (gzip without a timestamp or file name; brotli has neither).
"""

from __future__ import annotations

import gzip
import hashlib
import re
from pathlib import Path

import brotli

from bantin_core.forked import run_calls

from .links import resolve

FINGERPRINT_SUFFIXES = (".css", ".js")
# Pagefind loads its own files by fixed names; the theme's assets are the ones worth caching.
FINGERPRINT_SKIP = ("pagefind/",)
COMPRESS_SUFFIXES = {
    ".html", ".css", ".js", ".mjs", ".json", ".xml", ".svg", ".txt", ".atom", ".rss", ".map",
    ".wasm", ".ico", ".webmanifest", ".pf_meta",
}  # fmt: skip
_MIN_SIZE = 256  # smaller files gain nothing from compression
_MIN_PARALLEL = 50  # fewer files are compressed sooner than processes are forked
_BATCH = 16  # files a worker is sent at once
# Measured on this project's pages: quality 11 is ~90× slower than 7 for files ~7 % smaller
# (a 2,000-article publish: minutes instead of seconds). gzip's level barely matters here.
BROTLI_QUALITY = 7
_HASHED = re.compile(r"\.[0-9a-f]{10}\.(?:css|js)$")
_ATTRIBUTE_URL = re.compile(r"""(\b(?:href|src)\s*=\s*)(["'])([^"']+)\2""")
_CSS_URL = re.compile(r"""(url\(\s*)(['"]?)([^'")]+)\2(\s*\))""")
_CSS_IMPORT = re.compile(r"""(@import\s+)(["'])([^"']+)\2""")


def fingerprinted_name(path: str, data: bytes) -> str:
    """``css/bantin.css`` → ``css/bantin.<10 hex of sha256>.css``."""
    stem, dot, suffix = path.rpartition(".")
    return f"{stem}.{hashlib.sha256(data).hexdigest()[:10]}{dot}{suffix}"


def _rewrite(text: str, page: str, renames: dict[str, str], site_url: str, patterns) -> str:
    def replace(match):
        url = match.group(3)
        target = resolve(url, page, site_url)
        if target not in renames:
            return match.group(0)
        new_name = renames[target].rsplit("/", 1)[-1]
        new_url = (url.rsplit("/", 1)[0] + "/" if "/" in url else "") + new_name
        return match.group(0).replace(url, new_url, 1)

    for pattern in patterns:
        text = pattern.sub(replace, text)
    return text


def fingerprint_assets(output: Path, site_url: str = "") -> dict[str, str]:
    """Rename CSS and JS files after their content and rewrite every reference to them.

    Stylesheets that import or refer to other fingerprinted files are rewritten first, so a
    name changes whenever anything it pulls in changes. The unhashed files are removed: the
    link check then proves nothing still refers to them. Returns old → new output paths.
    """
    output = Path(output)
    assets = sorted(
        p.relative_to(output).as_posix()
        for p in output.rglob("*")
        if p.suffix in FINGERPRINT_SUFFIXES
        and p.is_file()
        and not _HASHED.search(p.name)
        and not p.relative_to(output).as_posix().startswith(FINGERPRINT_SKIP)
    )
    renames: dict[str, str] = {}
    css_patterns = (_CSS_URL, _CSS_IMPORT)

    def visit(asset: str, seen: tuple = ()) -> str:
        if asset in renames:
            return renames[asset]
        path = output / asset
        text = path.read_text(encoding="utf-8")
        if asset.endswith(".css"):
            for url in [m.group(3) for p in css_patterns for m in p.finditer(text)]:
                target = resolve(url, asset, site_url)
                if target in assets and target not in seen and target != asset:
                    visit(target, (*seen, asset))
            text = _rewrite(text, asset, renames, site_url, css_patterns)
        data = text.encode("utf-8")
        renames[asset] = fingerprinted_name(asset, data)
        (output / renames[asset]).write_bytes(data)
        path.unlink()
        return renames[asset]

    for asset in assets:
        visit(asset)
    for page in sorted(output.rglob("*.html")):
        relative = page.relative_to(output).as_posix()
        text = page.read_text(encoding="utf-8")
        rewritten = _rewrite(text, relative, renames, site_url, (_ATTRIBUTE_URL,))
        if rewritten != text:
            # A new file, not a rewrite in place: a page of a preview build may be a hard link
            # into bantin_build's page cache, which must keep its bytes.
            temporary = page.with_name(page.name + ".tmp")
            temporary.write_text(rewritten, encoding="utf-8")
            temporary.replace(page)
    return renames


def _compress_one(path: Path) -> int:
    data = path.read_bytes()
    written = 0
    for suffix, packed in (
        (".gz", lambda d: gzip.compress(d, compresslevel=9, mtime=0)),
        (".br", lambda d: brotli.compress(d, quality=BROTLI_QUALITY)),
    ):
        target = path.with_name(path.name + suffix)
        compressed = packed(data)
        if len(compressed) < len(data):
            target.write_bytes(compressed)
            written += 1
        else:
            target.unlink(missing_ok=True)
    return written


def _compress_many(paths: list[Path]) -> int:
    return sum(map(_compress_one, paths))


def precompress(output: Path, workers: int = 1) -> int:
    """Write ``.gz`` and ``.br`` beside every text file worth compressing; returns how many.

    On ``workers`` processes (``bantin_core.forked.run_calls``), in batches of a few files."""
    output = Path(output)
    for stale in [*output.rglob("*.gz"), *output.rglob("*.br")]:
        if stale.with_suffix("").is_file():  # ours, from an earlier run
            stale.unlink()
    files = sorted(
        p
        for p in output.rglob("*")
        if p.suffix in COMPRESS_SUFFIXES and p.is_file() and p.stat().st_size >= _MIN_SIZE
    )
    if len(files) < _MIN_PARALLEL:
        workers = 1
    calls = [(_compress_many, (files[i : i + _BATCH],)) for i in range(0, len(files), _BATCH)]
    return sum(run_calls(calls, workers, what="Compressing the output"))
