#!/usr/bin/env python3
"""Atomic deploys of a built site, and rollback (``make deploy``, ``make rollback``).

Layout on the target (a local folder, or ``user@host:/srv/bantin`` over SSH)::

    releases/20261127T131500.123Z-1a2b3c4d/       one complete, verified build per deploy
    releases/20261127T131500.123Z-1a2b3c4d.sha256 its manifest (sha256sum format)
    releases/.incoming/                       the upload in progress (reused after a break)
    current -> releases/20261127T131500.123Z-1a2b3c4d   what nginx serves

A deploy uploads into ``releases/.incoming`` with rsync, checks the file count and every
checksum of the manifest *on the target*, renames it to its release name, and only then
switches ``current`` by renaming a new symlink over it (``rename(2)`` is atomic: a request sees
the old release or the new one, never a mix). Anything that fails or is killed before that
leaves ``current`` untouched; the next deploy reuses what was already uploaded.

The same shell commands run locally and over SSH, so the tests against a local folder test
what runs on the server. Needs rsync on both sides and GNU coreutils on the target (Debian).
Python standard library only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import re
import runpy
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

RELEASE = re.compile(r"^\d{8}T\d{6}\.\d{3}Z-[0-9a-f]{8}$")
RELEASE_GREP = r"^[0-9]{8}T[0-9]{6}\.[0-9]{3}Z-[0-9a-f]{8}$"
# A remote target is [user@]host:path (a colon before any slash), as for rsync and scp.
REMOTE = re.compile(r"^(?P<host>[^/:]+):(?P<path>.+)$")


class DeployError(Exception):
    """A deploy step failed; the message is for staff, in Vietnamese."""


class Target:
    """Where releases live; runs POSIX shell there (locally or through ssh)."""

    def __init__(self, spec: str):
        match = REMOTE.match(spec)
        if match and not os.path.exists(spec):
            self.host, self.root = match["host"], match["path"].rstrip("/") or "/"
        else:
            self.host, self.root = None, os.path.abspath(spec)
        self.spec = spec

    def rsync_path(self, relative: str) -> str:
        path = f"{self.root}/{relative}"
        return f"{self.host}:{path}" if self.host else path

    def sh(self, script: str, *args: str, check: bool = True) -> str:
        """Run ``script`` with ``$1…`` = args in the target's root folder; return stdout."""
        body = f'mkdir -p "$0" && cd "$0" || exit 90\n{script}'
        if self.host:
            quoted = " ".join(shlex.quote(a) for a in ("sh", "-c", body, self.root, *args))
            command = ["ssh", "-o", "BatchMode=yes", self.host, quoted]
        else:
            command = ["sh", "-c", body, self.root, *args]
        result = subprocess.run(command, capture_output=True, text=True)
        if check and result.returncode != 0:
            raise DeployError(
                f"Lệnh trên máy chủ thất bại (mã {result.returncode}): "
                f"{(result.stderr or result.stdout).strip()}"
            )
        return result.stdout


def manifest(source: Path) -> tuple[str, int]:
    """``sha256sum`` lines for every file under ``source`` (sorted), and the file count."""
    lines = []
    for path in sorted(p for p in source.rglob("*") if p.is_file() or p.is_symlink()):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines.append(f"{digest}  ./{path.relative_to(source).as_posix()}\n")
    return "".join(lines), len(lines)


_SWITCH = 'ln -s "releases/$1" .current.tmp && mv -T .current.tmp current'
_CURRENT = 'r=$(readlink current 2>/dev/null) && basename "$r"'


def deploy(source: Path, target: Target, keep: int = 5, bwlimit: int | None = None) -> str:
    """Upload ``source`` as a new release, verify it, switch ``current``; returns its name."""
    source = Path(source)
    if not (source / "index.html").is_file():
        raise DeployError(f"{source} không phải một bản dựng (thiếu index.html): chạy make publish")
    lines, count = manifest(source)
    now = dt.datetime.now(dt.UTC)
    stamp = f"{now:%Y%m%dT%H%M%S}.{now.microsecond // 1000:03d}Z"  # names sort by time
    name = f"{stamp}-{hashlib.sha256(lines.encode()).hexdigest()[:8]}"
    print(f"Tải lên {count} tệp vào {target.spec}/releases/{name} …")

    target.sh("mkdir -p releases && rm -f .current.tmp")
    current = target.sh(_CURRENT, check=False).strip()
    with tempfile.NamedTemporaryFile("w", suffix=".sha256", encoding="utf-8") as handle:
        handle.write(lines)
        handle.flush()
        # --checksum: Pelican rewrites every file on each build, so sizes and times say nothing;
        # comparing content sends only what changed (and never trusts a same-size file).
        rsync = ["rsync", "-rlt", "--checksum", "--delete", "--chmod=D755,F644"]
        if bwlimit:
            rsync.append(f"--bwlimit={bwlimit}")
        if current:
            # Unchanged files become hard links to the live release: fast, and small on disk.
            rsync.append(f"--link-dest=../{current}")
        _run([*rsync, f"{source}/", target.rsync_path("releases/.incoming/")])
        _run(
            [
                "rsync",
                "-t",
                "--chmod=F644",
                handle.name,
                target.rsync_path("releases/.incoming.sha256"),
            ]
        )

    # Verify on the target what arrived there: the file count, then every checksum.
    verify = (
        "cd releases/.incoming || exit 1\n"
        'n=$(find . -type f | wc -l); [ "$n" -eq "$1" ] || '
        '{ echo "có $n tệp, cần $1"; exit 1; }\n'
        "sha256sum --quiet --strict -c ../.incoming.sha256"
    )
    try:
        target.sh(verify, str(count))
    except DeployError as error:
        raise DeployError(
            f"Bản tải lên không khớp với bản dựng, trang đang chạy không đổi. {error}"
        ) from error
    target.sh(
        'rm -rf "releases/$1" && mv releases/.incoming "releases/$1" && '
        'mv releases/.incoming.sha256 "releases/$1.sha256" && ' + _SWITCH,
        name,
    )
    print(f"Đã chuyển trang sang bản {name}.")
    prune(target, keep)
    return name


