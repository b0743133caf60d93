"""deploy/deploy.py against a local target folder: the same shell commands as over SSH."""

from __future__ import annotations

import os
import signal
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


def test_interrupted_upload_leaves_the_live_site_and_the_next_deploy_works(tmp_path):
    target = tmp_path / "srv"
    first = deploy(make_build(tmp_path / "v1", "v1"), target)
    big = make_build(tmp_path / "v2", "v2", files=300, size=8192)

    # A slow upload (2.4 MB at 300 KB/s), killed with its rsync once it is under way.
    process = subprocess.Popen(
        [sys.executable, str(DEPLOY), "deploy", big, "--target", target, "--bwlimit", "300"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    incoming = target / "releases" / ".incoming"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if incoming.is_dir() and len(list(incoming.rglob("f*.txt"))) >= 20:
            break
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    uploaded = len(list(incoming.rglob("f*.txt")))
    assert 20 <= uploaded < 300, "killed mid-transfer"
    assert (target / "current").resolve().name == first
    assert live(target) == "<p>v1</p>"
    assert_complete((target / "current").resolve())

    # While the next deploy runs, `current` always names a complete release.
    seen, stop = [], threading.Event()

    def watch():
        while not stop.is_set():
            release = (target / "current").resolve()
            seen.append((release.name, (release / "index.html").is_file()))

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        second = deploy(big, target)
    finally:
        stop.set()
        watcher.join()
    assert live(target) == "<p>v2</p>"
    assert_complete((target / "current").resolve())
    assert {name for name, _ in seen} <= {first, second}
    assert all(complete for _, complete in seen)
    assert not incoming.exists()


def test_a_corrupted_upload_is_refused(tmp_path, monkeypatch):
    """The checksums are compared on the target: a file changed in transit stops the switch."""
    sys.path.insert(0, str(DEPLOY.parent))
    import deploy as deploy_module

    target = tmp_path / "srv"
    first = deploy(make_build(tmp_path / "v1", "v1"), target)
    build = make_build(tmp_path / "v2", "v2")
    real_run = deploy_module._run

    def tampering_run(command):
        real_run(command)
        page = target / "releases" / ".incoming" / "index.html"
        if page.exists():
            page.write_text("<p>sửa trên đường</p>", encoding="utf-8")

    monkeypatch.setattr(deploy_module, "_run", tampering_run)
    with pytest.raises(deploy_module.DeployError, match="không khớp"):
        deploy_module.deploy(build, deploy_module.Target(str(target)))
    assert (target / "current").resolve().name == first


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
    assert remote.rsync_path("releases/.incoming/") == (
        "deploy@thads.example.org:/srv/bantin/releases/.incoming/"
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
    hosts = (bin_dir / "hosts").read_text(encoding="utf-8").split()
    assert hosts and set(hosts) <= {"deploy@thads.example.org", "thads.example.org"}
