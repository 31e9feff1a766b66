"""The one wording layer: every sentence printed is rendered here from facts, by jinja2 templates.

The templates live in `templates/` (shipped inside the package as `yc_reports/_templates`); the office's
own copies in `inputs/templates/` override them file by file (`office_template_dir`, `Wording(dirs)`).

Public API (reports, summary.json, 汇总表, CLI and portal all use these):

- `Wording(template_dirs)` — the environment; `Wording.for_inputs(inputs_root)` with the office's override.
- `Wording.fact(fact)` — one fact (a `Reason`, an `IndicatorResult` with its quarter) as a sentence,
  without closing punctuation: the light reasons, 督办 and 关注 reasons, 表扬 achievements.
- `Wording.item(reason)` — what a 督办 item is about (the indicator, task, project or the data);
  `Wording.detail(reason)` — its situation without the subject (the 督办 table's 滞后情况 column);
  `Wording.matter(reason)` — both, as the 督办台账 and the 整改落实 sheet print a ledger item.
- `Wording.light_label(action)`, `Wording.status_label(indicator)` — the short labels of tables.
- `Wording.commendation_lead(commendations)` — the 通报表扬 lead sentence (filter `praise_lead`).
- `Wording.reasons(action)` — an action's light reasons joined with "；".
- `Wording.indicator_sentence(ind, q)` — the standard sentence of an indicator (templates/indicator.j2).
- `Wording.outline(name, **ctx)` — a document template rendered to blocks for the docx composer.
- `render_fact(fact, template_dirs=None)` — module-level shortcut over a cached Wording.

A template renders to lines; `parse_outline` turns them into blocks (title, headings, paragraphs,
chart and table placeholders) that the document composer lays out. See templates/README.md.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
import jinja2.bccache
from jinja2.environment import TemplateModule

from yc_reports import numfmt
from yc_reports.jsoncache import user_cache_dir
from yc_reports.outfiles import write_files
from yc_reports.plan.registry import cn_numeral

if TYPE_CHECKING:   # the facts' types; imported where needed, so that `check` does not load the model
    from yc_reports.analysis.model import ActionResult, Commendation, IndicatorResult, LedgerItem, Reason
    from yc_reports.plan.quarter import Quarter

FACTS_TEMPLATE = "facts.j2"

TEMPLATE_DIR_NAME = "templates"
OFFICE_TEMPLATE_DIR = "templates"   # inputs/templates/, beside inputs/plan.toml and inputs/document.toml


def office_template_dir(inputs_root: Path | str) -> Path:
    """Where the office keeps its own copies of the templates."""
    return Path(inputs_root) / OFFICE_TEMPLATE_DIR


def template_dirs_for(inputs_root: Path | str | None) -> tuple[Path, ...]:
    """The search path: the office's folder first (when it exists), then the shipped templates."""
    dirs = []
    if inputs_root is not None and office_template_dir(inputs_root).is_dir():
        dirs.append(office_template_dir(inputs_root))
    dirs.append(default_template_dir())
    return tuple(dirs)


@dataclass(frozen=True)
class ExportResult:
    """What `export_templates` did: files written, and the office's files left as they were."""

    folder: Path
    written: tuple[str, ...]
    kept: tuple[str, ...]
    replaced: tuple[str, ...]


def export_templates(inputs_root: Path | str, *, overwrite: bool = False) -> ExportResult:
    """Copy the shipped templates into inputs/templates/ for the office to edit. Existing files are
    kept unless `overwrite`; either way the result names them."""
    source = default_template_dir()
    target = office_template_dir(inputs_root)
    written, kept, replaced = [], [], []
    contents = {}
    for path in sorted(p for p in source.iterdir() if p.is_file() and p.suffix in (".j2", ".md")):
        destination = target / path.name
        if destination.exists():
            if not overwrite:
                kept.append(path.name)
                continue
            replaced.append(path.name)
        else:
            written.append(path.name)
        contents[destination] = path.read_bytes()
    write_files(contents)   # all or none: a file open in an editor stops them all (outfiles.WriteError)
    return ExportResult(target, tuple(written), tuple(kept), tuple(replaced))
LABELS_TEMPLATE = "labels.j2"


def default_template_dir() -> Path:
    """The installed copy (wheel) or the project's own `templates/` (editable install, development)."""
    packaged = Path(__file__).resolve().parents[1] / "_templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / TEMPLATE_DIR_NAME


