"""Lighthouse (mobile) over the main page kinds of the sample site, plus the gzip budget.

Run by hand, not by `make test` (about 15 s a page):

    make node-deps
    CHROME_PATH=/usr/bin/chromium .venv/bin/python bench/lighthouse.py

Builds content/ into bench/work/lighthouse/, serves it on 127.0.0.1 with gzip (as nginx
does), runs `lighthouse` from node_modules on each page, keeps the JSON reports in
bench/work/lighthouse/reports/ and rewrites bench/RESULTS-lighthouse.md.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench/work/lighthouse"
RESULTS = ROOT / "bench/RESULTS-lighthouse.md"
LIGHTHOUSE = ROOT / "node_modules/.bin/lighthouse"
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync "
    "--disable-dev-shm-usage"
)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")

sys.path.insert(0, str(ROOT))
from tests.conftest import serve_directory  # noqa: E402
from tests.theme_site import page_kinds  # noqa: E402

PAGES = ("home", "article-photo", "article", "category", "page", "documents", "day")


def serve(directory: Path):
    """The built site with text gzipped on the wire, as nginx's gzip_static serves it."""
    return serve_directory(directory, gzip_text=True)


def build(output: Path) -> None:
    shutil.rmtree(output, ignore_errors=True)
    subprocess.run(
        [sys.executable, "-m", "pelican", str(ROOT / "content"), "-o", str(output),
         "-s", str(ROOT / "pelicanconf.py"), "-e", f'CACHE_PATH="{output}.cache"'],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip


def run_lighthouse(url: str, report: Path) -> dict:
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    subprocess.run(
        [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
         f"--chrome-flags={CHROME_FLAGS}", "--only-categories=" + ",".join(CATEGORIES)],
        check=True, env=env, timeout=180,
    )  # fmt: skip
    return json.loads(report.read_text(encoding="utf-8"))


def gzip_size(file: Path) -> int:
    return len(gzip.compress(file.read_bytes(), 9))


def main() -> None:
    site = WORK / "site"
    reports = WORK / "reports"
    build(site)
    reports.mkdir(parents=True, exist_ok=True)
    kinds = page_kinds(site)
    rows = []
    with serve(site) as base:
        for kind in PAGES:
            path = kinds.get(kind)
            if not path:
                continue
            data = run_lighthouse(base + path, reports / f"{kind}.json")
            scores = [round(data["categories"][c]["score"] * 100) for c in CATEGORIES]
            weight = data["audits"]["total-byte-weight"]
            items = weight["details"]["items"]
            requests = len(data["audits"]["network-requests"]["details"]["items"])
            rows.append((kind, path, scores, weight["numericValue"], requests, items))
            print(kind, path, scores, weight["numericValue"], flush=True)

    article = site / kinds["article"].lstrip("/") / "index.html"
    css = site / "theme/css/bantin.css"
    js = site / "theme/js/bantin.js"
    version = json.loads((reports / f"{rows[0][0]}.json").read_text())["lighthouseVersion"]
    lines = [
        "# Lighthouse and page weight",
        "",
        f"Measured {dt.date.today():%d/%m/%Y} with Lighthouse {version}"
        " (mobile emulation, simulated slow 4G), Debian chromium, over the sample site"
        " (`content/`) served on 127.0.0.1 with gzip. On this busy 2-core machine the"
        " performance score moves by a point or so from run to run. Command:",
        "",
        "    make node-deps",
        "    CHROME_PATH=/usr/bin/chromium .venv/bin/python bench/lighthouse.py",
        "",
        "| page kind | path | performance | accessibility | best practices | SEO |"
        " transferred (gzip) | requests |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for kind, path, scores, total, requests, _items in rows:
        lines.append(
            f"| {kind} | `{path}` | " + " | ".join(str(s) for s in scores)
            + f" | {total / 1024:.1f} KB | {requests} |"
        )  # fmt: skip
    lines += [
        "",
        "Bytes per file (transferred, as Lighthouse counts them):",
        "",
    ]
    for kind, _path, _scores, _total, _requests, items in rows:
        files = ", ".join(
            f"`{item['url'].split('/', 3)[-1] or '/'}` {item['totalBytes'] / 1024:.1f} KB"
            for item in items
        )
        lines.append(f"- {kind}: {files}")
    budget = gzip_size(article) + gzip_size(css)
    lines += [
        "",
        "## Budget: an article without photos in one round trip (≤ 14 KB gzipped HTML + CSS)",
        "",
        f"`{kinds['article']}` (gzip -9): HTML {gzip_size(article) / 1024:.1f} KB "
        f"({article.stat().st_size / 1024:.1f} KB raw) + CSS {gzip_size(css) / 1024:.1f} KB "
        f"({css.stat().st_size / 1024:.1f} KB raw) = **{budget / 1024:.1f} KB**. The deferred "
        f"script adds {gzip_size(js) / 1024:.1f} KB ({js.stat().st_size / 1024:.1f} KB raw) "
        "after the page is readable. `tests/test_theme_pages.py` keeps the budget.",
        "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print(RESULTS.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
