"""What a first search downloads, measured in Debian's chromium.

    .venv/bin/python bench/search_size.py [--articles 3000]

Builds the sample site and a generated corpus (bench/make_corpus.py), serves each on
127.0.0.1, opens /tim-kiem/?q=… and sums the bytes of every response the search needed
(pagefind.js, worker, WASM, index chunks, fragments), raw and gzipped as nginx would serve
the text files. Prints a Markdown table for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import gzip
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.make_corpus import make_corpus  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, serve_directory  # noqa: E402

QUERIES = ["dau gia", "thi hanh an dan su", "don thu khieu nai"]


def build(content: Path, output: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pelican",
            str(content),
            "-o",
            str(output),
            "-s",
            str(ROOT / "pelicanconf.py"),
            "-q",
            "-e",
            f'CACHE_PATH="{output}.cache"',
        ],
        check=True,
        cwd=ROOT,
    )


def measure(output: Path, query: str) -> dict:
    from playwright.sync_api import sync_playwright

    with serve_directory(output) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        responses = []
        page.on("response", lambda r: responses.append(r))
        page.goto(f"{base}/tim-kiem/?q={query}")
        page.locator(
            ".bt-search__result, [data-bt-search-status]:has-text('Không')"
        ).first.wait_for()
        page.wait_for_load_state("networkidle")
        raw = gz = search_raw = search_gz = 0
        for response in responses:
            path = urlparse(response.url).path
            body = response.body()
            packed = (
                len(gzip.compress(body))
                if not path.endswith(".pagefind") and "pf_" not in path
                else len(body)
            )
            raw += len(body)
            gz += packed
            if "/pagefind/" in path or path.endswith("search.js"):
                search_raw += len(body)
                search_gz += packed
        count = page.locator(".bt-search__result").count()
        browser.close()
    return {
        "raw": raw,
        "gz": gz,
        "search_raw": search_raw,
        "search_gz": search_gz,
        "results": count,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=3000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        sites = {"sample (content/)": ROOT / "content"}
        corpus = tmp / "corpus"
        make_corpus(corpus, args.articles, photos=0)
        sites[f"generated, {args.articles} articles"] = corpus
        print(
            "| site | query | results shown | whole page, raw | whole page, gzip "
            "| search files, raw | search files, gzip |"
        )
        print("|---|---|---|---|---|---|---|")
        for name, content in sites.items():
            output = tmp / name.split()[0] / "output"
            build(content, output)
            pages = sum(1 for _ in output.rglob("*.html"))
            for query in QUERIES:
                m = measure(output, query)
                print(
                    f"| {name} ({pages} HTML files) | `{query}` | {m['results']} | "
                    f"{m['raw'] / 1024:.0f} KB | {m['gz'] / 1024:.0f} KB | "
                    f"{m['search_raw'] / 1024:.0f} KB | {m['search_gz'] / 1024:.0f} KB |"
                )


if __name__ == "__main__":
    main()
