"""pipeline.selection: per action, what the build reads and decides — the build's own reading, regrouped."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import factory
from yc_reports.intake.selection import Use
from yc_reports.issues import IssueCode
from yc_reports.pipeline.build import build_quarter
from yc_reports.pipeline.selection import read_selection
from yc_reports.plan.quarter import Quarter

Q3 = Quarter(2025, 3)


def test_selection_names_each_actions_files_and_agrees_with_the_build(tmp_path: Path):
    inputs = tmp_path / "inputs" / "2025Q3"
    inputs.mkdir(parents=True)
    factory.write_filled(inputs, 3)                                   # one clean workbook
    first = factory.write_filled(tmp_path, 4)                         # two different ones for action 4
    shutil.copyfile(first, inputs / "第04项_甲.xlsx")
    fill = dataclasses.replace(factory.clean_fill(4), filler="另一人")
    shutil.copyfile(factory.write_filled(tmp_path / "b", 4, fill=fill), inputs / "第04项_乙.xlsx")
    selection = read_selection(factory.REGISTRY, Q3, inputs, tmp_path / "cache")

    three, four, five = (selection.action(n) for n in (3, 4, 5))
    assert three.clean and len(three.files) == 1 and three.submitted
    assert four.submitted and four.data_pending and not four.clean
    assert sorted(four.files) == ["第04项_乙.xlsx", "第04项_甲.xlsx"]
    assert {i.code for i in four.issues} >= {IssueCode.DUPLICATE_WORKBOOK}
    assert [c.use for c in four.choices] == [Use.DUPLICATE, Use.DUPLICATE]
    assert [c.use for c in three.choices] == [Use.USED]
    assert not five.submitted and [i.code for i in five.issues] == [IssueCode.NOT_SUBMITTED]
    assert not selection.other_issues                                  # every issue placed

    result = build_quarter(factory.REGISTRY, Q3, inputs, tmp_path / "out")
    summary = json.loads((tmp_path / "out" / "summary.json").read_text("utf-8"))
    assert [(a.action_id, a.submitted, a.light.value) for a in selection.actions] == \
           [(a["id"], a["submitted"], a["light"]) for a in summary["actions"]]
    assert sorted(map(str, selection.issues)) == sorted(map(str, result.issues))
