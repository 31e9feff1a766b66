"""Writing on the office's PCs (yc_reports/outfiles.py, filenames.py): a file open in WPS or Excel, a read-only
folder, a full disk — a Chinese message naming the file and what to do, nothing half-written, nothing changed.

Windows is not at hand. A file held open is simulated the two ways Linux allows (tests/heldfiles.py):
`outfiles.in_use` and the moves patched to refuse one file (what Windows does to a file Excel holds), and
the kernel's immutable flag (`chattr +i`, where the filesystem and the user allow it), under which opening
for writing, renaming and removing all fail as they do on Windows. A full disk is an OSError(ENOSPC).
"""

from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path

import pytest

from heldfiles import HELD, NOTHING, hold, immutable_file, tree
from yc_reports import outfiles
from yc_reports.filenames import safe_file_name
from yc_reports.outfiles import WriteError, staged_files, staged_folder, write_bytes, write_files

# ------------------------------------------------------------------------------------------ files


def test_a_file_set_is_written_whole(tmp_path):
    write_files({tmp_path / "a.txt": b"a", tmp_path / "sub" / "b.txt": b"b"})
    assert tree(tmp_path) == {"a.txt": hashlib.sha256(b"a").hexdigest(), "sub": "dir",
                              "sub/b.txt": hashlib.sha256(b"b").hexdigest()}


def test_a_held_file_stops_the_whole_set_before_anything_changes(tmp_path, monkeypatch):
    for name in ("1.xlsx", "2.xlsx", "3.xlsx"):
        (tmp_path / name).write_bytes(b"old " + name.encode())
    before = tree(tmp_path)
    hold(monkeypatch, tmp_path / "2.xlsx")
    with pytest.raises(WriteError) as caught:
        write_files({tmp_path / name: b"new" for name in ("1.xlsx", "2.xlsx", "3.xlsx")})
    message = str(caught.value)
    assert str(tmp_path / "2.xlsx") in message and HELD in message and NOTHING in message
    assert "WPS" in message
    assert tree(tmp_path) == before   # no .tmp left, 1.xlsx not replaced either


def test_a_file_taken_while_writing_rolls_the_others_back(tmp_path, monkeypatch):
    """The check passed, then Excel opened 3.xlsx before its turn: 1 and 2 are put back as they were."""
    for name in ("1.xlsx", "2.xlsx", "3.xlsx"):
        (tmp_path / name).write_bytes(b"old " + name.encode())
    before = tree(tmp_path)
    real_replace = os.replace

    def replace(src, dst):
        if Path(src).name == "3.xlsx":
            raise PermissionError(errno.EACCES, "The process cannot access the file", str(src))
        return real_replace(src, dst)

    monkeypatch.setattr(outfiles.os, "replace", replace)
    with pytest.raises(WriteError, match=HELD):
        write_files({tmp_path / name: b"new" for name in ("1.xlsx", "2.xlsx", "3.xlsx")})
    assert tree(tmp_path) == before


def test_a_full_disk_leaves_no_temporary_and_says_what_to_do(tmp_path, monkeypatch):
    (tmp_path / "plan.toml").write_bytes(b"old")

    def full(self, data):
        Path.write_text(self, "half")   # the disk filled mid-write: a partial file exists
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", full)
    with pytest.raises(WriteError) as caught:
        write_bytes(tmp_path / "plan.toml", b"new")
    monkeypatch.undo()
    assert "磁盘空间不足" in str(caught.value) and "清理磁盘空间" in str(caught.value)
    assert str(tmp_path / "plan.toml") in str(caught.value)
    assert [p.name for p in tmp_path.iterdir()] == ["plan.toml"]
    assert (tmp_path / "plan.toml").read_bytes() == b"old"


