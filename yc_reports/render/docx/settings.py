"""Layout settings of the official reports: fonts, sizes, page geometry, 报头 and 版记 text.

The shipped values live in document.toml beside this module; the office may keep its own copy
(inputs/document.toml) that lists only what it changes. The section records below are the schema (each
field's type names its check; pydantic applies them); a malformed value raises `DocumentSettingsError`
naming the key, in Chinese.
"""

from __future__ import annotations

import dataclasses
import re
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, get_type_hints

from pydantic import ConfigDict, PlainValidator, TypeAdapter, ValidationError, with_config

from yc_reports.configfiles import chosen_file, parse_toml, read_text, toml_tables
from yc_reports.plan.registry import PlanInfo

SHIPPED_SETTINGS = "document.toml"
OFFICE_SETTINGS_FILE = "document.toml"
PLACEHOLDERS = ("office", "headquarters", "city")
NUMBER_PLACEHOLDERS = ("year", "issue")   # 发文字号 / 期号: the quarter's year and its number in the year
KINDS = ("通报", "简报")                    # the quarterly document
ACTION_REPORT_FORMS = ("附件", "情况报告")   # the action reports: attachments, or standalone reports


class DocumentSettingsError(ValueError):
    """A document settings file that cannot be used; the message (Chinese) names the key and the fault."""


# ------------------------------------------------------------------------------------- field types
# Each test returns a Chinese complaint, or "" for a good value; the value is kept as written (22 stays an
# int: the same file gives the same bytes).


class _Fault(ValueError):
    """A value's fault, in Chinese."""


def _check(test: Callable[[Any], str]) -> Any:
    """A pydantic validator from a test: the complaint becomes the error's (Chinese) message."""
    def validate(value: Any) -> Any:
        problem = test(value)
        if problem:
            raise _Fault(problem)
        return value
    return PlainValidator(validate)


def _font(value: Any) -> str:
    return "" if isinstance(value, str) and value.strip() else f"应为字体名称（文字），实际为 {value!r}"


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


def _choice(*choices: str) -> Callable[[Any], str]:
    expected = "、".join(repr(c) for c in choices)
    return lambda value: "" if value in choices else f"应为 {expected} 之一，实际为 {value!r}"


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
    if not problem and float(value * 2) != int(value * 2):
        return f"字号应为 0.5 磅的整数倍（如 10.5、16），实际为 {value!r}"
    return problem


