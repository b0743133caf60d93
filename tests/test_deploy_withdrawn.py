"""deploy/deploy.py and withdrawn debtors (issue 19): no release kept for rollback shows them.

The releases are fabricated (a debtor's page with or without the entry, and the manifest of
withdrawn entries written by ``bantin_congkhai.notrace`` itself) instead of built by Pelican.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from test_deploy import DEPLOY, STAND_IN_SSH, live, make_build, pytestmark, run  # noqa: F401

from bantin_congkhai import notrace

NAME = "Trần Thị Hư Cấu"  # plainly fictional
SHOWN_PAGE = (
    '<main><article class="bt-article" data-pagefind-body><h1>{name}</h1>'
    "<p>Số nhà 1, đường Không Có, {slug}</p></article></main>"
)
NOTICE_PAGE = "<main><h1>Thông tin đã được gỡ</h1><p>Ngày gỡ: 01/12/2026.</p></main>"


def make_release(folder: Path, version: str, shown=(), withdrawn=(), manifest=True) -> Path:
    """A build: debtors' pages ``shown`` in full, notices for ``withdrawn``, and the manifest."""
    make_build(folder, version, files=3)
    for slug in (*shown, *withdrawn):
        page = folder / notrace.entry_page(slug)
        page.parent.mkdir(parents=True, exist_ok=True)
        text = SHOWN_PAGE.format(name=NAME, slug=slug) if slug in shown else NOTICE_PAGE
        page.write_text(text, encoding="utf-8")
    if manifest:
        day = SimpleNamespace(ngay=dt.date(2026, 12, 1))
        notrace.write_manifest(folder, [SimpleNamespace(slug=s, thu_hoi=day) for s in withdrawn])
    return folder


def ok(result):
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def assert_no_person(*results):
    """Logs name no one: neither the person nor the entry's file name."""
    for result in results:
        text = result.stdout + result.stderr
        assert NAME not in text and "vi-thanh" not in text, text


def release_names(target: Path) -> list[str]:
    return sorted(p.name for p in (target / "releases").iterdir() if p.is_dir())


def deploy_named(source, target, env=None):
    result = ok(run("deploy", source, "--target", target, env=env))
    return result, Path(os.path.realpath(Path(str(target).rpartition(":")[2]) / "current")).name


def test_deploy_removes_kept_releases_that_show_a_withdrawn_entry(tmp_path):
    target = tmp_path / "srv"
    _, old = deploy_named(make_build(tmp_path / "o", "O", files=3), target)  # before the list
    shown = ("2024-vi-thanh-05", "2024-vi-thanh-06", "2024-vi-thanh-07")
    _, a = deploy_named(make_release(tmp_path / "a", "A", shown), target)
    _, a2 = deploy_named(make_release(tmp_path / "a2", "A2", shown), target)
    withdrawing, b = deploy_named(make_release(tmp_path / "b", "B", shown[2:], shown[:2]), target)
    assert live(target) == "<p>B</p>"
    for name in (a, a2):
        assert (
            f"Đã xóa bản {name}: bản này còn hiện 2 mục đã gỡ khỏi danh sách người chưa có "
            "điều kiện thi hành án" in withdrawing.stdout
        )
        assert not (target / "releases" / f"{name}.sha256").exists()
    assert release_names(target) == [old, b], "the release without the list is kept"
    assert f"Lưu ý: bản chạy trước đó ({a2}) vừa bị xóa vì lý do trên" in withdrawing.stdout
    assert_no_person(withdrawing)
    # The removals are recorded, and are not switches: history still reads as before.
    lines = (target / "releases" / "HISTORY").read_text(encoding="utf-8").splitlines()
    assert [line.split()[1:] for line in lines[-2:]] == [
        [a, "removed-withdrawn", "2", "shown"],
        [a2, "removed-withdrawn", "2", "shown"],
    ]

    # Rollback skips the removed releases (saying why) and goes to the one without the list.
    back = ok(run("rollback", "--target", target))
    removed = "không còn trên máy chủ (đã xóa vì còn hiện mục đã gỡ khỏi danh sách công khai)"
    assert f"Bỏ qua bản {a2}: {removed}" in back.stdout
    assert f"Bỏ qua bản {a}: {removed}" in back.stdout
    assert f"Đã quay lại bản {old}" in back.stdout
    assert live(target) == "<p>O</p>"

    # A later deploy that still withdraws them finds nothing more to remove.
    again, _ = deploy_named(make_release(tmp_path / "c", "C", shown[2:], shown[:2]), target)
    assert "Đã xóa bản" not in again.stdout
    assert_no_person(back, again)


def put_back(saved: Path, target: Path, name: str):
    """A release that escaped removal (kept by an older deploy.py, or a lost connection)."""
    shutil.copytree(saved / name, target / "releases" / name, symlinks=True)
    shutil.copy2(saved / f"{name}.sha256", target / "releases" / f"{name}.sha256")


def save(target: Path, name: str, saved: Path):
    saved.mkdir(exist_ok=True)
    shutil.copytree(target / "releases" / name, saved / name, symlinks=True)
    shutil.copy2(target / "releases" / f"{name}.sha256", saved / f"{name}.sha256")


