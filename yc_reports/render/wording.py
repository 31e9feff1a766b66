"""Report wording from jinja2 templates in `templates/`, editable by the office without code.

A template renders to lines; `parse_outline` turns them into blocks (title, headings, paragraphs,
chart and table placeholders) that the document composer lays out. See templates/README.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import jinja2

from yc_reports.render import numfmt
from yc_reports.analysis.model import IndicatorResult
from yc_reports.plan.registry import cn_numeral

TEMPLATE_DIR_NAME = "templates"
LABELS_TEMPLATE = "labels.j2"


def default_template_dir() -> Path:
    """The installed copy (wheel) or the project's own `templates/` (editable install, development)."""
    packaged = Path(__file__).resolve().parents[1] / "_templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / TEMPLATE_DIR_NAME


@dataclass(frozen=True)
class Block:
    kind: str      # "title" | "recipient" | "heading" | "paragraph" | "figure" | "table" | "text"
    text: str      # the words, or the placeholder's name
    level: int = 0  # heading level 1..4


_HEADING = re.compile(r"^(#{1,4})\s+(.*)$")
_PLACEHOLDER = re.compile(r"^\[\[(图|表|文)[:：]\s*(.+?)\s*\]\]$")
_PLACEHOLDER_KINDS = {"图": "figure", "表": "table", "文": "text"}   # 文: blocks of another template (说明)


def parse_outline(text: str) -> list[Block]:
    blocks: list[Block] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("标题："):
            blocks.append(Block("title", line[3:].strip()))
        elif line.startswith("主送："):
            blocks.append(Block("recipient", line[3:].strip()))
        elif match := _HEADING.match(line):
            blocks.append(Block("heading", match.group(2).strip(), level=len(match.group(1))))
        elif match := _PLACEHOLDER.match(line):
            blocks.append(Block(_PLACEHOLDER_KINDS[match.group(1)], match.group(2)))
        else:
            blocks.append(Block("paragraph", line))
    return blocks


class Wording:
    """The jinja2 environment with the office's number filters."""

    def __init__(self, template_dir: Path | None = None) -> None:
        self.template_dir = Path(template_dir) if template_dir else default_template_dir()
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(self.template_dir)),
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            trim_blocks=False,  # a block tag line leaves a blank line, which the outline skips
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        self.env.filters.update(
            pct=_pct, num=_num, points=numfmt.fmt_points, value=_indicator_value,
            target_value=_indicator_target, gap=_indicator_gap, change=_change, cndate=numfmt.cn_date,
            cn=cn_numeral, sentence=self.indicator_sentence,
        )

    def render(self, name: str, **context: object) -> str:
        try:
            return self.env.get_template(name).render(**context)
        except jinja2.TemplateNotFound:
            raise WordingError(f"找不到报告文字模板 {self.template_dir / name}") from None
        except jinja2.TemplateError as exc:
            raise WordingError(f"报告文字模板 {name} 有误：{exc}") from None

    def outline(self, name: str, **context: object) -> list[Block]:
        return parse_outline(self.render(name, **context))

    def label(self, name: str, **context: object) -> str:
        """A short label — a chart caption, a column header — from the macro `name` of templates/labels.j2."""
        try:
            macro = getattr(self.env.get_template(LABELS_TEMPLATE).make_module(), name)
        except jinja2.TemplateNotFound:
            raise WordingError(f"找不到报告文字模板 {self.template_dir / LABELS_TEMPLATE}") from None
        except AttributeError:
            raise WordingError(f"报告文字模板 {LABELS_TEMPLATE} 中没有“{name}”") from None
        try:
            return str(macro(**context)).strip()
        except jinja2.TemplateError as exc:
            raise WordingError(f"报告文字模板 {LABELS_TEMPLATE} 有误：{exc}") from None

    def indicator_sentence(self, ind: IndicatorResult, q) -> str:
        """The standard sentence for one indicator in quarter q (templates/indicator.j2)."""
        return self.render("indicator.j2", ind=ind, q=q).strip()


class WordingError(RuntimeError):
    """A wording template that is missing or broken (message in Chinese, names the template)."""


def _pct(value: Fraction | Decimal | None, places: int = 1) -> str:
    return numfmt.fmt_percent(value, places)


def _num(value, places: int = 1) -> str:
    return numfmt.fmt_number(value, places)


def _indicator_value(ind: IndicatorResult) -> str:
    return numfmt.with_unit(ind.actual, ind.unit, ind.decimals)


def _indicator_target(ind: IndicatorResult) -> str:
    return numfmt.with_unit(ind.target, ind.unit, ind.decimals)


def _indicator_gap(ind: IndicatorResult) -> str:
    return numfmt.gap_phrase(ind.gap_points, ceiling=ind.direction.value == "ceiling")


def _change(ratio: Fraction | None, prefix: str) -> str:
    return numfmt.change_phrase(ratio, prefix)
