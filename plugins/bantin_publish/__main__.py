"""``python -m bantin_publish check|publish``: the whole-site checks around a Pelican build.

``check``   content checks → Pelican build (preview settings) → link check of the output.
``publish`` the same with the production settings, plus fingerprinted assets and precompressed
            files before the link check, so the check sees exactly what will be uploaded.
Every problem from every step is listed together, file by file; any problem exits with 1.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pelican.settings import read_settings

from bantin_core.problems import Problem
from bantin_frontmatter.reader import display_path

from .assets import fingerprint_assets, precompress
from .links import check_output
from .sources import DUPLICATE_PATH, check_sources


def split_pelican_options(options: list[str]) -> tuple[list[str], dict]:
    """Separate ``-e KEY=VALUE ...`` from the other pelican options.

    Values are JSON as for pelican; a bare word (``SITEURL=https://…``, shell quotes lost)
    is taken as a string.
    """
    rest, extra, collecting = [], {}, False
    for option in options:
        if option in ("-e", "--extra-settings"):
            collecting = True
        elif collecting and "=" in option and not option.startswith("-"):
            key, value = option.split("=", 1)
            try:
                extra[key] = json.loads(value)
            except json.JSONDecodeError:
                extra[key] = value
        else:
            collecting = False
            rest.append(option)
    return rest, extra


def run_pelican(content: Path, output: Path, settings_file: Path, options: list[str], extra: dict):
    """Build with the project's settings; content problems come back as a list, not a failure."""
    with tempfile.TemporaryDirectory() as temporary:
        report = Path(temporary) / "problems.json"
        overrides = {
            **extra,
            "BANTIN_FAIL_ON_PROBLEMS": False,
            "BANTIN_PROBLEMS_FILE": str(report),
        }
        # Builds must not depend on Python's per-process hash seed (set and dict order of
        # strings): two publishes of the same content are byte-identical.
        env = {**os.environ, "PYTHONHASHSEED": "0", "COLUMNS": "200"}
        command = [sys.executable, "-m", "bantin_build", str(content), "-o", str(output)]
        command += ["-s", str(settings_file), *options, "-e"]
        command += [f"{key}={json.dumps(value)}" for key, value in overrides.items()]
        result = subprocess.run(command, capture_output=True, text=True, env=env)
        if result.returncode != 0 or not report.exists():
            sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
            return False, [
                Problem("(Pelican)", None, "", "Pelican dừng giữa chừng (xem thông báo ở trên)")
            ]
        problems = [
            Problem(**{k: v for k, v in p.items() if k != "text"})
            for p in json.loads(report.read_text(encoding="utf-8"))
        ]
        return True, problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bantin_publish", description=__doc__)
    parser.add_argument("command", choices=("check", "publish"))
    parser.add_argument("--content", default="content", type=Path)
    parser.add_argument("--output", default="output", type=Path)
    parser.add_argument("--settings", default="pelicanconf.py", type=Path)
    parser.add_argument("--pelican-opts", default="", help="more options for pelican")
    parser.add_argument(
        "--sources-only", action="store_true", help="only the content checks, no build"
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    options, extra = split_pelican_options(shlex.split(args.pelican_opts))
    settings = read_settings(
        str(args.settings), override={**extra, "PATH": str(args.content.resolve())}
    )

    problems = check_sources(args.content, settings)
    built = False
    if args.sources_only:
        pass
    elif any(p.message.startswith(DUPLICATE_PATH) for p in problems):
        print(
            "Chưa dựng trang: có bài trùng địa chỉ (Pelican sẽ dừng giữa chừng).", file=sys.stderr
        )
    else:
        built, build_problems = run_pelican(
            args.content, args.output, args.settings, options, extra
        )
        problems += build_problems
    if built and args.command == "publish" and not problems:
        fingerprint_assets(args.output, settings.get("SITEURL", ""))
        precompress(args.output)
    if built:
        problems += check_output(
            args.output, settings.get("SITEURL", ""), display_path(str(args.output))
        )

    problems = sorted(set(problems), key=lambda p: (p.source, p.line or 0, p.field, p.message))
    report_path = settings.get("BANTIN_PROBLEMS_FILE")
    if report_path:
        Path(report_path).parent.mkdir(parents=True, exist_ok=True)
        Path(report_path).write_text(
            json.dumps([p.as_dict() for p in problems], ensure_ascii=False, indent=1),
            encoding="utf-8",
        )
    seconds = time.monotonic() - started
    if problems:
        files = len({p.source for p in problems})
        listing = "\n".join(f"- {p.format()}" for p in problems)
        print(f"\nCó {len(problems)} lỗi trong {files} tệp:\n{listing}\n", file=sys.stderr)
        print(f"KHÔNG đạt ({seconds:.1f} giây). Sửa các lỗi trên rồi chạy lại.", file=sys.stderr)
        return 1
    done = "Đã kiểm tra" if args.command == "check" else "Bản phát hành sẵn sàng trong"
    where = "" if args.sources_only else f" {display_path(str(args.output))}"
    print(f"{done}{where}: không có lỗi ({seconds:.1f} giây).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