def check_refusal(target_spec, root: Path, a: str, b: str, env=None):
    """``a`` (still showing 2 entries withdrawn in the live ``b``) is marked and refused."""
    listing = ok(run("list", "--target", target_spec, "--verify", env=env))
    assert listing.stdout.splitlines() == [
        f"  {a}  (nguyên vẹn)  (còn hiện 2 mục đã gỡ: không quay lại được, xóa bằng lệnh prune)",
        f"* {b}  (nguyên vẹn)",
    ]
    refused = run("rollback", "--target", target_spec, "--to", a, env=env)
    assert refused.returncode == 1
    assert (
        f"Không quay lại được bản {a}: còn hiện 2 mục đã gỡ khỏi danh sách người chưa có điều "
        "kiện thi hành án ở bản đang chạy; quay lại bản này sẽ công khai lại thông tin cá nhân "
        "đã gỡ." in refused.stderr
    )
    assert f"Trang đang chạy không đổi: vẫn là bản {b}" in refused.stderr
    assert "sửa sự cố ngay trong nội dung rồi đăng bản mới («make deploy»)" in refused.stderr
    assert f"deploy.py prune --target {target_spec}" in refused.stderr
    # Without --to: skipped like a damaged release, and nothing older is left.
    skipped = run("rollback", "--target", target_spec, env=env)
    assert skipped.returncode == 1
    assert f"Không còn bản cũ hơn để quay lại (đã bỏ qua {a}: còn hiện 2 mục" in skipped.stderr
    assert "«make deploy»" in skipped.stderr
    assert live(root) == "<p>B</p>"
    assert not (root / ".deploy-lock").exists()
    # `prune` removes it whatever --keep.
    pruned = ok(run("prune", "--target", target_spec, "--keep", "5", env=env))
    assert f"Đã xóa bản {a}: bản này còn hiện 2 mục đã gỡ" in pruned.stdout
    assert release_names(root) == [b]
    assert_no_person(listing, refused, skipped, pruned)


def test_rollback_refuses_and_list_marks_a_release_showing_a_withdrawn_entry(tmp_path):
    target = tmp_path / "srv"
    shown = ("2024-vi-thanh-05", "2024-vi-thanh-06", "2024-vi-thanh-07")
    _, a = deploy_named(make_release(tmp_path / "a", "A", shown), target)
    save(target, a, tmp_path / "saved")
    _, b = deploy_named(make_release(tmp_path / "b", "B", shown[2:], shown[:2]), target)
    assert release_names(target) == [b]
    put_back(tmp_path / "saved", target, a)
    check_refusal(str(target), target, a, b)


def test_withdrawn_entries_over_ssh(tmp_path):
    """user@host:path: the check runs on the server (the ssh stand-in runs it here)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "ssh").write_text(STAND_IN_SSH, encoding="utf-8")
    (bin_dir / "ssh").chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    root = tmp_path / "srv dir"  # a space: remote quoting must hold
    spec = f"deploy@thads.example.org:{root}"
    shown = ("2024-vi-thanh-05", "2024-vi-thanh-06")
    _, a = deploy_named(make_release(tmp_path / "a", "A", shown), spec, env)
    save(root, a, tmp_path / "saved")
    calls = len((bin_dir / "hosts").read_text(encoding="utf-8").split())
    withdrawing, b = deploy_named(make_release(tmp_path / "b", "B", (), shown), spec, env)
    assert f"Đã xóa bản {a}: bản này còn hiện 2 mục đã gỡ" in withdrawing.stdout
    assert release_names(root) == [b]
    assert len((bin_dir / "hosts").read_text(encoding="utf-8").split()) > calls
    put_back(tmp_path / "saved", root, a)
    check_refusal(spec, root, a, b, env)


@pytest.fixture
def deploy_module():
    sys.path.insert(0, str(DEPLOY.parent))
    try:
        import deploy

        yield deploy
    finally:
        sys.path.remove(str(DEPLOY.parent))


def test_the_servers_check_agrees_with_rollback_exposes(tmp_path, deploy_module):
    """The shell script on the target answers as notrace.rollback_exposes does locally."""
    releases = tmp_path / "srv" / "releases"
    slugs = ("2024-vi-thanh-05", "2024-vi-thanh-06", "ten co cach")
    current = make_release(tmp_path / "live", "live", (), slugs)
    kinds = {  # release → (entries shown, entries withdrawn); 1: built before the list
        "20261201T080000.000Z-00000001": None,
        "20261201T080000.000Z-00000002": (slugs, ()),
        "20261201T080000.000Z-00000003": (slugs[1:2], ()),
        "20261201T080000.000Z-00000004": (slugs[::2], slugs[1:2]),
        "20261201T080000.000Z-00000005": ((), slugs),
    }
    expected = {}
    for name, kind in kinds.items():
        folder = releases / name
        if kind is None:
            make_build(folder, name, files=1)
        else:
            make_release(folder, name, *kind)
        expected[name] = len(notrace.rollback_exposes(current, folder))
    builds = list(kinds)
    target = deploy_module.Target(str(tmp_path / "srv"))
    withdrawn = deploy_module.local_withdrawn(current)
    assert withdrawn == list(slugs)
    counts = deploy_module.exposing(target, withdrawn, builds)
    assert counts == {name: n for name, n in expected.items() if n}
    assert counts == {
        "20261201T080000.000Z-00000002": 3,
        "20261201T080000.000Z-00000003": 1,
        "20261201T080000.000Z-00000004": 2,
    }
    assert deploy_module.manifest_path() == notrace.MANIFEST
    # A page that cannot be read: the release is never called safe unchecked.
    if os.geteuid() != 0:
        page = releases / "20261201T080000.000Z-00000003" / notrace.entry_page(slugs[1])
        page.chmod(0)
        with pytest.raises(deploy_module.DeployError, match="Không kiểm tra được các bản cũ"):
            deploy_module.exposing(target, withdrawn, ["20261201T080000.000Z-00000003"])
    # A release gone between the listing and the check: an error, not «shows nothing».
    with pytest.raises(deploy_module.DeployError, match="Không kiểm tra được các bản cũ"):
        deploy_module.exposing(target, withdrawn, ["20261201T080000.000Z-0000000f"])
