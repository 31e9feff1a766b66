"""Layout settings of the official reports: fonts, sizes, page geometry, 报头 and 版记 text.

The shipped values live in data/document.toml; the office may keep its own copy (inputs/document.toml)
that lists only what it changes. A malformed value raises `DocumentSettingsError` naming the key.
"""

from __future__ import annotations

import dataclasses
import re
import string
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from yc_reports.plan.registry import PlanInfo

SHIPPED_SETTINGS = "document.toml"
OFFICE_SETTINGS_FILE = "document.toml"
PLACEHOLDERS = ("office", "headquarters", "city")
NUMBER_PLACEHOLDERS = ("year", "issue")   # 发文字号 / 期号: the quarter's year and its number in the year
KINDS = ("通报", "简报")                    # the quarterly document
ACTION_REPORT_FORMS = ("附件", "情况报告")   # the action reports: attachments, or standalone reports


class DocumentSettingsError(ValueError):
    """A document settings file that cannot be used; the message (Chinese) names the key and the fault."""


# ------------------------------------------------------------------------------------- checks
# Each field names the check its value must pass; the check returns a Chinese complaint or "".


def _font(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        return f"应为字体名称（文字），实际为 {value!r}"
    return ""


def _text(value: Any, allowed: tuple[str, ...] = PLACEHOLDERS) -> str:
    if not isinstance(value, str):
        return f"应为文字，实际为 {value!r}"
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
    except ValueError:
        return f"花括号不成对：{value!r}（占位符写作 {{office}}）"
    unknown = sorted(names - set(allowed))
    if unknown:
        known = "、".join("{" + p + "}" for p in allowed)
        return f"未知的占位符 {{{unknown[0]}}}，可用的有：{known}"
    return ""


def _number_text(value: Any) -> str:
    return _text(value, PLACEHOLDERS + NUMBER_PLACEHOLDERS)


def _choice(*choices: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if value not in choices:
            return f"应为 {'、'.join(repr(c) for c in choices)} 之一，实际为 {value!r}"
        return ""
    return check


def _lines(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 6:
        return f"应为 0 到 6 的整数（空行数），实际为 {value!r}"
    return ""


def _number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        return f"应为正数，实际为 {value!r}"
    return ""


def _size(value: Any) -> str:
    problem = _number(value)
    if problem:
        return problem
    if float(value * 2) != int(value * 2):
        return f"字号应为 0.5 磅的整数倍（如 10.5、16），实际为 {value!r}"
    return ""


def _count(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        return f"应为正整数，实际为 {value!r}"
    return ""


def _flag(value: Any) -> str:
    return "" if isinstance(value, bool) else f"应为 true 或 false，实际为 {value!r}"


def _colour(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9A-Fa-f]{6}", value):
        return f"应为六位十六进制颜色（如 \"FF0000\"），实际为 {value!r}"
    return ""


def _setting(check: Callable[[Any], str]) -> Any:
    return field(metadata={"check": check})


# ------------------------------------------------------------------------------------- the settings


@dataclass(frozen=True)
class Fonts:
    title: str = _setting(_font)
    masthead: str = _setting(_font)
    body: str = _setting(_font)
    heading1: str = _setting(_font)
    heading2: str = _setting(_font)
    heading3: str = _setting(_font)
    heading4: str = _setting(_font)
    latin: str = _setting(_font)
    page_number: str = _setting(_font)
    table_body: str = _setting(_font)
    table_header: str = _setting(_font)

    def heading(self, level: int) -> str:
        return (self.heading1, self.heading2, self.heading3, self.heading4)[level - 1]


@dataclass(frozen=True)
class Sizes:
    """Font sizes in points."""

    title: float = _setting(_size)
    masthead: float = _setting(_size)
    body: float = _setting(_size)
    page_number: float = _setting(_size)
    table: float = _setting(_size)
    caption: float = _setting(_size)
    colophon: float = _setting(_size)


@dataclass(frozen=True)
class Headings:
    bold_level3: bool = _setting(_flag)


@dataclass(frozen=True)
class PageSetup:
    """Lengths in millimetres, line pitch in points."""

    width: float = _setting(_number)
    height: float = _setting(_number)
    top: float = _setting(_number)
    bottom: float = _setting(_number)
    left: float = _setting(_number)
    right: float = _setting(_number)
    line_pitch: float = _setting(_number)
    chars_per_line: int = _setting(_count)
    page_number_gap: float = _setting(_number)

    @property
    def text_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def text_height(self) -> float:
        return self.height - self.top - self.bottom


@dataclass(frozen=True)
class Document:
    """Which quarterly document is written, and how the action reports go with it."""

    kind: str = _setting(_choice(*KINDS))                         # 通报 (公文) or 简报
    organ: str = _setting(_text)                                  # 发文机关标志 (通报)
    number: str = _setting(_number_text)                          # 发文字号 (通报) with {year} {issue}
    issue_label: str = _setting(_number_text)                     # 期号 (简报) with {year} {issue}
    action_reports: str = _setting(_choice(*ACTION_REPORT_FORMS))  # 附件 of the document, or 情况报告
    seal_lines: int = _setting(_lines)                            # blank lines left above the 署名 for the seal

    @property
    def is_notice(self) -> bool:
        return self.kind == "通报"

    @property
    def reports_attached(self) -> bool:
        return self.action_reports == "附件"


@dataclass(frozen=True)
class Masthead:
    name: str = _setting(_text)
    colour: str = _setting(_colour)
    issuer: str = _setting(_text)
    top: float = _setting(_number)
    rule_width: float = _setting(_number)


@dataclass(frozen=True)
class Colophon:
    report_to: str = _setting(_text)   # 报
    send_to: str = _setting(_text)     # 送
    issue_to: str = _setting(_text)    # 发
    cc: str = _setting(_text)          # 抄送
    printer: str = _setting(_text)     # 印发机关

    @property
    def recipient_lines(self) -> tuple[tuple[str, str], ...]:
        """(label, names) for the 报/送/发 lines that are filled in."""
        lines = (("报", self.report_to), ("送", self.send_to), ("发", self.issue_to))
        return tuple((label, names) for label, names in lines if names.strip())


_SECTIONS: dict[str, type] = {
    "document": Document, "fonts": Fonts, "sizes": Sizes, "headings": Headings, "page": PageSetup,
    "masthead": Masthead, "colophon": Colophon,
}


@dataclass(frozen=True)
class DocumentSettings:
    document: Document
    fonts: Fonts
    sizes: Sizes
    headings: Headings
    page: PageSetup
    masthead: Masthead
    colophon: Colophon
    source: str = field(default="", compare=False)

    @property
    def bold_level3(self) -> bool:
        return self.headings.bold_level3

    @property
    def masthead_name(self) -> str:
        return self.masthead.name

    @property
    def cc(self) -> str:
        return self.colophon.cc

    def issuer_for(self, plan: PlanInfo) -> str:
        """编发单位 with the plan's names filled in."""
        return fill_placeholders(self.masthead.issuer, plan)

    def printer_for(self, plan: PlanInfo) -> str:
        """印发机关 with the plan's names filled in."""
        return fill_placeholders(self.colophon.printer, plan)

    def resolved(self, plan: PlanInfo) -> DocumentSettings:
        """A copy with every {office}/{headquarters}/{city} placeholder filled in from the plan."""
        masthead = dataclasses.replace(
            self.masthead, name=fill_placeholders(self.masthead.name, plan), issuer=self.issuer_for(plan))
        colophon = Colophon(**{f.name: fill_placeholders(getattr(self.colophon, f.name), plan)
                               for f in dataclasses.fields(Colophon)})
        document = dataclasses.replace(self.document, organ=fill_placeholders(self.document.organ, plan))
        return dataclasses.replace(self, document=document, masthead=masthead, colophon=colophon)

    def number_for(self, year: int, issue: int) -> str:
        """发文字号 (通报) or 期号 (简报) of the quarter's document: one per quarter."""
        pattern = self.document.number if self.document.is_notice else self.document.issue_label
        return pattern.format(year=year, issue=issue, office="", headquarters="", city="")


def fill_placeholders(text: str, plan: PlanInfo) -> str:
    return text.format(office=plan.office, headquarters=plan.headquarters, city=plan.city)


# ------------------------------------------------------------------------------------- loading


def load_document_settings(path: str | Path | None = None) -> DocumentSettings:
    """The shipped settings, with the office's file at `path` (if given) laid over them key by key."""
    shipped = _read_toml(resources.files("yc_reports.render.docx").joinpath(SHIPPED_SETTINGS).read_text("utf-8"),
                         SHIPPED_SETTINGS)
    merged = _check_and_merge({}, shipped, SHIPPED_SETTINGS)
    where = SHIPPED_SETTINGS
    if path is not None:
        p = Path(path)
        try:
            text = p.read_text("utf-8")
        except FileNotFoundError:
            raise DocumentSettingsError(f"找不到文档格式配置文件：{p}") from None
        except UnicodeDecodeError:
            raise DocumentSettingsError(
                f"文档格式配置文件 {p} 不是 UTF-8 编码的文本，请用记事本另存为 UTF-8 后重试") from None
        where = str(p)
        merged = _check_and_merge(merged, _read_toml(text, where), where)
    sections = {name: cls(**merged[name]) for name, cls in _SECTIONS.items()}
    return DocumentSettings(**sections, source=where)


def resolve_document_settings(path: str | Path | None, inputs_root: str | Path = "inputs") -> DocumentSettings:
    """The settings a command uses: the file named, else the office's inputs/document.toml, else the shipped."""
    if path is not None:
        return load_document_settings(path)
    office_copy = Path(inputs_root) / OFFICE_SETTINGS_FILE
    if office_copy.is_file():
        return load_document_settings(office_copy)
    return load_document_settings(None)


def _read_toml(text: str, where: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DocumentSettingsError(f"文档格式配置文件 {where} 格式有误（{exc}），请对照示例修改") from None


def _check_and_merge(base: dict[str, dict[str, Any]], raw: dict[str, Any], where: str) -> dict[str, dict[str, Any]]:
    """Check every key of `raw` and lay it over `base` (a copy is returned)."""

    def fail(key: str, what: str) -> None:
        raise DocumentSettingsError(f"文档格式配置文件 {where} 中 {key}：{what}")

    merged = {name: dict(base.get(name, {})) for name in _SECTIONS}
    for section, values in raw.items():
        cls = _SECTIONS.get(section)
        if cls is None:
            fail(section, f"未知的配置部分，可用的有：{'、'.join(_SECTIONS)}")
        if not isinstance(values, dict):
            fail(section, f"应为表（[{section}]）")
        known = {f.name: f for f in dataclasses.fields(cls)}
        for key, value in values.items():
            if key not in known:
                fail(f"{section}.{key}", f"未知的配置项，[{section}] 可用的有：{'、'.join(known)}")
            problem = known[key].metadata["check"](value)
            if problem:
                fail(f"{section}.{key}", problem)
            merged[section][key] = value
    for section, cls in _SECTIONS.items():
        missing = [f.name for f in dataclasses.fields(cls) if f.name not in merged[section]]
        if missing and not base:
            fail(f"{section}.{missing[0]}", "缺少此项")
    _check_geometry(merged, fail)
    return merged


def _check_geometry(merged: dict[str, dict[str, Any]], fail: Callable[[str, str], None]) -> None:
    page = merged["page"]
    if page["left"] + page["right"] >= page["width"]:
        fail("page.left", "左右页边距之和不小于纸张宽度")
    if page["top"] + page["bottom"] >= page["height"]:
        fail("page.top", "上下页边距之和不小于纸张高度")
    if page["page_number_gap"] >= page["bottom"]:
        fail("page.page_number_gap", "页码与版心的距离应小于下页边距")