def test_staged_files_leave_other_files_of_the_folder_alone(tmp_path):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "单位自己的说明.docx").write_bytes(b"theirs")
    (folder / "a.xlsx").write_bytes(b"old")
    with staged_files(folder) as staging:
        (staging / "a.xlsx").write_bytes(b"new")
        (staging / "b.xlsx").write_bytes(b"new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["templates"]   # the staging folder is gone
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == {
        "单位自己的说明.docx": b"theirs", "a.xlsx": b"new", "b.xlsx": b"new"}


def test_staged_files_write_nothing_when_the_block_fails(tmp_path):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "a.xlsx").write_bytes(b"old")
    with pytest.raises(RuntimeError), staged_files(folder) as staging:
        (staging / "a.xlsx").write_bytes(b"new")
        raise RuntimeError("the fifth template failed")
    assert tree(tmp_path) == {"templates": "dir", "templates/a.xlsx": hashlib.sha256(b"old").hexdigest()}


# ---------------------------------------------------------------------------------------- folders


def test_a_held_file_in_the_output_folder_stops_the_swap(tmp_path, monkeypatch):
    out = tmp_path / "2025Q3"
    out.mkdir()
    (out / "汇总表.xlsx").write_bytes(b"last quarter's")
    (out / "templates").mkdir()
    (out / "templates" / "kept.xlsx").write_bytes(b"kept")
    before = tree(tmp_path)
    hold(monkeypatch, out / "汇总表.xlsx")
    with pytest.raises(WriteError) as caught, staged_folder(out, kept=("templates",)) as staging:
        (staging / "汇总表.xlsx").write_bytes(b"new")
    assert str(out / "汇总表.xlsx") in str(caught.value) and HELD in str(caught.value)
    assert tree(tmp_path) == before


def test_a_held_file_in_a_kept_folder_does_not_stop_the_swap(tmp_path, monkeypatch):
    """The kept folders (templates/ …) are carried over, not replaced: a template open in WPS is no obstacle."""
    out = tmp_path / "2025Q3"
    (out / "templates").mkdir(parents=True)
    (out / "templates" / "open.xlsx").write_bytes(b"kept")
    monkeypatch.setattr(outfiles, "in_use", lambda path: Path(path).name == "open.xlsx")
    with staged_folder(out, kept=("templates",)) as staging:
        (staging / "summary.json").write_bytes(b"{}")
    assert (out / "templates" / "open.xlsx").read_bytes() == b"kept" and (out / "summary.json").is_file()


def test_a_read_only_folder_is_named_as_a_folder(tmp_path, monkeypatch):
    real_mkdir = Path.mkdir

    def refused(self, *args, **kwargs):
        if self.parent == tmp_path / "共享盘":
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_mkdir(self, *args, **kwargs)

    (tmp_path / "共享盘").mkdir()
    monkeypatch.setattr(Path, "mkdir", refused)
    with pytest.raises(WriteError) as caught, staged_folder(tmp_path / "共享盘" / "2025Q3"):
        pass
    message = str(caught.value)
    assert f"无法写入文件夹 {tmp_path / '共享盘'}" in message and "另选输出文件夹" in message and HELD not in message


def test_an_immutable_file_is_in_use(tmp_path):
    path = tmp_path / "通报.docx"
    path.write_bytes(b"issued")
    with immutable_file(path):
        assert outfiles.in_use(path)
        with pytest.raises(WriteError, match=HELD):
            write_bytes(path, b"new")
    assert path.read_bytes() == b"issued"
    assert [p.name for p in tmp_path.iterdir()] == ["通报.docx"]


# ------------------------------------------------------------------------------------- file names


@pytest.mark.parametrize("name, safe", [
    ("2025Q3_第01项_推动降碳/减污_市发改委.xlsx", "2025Q3_第01项_推动降碳／减污_市发改委.xlsx"),
    ('目标:2025*?"<>|\\.docx', "目标：2025＊？＂＜＞｜＼.docx"),
    ("CON.xlsx", "_CON.xlsx"),
    ("nul", "_nul"),
    ("终期评估_2026-2030. ", "终期评估_2026-2030"),
    ("第01项_正常名称.docx", "第01项_正常名称.docx"),
])
def test_names_are_valid_on_windows(name, safe):
    assert safe_file_name(name) == safe


def test_a_very_long_name_keeps_its_extension():
    name = safe_file_name("第01项_" + "很长的行动名称" * 40 + ".docx")
    assert name.endswith(".docx") and len(name) <= 150
