"""Hostile quarters made from the demo's own workbooks (收官, stale texts), as clerks really fill them.

`demo_root()` writes the demo's inputs once; each case copies them, spoils named workbooks the way a clerk would
(a figure left blank, text in a number cell, water over the ceiling before Q4, "无" as 下一步工作计划, an Excel line
break inside a sentence, a second differing copy, a row skipped in a template that now starts empty), builds the
quarter with the real pipeline and returns the written files. Cells are found by their headers and row texts, as
the reader finds them, never by fixed letters.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import docx
import openpyxl
from openpyxl import Workbook

from yc_reports.pipeline.build import build_quarter
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import Registry, load_registry
from yc_reports.workbook import layout as L
from yc_reports.workbook.xlsx_io import save_workbook


@dataclass(frozen=True)
class Built:
    name: str
    root: Path
    out: Path
    registry: Registry

    @property
    def summary(self) -> dict:
        return json.loads((self.out / "summary.json").read_text("utf-8"))

    def notice(self) -> list[str]:
        """The 通报's paragraphs (up to its 附件), as python-docx reads them back."""
        paragraphs = self.notice_with_attachments()
        end = next((i for i, p in enumerate(paragraphs) if p.startswith("附件：")), len(paragraphs))
        return paragraphs[:end]

    def notice_with_attachments(self) -> list[str]:
        """Every paragraph of the 通报, its 附件 included."""
        [path] = self.out.glob("*通报.docx")
        return [p.text for p in docx.Document(path).paragraphs if p.text.strip()]

    def report(self, action_id: int) -> list[str]:
        [path] = (self.out / "各行动报告").glob(f"第{action_id:02d}项_*.docx")
        document = docx.Document(path)
        return [p.text for p in document.paragraphs if p.text.strip()] + [
            c.text for t in document.tables for row in t.rows for c in row.cells]

    def claims_folder(self) -> Path:
        """The outputs under the names tests/consistency/consistency_claims.check reads."""
        folder = self.root / "claims"
        folder.mkdir(exist_ok=True)
        [notice] = self.out.glob("*通报.docx")
        shutil.copy(notice, folder / "summary.docx")
        for path in (self.out / "各行动报告").glob("第*项_*.docx"):
            shutil.copy(path, folder / f"action{int(path.name[1:3])}.docx")
        shutil.copy(self.out / "summary.json", folder / "summary.json")
        shutil.copy(self.out / "汇总表.xlsx", folder / "汇总表.xlsx")
        return folder


def copy_inputs(demo: Path, into: Path) -> Path:
    inputs = into / "inputs"
    shutil.copytree(demo / "inputs", inputs)
    return inputs


def workbook_of(inputs: Path, quarter: str, action_id: int) -> Path:
    [path] = (inputs / quarter).glob(f"{quarter}_第{action_id:02d}项_*.xlsx")
    return path


def edit(path: Path, change) -> Path:
    """Open a unit's workbook, change it as a clerk would, save it in place."""
    wb = openpyxl.load_workbook(path)
    change(wb)
    save_workbook(wb, path)
    return path


def cell(wb: Workbook, sheet: str, row_text: str, header: str):
    """The cell on the row holding `row_text` under the column headed `header`."""
    ws = wb[sheet]
    columns = {c.value: c.column for c in ws[L.HEADER_ROW] if c.value}
    row = next(r for r in range(L.FIRST_DATA_ROW, ws.max_row + 1)
               if any(ws.cell(r, c).value == row_text for c in range(1, 4)))
    return ws.cell(row, columns[header])


def set_figure(name: str, value: object):
    def change(wb: Workbook) -> None:
        cell(wb, L.SHEET_INDICATORS, name, L.IND_VALUE.header).value = value
    return change


def set_info(label: str, value: object):
    def change(wb: Workbook) -> None:
        ws = wb[L.SHEET_INFO]
        row = next(r for r in range(1, L.INFO_SEARCH_ROWS) if ws.cell(r, 1).value == label)
        ws.cell(row, 2).value = value
    return change


def build(name: str, root: Path, quarter: str) -> Built:
    registry = load_registry(root / "inputs" / "plan.toml")
    out = root / "outputs" / quarter
    result = build_quarter(registry, Quarter.parse(quarter), root / "inputs" / quarter, out)
    assert result.ok, result.error
    return Built(name, root, out, registry)
