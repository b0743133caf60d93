"""Wall time of a cold build and of a rebuild after one edit, for two checkouts in turn.

    .venv/bin/python bench/search_bench.py CORPUS --repo before=/tmp/search-before \
        --repo after=/work/main [--repeats 3]

Each checkout builds ``CORPUS`` (bench/make_corpus.py) with its own plugins, theme and
pelicanconf.py (``python -m bantin_build``, as ``make html``), caches in a scratch folder: a
cold build (no caches), then a rebuild after appending a sentence to one article. The
checkouts run alternately (the machine is shared). Prints the medians of wall and CPU time
(the build and the processes it waited for) and the process tree's peak memory as a Markdown
table (bench/RESULTS.md, "Search").
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.build_bench import edited_article, measure, project_command  # noqa: E402

EDIT = "\n\nĐoàn kiểm tra liên ngành làm việc tại đơn vị.\n"


def cycle(repo: Path, corpus: Path, run: Path) -> dict:
    shutil.rmtree(run, ignore_errors=True)
    run.mkdir(parents=True)
    os.environ["PYTHONPATH"] = str(repo / "plugins")
    cold = measure(project_command(repo, corpus, run), run / "cold.log", cwd=repo)
    article = edited_article(corpus, 7)
    original = article.read_bytes()
    try:
        article.write_bytes(original + EDIT.encode())
        edit = measure(project_command(repo, corpus, run), run / "edit.log", cwd=repo)
    finally:
        article.write_bytes(original)
    return {"cold": cold, "edit": edit}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--repo", action="append", required=True, help="NAME=PATH")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    repos = dict(item.split("=", 1) for item in args.repo)
    samples: dict[str, list[dict]] = {name: [] for name in repos}
    work = Path(tempfile.mkdtemp(prefix="search-bench-"))
    try:
        for _ in range(args.repeats):
            for name, path in repos.items():
                samples[name].append(cycle(Path(path), args.corpus, work / name))
                print(name, samples[name][-1], file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("| checkout | cold build, wall (CPU) s | edit one article, wall (CPU) s | peak, cold |")
    print("|---|---:|---:|---:|")
    for name, runs in samples.items():

        def median(mode: str, key: str, runs=runs) -> float:
            return statistics.median(run[mode][key] for run in runs)

        print(
            f"| {name} | {median('cold', 'wall'):.1f} ({median('cold', 'cpu'):.1f}) | "
            f"{median('edit', 'wall'):.1f} ({median('edit', 'cpu'):.1f}) | "
            f"{median('cold', 'tree_rss_mb'):.0f} MB |"
        )


if __name__ == "__main__":
    main()
