"""Writing the office's files: whole or not at all, never over a file another program holds, and every
failure said in Chinese with the file and what to do.

On the office's Windows PCs a workbook or report is often open in WPS or Excel while a command runs; Windows
then refuses to replace or remove it. A folder may be read-only (a shared drive) and a disk may be full.
Every command writes through this module, in one of two ways:

- `staged_folder(target)`: the command writes a whole folder (a build, the notices, an assessment) into a
  staging folder beside it, which then replaces `target` (folders named in `kept` carry over);
- `staged_files(folder)` / `write_files` / `write_bytes`: files written beside their targets first, then
  moved over them together; a target replaced before a failure is put back.

Before anything is replaced, every existing file that would be replaced or removed is tried for writing:
one held open (or read-only) stops the command before it changes anything, naming that file. Any failure
raises `WriteError` (an OSError, so callers that handle OSError keep working) whose message is complete:
what happened, to which file, what to do, and that nothing was changed.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

UNCHANGED = "本次未写出任何结果，原有文件均保持不变。"


class WriteError(OSError):
    """A file or folder could not be written; the message (Chinese) says which and what to do."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def problem_text(exc: OSError, path: Path | str | None = None) -> str:
    """Why `path` (else the error's own file) could not be written, and what to do, in Chinese."""
    where = Path(path if path is not None else (exc.filename or "")) if (path or exc.filename) else None
    shown = str(where) if where is not None else "输出文件"
    code = exc.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return f"磁盘空间不足，无法写入 {shown}。请清理磁盘空间，或另选其他磁盘上的输出文件夹后重试。"
    if code == errno.EROFS:
        return f"{shown} 所在的磁盘只能读取、不能写入。请另选输出文件夹后重试。"
    if isinstance(exc, PermissionError) or code in (errno.EACCES, errno.EPERM, errno.EBUSY):
        if where is not None and not where.is_file():   # no file there to hold: its folder refused
            folder = where if where.is_dir() else _existing_parent(where)
            return (f"无法写入文件夹 {folder}：该文件夹为只读或没有写入权限。"
                    "请另选输出文件夹，或请管理员开放该文件夹的写入权限后重试。")
        return (f"无法写入 {shown}：该文件正被其他程序（如 WPS、Excel）打开，或被设为只读。"
                "请先关闭该文件后重试。")
    if code in (errno.ENAMETOOLONG, errno.EINVAL):
        return f"无法写入 {shown}：文件名或路径过长，或含有不能用于文件名的字符。请换一个较短的输出文件夹路径后重试。"
    reason = exc.strerror or type(exc).__name__
    return f"无法写入 {shown}（{reason}）。请检查磁盘和文件夹后重试。"


def in_use(path: Path) -> bool:
    """True when `path` cannot be opened for writing: open in WPS/Excel on Windows, read-only, immutable."""
    try:
        with open(path, "r+b"):
            return False
    except PermissionError:
        return True
    except OSError:
        return False


def refuse_files_in_use(paths: Iterable[Path]) -> None:
    """WriteError naming the first existing file among `paths` that cannot be replaced now."""
    for path in paths:
        if path.is_file() and in_use(path):
            raise WriteError(f"{problem_text(PermissionError(errno.EACCES, 'in use'), path)}{UNCHANGED}")


