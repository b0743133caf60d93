"""deploy/deploy.py against a local target folder: the same shell commands as over SSH."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import ROOT

DEPLOY = ROOT / "deploy" / "deploy.py"
pytestmark = pytest.mark.skipif(
    subprocess.run(["sh", "-c", "command -v rsync"], capture_output=True).returncode != 0,
    reason="rsync is missing (`.ci/run` installs it)",
)


def make_build(folder: Path, version: str, files: int = 20, size: int = 64) -> Path:
    """A fake build: index.html naming its version, and filler files."""
    (folder / "theme").mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(f"<p>{version}</p>", encoding="utf-8")
    for number in range(files):
        (folder / "theme" / f"f{number:04d}.txt").write_bytes(
            (version.encode() + os.urandom(size))[:size]
        )
    return folder


def run(*args, **kwargs):
    return subprocess.run(
        [sys.executable, str(DEPLOY), *map(str, args)], capture_output=True, text=True, **kwargs
    )


def deploy(source, target, *extra):
    result = run("deploy", source, "--target", target, *extra)
    assert result.returncode == 0, result.stdout + result.stderr
    return (target / "current").resolve().name


def live(target: Path) -> str:
    return (target / "current" / "index.html").read_text(encoding="utf-8")


def assert_complete(release: Path):
    """Every file of the release's manifest is there, with its checksum."""
    result = subprocess.run(
        ["sha256sum", "--quiet", "--strict", "-c", f"../{release.name}.sha256"],
        cwd=release,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_switches_atomically_keeps_releases_and_rolls_back(tmp_path):
    target = tmp_path / "srv"
    names = []
    for version in ("v1", "v2", "v3", "v4"):
        names.append(deploy(make_build(tmp_path / version, version), target, "--keep", "3"))
        assert live(target) == f"<p>{version}</p>"
        assert os.readlink(target / "current") == f"releases/{names[-1]}"
    releases = sorted(p.name for p in (target / "releases").iterdir() if p.is_dir())
    assert releases == names[1:], "keeps the 3 newest"
    assert_complete((target / "current").resolve())

    assert run("rollback", "--target", target).returncode == 0
    assert live(target) == "<p>v3</p>"
    assert run("rollback", "--target", target).returncode == 0
    assert live(target) == "<p>v2</p>"
    result = run("rollback", "--target", target)
    assert result.returncode == 1 and "Không còn bản cũ hơn" in result.stderr
    assert run("rollback", "--target", target, "--to", names[-1]).returncode == 0
    assert live(target) == "<p>v4</p>"


def incoming(target: Path) -> list[Path]:
    """Uploads in progress (or left behind) on the target."""
    return sorted((target / "releases").glob(".incoming-*"))


def wait_for(condition, what, timeout=20.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def start_deploy(source, target, *extra):
    """A deploy in its own process group (so it can be paused or killed with its rsync)."""
    return subprocess.Popen(
        [sys.executable, str(DEPLOY), "deploy", str(source), "--target", str(target), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def test_interrupted_upload_leaves_the_live_site_and_the_next_deploy_works(tmp_path):
    target = tmp_path / "srv"
    first = deploy(make_build(tmp_path / "v1", "v1"), target)
    big = make_build(tmp_path / "v2", "v2", files=300, size=8192)

    # A slow upload (2.4 MB at 300 KB/s), killed with its rsync once it is under way.
    process = start_deploy(big, target, "--bwlimit", "300")
    wait_for(
        lambda: incoming(target) and len(list(incoming(target)[0].rglob("f*.txt"))) >= 20,
        "the upload to start",
    )
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate()
    [left] = incoming(target)
    uploaded = {p.relative_to(left): p.stat().st_ino for p in left.rglob("f*.txt")}
    assert 20 <= len(uploaded) < 300, "killed mid-transfer"
    assert (target / "current").resolve().name == first
    assert live(target) == "<p>v1</p>"
    assert_complete((target / "current").resolve())
    assert (target / ".deploy-lock").is_dir(), "a killed deploy cannot release its lock"

    # While the next deploy runs, `current` always names a complete release.
    seen, stop = [], threading.Event()

    def watch():
        while not stop.is_set():
            release = (target / "current").resolve()
            seen.append((release.name, (release / "index.html").is_file()))

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        result = run("deploy", big, "--target", target)
    finally:
        stop.set()
        watcher.join()
    assert result.returncode == 0, result.stdout + result.stderr
    # The dead deploy's lock is taken over, saying so; its upload is reused, then removed.
    assert "Đã gỡ khóa cũ" in result.stderr
    assert f"tiến trình {process.pid} trên máy này không còn chạy" in result.stderr
    second = (target / "current").resolve()
    assert live(target) == "<p>v2</p>"
    assert_complete(second)
    reused = {path: (second / path).stat().st_ino for path in uploaded}
    assert reused == uploaded, "files already uploaded are hard-linked, not sent again"
    assert {name for name, _ in seen} <= {first, second.name}
    assert all(complete for _, complete in seen)
    assert incoming(target) == []
    assert not (target / ".deploy-lock").exists()


def test_two_deploys_interleaved_never_break_the_live_site(tmp_path):
    """Deploy A is paused (SIGSTOP) mid-upload while deploy B runs; then A resumes."""
    target = tmp_path / "srv"
    first = deploy(make_build(tmp_path / "v1", "v1"), target)
    slow = make_build(tmp_path / "a", "a", files=200, size=8192)  # 1.6 MB at 500 KB/s
    other = make_build(tmp_path / "b", "b")

    def pause_mid_upload():
        a = start_deploy(slow, target, "--bwlimit", "500")
        wait_for(lambda: incoming(target) and any(incoming(target)[0].rglob("f*.txt")), "A")
        os.killpg(a.pid, signal.SIGSTOP)
        return a

    # 1. B finds the lock held by A (alive, though paused): refused, nothing touched.
    a = pause_mid_upload()
    try:
        b = run("deploy", other, "--target", target)
        assert b.returncode == 1
        assert "Đang có một lần đăng khác" in b.stderr
        assert f"tiến trình {a.pid}" in b.stderr and "chưa làm gì trên máy chủ" in b.stderr
        assert (target / "current").resolve().name == first
        assert_complete((target / "current").resolve())
    finally:
        os.killpg(a.pid, signal.SIGCONT)
    out, err = a.communicate(timeout=60)
    assert a.returncode == 0, out + err
    assert live(target) == "<p>a</p>"
    assert_complete((target / "current").resolve())
    assert incoming(target) == []

    # 2. A's lock grows older than B's --lock-max-age: B takes it over, removes A's upload and
    #    deploys. A, resumed, must not switch, and must say what happened.
    a = pause_mid_upload()
    try:
        holder = (target / ".deploy-lock" / "holder").read_text(encoding="utf-8")
        started = int(holder.split("started ")[1].split()[0])
        wait_for(lambda: time.time() - started > 1.2, "A's lock to age")
        b = run("deploy", other, "--target", target, "--lock-max-age", "1")
        assert b.returncode == 0, b.stdout + b.stderr
        assert "Đã gỡ khóa cũ" in b.stderr and "khóa đã giữ quá 1 giây" in b.stderr
        b_release = (target / "current").resolve()
        assert live(target) == "<p>b</p>"
        assert_complete(b_release)
    finally:
        os.killpg(a.pid, signal.SIGCONT)
    out, err = a.communicate(timeout=60)
    assert a.returncode == 1, out + err
    assert "khóa đăng" in err.lower(), err
    assert f"Trang đang chạy hiện là bản {b_release.name}" in err, "what is live, read back"
    assert (target / "current").resolve() == b_release
    assert live(target) == "<p>b</p>"
    assert_complete(b_release)
    assert incoming(target) == []
    assert not (target / ".deploy-lock").exists()
    history = (target / "releases" / "HISTORY").read_text(encoding="utf-8").splitlines()
    assert history[-1].split()[2:] == [b_release.name, "deploy"]


def test_rollback_returns_to_the_release_live_before(tmp_path):
    """A, B, rollback (to A), A′, rollback: back to A, not to B (the newest by name)."""
    target = tmp_path / "srv"
    a = deploy(make_build(tmp_path / "a", "A"), target)
    b = deploy(make_build(tmp_path / "b", "B"), target)
    assert run("rollback", "--target", target).returncode == 0
    assert live(target) == "<p>A</p>"
    a2 = deploy(make_build(tmp_path / "a2", "A2"), target)
    result = run("rollback", "--target", target)
    assert result.returncode == 0, result.stderr
    assert f"Đã quay lại bản {a} (trước đó: {a2})" in result.stdout
    assert live(target) == "<p>A</p>"
    assert_complete((target / "current").resolve())
    # A was the first release: nothing older, B (rolled back from) is not "older".
    result = run("rollback", "--target", target)
    assert result.returncode == 1 and "Không còn bản cũ hơn" in result.stderr
    assert f"Trang đang chạy không đổi: vẫn là bản {a}" in result.stderr
    rows = [line.split() for line in (target / "releases/HISTORY").read_text().splitlines()]
    assert [row[1:] for row in rows] == [
        ["-", a, "deploy"],
        [a, b, "deploy"],
        [b, a, "rollback"],
        [a, a2, "deploy"],
        [a2, a, "rollback"],
    ]
    # An explicit --to still goes anywhere; the next rollback comes back from there.
    assert run("rollback", "--target", target, "--to", b).returncode == 0
    assert live(target) == "<p>B</p>"
    assert run("rollback", "--target", target).returncode == 0
    assert live(target) == "<p>A</p>"


def test_incomplete_and_damaged_releases_are_listed_and_skipped(tmp_path):
    target = tmp_path / "srv"
    names = [deploy(make_build(tmp_path / v, v), target) for v in ("v1", "v2", "v3", "v4")]
    releases = target / "releases"
    (releases / f"{names[2]}.sha256").unlink()  # killed between its two final moves
    (releases / names[1] / "index.html").write_text("<p>hỏng</p>", encoding="utf-8")
    listing = run("list", "--target", target, "--verify").stdout.splitlines()
    assert listing == [
        f"  {names[0]}  (nguyên vẹn)",
        f"  {names[1]}  (không còn nguyên vẹn: ./index.html: nội dung khác bản dựng)",
        f"  {names[2]}  (chưa hoàn chỉnh: thiếu danh sách mã kiểm tra)",
        f"* {names[3]}  (nguyên vẹn)",
    ]
    result = run("rollback", "--target", target, "--to", names[2])
    assert result.returncode == 1 and "chưa hoàn chỉnh" in result.stderr
    result = run("rollback", "--target", target)
    assert result.returncode == 0, result.stderr
    assert f"Bỏ qua bản {names[2]}: chưa hoàn chỉnh" in result.stdout
    assert f"Bỏ qua bản {names[1]}: không còn nguyên vẹn" in result.stdout
    assert live(target) == "<p>v1</p>"
    assert_complete((target / "current").resolve())


def test_a_target_deployed_before_the_lock_and_history(tmp_path):
    """Old layout: one shared releases/.incoming, no HISTORY. Both keep working."""
    target = tmp_path / "srv"
    names = [deploy(make_build(tmp_path / v, v), target) for v in ("v1", "v2")]
    releases = target / "releases"
    (releases / "HISTORY").unlink()
    (releases / ".incoming" / "theme").mkdir(parents=True)
    (releases / ".incoming" / "theme" / "f0000.txt").write_bytes(b"half")
    (releases / ".incoming.sha256").write_text("", encoding="utf-8")
    result = run("rollback", "--target", target)
    assert result.returncode == 0, result.stderr
    assert (target / "current").resolve().name == names[0], "by release name, as before"
    third = deploy(make_build(tmp_path / "v3", "v3"), target)
    assert not (releases / ".incoming").exists() and not (releases / ".incoming.sha256").exists()
    assert run("rollback", "--target", target).returncode == 0
    assert (target / "current").resolve().name == names[0]
    assert third in (p.name for p in releases.iterdir())


def write_lock(target: Path, host: str, pid: int, started: float):
    lock = target / ".deploy-lock"
    lock.mkdir(parents=True)
    (lock / "holder").write_text(
        f"host {host}\npid {pid}\nstarted {int(started)}\naction đăng\nid {pid}-x\n",
        encoding="utf-8",
    )


def test_stale_locks_are_taken_over_and_live_ones_refused(tmp_path):
    target = tmp_path / "srv"
    first = deploy(make_build(tmp_path / "v1", "v1"), target)
    build = make_build(tmp_path / "v2", "v2")

    # Held from another machine, recently: refused, with who and since when, nothing changed.
    write_lock(target, "may-khac", 4242, time.time() - 90)
    result = run("deploy", build, "--target", target)
    assert result.returncode == 1
    assert "Đang có một lần đăng khác" in result.stderr
    assert "máy may-khac, tiến trình 4242" in result.stderr and "1 phút trước" in result.stderr
    assert "deploy.py unlock" in result.stderr
    assert (target / "current").resolve().name == first and incoming(target) == []
    assert run("rollback", "--target", target).returncode == 1, "rollback takes the lock too"

    # The same lock older than --lock-max-age: taken over, saying so.
    result = run("deploy", build, "--target", target, "--lock-max-age", "60")
    assert result.returncode == 0, result.stderr
    assert "Đã gỡ khóa cũ" in result.stderr and "khóa đã giữ quá 1 phút" in result.stderr
    assert live(target) == "<p>v2</p>"

    # Held on this machine by a process that is gone: taken over at once.
    gone = subprocess.Popen(["true"])
    gone.wait()
    write_lock(target, socket.gethostname(), gone.pid, time.time())
    result = run("rollback", "--target", target)
    assert result.returncode == 0, result.stderr
    assert f"tiến trình {gone.pid} trên máy này không còn chạy" in result.stderr
    assert live(target) == "<p>v1</p>"

    # `unlock`: staff remove a lock they know is abandoned.
    write_lock(target, "may-khac", 4242, time.time())
    result = run("unlock", "--target", target)
    assert result.returncode == 0 and "Đã gỡ khóa" in result.stdout
    assert not (target / ".deploy-lock").exists()


@pytest.fixture
def small_disk(tmp_path):
    """A 1 MB file system (tmpfs), where a root test run can mount one."""
    folder = tmp_path / "small"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_full_disk_gets_advice_and_leaves_no_partial_upload(tmp_path, small_disk):
    target = small_disk / "srv"
    first = deploy(make_build(tmp_path / "v1", "v1"), target)
    big = make_build(tmp_path / "v2", "v2", files=300, size=8192)
    result = run("deploy", big, "--target", target)
    assert result.returncode == 1
    assert "Máy chủ hết chỗ trống trên đĩa" in result.stderr
    assert "Phần đã tải lên dở đã được xóa" in result.stderr
    assert f"Trang đang chạy không đổi: vẫn là bản {first}" in result.stderr
    assert f"df -h {target}" in result.stderr and "prune" in result.stderr
    assert "Chạy lại lệnh để tải tiếp" not in result.stderr
    assert incoming(target) == []
    assert not (target / ".deploy-lock").exists()
    assert_complete((target / "current").resolve())
    assert run("prune", "--target", target, "--keep", "1").returncode == 0


def test_a_corrupted_upload_is_refused(tmp_path, monkeypatch):
    """The checksums are compared on the target: a file changed in transit stops the switch."""
    sys.path.insert(0, str(DEPLOY.parent))
    import deploy as deploy_module

    target = tmp_path / "srv"
    first = deploy(make_build(tmp_path / "v1", "v1"), target)
    build = make_build(tmp_path / "v2", "v2")
    real_rsync = deploy_module._rsync

    def tampering_rsync(command):
        real_rsync(command)
        for page in (target / "releases").glob(".incoming-*/index.html"):
            page.write_text("<p>sửa trên đường</p>", encoding="utf-8")

    monkeypatch.setattr(deploy_module, "_rsync", tampering_rsync)
    with pytest.raises(deploy_module.DeployError, match="không khớp") as error:
        deploy_module.deploy(build, deploy_module.Target(str(target)))
    assert f"Trang đang chạy không đổi: vẫn là bản {first}" in str(error.value)
    assert "Phần đã tải lên dở đã được xóa" in str(error.value)
    assert (target / "current").resolve().name == first
    assert incoming(target) == []
    assert not (target / ".deploy-lock").exists()


def test_target_from_the_settings_file_and_a_clear_error_without_one(tmp_path):
    settings = tmp_path / "conf.py"
    settings.write_text(f"BANTIN_DEPLOY_TARGET = {str(tmp_path / 'srv')!r}\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "DEPLOY_TARGET"}
    build = make_build(tmp_path / "v1", "v1")
    result = run("deploy", build, "--settings", settings, env=env)
    assert result.returncode == 0, result.stderr
    assert live(tmp_path / "srv") == "<p>v1</p>"
    result = run("deploy", build, env=env)
    assert result.returncode == 1 and "BANTIN_DEPLOY_TARGET" in result.stderr


def test_remote_targets_are_recognised():
    sys.path.insert(0, str(DEPLOY.parent))
    from deploy import Target

    remote = Target("deploy@thads.example.org:/srv/bantin/")
    assert (remote.host, remote.root) == ("deploy@thads.example.org", "/srv/bantin")
    assert remote.rsync_path("releases/.incoming-x/") == (
        "deploy@thads.example.org:/srv/bantin/releases/.incoming-x/"
    )
    assert Target("/srv/bantin").host is None


STAND_IN_SSH = """#!/bin/sh
# Stand-in for ssh: drop the options and the host, run the remote command on this machine.
while [ $# -gt 0 ]; do
  case "$1" in
    -l|-o|-p|-i|-e) shift 2 ;;
    -*) shift ;;
    *) break ;;
  esac
done
echo "$1" >> "$(dirname "$0")/hosts"
shift
exec sh -c "$*"
"""


def test_remote_target_goes_through_ssh_with_the_same_commands(tmp_path):
    """user@host:path: rsync and every shell step travel through `ssh` (a stand-in here)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "ssh").write_text(STAND_IN_SSH, encoding="utf-8")
    (bin_dir / "ssh").chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    root = tmp_path / "srv dir"  # a space: remote quoting must hold
    target = f"deploy@thads.example.org:{root}"
    for version in ("v1", "v2"):
        result = run("deploy", make_build(tmp_path / version, version), "--target", target, env=env)
        assert result.returncode == 0, result.stdout + result.stderr
    assert live(root) == "<p>v2</p>"
    assert run("rollback", "--target", target, env=env).returncode == 0
    assert live(root) == "<p>v1</p>"
    assert not (root / ".deploy-lock").exists() and incoming(root) == []
    # The lock works through ssh too.
    write_lock(root, "may-khac", 4242, time.time())
    result = run("deploy", make_build(tmp_path / "v3", "v3"), "--target", target, env=env)
    assert result.returncode == 1 and "máy may-khac, tiến trình 4242" in result.stderr
    assert live(root) == "<p>v1</p>"
    hosts = (bin_dir / "hosts").read_text(encoding="utf-8").split()
    assert hosts and set(hosts) <= {"deploy@thads.example.org", "thads.example.org"}
