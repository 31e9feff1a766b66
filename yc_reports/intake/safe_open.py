"""Deciding whether a file may be handed to the reader at all, before any parser touches it: the ONE
judgement of a file (the portal routes uploads through `inspect_bytes`, with its own size limit, and words
its refusals from `Inspection.refusal`).

Everything here reads only the first bytes and the zip directory: a zip bomb is refused from its
declared sizes, an encrypted or legacy workbook from its OLE2 signature. zipfile never returns more
than a member's declared size, so the declared sizes also bound what the reader can be made to read.
XML entities are never resolved: the reader refuses any part that declares a DTD (xlsx_parts), and
defusedxml stays a dependency for openpyxl, which writes the templates.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import defusedxml  # noqa: F401  (imported so a missing install fails loudly, not silently unsafe)

from yc_reports.issues import Issue, IssueCode, make_issue

MiB = 1024 * 1024
MAX_FILE_BYTES = 64 * MiB            # the file on disk
MAX_UNCOMPRESSED_BYTES = 64 * MiB    # sum of declared member sizes
MAX_RATIO = 200                      # compression ratio of one member ...
RATIO_MIN_SIZE = 1 * MiB             # ... counted only for members bigger than this
MAX_MEMBERS = 2000

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_ENCRYPTION_STREAMS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))


class Refusal(str, Enum):
    """Why a file is not parsed (for callers with their own wording, e.g. the portal)."""

    EMPTY = "empty"
    TOO_LARGE = "too-large"          # the file, its unpacked size, its members or a compression ratio
    LEGACY_XLS = "legacy-xls"
    ENCRYPTED = "encrypted"
    NOT_XLSX = "not-xlsx"
    DAMAGED = "damaged"              # a zip that cannot be opened (truncated), or a file that cannot be read


@dataclass(frozen=True)
class Inspection:
    """A file's bytes when they may be parsed, else the one issue that says why not."""

    data: bytes | None
    sha256: str
    issue: Issue | None
    refusal: Refusal | None = None

    @property
    def ok(self) -> bool:
        return self.issue is None


def inspect_file(path: Path, display_name: str, *, max_bytes: int = MAX_FILE_BYTES) -> Inspection:
    """Read and vet one file; never raises for a bad file."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return _refuse(Refusal.TOO_LARGE, make_issue(IssueCode.FILE_TOO_LARGE, display_name,
                                                         detail=f"文件大小 {_mib(size)}，超过 {_mib(max_bytes)} 上限"))
        data = path.read_bytes()
    except FileNotFoundError:
        return _refuse(Refusal.DAMAGED, make_issue(IssueCode.FILE_UNREADABLE, display_name, detail="找不到该文件"))
    except IsADirectoryError:
        return _refuse(Refusal.DAMAGED, make_issue(IssueCode.FILE_UNREADABLE, display_name, detail="这是一个文件夹"))
    except OSError as exc:
        return _refuse(Refusal.DAMAGED, make_issue(IssueCode.FILE_UNREADABLE, display_name,
                                                   detail=f"读取失败：{exc.strerror or type(exc).__name__}"))
    return inspect_bytes(data, path.name, display_name, max_bytes=max_bytes)


def inspect_bytes(data: bytes, file_name: str, display_name: str, *, max_bytes: int = MAX_FILE_BYTES) -> Inspection:
    """Vet bytes already in memory (an upload, say); `file_name` gives the extension; `max_bytes` a
    smaller limit of the caller's (the portal's upload limit)."""
    digest = hashlib.sha256(data).hexdigest()
    judged = _judge(data, file_name, display_name, max_bytes)
    if judged is None:
        return Inspection(data=data, sha256=digest, issue=None)
    refusal, issue = judged
    return Inspection(data=None, sha256=digest, issue=issue, refusal=refusal)


def _judge(data: bytes, file_name: str, display: str, max_bytes: int) -> tuple[Refusal, Issue] | None:
    if len(data) > max_bytes:
        return Refusal.TOO_LARGE, make_issue(IssueCode.FILE_TOO_LARGE, display,
                                             detail=f"文件大小 {_mib(len(data))}，超过 {_mib(max_bytes)} 上限")
    if data.startswith(OLE2_MAGIC):
        if any(name in data for name in _ENCRYPTION_STREAMS):
            return Refusal.ENCRYPTED, make_issue(IssueCode.FILE_ENCRYPTED, display)
        return Refusal.LEGACY_XLS, make_issue(IssueCode.FILE_LEGACY_XLS, display)
    if not data.startswith(ZIP_MAGICS):
        if file_name.lower().endswith(".xls"):
            return Refusal.LEGACY_XLS, make_issue(IssueCode.FILE_LEGACY_XLS, display)
        if not data:
            return Refusal.EMPTY, make_issue(IssueCode.FILE_UNREADABLE, display, detail="文件为空（0字节）")
        return Refusal.NOT_XLSX, make_issue(IssueCode.FILE_NOT_XLSX, display)
    return _judge_zip(data, display)


def _judge_zip(data: bytes, display: str) -> tuple[Refusal, Issue] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError):
        return Refusal.DAMAGED, make_issue(IssueCode.FILE_UNREADABLE, display,
                                           detail="压缩包结构不完整，可能在传输中被截断")
    if len(members) > MAX_MEMBERS:
        return Refusal.TOO_LARGE, make_issue(IssueCode.FILE_TOO_LARGE, display, detail=f"包含 {len(members)} 个部件")
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        return Refusal.TOO_LARGE, make_issue(IssueCode.FILE_TOO_LARGE, display, detail=f"解压后约 {_mib(total)}")
    for member in members:
        if member.file_size > RATIO_MIN_SIZE and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            return Refusal.TOO_LARGE, make_issue(IssueCode.FILE_TOO_LARGE, display,
                                                 detail=f"部件 {member.filename} 压缩比超过 {MAX_RATIO} 倍")
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names and not any(n.endswith("/workbook.xml") for n in names):
        return Refusal.NOT_XLSX, make_issue(IssueCode.FILE_NOT_XLSX, display)
    return None


def _refuse(refusal: Refusal, issue: Issue) -> Inspection:
    return Inspection(data=None, sha256="", issue=issue, refusal=refusal)


def _mib(size: int) -> str:
    return f"{size / MiB:.1f} MB"