def files_under(folder: Path, kept: Sequence[str] = ()) -> list[Path]:
    """Every file under `folder`, except those under its sub-folders named in `kept`."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*")
                  if p.is_file() and p.relative_to(folder).parts[0] not in kept)


def _hidden_sibling(path: Path, what: str) -> Path:
    return path.with_name(f".{path.name}.{what}-{uuid.uuid4().hex[:12]}")


# ------------------------------------------------------------------------------------------- files


def replace_files(moves: Sequence[tuple[Path, Path]]) -> None:
    """Move each source over its target (same filesystem), all or none: the targets are tried first; a target
    replaced before a failure is put back from its backup."""
    refuse_files_in_use(target for _, target in moves)
    backups: list[tuple[Path, Path]] = []
    placed: list[Path] = []
    current: Path | None = None
    try:
        for source, target in moves:
            current = target
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                backup = _hidden_sibling(target, "previous")
                os.replace(target, backup)
                backups.append((target, backup))
            os.replace(source, target)
            placed.append(target)
    except OSError as exc:
        for target in placed:
            target.unlink(missing_ok=True)
        for target, backup in backups:
            os.replace(backup, target)
        raise WriteError(f"{problem_text(exc, current)}{UNCHANGED}") from None
    for _, backup in backups:
        with contextlib.suppress(OSError):  # an antivirus scanner may hold it: a hidden leftover, never a wrong file
            backup.unlink()


def write_files(contents: Mapping[Path, bytes]) -> None:
    """Write every file whole, or none: temporaries beside the targets, then `replace_files`."""
    moves: list[tuple[Path, Path]] = []
    refuse_files_in_use(contents)
    current: Path | None = None
    try:
        for target, data in contents.items():
            current = target
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = _hidden_sibling(target, "tmp")
            moves.append((tmp, target))
            tmp.write_bytes(data)
        replace_files(moves)
    except WriteError:
        raise
    except OSError as exc:
        raise WriteError(f"{problem_text(exc, current)}{UNCHANGED}") from None
    finally:
        for tmp, _ in moves:
            tmp.unlink(missing_ok=True)


def write_bytes(path: Path, data: bytes) -> None:
    """One file written whole (temporary beside it, then renamed over it)."""
    write_files({Path(path): data})


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


@contextmanager
def staged_files(folder: Path) -> Iterator[Path]:
    """Yield an empty staging folder; when the block ends without an error, the files written there are
    moved into `folder` together (replacing files of the same names; other files in `folder` stay)."""
    folder = Path(folder)
    staging = _make_staging(folder)
    try:
        yield staging
        moves = [(p, folder / p.relative_to(staging)) for p in files_under(staging)]
        replace_files(moves)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


# ------------------------------------------------------------------------------------------ folders


@contextmanager
def staged_folder(target: Path, kept: Sequence[str] = ()) -> Iterator[Path]:
    """Yield an empty staging folder beside `target`; when the block ends without an error, it becomes
    `target` (its sub-folders named in `kept` carried over); on an error `target` keeps what it held."""
    target = Path(target)
    staging = _make_staging(target)
    try:
        yield staging
        swap_into_place(staging, target, kept)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def swap_into_place(staging: Path, target: Path, kept: Sequence[str] = ()) -> None:
    """Make `staging` the new `target`, carrying over the kept folders; roll back on any failure. Files of
    `target` that would be removed are tried first: one held open stops the swap before anything moves."""
    refuse_files_in_use(files_under(target, kept))
    try:
        _swap(staging, target, kept)
    except OSError as exc:
        held = [p for p in files_under(target, kept) if in_use(p)]
        raise WriteError(f"{problem_text(exc, held[0] if held else target)}{UNCHANGED}") from None


def _swap(staging: Path, target: Path, kept: Sequence[str]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        os.rename(staging, target)
        return
    old = _hidden_sibling(target, "previous")
    os.rename(target, old)
    moved: list[str] = []
    try:
        for name in kept:
            if (old / name).is_dir() and not (staging / name).exists():
                os.rename(old / name, staging / name)
                moved.append(name)
        os.rename(staging, target)
    except BaseException:
        for name in moved:
            if (staging / name).exists():
                os.rename(staging / name, old / name)
        if not target.exists():
            os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _make_staging(target: Path) -> Path:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = _hidden_sibling(target, "building")
        staging.mkdir()
    except OSError as exc:
        raise WriteError(f"{problem_text(exc, _existing_parent(target))}{UNCHANGED}") from None
    return staging


def _existing_parent(path: Path) -> Path:
    """The nearest folder of `path` that exists (the one a failed mkdir could not write in)."""
    for parent in path.parents:
        if parent.exists():
            return parent
    return path.parent