def releases(target: Target) -> list[str]:
    """Complete releases on the target, oldest first."""
    out = target.sh(f"ls -1 releases 2>/dev/null | grep -E '{RELEASE_GREP}' | sort", check=False)
    return [line for line in out.split() if RELEASE.match(line)]


def current_release(target: Target) -> str | None:
    return target.sh(_CURRENT, check=False).strip() or None


def prune(target: Target, keep: int) -> None:
    """Delete all but the ``keep`` newest releases (never the live one)."""
    live = current_release(target)
    old = [r for r in releases(target)[: -max(keep, 1)] if r != live]
    if old:
        target.sh('for r in "$@"; do rm -rf "releases/$r" "releases/$r.sha256"; done', *old)


def rollback(target: Target, to: str | None = None) -> str:
    """Point ``current`` at the release before the live one (or at ``to``), after checking it."""
    live = current_release(target)
    available = releases(target)
    if to is None:
        older = [r for r in available if live is None or r < live]
        if not older:
            raise DeployError("Không còn bản cũ hơn để quay lại.")
        to = older[-1]
    elif to not in available:
        raise DeployError(f"Không có bản {to}. Các bản hiện có: {', '.join(available)}")
    try:
        target.sh('cd "releases/$1" && sha256sum --quiet --strict -c "../$1.sha256"', to)
    except DeployError as error:
        raise DeployError(f"Bản {to} không còn nguyên vẹn, không quay lại được. {error}") from error
    target.sh(_SWITCH, to)
    print(f"Đã quay lại bản {to} (trước đó: {live}).")
    return to


def _run(command: list[str]) -> None:
    result = subprocess.run(command)
    if result.returncode != 0:
        raise DeployError(
            f"Tải lên bị gián đoạn (rsync mã {result.returncode}); trang đang chạy không đổi. "
            "Chạy lại lệnh để tải tiếp."
        )


def resolve_target(given: str | None, settings: str | None) -> Target:
    """``--target``/``DEPLOY_TARGET``, else ``BANTIN_DEPLOY_TARGET`` in the settings file."""
    spec = given or os.environ.get("DEPLOY_TARGET")
    if not spec and settings and os.path.exists(settings):
        spec = runpy.run_path(settings).get("BANTIN_DEPLOY_TARGET")
    if not spec:
        raise DeployError(
            "Chưa có nơi đăng: đặt BANTIN_DEPLOY_TARGET trong publishconf.py, hoặc chạy "
            "make deploy DEPLOY_TARGET=deploy@may-chu:/srv/bantin"
        )
    return Target(spec)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("deploy", "rollback", "list"):
        command = sub.add_parser(name)
        command.add_argument("--target", help="thư mục, hoặc user@host:/duong/dan")
        command.add_argument("--settings", help="publishconf.py (BANTIN_DEPLOY_TARGET)")
        if name == "deploy":
            command.add_argument("source", type=Path)
            command.add_argument("--keep", type=int, default=5, help="số bản giữ lại")
            command.add_argument("--bwlimit", type=int, help="giới hạn tốc độ tải lên, KB/s")
        if name == "rollback":
            command.add_argument("--to", help="tên bản muốn quay lại")
    args = parser.parse_args(argv)
    try:
        target = resolve_target(args.target, args.settings)
        if args.command == "deploy":
            deploy(args.source, target, args.keep, args.bwlimit)
        elif args.command == "rollback":
            rollback(target, args.to)
        else:
            live = current_release(target)
            for release in releases(target):
                print(("* " if release == live else "  ") + release)
    except DeployError as error:
        print(f"LỖI: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
