"""How the portal words things for the person in front of it: times, sizes, file names, why a file is refused,
which of the build's messages a unit can act on, and why the build uses a file or not.

The rules themselves live elsewhere (intake's `safe_open` judges files, intake's selection chooses them);
this module only says their verdicts in Chinese.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import replace

from yc_reports.intake.safe_open import Refusal, inspect_bytes
from yc_reports.intake.selection import FileChoice, Use
from yc_reports.issues import Issue, IssueCode
from yc_reports.numfmt import cn_date

from .errors import RefusalKind, UploadRefused

CN_TZ = dt.timezone(dt.timedelta(hours=8), "北京时间")
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_FILE_NAME = 120

Clock = Callable[[], dt.datetime]


def now_in_china() -> dt.datetime:
    return dt.datetime.now(CN_TZ)


def when(value: dt.datetime | None) -> str:
    """2025-10-08 09:00:01, Beijing time."""
    return "" if value is None else value.astimezone(CN_TZ).strftime("%Y-%m-%d %H:%M:%S")


def day(value: dt.date | None) -> str:
    """2025年10月8日."""
    return "" if value is None else cn_date(value)


def start_of_day(value: dt.date) -> dt.datetime:
    """A date the office entered (e.g. when it received a file) as a Beijing time."""
    return dt.datetime.combine(value, dt.time(), CN_TZ)


def judge_upload(data: bytes, file_name: str | None, limit: int = MAX_UPLOAD_BYTES) -> None:
    """Refuse, before anything is kept, a file the portal will not take. intake's `safe_open` judges
    (the one judge of files, with the portal's size limit); the portal only words its verdict for the
    person uploading."""
    inspection = inspect_bytes(data, file_name or "upload.xlsx", clean_file_name(file_name), max_bytes=limit)
    if inspection.refusal is None:
        return
    if inspection.refusal is Refusal.TOO_LARGE and len(data) > limit:
        raise UploadRefused(RefusalKind.TOO_LARGE, too_large_message(len(data), limit))
    kind, message = _REFUSALS[inspection.refusal]
    raise UploadRefused(kind, message)


def too_large_message(size: int, limit: int) -> str:
    shown = format_size(size)
    said = f"文件大小为 {shown}，超过" if shown != format_size(limit) else "文件大小超过"
    return f"{said} {format_size(limit)} 的上限。请使用下发的填报模板填写，勿在表中粘贴图片或大量数据。"


_DAMAGED = ("文件已损坏或内容不完整（可能在下载、拷贝或上传时被截断），无法读取。请在 Excel 或 WPS 中打开原文件，"
            "确认内容完整后“另存为”Excel 工作簿（*.xlsx），再重新上传；如仍不行，请重新下载模板填写。")


_REFUSALS: dict[Refusal, tuple[RefusalKind, str]] = {
    Refusal.EMPTY: (RefusalKind.EMPTY, "上传的文件是空的。请选择填写好的 Excel 工作簿（.xlsx）后重新上传。"),
    Refusal.LEGACY_XLS: (RefusalKind.NOT_XLSX, "该文件为旧版 Excel 格式（.xls），无法读取。请在 Excel 或 WPS 中"
                                               "“另存为”Excel 工作簿（*.xlsx）后重新上传。"),
    Refusal.ENCRYPTED: (RefusalKind.NOT_XLSX, "该工作簿设置了打开密码，无法读取。请取消文件密码（Excel“文件—信息—"
                                              "保护工作簿”或 WPS“文档加密”）后重新上传。"),
    Refusal.NOT_XLSX: (RefusalKind.NOT_XLSX, "该文件不是 Excel 工作簿（.xlsx）。请上传用下发的填报模板填写的 .xlsx 文件。"),
    Refusal.DAMAGED: (RefusalKind.DAMAGED, _DAMAGED),
    Refusal.TOO_LARGE: (RefusalKind.TOO_LARGE, "文件解压后体积异常，已拒绝读取。请使用下发的填报模板重新填写，"
                                               "勿在表中粘贴图片或大量数据。"),
}


def portal_wording(issue: Issue) -> Issue:
    """An issue as the portal shows it: a file the reader could not open is named damaged, with what
    to do, never by the parser's error class."""
    if issue.code is IssueCode.FILE_UNREADABLE:
        return replace(issue, message=_DAMAGED)
    return issue


def clean_file_name(name: str | None) -> str:
    """The user's file name for display only: no folders, no control characters, bounded length."""
    base = re.split(r"[\\/]", _decoded_name(name or ""))[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    if len(base) > MAX_FILE_NAME:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: MAX_FILE_NAME - len(ext) - 1] + dot + ext) if dot and len(ext) <= 8 else base[:MAX_FILE_NAME]
    return base or "未命名.xlsx"


def _decoded_name(name: str) -> str:
    """A file name a browser sent in GBK (or UTF-8 read as Latin-1) arrives as mojibake: decode it back."""
    if not name or all(ord(ch) < 128 for ch in name):
        return name
    try:
        raw = name.encode("latin-1")
    except UnicodeEncodeError:
        return name          # already real text
    for codec in ("utf-8", "gb18030"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return name


def choice_label(choice: FileChoice, pending: bool = False) -> str:
    """Why the build uses a file or not, in the office's words (intake.selection's judgement); `pending`:
    the action's data are 待核实 (the file used has errors)."""
    other = f"“{choice.same_as}”" if choice.same_as else ""
    return {
        Use.USED: "汇总读取本份，其中有错误的数据不采用，数据待核实" if pending else "汇总采用",
        Use.COPY: f"与{other}完全相同，按同一份计，不重复采用",
        Use.DUPLICATE: f"与{other}内容不同，两份均不采用，数据待核实",
        Use.OTHER_QUARTER: (f"为{choice.quarter.label if choice.quarter else '其他季度'}的工作簿，"
                            f"不用于{choice.expected.label if choice.expected else '本季度'}"),
        Use.OTHER_PLAN: "不是本方案的填报模板，不采用",
        Use.UNKNOWN_ACTION: "行动编号无法识别，不采用",
        Use.UNREADABLE: "无法读取，数据待核实",
    }[choice.use]


def format_size(size: int) -> str:
    """10 MB, 9.5 MB, 312 KB: one decimal only when it says something."""
    if size < 1024:
        return f"{size} 字节"
    value, unit = (size / 1024, "KB") if size < 1024 * 1024 else (size / (1024 * 1024), "MB")
    text = f"{value:.1f}"
    return f"{text.removesuffix('.0')} {unit}"


# The build's messages a unit cannot act on (they address whoever keeps the folder): the unit's page says the
# duplicate once, above the cells that differ.
_OFFICE_ONLY = frozenset({IssueCode.DUPLICATE_WORKBOOK, IssueCode.STRAY_FILE, IssueCode.IDENTICAL_COPY})


def for_unit(issue: Issue, names: dict[str, str]) -> Issue | None:
    """The issue as a unit reads it, or None when there is nothing for the unit to do. `names` maps the
    staged file names to the words that name them for the unit (“市发改委报送的工作簿”)."""
    if issue.code in _OFFICE_ONLY:
        return None
    message = issue.message
    for file, said in names.items():
        message = message.replace(f"“{file}”", said)
    if issue.code is IssueCode.WORKBOOKS_DIFFER:
        message = message.replace("请核实后只保留一份。", "请与共同牵头单位核实。")
    return replace(portal_wording(issue), message=message, file=names.get(issue.file, issue.file))