def _count(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        return f"应为正整数，实际为 {value!r}"
    return ""


def _colour(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9A-Fa-f]{6}", value):
        return f"应为六位十六进制颜色（如 \"FF0000\"），实际为 {value!r}"
    return ""


Font = Annotated[str, _check(_font)]
Text = Annotated[str, _check(_text)]
NumberText = Annotated[str, _check(lambda value: _text(value, PLACEHOLDERS + NUMBER_PLACEHOLDERS))]
Size = Annotated[float, _check(_size)]
Length = Annotated[float, _check(_number)]
Count = Annotated[int, _check(_count)]
Flag = Annotated[bool, _check(lambda value: "" if isinstance(value, bool) else f"应为 true 或 false，实际为 {value!r}")]
Colour = Annotated[str, _check(_colour)]
_FORBID = ConfigDict(extra="forbid")   # a misspelt key is named, never ignored


# ------------------------------------------------------------------------------------- the settings


@with_config(_FORBID)
@dataclass(frozen=True)
class Fonts:
    title: Font
    masthead: Font
    body: Font
    heading1: Font
    heading2: Font
    heading3: Font
    heading4: Font
    latin: Font
    page_number: Font
    table_body: Font
    table_header: Font

    def heading(self, level: int) -> str:
        return (self.heading1, self.heading2, self.heading3, self.heading4)[level - 1]


@with_config(_FORBID)
@dataclass(frozen=True)
class Sizes:
    """Font sizes in points."""

    title: Size
    masthead: Size
    body: Size
    page_number: Size
    table: Size
    caption: Size
    colophon: Size


@with_config(_FORBID)
@dataclass(frozen=True)
class Headings:
    bold_level3: Flag


@with_config(_FORBID)
@dataclass(frozen=True)
class PageSetup:
    """Lengths in millimetres, line pitch in points."""

    width: Length
    height: Length
    top: Length
    bottom: Length
    left: Length
    right: Length
    line_pitch: Length
    chars_per_line: Count
    page_number_gap: Length

    @property
    def text_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def text_height(self) -> float:
        return self.height - self.top - self.bottom


@with_config(_FORBID)
@dataclass(frozen=True)
class Document:
    """Which quarterly document is written, and how the action reports go with it."""

    kind: Annotated[str, _check(_choice(*KINDS))]                     # 通报 (公文) or 简报
    organ: Text                       # 发文机关标志 (通报)
    number: NumberText                     # 发文字号 (通报) with {year} {issue}
    issue_label: NumberText                     # 期号 (简报) with {year} {issue}
    action_reports: Annotated[str, _check(_choice(*ACTION_REPORT_FORMS))]  # 附件 of the document, or 情况报告
    seal_lines: Annotated[int, _check(_lines)]                        # blank lines left above the 署名 for the seal

    @property
    def is_notice(self) -> bool:
        return self.kind == "通报"

    @property
    def reports_attached(self) -> bool:
        return self.action_reports == "附件"


@with_config(_FORBID)
@dataclass(frozen=True)
class Masthead:
    name: Text
    colour: Colour
    issuer: Text
    top: Length
    rule_width: Length


@with_config(_FORBID)
@dataclass(frozen=True)
class Colophon:
    report_to: Text   # 报
    send_to: Text     # 送
    issue_to: Text    # 发
    cc: Text          # 抄送
    printer: Text     # 印发机关

    @property
    def recipient_lines(self) -> tuple[tuple[str, str], ...]:
        """(label, names) for the 报/送/发 lines that are filled in."""
        lines = (("报", self.report_to), ("送", self.send_to), ("发", self.issue_to))
        return tuple((label, names) for label, names in lines if names.strip())


@with_config(_FORBID)
@dataclass(frozen=True)
class DocumentSettings:
    """The file's shape: one table per section, every key of each (the office's copy laid over the shipped)."""

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


_SETTINGS = TypeAdapter(DocumentSettings)
_SECTIONS = {name: kind for name, kind in get_type_hints(DocumentSettings).items() if name != "source"}


def load_document_settings(path: str | Path | None = None) -> DocumentSettings:
    """The shipped settings, with the office's file at `path` (if given) laid over them key by key."""
    if path is None:
        return _validated(_shipped(), SHIPPED_SETTINGS)
    return _validated(_laid_over(_shipped(), _office_raw(Path(path))), str(path))


def _shipped() -> dict[str, Any]:
    return _read_toml(resources.files("yc_reports.render.docx").joinpath(SHIPPED_SETTINGS).read_text("utf-8"),
                      SHIPPED_SETTINGS)


def _office_raw(path: Path) -> dict[str, Any]:
    return _read_toml(read_text(path, _FILE_KIND, DocumentSettingsError), str(path))


def _laid_over(shipped: dict[str, Any], office: dict[str, Any]) -> dict[str, Any]:
    return {**shipped, **{name: {**shipped.get(name, {}), **values} if isinstance(values, dict) else values
                          for name, values in office.items()}}


def _validated(raw: dict[str, Any], where: str, named: Callable[[str], str] | None = None) -> DocumentSettings:
    """The settings `raw` gives; a fault names the file (`where`) and its key, or only what `named` calls the
    key (the portal's field) when given."""
    def fault(key: str, what: str) -> DocumentSettingsError:
        if named is not None:
            return DocumentSettingsError(f"{named(key)}：{what}")
        return DocumentSettingsError(f"文档格式配置文件 {where} 中 {key}：{what}")

    try:
        settings = _SETTINGS.validate_python(raw)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        raise fault(".".join(map(str, error["loc"])), _message(error)) from None
    for key, what in _geometry_faults(settings.page):
        raise fault(key, what)
    return dataclasses.replace(settings, source=where)


# ------------------------------------------------------------------------------------- the office's edits


@dataclass(frozen=True)
class OfficeField:
    """A setting the office changes on the portal's settings page (公文格式): the words of its documents, never
    the GB/T 9704 geometry, fonts or sizes (those stay in the file, for whoever keeps the PCs' fonts)."""

    section: str
    key: str
    label: str
    choices: tuple[str, ...] = ()      # one of these; else free text (placeholders allowed where the file allows)


OFFICE_FIELDS = (
    OfficeField("document", "kind", "季度文件的文种", KINDS),
    OfficeField("document", "action_reports", "各行动推进情况印发为", ACTION_REPORT_FORMS),
    OfficeField("document", "organ", "发文机关标志（通报）"),
    OfficeField("document", "number", "发文字号（通报）"),
    OfficeField("masthead", "name", "报头名称（简报）"),
    OfficeField("document", "issue_label", "期号（简报）"),
    OfficeField("colophon", "report_to", "报"),
    OfficeField("colophon", "send_to", "送"),
    OfficeField("colophon", "issue_to", "发"),
    OfficeField("colophon", "cc", "抄送"),
    OfficeField("colophon", "printer", "印发机关"),
)

_OFFICE_FILE_HEAD = ("# The office's document settings: only what differs from the shipped document.toml, every other key\n"
                     "# keeps the shipped value. Written by the portal (季度设置 → 公文格式设置); it may be edited by hand.\n")


def office_value(settings: DocumentSettings, f: OfficeField) -> str:
    """The value `f` has in `settings` (as written in the file: placeholders unfilled)."""
    return str(getattr(getattr(settings, f.section), f.key))


def edited_office_settings(office_file: Path | None, changes: dict[tuple[str, str], str]) -> tuple[str, DocumentSettings]:
    """The text of the office's document.toml with `changes` ((section, key) → value) laid over the file at
    `office_file` (None or absent: none yet), and the settings it gives. Keys the office wrote by hand stay; a
    value equal to the shipped one is left out, so the file lists only what the office changed. Checked as a
    build reads it: a bad value raises DocumentSettingsError naming the setting."""
    shipped = _shipped()
    office = _office_raw(office_file) if office_file is not None and office_file.is_file() else {}
    merged: dict[str, Any] = {name: dict(values) if isinstance(values, dict) else values
                              for name, values in office.items()}
    for (section, key), value in changes.items():
        table = merged.setdefault(section, {})
        if shipped.get(section, {}).get(key) == value:
            table.pop(key, None)
        else:
            table[key] = value
    merged = {name: values for name, values in merged.items() if values != {}}
    labels = {f"{f.section}.{f.key}": f"“{f.label}”" for f in OFFICE_FIELDS}
    where = str(office_file) if office_file is not None else OFFICE_SETTINGS_FILE
    settings = _validated(_laid_over(shipped, merged), where,
                          named=lambda key: labels.get(key, f"文档格式配置文件 {where} 中 {key}"))
    return _OFFICE_FILE_HEAD + toml_tables(merged), settings


def _message(error: Any) -> str:
    """pydantic's error types in Chinese; the field checks' own messages as they stand."""
    section = error["loc"][0]
    if isinstance(error.get("ctx", {}).get("error"), _Fault):
        return str(error["ctx"]["error"])
    if error["type"] == "missing":
        return "缺少此项"
    if error["type"] == "unexpected_keyword_argument" and len(error["loc"]) == 1:
        return f"未知的配置部分，可用的有：{'、'.join(_SECTIONS)}"
    if error["type"] == "unexpected_keyword_argument":
        known = (f.name for f in dataclasses.fields(_SECTIONS[section]))
        return f"未知的配置项，[{section}] 可用的有：{'、'.join(known)}"
    return f"应为表（[{section}]）"


def resolve_document_settings(path: str | Path | None, inputs_root: str | Path = "inputs") -> DocumentSettings:
    """The settings a command uses: the file named, else the office's inputs/document.toml, else the shipped."""
    return load_document_settings(chosen_file(path, inputs_root, OFFICE_SETTINGS_FILE))


def _read_toml(text: str, where: str) -> dict[str, Any]:
    return parse_toml(text, where, _FILE_KIND, DocumentSettingsError)


_FILE_KIND = "文档格式配置文件"   # how messages name the file


def _geometry_faults(page: PageSetup) -> Iterator[tuple[str, str]]:
    if page.left + page.right >= page.width:
        yield "page.left", "左右页边距之和不小于纸张宽度"
    if page.top + page.bottom >= page.height:
        yield "page.top", "上下页边距之和不小于纸张高度"
    if page.page_number_gap >= page.bottom:
        yield "page.page_number_gap", "页码与版心的距离应小于下页边距"
