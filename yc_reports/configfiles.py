"""The office's configuration files beside its workbooks (inputs/plan.toml, inputs/document.toml): which file
a command uses, and reading one, with the Chinese message for a file missing, not UTF-8 or not valid TOML."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any


def chosen_file(named: str | Path | None, inputs_root: str | Path, file_name: str) -> Path | None:
    """The file named on the command line, else the office's copy `inputs/<file_name>` when there is one,
    else None: the shipped file."""
    if named is not None:
        return Path(named)
    office_copy = Path(inputs_root) / file_name
    return office_copy if office_copy.is_file() else None


def read_text(path: Path, what: str, error: type[Exception]) -> str:
    """The file's text (UTF-8, with or without the BOM Notepad writes); `error` (e.g. RegistryError) names a
    missing file or one not saved as UTF-8.
    `what` is the file's kind in the message: 计划配置文件, 文档格式配置文件."""
    try:
        return path.read_text("utf-8-sig")   # Notepad saves UTF-8 with a BOM: read either
    except FileNotFoundError:
        raise error(f"找不到{what}：{path}") from None
    except UnicodeDecodeError:
        raise error(f"{what} {path} 不是 UTF-8 编码的文本，请用记事本另存为 UTF-8 后重试") from None


def parse_toml(text: str, where: str, what: str, error: type[Exception]) -> dict[str, Any]:
    """The text as TOML; `error` says where it is malformed."""
    import tomllib  # only when a file is read anew: a cached plan needs no parser

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib words its errors in English; the office needs only where: "(at line 3, column 5)"
        at = re.search(r"line (\d+), column (\d+)", str(exc))
        place = f"第{at.group(1)}行第{at.group(2)}列附近" if at else ""
        raise error(f"{what} {where} {place}格式有误，请对照示例修改（如引号、括号是否成对，等号两边是否完整）") from None


def toml_string(text: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's, but for DEL (U+007F), which TOML also forbids raw."""
    import json

    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007F")


def toml_tables(tables: dict[str, Any]) -> str:
    """Tables of scalars (text, whole and decimal numbers, true/false) as TOML text, in the order given."""
    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int | float):
            return repr(v)
        return toml_string(str(v))

    blocks = []
    for name, values in tables.items():
        lines = [f"[{name}]", *(f"{key} = {value(v)}" for key, v in values.items())]
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)