@dataclass(frozen=True)
class Block:
    """One block of a rendered outline: a title, heading, paragraph or placeholder."""

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

    def __init__(self, template_dir: Path | Sequence[Path] | None = None) -> None:
        if template_dir is None:
            dirs: tuple[Path, ...] = (default_template_dir(),)
        elif isinstance(template_dir, (str, Path)):
            dirs = (Path(template_dir),)
        else:
            dirs = tuple(Path(d) for d in template_dir)
        self.template_dirs = dirs
        self.template_dir = dirs[0]
        self.env = jinja2.Environment(
            # utf-8-sig: an office template saved by Notepad starts with a BOM, which must not reach a document
            loader=jinja2.FileSystemLoader([str(d) for d in dirs], encoding="utf-8-sig"),
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            trim_blocks=False,  # a block tag line leaves a blank line, which the outline skips
            lstrip_blocks=True,
            keep_trailing_newline=False,
            bytecode_cache=_compiled_templates(),
        )
        self.env.filters.update(
            pct=_pct, num=_num, points=numfmt.fmt_points, value=_indicator_value,
            target_value=_indicator_target, gap=_indicator_gap, change=_change, cndate=numfmt.cn_date,
            cn=cn_numeral, sentence=self.indicator_sentence, fact=self.fact, item=self.item, brief=self.brief,
            matter=self.matter, ledger_matter=self.ledger_matter, praise_lead=self.commendation_lead,
            gapwords=numfmt.gap_phrase, average=_average, apart=numfmt.places_apart,
        )
        self._facts: TemplateModule | None = None
        self._labels: TemplateModule | None = None
        self._shipped_wording: Wording | None = None

    @classmethod
    def for_inputs(cls, inputs_root: Path | str | None) -> Wording:
        """The wording a build uses: the office's `inputs/templates/` over the shipped templates."""
        return cls(template_dirs_for(inputs_root))

    def _facts_module(self) -> TemplateModule:
        if self._facts is None:
            try:
                self._facts = self.env.get_template(FACTS_TEMPLATE).module
            except jinja2.TemplateNotFound:
                raise WordingError(f"找不到报告文字模板 {FACTS_TEMPLATE}") from None
            except jinja2.TemplateError as exc:
                raise WordingError(f"报告文字模板 {FACTS_TEMPLATE} 有误：{exc}") from None
        return self._facts

    def fact(self, fact: Reason | IndicatorResult, q: Quarter | None = None) -> str:
        """One fact as a sentence (no closing punctuation). An IndicatorResult needs its quarter."""
        from yc_reports.analysis.model import IndicatorResult

        if isinstance(fact, IndicatorResult):
            if q is None:
                raise ValueError("an indicator's sentence needs its quarter")
            return self.indicator_sentence(fact, q).rstrip("。")
        return self._from_facts("reason", fact)

    def brief(self, fact: Reason) -> str:
        """The short phrase of a fact for the 通报's lead paragraph."""
        return self._from_facts("brief", fact)

    def item(self, fact: Reason) -> str:
        """What a 督办 / 关注 item is about."""
        return self._from_facts("item", fact)

    def detail(self, fact: Reason) -> str:
        """A 督办 item's situation without its subject (the 督办事项 column names the item)."""
        return self._from_facts("detail", fact)

    def matter(self, fact: Reason) -> str:
        """A 督办 ledger item's 督办事项: the item and its situation when first listed."""
        return self._from_facts("matter", fact)

    def ledger_matter(self, item: LedgerItem, plan_id: str = "") -> str:
        """A ledger item's 督办事项 as printed: the text issued (from the office's record), else `matter`;
        an item raised under another plan than `plan_id` is marked 上期方案."""
        text = item.text or self.matter(item.reason)
        if item.of_other_plan(plan_id):
            return self.label("earlier_plan_item", text=text)
        return text

    def commendation_lead(self, commendations: Sequence[Commendation]) -> str:
        """The 通报表扬 lead sentence: only what holds for every commended action."""
        return self._from_facts("commendation_lead", commendations)

    def light_label(self, action: ActionResult) -> str:
        """绿灯 / 黄灯 / 红灯 / 未报送, or 无有效数据 for a grey light over unusable data."""
        return self._from_facts("light_label", action)

    def status_label(self, ind: IndicatorResult) -> str:
        """An indicator's status in a word or two (tables, summary.json status_label)."""
        return self._from_facts("status_label", ind)

    def _from_facts(self, macro: str, fact: object) -> str:
        """The macro `macro` of the facts template applied to `fact`, stripped."""
        module = self._facts_module()
        if not hasattr(module, macro):
            shipped = self._shipped()
            if shipped is not None:   # an office copy made before this macro existed: the shipped words
                return shipped._from_facts(macro, fact)
            raise WordingError(f"报告文字模板 {FACTS_TEMPLATE} 中没有“{macro}”")
        rendered: object = getattr(module, macro)(fact)
        return str(rendered).strip()

    def _shipped(self) -> Wording | None:
        """The shipped templates alone, when the office's copies come first on the search path (else None).
        The office's files override the shipped ones file by file; a macro its copy does not have — one
        added by a later version of the program — is taken from the shipped file."""
        if self.template_dirs == (default_template_dir(),):
            return None
        if self._shipped_wording is None:
            self._shipped_wording = Wording(default_template_dir())
        return self._shipped_wording

    def reasons(self, action: ActionResult) -> str:
        """An action's light reasons, joined with "；"."""
        return "；".join(self.fact(r) for r in action.light_reasons)

    def render(self, name: str, **context: object) -> str:
        try:
            return self.env.get_template(name).render(**context)
        except jinja2.TemplateNotFound:
            raise WordingError(f"找不到报告文字模板 {self.template_dir / name}") from None
        except jinja2.TemplateError as exc:
            raise WordingError(f"报告文字模板 {name} 有误：{exc}") from None

    def check(self) -> None:
        """Compile every template on the search path: a broken office copy is named before a build writes."""
        for name in sorted({n for d in self.template_dirs for n in (p.name for p in Path(d).glob("*.j2"))}):
            try:
                self.env.get_template(name)
            except jinja2.TemplateError as exc:
                raise WordingError(f"报告文字模板 {name} 有误：{exc}") from None

    def outline(self, name: str, **context: object) -> list[Block]:
        return parse_outline(self.render(name, **context))

    def label(self, name: str, **context: object) -> str:
        """A short label — a chart caption, a column header — from the macro `name` of templates/labels.j2."""
        if self._labels is None:
            try:
                self._labels = self.env.get_template(LABELS_TEMPLATE).module
            except jinja2.TemplateNotFound:
                raise WordingError(f"找不到报告文字模板 {self.template_dir / LABELS_TEMPLATE}") from None
            except jinja2.TemplateError as exc:
                raise WordingError(f"报告文字模板 {LABELS_TEMPLATE} 有误：{exc}") from None
        try:
            macro = getattr(self._labels, name)
        except AttributeError:
            shipped = self._shipped()
            if shipped is not None:   # an office copy made before this label existed: the shipped words
                return shipped.label(name, **context)
            raise WordingError(f"报告文字模板 {LABELS_TEMPLATE} 中没有“{name}”") from None
        try:
            return str(macro(**context)).strip()
        except jinja2.TemplateError as exc:
            raise WordingError(f"报告文字模板 {LABELS_TEMPLATE} 有误：{exc}") from None

    def indicator_sentence(self, ind: IndicatorResult, q: Quarter) -> str:
        """The standard sentence for one indicator in quarter q (templates/indicator.j2)."""
        return self.render("indicator.j2", ind=ind, q=q).strip()


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Compiled templates in the per-user cache (jinja2 checks each against its template's text); one that
    cannot be written only costs time."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


# The environment's options shape the compiled code: a folder of its own for each set of them.
_COMPILE_OPTIONS = f"jinja2 {jinja2.__version__}; lstrip_blocks; StrictUndefined"


def _compiled_templates() -> jinja2.BytecodeCache | None:
    """Where compiled templates are kept (compiling labels.j2 alone takes ~40 ms, every process), or None."""
    root = user_cache_dir()
    if root is None:
        return None
    folder = root / "templates" / hashlib.sha256(_COMPILE_OPTIONS.encode()).hexdigest()[:16]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return _CompiledTemplates(str(folder))


class WordingError(RuntimeError):
    """A wording template that is missing or broken (message in Chinese, names the template)."""


@lru_cache(maxsize=8)
def cached_wording(template_dirs: tuple[Path, ...] | None = None) -> Wording:
    return Wording(template_dirs)


def render_fact(fact: Reason | IndicatorResult, template_dirs: tuple[Path, ...] | None = None,
                q: Quarter | None = None) -> str:
    """A fact as a sentence with the shipped (or the given) templates: for charts, 汇总表, portal."""
    return cached_wording(template_dirs).fact(fact, q)


def _pct(value: Fraction | Decimal | None, places: int = 1) -> str:
    return numfmt.fmt_percent(value, places)


def _num(value: numfmt.Number | None, places: int = 1) -> str:
    return numfmt.fmt_number(value, places)


def _average(value: numfmt.Number | None, places: int = 1) -> str:
    return numfmt.fmt_average(value, places)


def _indicator_value(ind: IndicatorResult) -> str:
    return numfmt.with_unit(ind.actual, ind.unit, ind.decimals)


def _indicator_target(ind: IndicatorResult) -> str:
    return numfmt.with_unit(ind.target, ind.unit, ind.decimals)


def _indicator_gap(ind: IndicatorResult) -> str:
    return numfmt.gap_phrase(ind.gap_points, ceiling=ind.direction.value == "ceiling")


def _change(ratio: Fraction | None, prefix: str) -> str:
    return numfmt.change_phrase(ratio, prefix)
