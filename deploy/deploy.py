#!/usr/bin/env python3
"""Atomic deploys of a built site, and rollback (``make deploy``, ``make rollback``).

Layout on the target (a local folder, or ``user@host:/srv/bantin`` over SSH)::

    current -> releases/20261127T131500.123Z-1a2b3c4d   what nginx serves
    releases/20261127T131500.123Z-1a2b3c4d/       one complete, verified build per deploy
    releases/20261127T131500.123Z-1a2b3c4d.sha256 its manifest (sha256sum format)
    releases/.incoming-<release name>/            this deploy's upload, while it runs
    releases/HISTORY                              every switch: time, from, to, action
    .deploy-lock/holder                           who is deploying now (host, pid, start)

One deploy (or rollback, or prune) at a time per target: the lock is a folder made complete
elsewhere and renamed into place (``rename(2)`` of a folder onto an existing non-empty one
fails, so exactly one contender wins, locally and over SSH alike). A lock whose process is
gone (same machine) or older than ``--lock-max-age`` is taken over, with a message.

A deploy uploads into its own ``releases/.incoming-<name>`` with rsync, checks the file count
and every checksum of the manifest *on the target*, renames it to its release name, and only
then switches ``current`` by renaming a new symlink over it (atomic: a request sees the old
release or the new one, never a mix), still holding the lock. On failure its upload is removed;
uploads left by a deploy that was killed are reused (hard links) by the next one, then removed.

Rollback goes back to the release that was live before the current one, read from
``releases/HISTORY`` (not from the release names: A, B, rollback to A, A′, rollback goes to A).
Releases without a checksum list or failing their check are skipped, with a message.

Personal data is published only while the duty lasts (issue 19): every build lists the
debtors' entries it withdrew (``bantin_congkhai.notrace.MANIFEST``). After a deploy switched,
every other release kept on the target that still shows one of them in full is removed, one
line each naming how many (never who), and a line in ``releases/HISTORY``; ``make rollback``
refuses (skips) such a release, ``list`` marks it, ``prune`` removes it too. The check runs on
the target, as a shell script (``grep`` in the entries' pages).

The same shell commands run locally and over SSH, so the tests against a local folder test
what runs on the server. Needs rsync on both sides and GNU coreutils on the target (Debian).
Python standard library, and the manifest's format from ``bantin_congkhai.notrace`` (the
editable install puts ``plugins/`` on the path).
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import functools
import hashlib
import importlib.util
import os
import re
import runpy
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

RELEASE = re.compile(r"^\d{8}T\d{6}\.\d{3}Z-[0-9a-f]{8}$")
# A remote target is [user@]host:path (a colon before any slash), as for rsync and scp.
REMOTE = re.compile(r"^(?P<host>[^/:]+):(?P<path>.+)$")
HOST = socket.gethostname()
DEFAULT_LOCK_MAX_AGE = 2 * 3600
# What rsync, cp, mv or the shell say when the target's disk is full (rsync exits 11, 12 or 23).
NO_SPACE = ("No space left on device", "Disk quota exceeded", "ENOSPC")
LOST_LOCK = 75  # exit code of a target script that found the lock no longer ours
NO_HISTORY = 76  # the switch is done, only its line in releases/HISTORY could not be written
INCOMPLETE = "chưa hoàn chỉnh: thiếu danh sách mã kiểm tra"


class DeployError(Exception):
    """A deploy step failed; the message is for staff, in Vietnamese.

    ``output`` keeps what the failing command printed (to recognise a full disk).
    """

    def __init__(self, message: str, output: str = "", code: int | None = None):
        super().__init__(message)
        self.output = output
        self.code = code


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

    def run(self, script: str, *args: str) -> subprocess.CompletedProcess:
        """Run ``script`` with ``$1…`` = args in the target's root folder."""
        body = f'mkdir -p "$0" && cd "$0" || exit 90\n{script}'
        if self.host:
            quoted = " ".join(shlex.quote(a) for a in ("sh", "-c", body, self.root, *args))
            command = ["ssh", "-o", "BatchMode=yes", self.host, quoted]
        else:
            command = ["sh", "-c", body, self.root, *args]
        return subprocess.run(command, capture_output=True, text=True)

    def sh(self, script: str, *args: str) -> str:
        """Like :meth:`run`; returns stdout, raises :class:`DeployError` on failure."""
        result = self.run(script, *args)
        if result.returncode != 0:
            output = (result.stderr or result.stdout).strip()
            raise DeployError(
                f"Lệnh trên máy chủ thất bại (mã {result.returncode}): {output}",
                output,
                result.returncode,
            )
        return result.stdout


