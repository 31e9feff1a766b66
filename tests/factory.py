"""Workbooks as a unit would send them: a template from the writer, filled through workbook_fill.

Also small tools to spoil a saved workbook the way real files get spoiled (edit a cell with openpyxl,
patch the XML inside the zip).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl import Workbook

from yc_reports.intake.records import Submission
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import Registry, load_registry
from yc_reports.workbook import layout as L
from yc_reports.workbook.fill import ExtraTask, ProjectFill, TaskUpdate, UnitFill, fill_workbook
from yc_reports.workbook.writer import build_template
from yc_reports.workbook.xlsx_io import save_workbook

REGISTRY = load_registry(None)
FILL_DATE = dt.date(2025, 10, 8)


def template(action_id: int = 3, quarter: str = "2025Q3", previous: Submission | None = None,
             registry: Registry = REGISTRY) -> Workbook:
    return build_template(registry, registry.action(action_id), Quarter.parse(quarter), previous)


def clean_fill(action_id: int = 3, registry: Registry = REGISTRY) -> UnitFill:
    """A complete, plausible fill for any action: every required cell, two projects."""
    action = registry.action(action_id)
    values = {i.key: Decimal("85") if i.is_percent else Decimal("8") for i in action.indicators}
    return UnitFill(
        filler="张明",
        phone="0717-6251234",
        reviewer="李华",
        fill_date=FILL_DATE,
        summary="本季度各项工作有序推进。",
        next_steps="继续抓好重点项目建设。",
        values=values,
        notes={i.key: "数据来源：部门统计" for i in action.indicators},
        tasks={t.key: TaskUpdate("正常推进", "按计划推进", "") for t in action.tasks},
        projects=(
            ProjectFill("宜昌绿色化工园区改造项目", Decimal("52000"), Decimal("12000"), Decimal("8600.5"), "在建",
                        dt.date(2024, 3, 1), "主体结构完工", ""),
            ProjectFill("长江岸线生态修复工程", Decimal("18000"), Decimal("6000"), Decimal("0"), "未开工",
                        dt.date(2025, 11, 1), "完成前期手续", "用地审批待办"),
        ),
    )


def extra_task(content: str = "推进工业园区循环化改造", status: str = "正常推进") -> ExtraTask:
    return ExtraTask(content, dt.date(2025, 12, 31), status, "已完成方案编制", "")


def filled(action_id: int = 3, quarter: str = "2025Q3", fill: UnitFill | None = None,
           previous: Submission | None = None, registry: Registry = REGISTRY) -> Workbook:
    wb = template(action_id, quarter, previous, registry)
    return fill_workbook(wb, fill if fill is not None else clean_fill(action_id, registry))


def save(wb: Workbook, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    save_workbook(wb, path)
    return path


def write_filled(tmp_path: Path, action_id: int = 3, quarter: str = "2025Q3", fill: UnitFill | None = None,
                 name: str = "filled.xlsx", edit: Callable[[Workbook], None] | None = None,
                 previous: Submission | None = None, registry: Registry = REGISTRY) -> Path:
    """Fill a template and save it; `edit` spoils the workbook before saving."""
    wb = filled(action_id, quarter, fill, previous, registry)
    if edit is not None:
        edit(wb)
    return save(wb, tmp_path / name)


def set_meta(wb: Workbook, key: str, value: object) -> None:
    ws = wb[L.SHEET_META]
    for row in range(1, ws.max_row + 1):
        if ws.cell(row, 1).value == key:
            ws.cell(row, 2).value = value
            return
    raise KeyError(key)


def patch_sheet_xml(path: Path, sheet_title: str, patch: Callable[[str], str]) -> None:
    """Rewrite one worksheet's XML inside the zip (for what openpyxl cannot write, e.g. cached formula values)."""
    member = _sheet_member(path, sheet_title)
    patch_member(path, member, lambda data: patch(data.decode("utf-8")).encode("utf-8"))


def patch_member(path: Path, member: str, patch: Callable[[bytes], bytes]) -> None:
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info.filename, patch(data) if info.filename == member else data)
    path.write_bytes(out.getvalue())


def _sheet_member(path: Path, sheet_title: str) -> str:
    """xl/worksheets/sheetN.xml of a sheet title (openpyxl numbers sheets in workbook order)."""
    wb = openpyxl.load_workbook(path, read_only=True)
    index = wb.sheetnames.index(sheet_title) + 1
    wb.close()
    return f"xl/worksheets/sheet{index}.xml"


def cell_xml(sheet_xml: str, ref: str) -> str:
    match = re.search(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)', sheet_xml, flags=re.S)
    assert match, f"no cell {ref}"
    return match.group(0)


def add_junk_cells(path: Path, sheet_title: str = L.SHEET_INDICATORS, rows: range = range(40, 341),
                   per_row: int = 4000, first_col: int = 12) -> Path:
    """The "junk cells" workbook: rows 40–340 of a sheet each carrying 4,000 numbers right of the template's
    columns (from column L), as pasted by a unit from another system: ~7.6 MB on disk."""
    import random

    letters = []
    for col in range(first_col, first_col + per_row):
        name, n = "", col
        while n:
            n, rest = divmod(n - 1, 26)
            name = chr(65 + rest) + name
        letters.append(name)
    rng = random.Random(40)
    junk = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>{rng.random():.5f}</v></c>' for c in letters) + "</row>"
        for r in rows)
    patch_sheet_xml(path, sheet_title, lambda xml: xml.replace("</sheetData>", junk + "</sheetData>", 1))
    return path


def write_in_quarter_folder(root: Path, quarter: str, action_id: int, name: str | None = None, **values) -> Path:
    """A clean workbook of one action under root/QUARTER/ with `values` (text stays text, as a unit might type
    it; figures become Decimals)."""
    typed = {k: v if isinstance(v, str) and not v.replace(".", "").isdigit() else Decimal(str(v))
             for k, v in values.items()}
    fill = dataclasses.replace(clean_fill(action_id), values=typed)
    path = root / quarter / (name or f"{quarter}_第{action_id:02d}项.xlsx")
    return save(filled(action_id, quarter, fill), path)
