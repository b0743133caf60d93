"""Photo benchmarks (never timed assertions in tests): page weight on a phone, encoding speed.

    .venv/bin/python bench/images.py budget      # article pages with a hero photo, 412 px phone
    .venv/bin/python bench/images.py encode 24   # 24 generated 12 MP phone photos, 1 vs 2 workers

``budget`` builds content/ into bench/work/, serves it on 127.0.0.1 and loads every article
that has a hero photo in Debian's chromium (Playwright) at 412×823 CSS px, for several device
pixel ratios, summing the size of every response (headers + body, as served, uncompressed).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work"
sys.path[:0] = [str(ROOT), str(ROOT / "plugins")]

# 1: a low-end phone; 1.75: Lighthouse's mobile (Moto G Power); 2.625: Pixel 7 class.
DEVICE_PIXEL_RATIOS = (1, 1.75, 2.625)
BUDGET = 100 * 1024


def pelican(content: Path, output: Path, cache: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pelican", str(content), "-o", str(output), "-s",
         str(ROOT / "pelicanconf.py"), "-e", f'CACHE_PATH="{cache}/pelican"',
         f'BANTIN_IMAGES_CACHE_PATH="{cache}/images"', "BANTIN_FAIL_ON_PROBLEMS=false"],
        check=True, cwd=ROOT, capture_output=True,
    )  # fmt: skip
    return time.perf_counter() - started


def serve_gzip(directory: Path):
    """Like production nginx (``gzip_static on``): text gzipped, images as they are."""
    from tests.conftest import serve_directory

    return serve_directory(directory, gzip_text=True)


def page_weights(output: Path, pages: list[str], serve) -> list[dict]:
    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM, CHROMIUM_ARGS

    rows = []
    with serve(output) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for path in pages:
            for dpr in DEVICE_PIXEL_RATIOS:
                context = browser.new_context(
                    viewport={"width": 412, "height": 823}, device_scale_factor=dpr
                )
                page = context.new_page()
                finished = []
                page.on("requestfinished", lambda request, seen=finished: seen.append(request))
                page.goto(f"{base}/{path}", wait_until="networkidle")
                by_kind: dict[str, int] = {}
                for request in finished:
                    sizes = request.sizes()
                    size = sizes["responseBodySize"] + sizes["responseHeadersSize"]
                    by_kind[request.resource_type] = by_kind.get(request.resource_type, 0) + size
                hero = page.eval_on_selector(
                    "figure.bt-figure img", "img => img.currentSrc.split('/').pop()"
                )
                rows.append(
                    {"page": path, "dpr": dpr, "total": sum(by_kind.values()),
                     "by_kind": by_kind, "requests": len(finished), "hero": hero}
                )  # fmt: skip
                context.close()
        browser.close()
    return rows


def budget() -> None:
    output, cache = WORK / "images-site", WORK / "images-cache"
    shutil.rmtree(cache, ignore_errors=True)
    cold = pelican(ROOT / "content", output, cache)
    warm = pelican(ROOT / "content", WORK / "images-site-2", cache)
    stats = json.loads((cache / "images" / "last-build.json").read_text())
    pages = sorted(
        str(p.relative_to(output))
        for p in output.glob("[0-9][0-9][0-9][0-9]/*/*/index.html")
        if 'class="bt-figure"' in p.read_text(encoding="utf-8")
    )
    from tests.conftest import serve_directory

    print(f"build: cold {cold:.1f} s, warm {warm:.1f} s (whole site); last build: {stats}")
    results = {}
    for label, serve in (("plain", serve_directory), ("gzip", serve_gzip)):
        rows = results[label] = page_weights(output, pages, serve)
        print(f"\nServed {label}:")
        print("| page | DPR | total KB | HTML | CSS | JS | images | requests | hero file |")
        print("|---|---|---|---|---|---|---|---|---|")
        for row in rows:
            k = row["by_kind"]
            print(
                f"| {row['page'].split('/')[2]} | {row['dpr']} | {row['total'] / 1024:.1f} "
                f"| {k.get('document', 0) / 1024:.1f} | {k.get('stylesheet', 0) / 1024:.1f} "
                f"| {k.get('script', 0) / 1024:.1f} | {k.get('image', 0) / 1024:.1f} "
                f"| {row['requests']} | {row['hero']} |"
            )
        for dpr in DEVICE_PIXEL_RATIOS:
            worst = max(row["total"] for row in rows if row["dpr"] == dpr)
            print(f"worst at DPR {dpr}: {worst / 1024:.1f} KB (budget {BUDGET / 1024:.0f} KB)")
    (WORK / "images-budget.json").write_text(json.dumps(results, indent=1))


def encode(count: int) -> None:
    from bantin_images.build import run_jobs
    from bantin_images.pipeline import ImageSettings, derive_job
    from tests.test_images_pipeline import make_phone_jpeg

    originals = WORK / "images-originals"
    if len(list(originals.glob("*.jpg"))) != count:
        shutil.rmtree(originals, ignore_errors=True)
        for i in range(count):
            make_phone_jpeg(originals / f"anh-{i:03}.jpg", size=(4032, 3024), orientation=6)
    sources = sorted(originals.glob("*.jpg"))
    megabytes = sum(p.stat().st_size for p in sources) / 1e6
    print(f"{count} photos 4032×3024 (12.2 MP), {megabytes:.0f} MB, {os.cpu_count()} cores")
    for workers in (1, 2):
        out = WORK / f"images-encode-{workers}"
        shutil.rmtree(out, ignore_errors=True)
        jobs = [(derive_job, (str(p), str(out / p.stem), ImageSettings())) for p in sources]
        started = time.perf_counter()
        results = run_jobs(jobs, workers)
        elapsed = time.perf_counter() - started
        assert all(r[0] == "ok" for r in results), results
        print(f"workers={workers}: {elapsed:.1f} s, {elapsed / count * 1000:.0f} ms a photo")


if __name__ == "__main__":
    if sys.argv[1:2] == ["budget"]:
        budget()
    elif sys.argv[1:2] == ["encode"]:
        encode(int(sys.argv[2]) if len(sys.argv) > 2 else 24)
    else:
        sys.exit(__doc__)