def manifest(source: Path) -> tuple[str, int]:
    """``sha256sum`` lines for every file under ``source`` (sorted), and the file count."""
    lines = []
    for path in sorted(p for p in source.rglob("*") if p.is_file() or p.is_symlink()):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines.append(f"{digest}  ./{path.relative_to(source).as_posix()}\n")
    return "".join(lines), len(lines)


def _duration(seconds: float) -> str:
    seconds = max(int(seconds), 0)
    if seconds < 60:
        return f"{seconds} giây"
    hours, minutes = divmod(seconds // 60, 60)
    if not hours:
        return f"{minutes} phút"
    return f"{hours} giờ {minutes} phút" if minutes else f"{hours} giờ"


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- The lock -----------------------------------------------------------------------------------

_LOCK_ACQUIRE = (
    't=".deploy-lock.new-$1"\n'
    'rm -rf "$t" && mkdir "$t" && printf "%s\\n" "$2" > "$t/holder" || exit 90\n'
    'if mv -T "$t" .deploy-lock 2>/dev/null; then exit 0; fi\n'
    'rm -rf "$t"; cat .deploy-lock/holder 2>/dev/null; exit 75'
)
# Only one contender may take over a given stale lock: the first to make .takeover inside it.
_LOCK_TAKE_OVER = (
    "mkdir .deploy-lock/.takeover 2>/dev/null || exit 75\n"
    'if [ "$(cat .deploy-lock/holder 2>/dev/null)" != "$1" ]; then\n'
    "  rmdir .deploy-lock/.takeover; exit 75\nfi\n"
    'mv -T .deploy-lock ".deploy-lock.old-$2" && rm -rf ".deploy-lock.old-$2"'
)
_LOCK_HELD = 'grep -qxF "id $1" .deploy-lock/holder 2>/dev/null'
_LOCK_RELEASE = (
    _LOCK_HELD + ' || exit 1\nmv -T .deploy-lock ".deploy-lock.done-$1" && '
    'rm -rf ".deploy-lock.done-$1"'
)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass(frozen=True)
class Holder:
    """Who holds a target's lock, as written in ``.deploy-lock/holder``."""

    text: str
    host: str = "?"
    pid: int | None = None
    started: int | None = None
    action: str = "đăng"

    @classmethod
    def parse(cls, text: str) -> Holder:
        fields = dict(line.split(" ", 1) for line in text.splitlines() if " " in line)
        number = {k: int(fields[k]) for k in ("pid", "started") if fields.get(k, "").isdigit()}
        return cls(
            text, fields.get("host", "?"), number.get("pid"), number.get("started"),
            fields.get("action", "đăng"),
        )  # fmt: skip

    def describe(self) -> str:
        if self.started is None:
            return "không rõ ai giữ (tệp holder thiếu hoặc hỏng)"
        started = dt.datetime.fromtimestamp(self.started, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
        return (
            f"máy {self.host}, tiến trình {self.pid}, bắt đầu lúc {started} UTC "
            f"({_duration(time.time() - self.started)} trước)"
        )

    def stale_reason(self, max_age: float) -> str | None:
        """Why the lock may be taken over, or None while its holder may still be working."""
        if self.started is None:
            return "khóa không ghi ai giữ"
        if self.host == HOST and self.pid and not _pid_alive(self.pid):
            return f"tiến trình {self.pid} trên máy này không còn chạy"
        if time.time() - self.started > max_age:
            return f"khóa đã giữ quá {_duration(max_age)}"
        return None


class DeployLock:
    """One deploy, rollback or prune at a time on a target (a context manager)."""

    def __init__(self, target: Target, action: str, max_age: float = DEFAULT_LOCK_MAX_AGE):
        self.target, self.action, self.max_age = target, action, max_age
        self.id = f"{os.getpid()}-{secrets.token_hex(6)}"

    def __enter__(self) -> DeployLock:
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()

    def acquire(self) -> None:
        text = "\n".join(
            (f"host {HOST}", f"pid {os.getpid()}", f"started {int(time.time())}",
             f"action {self.action}", f"id {self.id}")
        )  # fmt: skip
        holder = None
        for _attempt in range(5):
            result = self.target.run(_LOCK_ACQUIRE, self.id, text)
            if result.returncode == 0:
                return
            if result.returncode != 75:
                raise DeployError(
                    f"Không tạo được khóa đăng trên {self.target.spec} "
                    f"(mã {result.returncode}): {(result.stderr or result.stdout).strip()}"
                )
            holder = Holder.parse(result.stdout.rstrip("\n"))
            reason = holder.stale_reason(self.max_age)
            if reason is None:
                break
            if self.target.run(_LOCK_TAKE_OVER, holder.text, self.id).returncode == 0:
                print(
                    f"Đã gỡ khóa cũ trên {self.target.spec} ({holder.describe()}): {reason}.",
                    file=sys.stderr,
                )
        raise DeployError(
            f"Đang có một lần {holder.action if holder else 'đăng'} khác trên "
            f"{self.target.spec}: {holder.describe() if holder else 'không rõ'}. Lần này dừng "
            "lại, chưa làm gì trên máy chủ. Chờ lần kia xong rồi chạy lại lệnh. Nếu chắc chắn "
            "không còn lần nào đang chạy (ví dụ máy kia tắt giữa chừng), chạy "
            f"«python deploy/deploy.py unlock --target {self.target.spec}»; khóa giữ quá "
            f"{_duration(self.max_age)} cũng tự được gỡ ở lần chạy sau."
        )

    def held(self) -> bool:
        return self.target.run(_LOCK_HELD, self.id).returncode == 0

    def release(self) -> None:
        result = self.target.run(_LOCK_RELEASE, self.id)
        if result.returncode not in (0, 1):
            print(
                f"Cảnh báo: không gỡ được khóa đăng trên {self.target.spec} "
                f"({(result.stderr or result.stdout).strip()}); lần sau sẽ tự gỡ khi quá hạn, "
                "hoặc chạy «deploy.py unlock».",
                file=sys.stderr,
            )


def unlock(target: Target) -> None:
    """Remove the lock whoever holds it (staff decide that no deploy is running)."""
    text = target.sh("cat .deploy-lock/holder 2>/dev/null || true").rstrip("\n")
    if not target.sh("[ -d .deploy-lock ] && echo yes || true").strip():
        print(f"Không có khóa nào trên {target.spec}.")
        return
    target.sh('mv -T .deploy-lock ".deploy-lock.old-$1" && rm -rf ".deploy-lock.old-$1"',
              secrets.token_hex(6))  # fmt: skip
    print(f"Đã gỡ khóa trên {target.spec} ({Holder.parse(text).describe()}).")


# --- Releases, history ------------------------------------------------------------------------

_CURRENT = 'if [ -L current ]; then basename "$(readlink current)"; fi'
_INVENTORY = (
    "cd releases 2>/dev/null || exit 0\n"
    'for r in *; do [ -d "$r" ] || continue; '
    'if [ -f "$r.sha256" ]; then echo "$r 1"; else echo "$r 0"; fi; done'
)
_VERIFY = (
    'cd "$1" || exit 1\n'
    'n=$(find . -type f | wc -l); m=$(wc -l < "$2")\n'
    '[ "$n" -eq "$m" ] || { echo "có $n tệp, danh sách ghi $m tệp"; exit 1; }\n'
    'sha256sum --quiet --strict -c "$2" 2>&1'
)
# Switch `current` (and record it), only while this run still holds the lock. $1 release,
# $2 the live one before, $3 lock id, $4 time, $5 action; {prepare} runs first (a deploy's rename).
_SWITCH = (
    _LOCK_HELD.replace("$1", "$3") + " || exit 75\n"
    "{prepare}\n"
    'rm -f .current.tmp && ln -s "releases/$1" .current.tmp && mv -T .current.tmp current '
    "|| exit 1\n"
    'echo "$4 ${{2:--}} $1 $5" >> releases/HISTORY || exit 76'  # NO_HISTORY
)
_PROMOTE = (
    'mv "releases/.incoming-$1.sha256" "releases/$1.sha256" && '
    'mv -T "releases/.incoming-$1" "releases/$1" || exit 1'
)


def current_release(target: Target) -> str | None:
    """The live release; raises :class:`DeployError` if the target cannot be read."""
    return target.sh(_CURRENT).strip() or None


def inventory(target: Target) -> dict[str, bool]:
    """Every release folder, oldest first → whether it has its checksum list."""
    found = {}
    for line in target.sh(_INVENTORY).splitlines():
        name, _, complete = line.rpartition(" ")
        if RELEASE.match(name):
            found[name] = complete == "1"
    return dict(sorted(found.items()))


def releases(target: Target) -> list[str]:
    """Release folders on the target, oldest first (complete or not)."""
    return list(inventory(target))


def history(target: Target) -> list[tuple[str, str, str, str]]:
    """``releases/HISTORY``: (time, from, to, action) per switch, oldest first.

    Lines of another shape (a release removed for showing withdrawn entries, 5 words) are not
    switches.
    """
    rows = []
    for line in target.sh("cat releases/HISTORY 2>/dev/null || true").splitlines():
        parts = line.split()
        if len(parts) == 4:
            rows.append(tuple(parts))
    return rows


def live_stack(rows, live: str | None, available: list[str]) -> list[str]:
    """The releases that were live, in order, ending with the live one.

    A deploy adds its release; going back to a release already in the stack drops everything
    after it (so a rollback never returns to the release it left). Targets deployed before the
    history existed fall back on release names (their time order).
    """
    stack: list[str] = []
    for _time, _from, to, _action in rows:
        if to in stack:
            del stack[stack.index(to) + 1 :]
        else:
            stack.append(to)
    if not rows:
        stack = [r for r in available if live is not None and r <= live]
    if live is not None and (not stack or stack[-1] != live):
        if live in stack:
            del stack[stack.index(live) + 1 :]
        else:
            stack.append(live)
    return stack


_SHA256SUM_SAYS = {
    ": FAILED open or read": ": không đọc được (thiếu tệp?)",
    ": FAILED": ": nội dung khác bản dựng",
}


def verify_release(target: Target, name: str) -> str | None:
    """None if every file of ``name`` matches its checksum list, else what is wrong."""
    result = target.run(_VERIFY, f"releases/{name}", f"../{name}.sha256")
    if result.returncode == 0:
        return None
    lines = []
    for line in (result.stdout + result.stderr).strip().splitlines():
        if line.startswith("sha256sum: WARNING"):
            continue
        for english, vietnamese in _SHA256SUM_SAYS.items():
            if line.endswith(english):
                line = line.removesuffix(english) + vietnamese
        lines.append(line)
    return "; ".join(lines[:3]) + (" …" if len(lines) > 3 else "")


def _unusable(
    target: Target, found: dict[str, bool], name: str, removed_withdrawn=frozenset()
) -> str | None:
    if name not in found and name in removed_withdrawn:
        return f"không còn trên máy chủ ({REMOVED_WITHDRAWN})"
    if name not in found:
        return "không còn trên máy chủ (đã xóa bớt)"
    if not found[name]:
        return INCOMPLETE
    problem = verify_release(target, name)
    return f"không còn nguyên vẹn ({problem})" if problem else None


def live_note(target: Target, before: str | None) -> str:
    """What is live now, read from the target (never assumed)."""
    try:
        now = current_release(target)
    except DeployError:
        return (
            "Không đọc được bản đang chạy trên máy chủ (mất kết nối?): kiểm tra bằng "
            "«python deploy/deploy.py list»."
        )
    if now == before and now is None:
        return "Trên máy chủ chưa có bản nào đang chạy."
    if now == before:
        return f"Trang đang chạy không đổi: vẫn là bản {now}."
    return f"Trang đang chạy hiện là bản {now} (lúc lần này bắt đầu là bản {before})."


def _switch(target: Target, name: str, before, lock: DeployLock, action: str, prepare="") -> None:
    script = _SWITCH.format(prepare=prepare)
    result = target.run(script, name, before or "", lock.id, _now(), action)
    if result.returncode == LOST_LOCK:
        raise DeployError(
            "Không chuyển trang: khóa đăng không còn thuộc lần chạy này (một lần chạy khác đã "
            "gỡ nó vì quá hạn)"
        )
    output = (result.stderr or result.stdout).strip()
    if result.returncode == NO_HISTORY:
        print(
            f"Cảnh báo: đã chuyển trang nhưng không ghi được nhật ký releases/HISTORY ({output}).",
            file=sys.stderr,
        )
    elif result.returncode != 0:
        raise DeployError(f"Không chuyển được sang bản {name}: {output}", output)
    if current_release(target) != name:
        raise DeployError(f"Đã chuyển sang bản {name} nhưng «current» không trỏ tới bản đó")


# --- Withdrawn entries: releases that would publish them again ----------------------------------

REMOVED_WITHDRAWN = "đã xóa vì còn hiện mục đã gỡ khỏi danh sách công khai"
# $1 the mark of a shown entry, then release names, "--", then the entries' pages (relative to
# a release). Prints "<release> <page>" for each page that still shows its entry; exits 2 when
# a page could not be read (a release is never called safe unchecked).
_EXPOSING = (
    'm=$1; shift; rs=""\n'
    'while [ $# -gt 0 ] && [ "$1" != -- ]; do rs="$rs $1"; shift; done; shift\n'
    "for r in $rs; do\n"
    '  ( cd "releases/$r" || exit 2; n=$#\n'
    '    for p in "$@"; do [ -f "$p" ] && set -- "$@" "$p"; done; shift "$n"\n'
    "    [ $# -gt 0 ] || exit 0\n"
    '    out=$(grep -lF -e "$m" -- "$@"); s=$?; [ "$s" -le 1 ] || exit 2\n'
    '    [ -z "$out" ] || printf \'%s\\n\' "$out" | while IFS= read -r l; do echo "$r $l"; done\n'
    "  ) || exit 2\n"
    "done"
)
_REMOVE_WITHDRAWN = (
    "t=$1; shift\nwhile [ $# -ge 2 ]; do\n"
    '  rm -rf "releases/$1" "releases/$1.sha256" || exit 1\n'
    '  echo "$t $1 removed-withdrawn $2 shown" >> releases/HISTORY\n'
    "  shift 2\ndone"
)


def _notrace():
    """``bantin_congkhai.notrace``, imported when a build has withdrawn entries (the plugin
    package loads Pelican: about a second, which the other commands are spared)."""
    try:
        from bantin_congkhai import notrace
    except ImportError as error:
        raise DeployError(
            f"Không nạp được bantin_congkhai ({error}): chạy lệnh bằng .venv/bin/python của dự "
            "án («make deploy», «make rollback») để kiểm tra được các mục đã gỡ."
        ) from error
    return notrace


@functools.cache
def manifest_path() -> str:
    """``bantin_congkhai.notrace.MANIFEST``, read from its source without importing it."""
    spec = importlib.util.find_spec("bantin_congkhai")
    if spec is None or spec.origin is None:
        raise DeployError(
            "Không tìm thấy bantin_congkhai (plugins/): chạy lệnh bằng .venv/bin/python của dự "
            "án («make deploy», «make rollback») để kiểm tra được các mục đã gỡ."
        )
    tree = ast.parse(Path(spec.origin).with_name("notrace.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(getattr(t, "id", None) == "MANIFEST" for t in targets):
                with_value = ast.literal_eval(node.value)
                if isinstance(with_value, str):
                    return with_value
    return _notrace().MANIFEST


def _slugs(text: str) -> list[str]:
    if not text.strip():
        return []
    slugs = _notrace().withdrawn_slugs(text)
    return [s for s in slugs if s and "/" not in s and "\n" not in s and not s.startswith(".")]


def local_withdrawn(source: Path) -> list[str]:
    """The entries a build (on this machine) withdrew, from its manifest."""
    try:
        return _slugs(Path(source, manifest_path()).read_text(encoding="utf-8"))
    except OSError:
        return []


def live_withdrawn(target: Target, live: str | None) -> list[str]:
    """The entries the live release withdrew, from its manifest on the target."""
    if live is None:
        return []
    return _slugs(target.sh('cat "releases/$1/$2" 2>/dev/null || true', live, manifest_path()))


def exposing(target: Target, withdrawn: list[str], names) -> dict[str, int]:
    """Release → how many of the ``withdrawn`` entries it still shows in full (checked on the
    target); releases that show none are left out."""
    names = [n for n in names if RELEASE.match(n)]
    if not withdrawn or not names:
        return {}
    notrace = _notrace()
    pages = [notrace.entry_page(slug) for slug in withdrawn]
    try:
        out = target.sh(_EXPOSING, notrace.SHOWN_MARK, *names, "--", *pages)
    except DeployError as error:
        raise DeployError(
            f"Không kiểm tra được các bản cũ có còn hiện mục đã gỡ khỏi danh sách công khai "
            f"hay không ({error})"
        ) from error
    counts: dict[str, int] = {}
    for line in out.splitlines():
        name, _, _page = line.partition(" ")
        counts[name] = counts.get(name, 0) + 1
    return counts


def shows_withdrawn(count: int) -> str:
    """Why a release must not be live again (how many, never who)."""
    return (
        f"còn hiện {count} mục đã gỡ khỏi danh sách người chưa có điều kiện thi hành án ở bản "
        "đang chạy; quay lại bản này sẽ công khai lại thông tin cá nhân đã gỡ"
    )


def what_to_do_withdrawn(target: Target) -> str:
    return (
        "Cách làm: sửa sự cố ngay trong nội dung rồi đăng bản mới («make deploy»), không quay "
        "lại bản trước ngày gỡ; xóa các bản đó khỏi máy chủ bằng «python deploy/deploy.py prune "
        f"--target {target.spec}»."
    )


def removed_withdrawn(target: Target) -> set[str]:
    """Releases removed for showing withdrawn entries (their lines in ``releases/HISTORY``)."""
    out = target.sh("cat releases/HISTORY 2>/dev/null || true")
    return {p[1] for p in map(str.split, out.splitlines()) if p[2:3] == ["removed-withdrawn"]}


def prune_withdrawn(target: Target, withdrawn: list[str], live: str | None) -> list[str]:
    """Remove every release but ``live`` that still shows one of the ``withdrawn`` entries."""
    counts = exposing(target, withdrawn, [r for r in inventory(target) if r != live])
    if counts:
        pairs = [str(x) for name, count in sorted(counts.items()) for x in (name, count)]
        target.sh(_REMOVE_WITHDRAWN, _now(), *pairs)
    for name, count in sorted(counts.items()):
        print(
            f"Đã xóa bản {name}: bản này còn hiện {count} mục đã gỡ khỏi danh sách người chưa "
            "có điều kiện thi hành án (giữ lại để quay lại thì sẽ công khai lại thông tin cá "
            "nhân đã gỡ)."
        )
    return sorted(counts)


# --- Deploy -----------------------------------------------------------------------------------


def _rsync(command: list[str]) -> None:
    result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        detail = next((line for line in lines if any(s in line for s in NO_SPACE)), None)
        detail = detail or (lines[0] if lines else "")
        raise DeployError(
            f"Tải lên bị gián đoạn (rsync mã {result.returncode}: {detail.strip()})",
            result.stderr,
            result.returncode,
        )


def _no_space(error: DeployError) -> bool:
    text = f"{error.output}\n{error}"
    return any(sign in text for sign in NO_SPACE)


def _remove(target: Target, *paths: str) -> bool:
    return target.run('for p in "$@"; do rm -rf "releases/$p"; done', *paths).returncode == 0


def _leftovers(target: Target) -> list[tuple[str, bool]]:
    """Uploads of deploys that were killed: (name in releases/, is a folder), newest first."""
    out = target.sh(
        "cd releases || exit 0\n"
        'for f in .incoming .incoming.sha256 .incoming-*; do [ -e "$f" ] || continue; '
        'if [ -d "$f" ]; then echo "d $f"; else echo "f $f"; fi; done'
    )
    found = [(line[2:], line[0] == "d") for line in out.splitlines() if line[1:2] == " "]
    return sorted(found, reverse=True)


def _failure_message(error: DeployError, target, before, removed: bool, lock) -> str:
    full = _no_space(error)
    parts = [
        f"Máy chủ hết chỗ trống trên đĩa ({target.spec}): bản mới không tải lên hết."
        if full
        else f"{str(error).rstrip('.')}."
    ]
    if "khóa" not in str(error) and not lock.held():
        parts.append("Khóa đăng đã bị một lần chạy khác gỡ (quá hạn) trong lúc lần này chạy.")
    parts.append(
        "Phần đã tải lên dở đã được xóa."
        if removed
        else "Không xóa được phần tải dở trên máy chủ: lần đăng sau sẽ dùng lại rồi xóa nó."
    )
    parts.append(live_note(target, before))
    if full:
        parts.append(
            f"Cách sửa: giải phóng chỗ trống trên máy chủ (xem «df -h {target.root}»), hoặc "
            "xóa bớt các bản cũ, chỉ giữ lại vài bản mới nhất và bản đang chạy: «python "
            f"deploy/deploy.py prune --target {target.spec} --keep 2», rồi chạy lại lệnh đăng."
        )
    elif not removed:
        parts.append("Kiểm tra kết nối tới máy chủ rồi chạy lại lệnh.")
    return " ".join(parts)


def deploy(
    source: Path,
    target: Target,
    keep: int = 5,
    bwlimit: int | None = None,
    lock_max_age: float = DEFAULT_LOCK_MAX_AGE,
) -> str:
    """Upload ``source`` as a new release, verify it, switch ``current``; returns its name."""
    source = Path(source)
    if not (source / "index.html").is_file():
        raise DeployError(f"{source} không phải một bản dựng (thiếu index.html): chạy make publish")
    lines, count = manifest(source)
    now = dt.datetime.now(dt.UTC)
    stamp = f"{now:%Y%m%dT%H%M%S}.{now.microsecond // 1000:03d}Z"  # names sort by time
    name = f"{stamp}-{hashlib.sha256(lines.encode()).hexdigest()[:8]}"
    with DeployLock(target, "đăng", lock_max_age) as lock:
        target.sh("mkdir -p releases")
        before = current_release(target)
        leftovers = _leftovers(target)
        print(f"Tải lên {count} tệp vào {target.spec}/releases/{name} …")
        try:
            _upload(source, lines, target, name, before, leftovers, bwlimit)
            problem = verify_release(target, f".incoming-{name}")
            if problem:
                raise DeployError(f"Bản tải lên không khớp với bản dựng: {problem}")
            _switch(target, name, before, lock, "deploy", _PROMOTE)
        except BaseException as error:
            removed = _remove(target, f".incoming-{name}", f".incoming-{name}.sha256")
            if isinstance(error, DeployError):
                message = _failure_message(error, target, before, removed, lock)
                raise DeployError(message, error.output, error.code) from error
            print(
                f"Lệnh bị dừng giữa chừng; phần tải dở "
                f"{'đã được xóa' if removed else 'còn trên máy chủ'}. {live_note(target, before)}",
                file=sys.stderr,
            )
            raise
        finally:
            if leftovers:
                _remove(target, *(path for path, _is_dir in leftovers))
        print(f"Đã chuyển trang sang bản {name} (trước đó: {before or 'chưa có'}).")
        try:
            if before in prune_withdrawn(target, local_withdrawn(source), name):
                print(
                    f"Lưu ý: bản chạy trước đó ({before}) vừa bị xóa vì lý do trên, «make "
                    "rollback» không quay về đó được. Nếu bản mới có sự cố, sửa ngay trong nội "
                    "dung rồi đăng lại."
                )
        except DeployError as error:
            print(
                f"Cảnh báo: {str(error).rstrip('.')}. Các bản cũ còn trên máy chủ có thể còn "
                "hiện mục đã gỡ: «make rollback» sẽ kiểm tra lại trước khi quay lại; chạy "
                f"«python deploy/deploy.py prune --target {target.spec}» khi kết nối lại được.",
                file=sys.stderr,
            )
        try:
            prune(target, keep, lock=lock, withdrawn=[])
        except DeployError as error:
            print(f"Cảnh báo: chưa xóa được các bản cũ. {error}", file=sys.stderr)
    return name


def _upload(source, lines, target, name, before, leftovers, bwlimit) -> None:
    with tempfile.NamedTemporaryFile("w", suffix=".sha256", encoding="utf-8") as handle:
        handle.write(lines)
        handle.flush()
        # --checksum: Pelican rewrites every file on each build, so sizes and times say nothing;
        # comparing content sends only what changed (and never trusts a same-size file).
        rsync = ["rsync", "-rlt", "--checksum", "--delete", "--chmod=D755,F644"]
        if bwlimit:
            rsync.append(f"--bwlimit={bwlimit}")
        # Unchanged files become hard links to the live release (fast, small on disk), or to
        # what a killed deploy had already uploaded (rsync takes at most 20 of these).
        references = ([before] if before else []) + [p for p, d in leftovers if d]
        rsync.extend(f"--link-dest=../{reference}" for reference in references[:20])
        _rsync([*rsync, f"{source}/", target.rsync_path(f"releases/.incoming-{name}/")])
        _rsync(
            ["rsync", "-t", "--chmod=F644", handle.name,
             target.rsync_path(f"releases/.incoming-{name}.sha256")]
        )  # fmt: skip


def prune(
    target: Target, keep: int, lock: DeployLock | None = None, withdrawn: list[str] | None = None
) -> list[str]:
    """Delete all but the ``keep`` newest releases; never the live one nor the one before it.

    First, every release but the live one that still shows one of the ``withdrawn`` entries
    (by default those the live release withdrew) goes, whatever ``keep``.
    """
    if lock is None:
        with DeployLock(target, "xóa bản cũ") as own:
            return prune(target, keep, own, withdrawn)
    live = current_release(target)
    if withdrawn is None:
        withdrawn = live_withdrawn(target, live)
    prune_withdrawn(target, withdrawn, live)
    found = inventory(target)
    protected = set(live_stack(history(target), live, list(found))[-2:])
    newest = set(list(found)[-max(keep, 1) :])
    old = [r for r in found if r not in newest and r not in protected]
    target.sh(
        'for r in "$@"; do rm -rf "releases/$r" "releases/$r.sha256"; done\n'
        "cd releases || exit 0\n"
        'for f in *.sha256; do [ -f "$f" ] && [ ! -d "${f%.sha256}" ] && rm -f "$f"; done; true',
        *old,
    )
    if old:
        print(f"Đã xóa {len(old)} bản cũ: {', '.join(old)}.")
    return old


# --- Rollback ---------------------------------------------------------------------------------


def rollback(
    target: Target, to: str | None = None, lock_max_age: float = DEFAULT_LOCK_MAX_AGE
) -> str:
    """Point ``current`` at the release live before the current one (or at ``to``)."""
    with DeployLock(target, "quay lại", lock_max_age) as lock:
        live = current_release(target)
        found = inventory(target)
        withdrawn = live_withdrawn(target, live)
        removed = removed_withdrawn(target)
        exposed = False

        def problem_of(name: str) -> str | None:
            nonlocal exposed
            problem = _unusable(target, found, name, removed)
            count = exposing(target, withdrawn, [name]).get(name) if problem is None else None
            exposed = exposed or bool(count) or (problem or "").endswith(f"({REMOVED_WITHDRAWN})")
            return shows_withdrawn(count) if count else problem

        if to is not None:
            problem = "đang chạy" if to == live else problem_of(to)
            if problem:
                advice = f" {what_to_do_withdrawn(target)}" if exposed else ""
                raise DeployError(
                    f"Không quay lại được bản {to}: {problem}. Các bản hiện có: "
                    f"{', '.join(found) or 'không có'}. {live_note(target, live)}{advice}"
                )
        else:
            skipped = []
            for candidate in reversed(live_stack(history(target), live, list(found))[:-1]):
                problem = problem_of(candidate)
                if problem is None:
                    to = candidate
                    break
                skipped.append(f"{candidate}: {problem}")
            if to is None:
                also = f" (đã bỏ qua {'; '.join(skipped)})" if skipped else ""
                advice = f" {what_to_do_withdrawn(target)}" if exposed else ""
                raise DeployError(
                    f"Không còn bản cũ hơn để quay lại{also}. {live_note(target, live)}{advice}"
                )
            for line in skipped:
                print(f"Bỏ qua bản {line}.")
        _switch(target, to, live, lock, "rollback")
        print(f"Đã quay lại bản {to} (trước đó: {live or 'chưa có'}).")
        return to


def list_releases(target: Target, verify: bool = False) -> None:
    live = current_release(target)
    found = inventory(target)
    shown = exposing(target, live_withdrawn(target, live), [r for r in found if r != live])
    for name, complete in found.items():
        note = "" if complete else f"  ({INCOMPLETE})"
        if complete and verify:
            problem = verify_release(target, name)
            note = f"  (không còn nguyên vẹn: {problem})" if problem else "  (nguyên vẹn)"
        if name in shown:
            note += (
                f"  (còn hiện {shown[name]} mục đã gỡ: không quay lại được, xóa bằng lệnh prune)"
            )
        print(("* " if name == live else "  ") + name + note)
    holder = target.sh("cat .deploy-lock/holder 2>/dev/null || true").strip()
    if holder:
        holder = Holder.parse(holder)
        print(f"Khóa: đang có một lần {holder.action} ({holder.describe()}).")


# --- Command line -----------------------------------------------------------------------------


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


def _terminate(signum, _frame):
    raise SystemExit(128 + signum)  # runs the clean-up (upload removed, lock released)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("deploy", "rollback", "list", "prune", "unlock"):
        command = sub.add_parser(name)
        command.add_argument("--target", help="thư mục, hoặc user@host:/duong/dan")
        command.add_argument("--settings", help="publishconf.py (BANTIN_DEPLOY_TARGET)")
        command.add_argument(
            "--lock-max-age",
            type=float,
            default=float(os.environ.get("DEPLOY_LOCK_MAX_AGE", DEFAULT_LOCK_MAX_AGE)),
            help="giây: khóa giữ lâu hơn thế được coi là bỏ dở và gỡ (mặc định 7200)",
        )
        if name == "deploy":
            command.add_argument("source", type=Path)
            command.add_argument("--bwlimit", type=int, help="giới hạn tốc độ tải lên, KB/s")
        if name in ("deploy", "prune"):
            command.add_argument("--keep", type=int, default=5, help="số bản giữ lại")
        if name == "rollback":
            command.add_argument("--to", help="tên bản muốn quay lại")
        if name == "list":
            command.add_argument("--verify", action="store_true", help="kiểm tra mã từng bản")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    try:
        target = resolve_target(args.target, args.settings)
        if args.command == "deploy":
            deploy(args.source, target, args.keep, args.bwlimit, args.lock_max_age)
        elif args.command == "rollback":
            rollback(target, args.to, args.lock_max_age)
        elif args.command == "prune":
            with DeployLock(target, "xóa bản cũ", args.lock_max_age) as lock:
                prune(target, args.keep, lock)
        elif args.command == "unlock":
            unlock(target)
        else:
            list_releases(target, args.verify)
    except DeployError as error:
        print(f"LỖI: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
