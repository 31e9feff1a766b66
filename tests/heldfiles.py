"""Files held the way Windows holds a file open in WPS or Excel, for the tests of writing (Linux stand-ins)."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from yc_reports import outfiles

HELD = "请先关闭该文件后重试"
NOTHING = "本次未写出任何结果"


def tree(folder: Path) -> dict[str, str]:
    """Every entry under folder (hidden ones too) → the hash of its bytes ("dir" for a folder)."""
    return {p.relative_to(folder).as_posix(): "dir" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))}


def hold(monkeypatch: pytest.MonkeyPatch, *held: Path) -> None:
    """As if WPS or Excel had these files open: Windows refuses to open them for writing, or to move them."""
    names = {Path(p).resolve() for p in held}
    real_in_use, real_replace, real_rename = outfiles.in_use, os.replace, os.rename

    def in_use(path: Path) -> bool:
        return Path(path).resolve() in names or real_in_use(path)

    def guarded(real):
        def move(src, dst):
            if Path(src).resolve() in names or Path(dst).resolve() in names:
                raise PermissionError(errno.EACCES, "The process cannot access the file", str(dst))
            return real(src, dst)
        return move

    monkeypatch.setattr(outfiles, "in_use", in_use)
    monkeypatch.setattr(outfiles.os, "replace", guarded(real_replace))
    monkeypatch.setattr(outfiles.os, "rename", guarded(real_rename))


def immutable(path: Path) -> bool:
    """Set the immutable flag on path (the Linux stand-in for a file Windows holds open); False if impossible."""
    if shutil.which("chattr") is None:
        return False
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
    if done.returncode != 0:
        return False
    try:
        with open(path, "r+b"):
            pass
    except PermissionError:
        return True
    subprocess.run(["chattr", "-i", str(path)], check=False)   # root on a filesystem that ignores it
    return False


@contextmanager
def immutable_file(path: Path) -> Iterator[Path]:
    """`path` made immutable for the block (the test is skipped where that is impossible), then freed."""
    if not immutable(path):
        pytest.skip("chattr +i is not available here (needs root and an ext4-like filesystem)")
    try:
        yield path
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=False)
