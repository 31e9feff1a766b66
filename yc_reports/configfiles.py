"""The office's configuration files beside its workbooks (inputs/plan.toml, inputs/document.toml): which file
a command uses, and reading one, with the Chinese message for a file missing, not UTF-8 or not valid TOML."""

from __future__ import annotations

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
    """The file's text; `error` (e.g. RegistryError) names a missing file or one not saved as UTF-8.
    `what` is the file's kind in the message: 计划配置文件, 文档格式配置文件."""
    try:
        return path.read_text("utf-8")
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
        raise error(f"{what} {where} 格式有误（{exc}），请对照示例修改") from None
