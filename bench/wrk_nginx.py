"""Load run: nginx with deploy/nginx.conf serving a publish of content/, measured with wrk.

Run by hand (never in `make test`)::

    .venv/bin/python bench/wrk_nginx.py [--seconds 5] [--connections 50]

Publishes content/ into bench/work/wrk/, starts nginx on 127.0.0.1 (deploy/serve_local.py), runs
wrk over HTTPS against a page, an article, the fingerprinted stylesheet and a missing page (all
with Accept-Encoding: gzip, as browsers send), prints a Markdown table for bench/RESULTS.md and
exits non-zero if wrk saw any socket error or an unexpected status.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "deploy"))
import serve_local  # noqa: E402

WORK = ROOT / "bench" / "work" / "wrk"


def publish(output: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "bantin_publish", "publish", "--content", ROOT / "content",
         "--output", output, "--settings", ROOT / "publishconf.py"],
        check=True, cwd=ROOT,
    )  # fmt: skip


def targets(output: Path) -> list[tuple[str, str, int]]:
    article = sorted(output.glob("20*/*/*/index.html"))[-1].relative_to(output).parent
    css = next(output.glob("theme/css/bantin.*.css")).relative_to(output)
    return [
        ("trang chủ", "/", 200),
        ("bài viết", f"/{article.as_posix()}/", 200),
        ("CSS (fingerprint)", f"/{css.as_posix()}", 200),
        ("trang 404", "/khong-co-trang-nay/", 404),
    ]


def run_wrk(url: str, seconds: int, connections: int) -> dict:
    result = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency",
         "-H", "Accept-Encoding: gzip", url],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    text = result.stdout

    def number(pattern, default="0"):
        match = re.search(pattern, text)
        return match.group(1) if match else default

    return {
        "rps": float(number(r"Requests/sec:\s+([\d.]+)")),
        "requests": int(number(r"(\d+) requests in")),
        "p50": number(r"(?m)^\s+50%\s+(\S+)"),
        "p99": number(r"(?m)^\s+99%\s+(\S+)"),
        "transfer": number(r"Transfer/sec:\s+(\S+)"),
        "socket_errors": sum(
            int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", text)
        ),
        "non_2xx": int(number(r"Non-2xx or 3xx responses: (\d+)")),
        "raw": text,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=50)
    args = parser.parse_args()
    output = WORK / "output"
    publish(output)
    failed = False
    rows = []
    with serve_local.serve(output, WORK / "nginx") as server:
        for label, path, status in targets(output):
            stats = run_wrk(server.https + path, args.seconds, args.connections)
            unexpected = stats["non_2xx"] if status == 200 else stats["requests"] - stats["non_2xx"]
            failed |= bool(stats["socket_errors"] or unexpected)
            rows.append(
                f"| {label} | `{path}` | {stats['rps']:,.0f} | {stats['p50']} | {stats['p99']} "
                f"| {stats['transfer']} | {stats['socket_errors']} | {unexpected} |"
            )
    print(f"\nwrk -t2 -c{args.connections} -d{args.seconds}s --latency, HTTPS, gzip\n")
    print("| URL | path | req/s | p50 | p99 | transfer/s | socket errors | unexpected status |")
    print("|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
