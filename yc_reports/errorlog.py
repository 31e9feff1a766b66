"""Unforeseen errors: their name and traceback go to a log file for the maintainer, never to the user.

Every command and the portal say the same thing when something the program did not foresee goes wrong: what
was being done, that nothing was written, and where the details are.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import traceback
from pathlib import Path

LOG_NAME = "yc-reports-error.log"


def log_path() -> Path:
    return Path(tempfile.gettempdir()) / LOG_NAME


def record(exc: BaseException) -> Path | None:
    """Append `exc` with its traceback to the log; the log's path, or None when it cannot be written."""
    path = log_path()
    text = "".join(traceback.format_exception(exc))
    try:
        with path.open("a", encoding="utf-8") as log:
            log.write(f"==== {dt.datetime.now():%Y-%m-%d %H:%M:%S}\n{text}\n")
    except OSError:
        return None
    return path


def internal_error_text(doing: str, exc: BaseException, outcome: str = "本次未写出任何结果") -> str:
    """“生成报告时出现程序内部错误，本次未写出任何结果。详细信息已记录在 …，请将该文件发送给系统维护人员。”"""
    path = record(exc)
    where = f"详细信息已记录在 {path}，请将该文件发送给系统维护人员。" if path else "请联系系统维护人员。"
    return f"{doing}时出现程序内部错误，{outcome}。{where}"
