"""``python -m bantin_publish check|publish|drafts``: the build, judged as a whole.

``check``   a Pelican build (preview settings) → link check of the output. Every content rule
            runs inside the build (the reader and ``bantin_core``'s whole-site step), so
            ``make html``, the live preview and this command report the same problems.
``publish`` the same with the production settings, plus fingerprinted assets and precompressed
            files before the link check, so the check sees exactly what will be uploaded.
``drafts``  every draft and scheduled post, with its date and problems (``make drafts``).
Every problem from every step is listed together, file by file. Any problem exits with 1, except
a draft's (marked «(bản nháp)»): it is listed and never blocks the rest of the site.
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

from bantin_core import engine
from bantin_core.problems import Problem, blocking, count_text
from bantin_frontmatter.reader import display_path

from .assets import fingerprint_assets, precompress
from .drafts import collect_drafts, format_drafts
from .links import check_output

DRAFT_OUTPUTS = ("DRAFT_SAVE_AS", "DRAFT_LANG_SAVE_AS", "DRAFT_PAGE_SAVE_AS")
DRAFT_OUTPUTS += ("DRAFT_PAGE_LANG_SAVE_AS",)


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
            # Checked as published: drafts and scheduled posts are not written (their problems
            # are still listed), so a draft's links never fail the output check.
            **{key: "" for key in DRAFT_OUTPUTS},
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
    parser.add_argument("command", choices=("check", "publish", "drafts"))
    parser.add_argument("--content", default="content", type=Path)
    parser.add_argument("--output", default="output", type=Path)
    parser.add_argument("--settings", default="pelicanconf.py", type=Path)
    parser.add_argument("--pelican-opts", default="", help="more options for pelican")
    args = parser.parse_args(argv)
    started = time.monotonic()
    options, extra = split_pelican_options(shlex.split(args.pelican_opts))
    settings = read_settings(
        str(args.settings), override={**extra, "PATH": str(args.content.resolve())}
    )

    if args.command == "drafts":
        print(format_drafts(collect_drafts(args.content, settings)))
        return 0

    built, problems = run_pelican(args.content, args.output, args.settings, options, extra)
    if built and args.command == "publish" and not blocking(problems):
        fingerprint_assets(args.output, settings.get("SITEURL", ""))
        precompress(args.output, engine.workers(settings))
    if built:
        problems += check_output(
            args.output, settings.get("SITEURL", ""), display_path(str(args.output))
        )
        # Publication duties (bantin_congkhai): no withdrawn entry left in the output or the
        # search index; the deadline report, printed whatever the verdict.
        from bantin_congkhai.check import check_public_notices

        notice_problems, duties_report = check_public_notices(args.output, settings)
        problems += notice_problems
        if duties_report:
            print(duties_report, file=sys.stderr)

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
        listing = "\n".join(f"- {p.format()}" for p in problems)
        print(f"\nCó {count_text(problems)}:\n{listing}\n", file=sys.stderr)
    if blocking(problems):
        print(f"KHÔNG đạt ({seconds:.1f} giây). Sửa các lỗi trên rồi chạy lại.", file=sys.stderr)
        return 1
    done = "Đã kiểm tra" if args.command == "check" else "Bản phát hành sẵn sàng trong"
    verdict = "chỉ bản nháp có lỗi, các bài khác đạt" if problems else "không có lỗi"
    print(f"{done} {display_path(str(args.output))}: {verdict} ({seconds:.1f} giây).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
