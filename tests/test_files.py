"""bantin_core.files.link_or_copy: how every cache puts its files into the output."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from bantin_core.files import link_or_copy


def test_links_and_makes_the_missing_folders(tmp_path):
    source = tmp_path / "cache" / "a"
    source.parent.mkdir()
    source.write_bytes(b"trang")
    target = tmp_path / "out" / "2024" / "05" / "bai" / "index.html"
    link_or_copy(str(source), str(target))
    assert target.read_bytes() == b"trang"
    assert target.stat().st_ino == source.stat().st_ino


def test_an_existing_target_is_replaced_not_written_through(tmp_path):
    """The old target may be a link into a cache: that cached file must stay as it was."""
    old_cached, new_cached = tmp_path / "old", tmp_path / "new"
    old_cached.write_bytes(b"cu")
    new_cached.write_bytes(b"moi")
    target = tmp_path / "out" / "index.html"
    link_or_copy(str(old_cached), str(target))
    link_or_copy(str(new_cached), str(target))
    assert target.read_bytes() == b"moi"
    assert old_cached.read_bytes() == b"cu"
    link_or_copy(str(new_cached), str(target))  # the same file again
    assert target.stat().st_ino == new_cached.stat().st_ino


def test_a_missing_source_raises_and_leaves_no_target(tmp_path):
    target = tmp_path / "out" / "index.html"
    with pytest.raises(FileNotFoundError):
        link_or_copy(str(tmp_path / "gone"), str(target))
    assert not target.exists()


@pytest.mark.skipif(
    not Path("/dev/shm").is_dir()
    or os.stat("/dev/shm").st_dev == os.stat(tempfile.gettempdir()).st_dev,
    reason="needs two file systems",
)
def test_across_file_systems_a_copy_replaces_the_old_file(tmp_path):
    with tempfile.TemporaryDirectory(dir="/dev/shm") as other:
        old_cached, new_cached = Path(other, "old"), Path(other, "new")
        old_cached.write_bytes(b"cu")
        new_cached.write_bytes(b"moi")
        target = tmp_path / "out" / "a" / "index.html"
        link_or_copy(str(old_cached), str(target))
        link_or_copy(str(new_cached), str(target))
        assert target.read_bytes() == b"moi" and old_cached.read_bytes() == b"cu"
        assert target.stat().st_nlink == 1
