"""Output names, paths and failures → a file inside the output folder, or an OutputError leaving the
old file intact.

Tests run as root, so unwritable folders and full disks are simulated by monkeypatching the os
functions the writer calls, and by paths that run through a file.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from briefing import output as write
from briefing.errors import OutputError
from briefing.output import MAX_STEM_BYTES, atomic_write, output_path, safe_stem

OLD = b"%PDF-1.4 the previous good file\n"
NEW = b"%PDF-1.7 the new file\n" * 1000


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.fixture
def previous(tmp_path: Path) -> Path:
    target = tmp_path / "out" / "liujiang-2024-briefing.pdf"
    target.parent.mkdir()
    target.write_bytes(OLD)
    return target


# ---------------------------------------------------------------------------------------------
# Names


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("data/liujiang-2024.yaml", "liujiang-2024"),
        ("../../etc/x.yaml", "x"),
        ("/etc/passwd", "passwd"),
        ("..\\..\\windows\\system32\\evil.yml", "evil"),
        ("柳江区 2024 年.yaml", "柳江区_2024_年"),
        ("a/b/c/.hidden.yaml", "hidden"),
        ("name with $(rm -rf ~) and `x`.yaml", "name_with_rm_-rf_and_x"),
        ("tab\tand\nnewline.yaml", "tab_and_newline"),
        ("nul\x00byte.yaml", "nul_byte"),
        ("-rf.yaml", "rf"),
    ],
)
def test_safe_stem_keeps_names_inside_the_folder(name: str, stem: str) -> None:
    assert safe_stem(name) == stem
    assert "/" not in stem
    assert not stem.startswith(".")


@pytest.mark.parametrize("name", ["..", ".", "/", "../..", "....yaml", "///", "$$$.yaml", ""])
def test_names_with_nothing_usable_are_refused(name: str) -> None:
    with pytest.raises(OutputError):
        safe_stem(name)


def test_long_chinese_names_fit_the_file_system(tmp_path: Path) -> None:
    stem = safe_stem("柳江区" * 200 + ".yaml")
    assert len(stem.encode()) <= MAX_STEM_BYTES
    atomic_write(output_path(tmp_path, stem, "briefing"), NEW)  # no ENAMETOOLONG


def test_output_path_cannot_escape(tmp_path: Path) -> None:
    for name in ("../../etc/x.yaml", "/tmp/x.yaml", "..\\x.yaml"):
        target = output_path(tmp_path, name, "report")
        assert target.parent == tmp_path
        assert target.name == "x-report.pdf"


# ---------------------------------------------------------------------------------------------
# Symlinks


def test_symlinked_target_pointing_outside_is_refused(tmp_path: Path, previous: Path) -> None:
    outside = tmp_path / "elsewhere.pdf"
    outside.write_bytes(OLD)
    link = previous.parent / "evil-briefing.pdf"
    link.symlink_to(outside)
    with pytest.raises(OutputError, match="outside"):
        output_path(previous.parent, "evil.yaml", "briefing")
    with pytest.raises(OutputError, match="symlink"):
        atomic_write(link, NEW)
    assert outside.read_bytes() == OLD
    assert link.is_symlink()


def test_symlinked_target_pointing_inside_is_not_written_through(previous: Path) -> None:
    link = previous.parent / "alias-briefing.pdf"
    link.symlink_to(previous.name)
    with pytest.raises(OutputError, match="symlink"):
        atomic_write(link, NEW)
    assert previous.read_bytes() == OLD


def test_dangling_and_looping_symlinks_are_refused(tmp_path: Path) -> None:
    (tmp_path / "dangling-briefing.pdf").symlink_to(tmp_path / "nowhere.pdf")
    with pytest.raises(OutputError):
        atomic_write(tmp_path / "dangling-briefing.pdf", NEW)
    loop = tmp_path / "loop-briefing.pdf"
    loop.symlink_to(loop)
    with pytest.raises(OutputError):
        output_path(tmp_path, "loop.yaml", "briefing")
    with pytest.raises(OutputError):
        atomic_write(loop, NEW)
    assert not (tmp_path / "nowhere.pdf").exists()


# ---------------------------------------------------------------------------------------------
# Failures while writing


def test_success_replaces_the_file_and_leaves_no_temporary(previous: Path) -> None:
    atomic_write(previous, NEW)
    assert previous.read_bytes() == NEW
    assert leftovers(previous.parent) == []
    assert previous.stat().st_mode & 0o777 == 0o644


def test_full_disk_keeps_the_previous_file(previous: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_write = os.write
    calls = []

    def full(fd: int, data: bytes | memoryview) -> int:
        calls.append(len(data))
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, bytes(data)[:100])  # a partial write first, then the disk fills

    monkeypatch.setattr(write.os, "write", full)
    with pytest.raises(OutputError, match="the disk is full; the previous file"):
        atomic_write(previous, NEW)
    assert previous.read_bytes() == OLD
    assert leftovers(previous.parent) == []


def test_a_write_that_makes_no_progress_counts_as_a_full_disk(
    previous: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(write.os, "write", lambda fd, data: 0)
    with pytest.raises(OutputError, match="disk is full"):
        atomic_write(previous, NEW)
    assert previous.read_bytes() == OLD
    assert leftovers(previous.parent) == []


@pytest.mark.parametrize(
    ("function", "err", "reason"),
    [
        ("fsync", errno.EIO, "Input/output error"),
        ("replace", errno.EACCES, "permission denied"),
        ("chmod", errno.EPERM, "permission denied"),
        ("write", errno.EDQUOT, "quota"),
    ],
)
def test_failures_at_each_step_keep_the_previous_file(
    previous: Path, monkeypatch: pytest.MonkeyPatch, function: str, err: int, reason: str
) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(err, os.strerror(err))

    monkeypatch.setattr(write.os, function, fail)
    with pytest.raises(OutputError, match=reason):
        atomic_write(previous, NEW)
    monkeypatch.undo()
    assert previous.read_bytes() == OLD
    assert leftovers(previous.parent) == []


def test_unwritable_folder(previous: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(write.tempfile, "mkstemp", denied)
    with pytest.raises(OutputError, match="permission denied"):
        atomic_write(previous, NEW)
    assert previous.read_bytes() == OLD


def test_interrupt_mid_write_leaves_nothing_behind(
    previous: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(fd: int, data: bytes | memoryview) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(write.os, "write", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(previous, NEW)
    assert previous.read_bytes() == OLD
    assert leftovers(previous.parent) == []


def test_output_folder_under_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "report.pdf"
    blocker.write_bytes(OLD)
    for target in (blocker / "x-briefing.pdf", blocker / "deeper" / "x-briefing.pdf"):
        with pytest.raises(OutputError, match="not a folder"):
            atomic_write(target, NEW)
    assert blocker.read_bytes() == OLD


def test_a_folder_in_the_way_of_the_target(tmp_path: Path) -> None:
    (tmp_path / "x-briefing.pdf").mkdir()
    with pytest.raises(OutputError, match="folder of that name"):
        atomic_write(tmp_path / "x-briefing.pdf", NEW)


def test_missing_output_folder_is_created(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "x-briefing.pdf"
    atomic_write(target, NEW)
    assert target.read_bytes() == NEW
