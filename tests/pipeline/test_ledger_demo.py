"""The demo's five quarters through the 督办 ledger, the notices and the projections.

Story (pipeline/demo_data.RECTIFICATIONS): items are the red matters themselves (third version: 督办 by
item), listed from 2024Q3 on; the units report on them in the next quarters' 整改落实 sheets; in 2025Q3 four
2024Q3 items are overdue, one of them (第九项's task) no longer listed; 2025Q1-03-1 was closed in 2025Q2.
"""

import json

import openpyxl
import pytest

from yc_reports.pipeline.build import build_quarter
from yc_reports.pipeline.demo import create_demo_inputs
from yc_reports.pipeline.notices import make_notices
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import load_registry
from yc_reports.render.notices import MAX_CHARS
from yc_reports.workbook import layout as L

Q3 = Quarter(2025, 3)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("ledger-demo")
    create_demo_inputs(root)
    registry = load_registry(root / "inputs" / "plan.toml")
    out = root / "outputs" / "2025Q3"
    result = build_quarter(registry, Q3, root / "inputs" / "2025Q3", out)
    assert result.ok, result.error
    return root, registry, out, json.loads((out / "summary.json").read_text("utf-8"))


def states(summary) -> dict[str, tuple[str, str | None]]:
    return {i["id"]: (i["state"], i["closed_in"]) for i in summary["supervision"]}


def test_summary_supervision_has_closed_and_overdue_items_with_product_fields(demo):
    _, _, _, summary = demo
    found = states(summary)
    assert found["2025Q1-03-1"] == ("closed", "2025Q2")
    assert found["2024Q3-03-1"] == ("overdue", None)          # 整改中, still listed, deadline 2024-10-25
    assert found["2024Q3-09-1"] == ("closed", "2025Q3")       # reported done in 2025Q3, the task on schedule again
    assert found["2024Q3-09-2"] == ("overdue", None)          # the project not started, never reported on
    listed = {i["id"]: i["listed_now"] for i in summary["supervision"]}
    # third version, 督办 by item: the incinerator not started after its planned start is red by itself
    assert (listed["2024Q3-03-1"], listed["2024Q3-09-1"], listed["2024Q3-09-2"]) == (True, False, True)
    # 2024: 综合收入 has no 2024 target of its own (not judged against 2025's), and the 2024Q4 projects missed
    # their annual plans by less than the lagging band (91%–96%): no item of 2024Q4, none for 第十项
    assert sorted(i for i in found if i.startswith("2024Q4") or i.endswith(("-10-1", "-10-2"))) == []
    first = summary["supervision"][0]
    assert list(first)[:6] == ["id", "action", "text", "deadline", "state", "since"]
    assert (first["action"], first["deadline"], first["since"]) == (3, "2024-10-25", "2024Q3")


def test_ledger_sheet_in_summary_workbook_lists_every_item(demo):
    _, _, out, summary = demo
    ws = openpyxl.load_workbook(out / "汇总表.xlsx")["督办台账"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [i["id"] for i in summary["supervision"]]
    by_id = {r[0]: r for r in rows}
    assert by_id["2024Q3-03-1"][6] == "逾期未整改" and by_id["2025Q1-03-1"][6] == "已销号"


def test_summary_document_names_overdue_items_and_counts_closed_ones(demo):
    import docx

    _, _, out, _ = demo
    [path] = out.glob("*通报.docx")
    text = "\n".join(p.text for p in docx.Document(path).paragraphs)
    assert "前期督办事项1项整改到位、本季度销号" in text
    # the 督办编号 units quote, with the matter, the unit and the 整改时限
    assert "3项逾期未整改：市经信局2024Q3-03-1“建设绿色园区数量”等，整改时限2024年10月25日" in text


def test_2025q3_templates_carry_the_open_items_and_the_units_answers(demo):
    root, _, _, _ = demo
    [path] = (root / "inputs" / "2025Q3").glob("2025Q3_第03项_*.xlsx")
    ws = openpyxl.load_workbook(path)[L.SHEET_RECTIFICATION]
    rows = [r for r in ws.iter_rows(min_row=L.FIRST_DATA_ROW, values_only=True) if r[0]]
    assert [r[0] for r in rows] == ["2024Q3-03-1"]   # 2025Q1-03-1 was closed in 2025Q2
    # the unit's last answer (2025Q2: 整改中) stands read-only beside the empty input cells; the demo's unit
    # filled in this quarter's answer (demo_data.RECTIFICATIONS)
    assert (rows[0][3], rows[0][7], rows[0][8]) == ("指导猇亭化工园区按绿色园区评价要求整改。", "整改中", "整改中")


def test_notices_within_300_characters_name_the_right_units(demo):
    root, registry, out, _ = demo
    result = make_notices(registry, Q3, root / "inputs" / "2025Q3", out)
    assert result.ok, result.error
    got = [(n.kind.value, n.action_id, n.recipients) for n in result.notices]
    assert got == [("催报", 6, ("市交通运输局", "市发改委")), ("督办", 3, ("市经信局",)),
                   ("督办", 7, ("市发改委",)), ("督办", 9, ("市住建局",))]
    assert all(len(n.text) <= MAX_CHARS for n in result.notices)
    # a red action's notice names its 督办 items only: 第三项's green factories (关注, yellow) are not among them
    assert "建设绿色园区数量" in result.notices[1].text and "新增绿色工厂" not in result.notices[1].text
    assert all(n.text.startswith(f"【{n.kind.value}】{'、'.join(n.recipients)}：") for n in result.notices)
    # 第九项 is red by its project not started (third version: by item): its notice names the project, already an
    # overdue item; its other item (the task) was reported done and closed this quarter, so it is not escalated
    assert result.notices[3].text.startswith("【督办】市住建局：第九项行动“提升城乡绿色人居环境”2025年第三季度亮红灯，"
                                             "重大项目“城乡生活垃圾焚烧发电二期”已过计划开工时间")
    assert "上述事项前期已督办，逾期仍未整改到位" in result.notices[3].text
    assert "全市城乡绿色人居环境" not in result.notices[3].text
    names = sorted(p.name for p in result.files)
    assert names == ["催报督办通知.txt", "催报督办通知.xlsx"]
    again = build_quarter(registry, Q3, root / "inputs" / "2025Q3", out)   # a build keeps the notices
    assert again.ok and (out / "催报督办" / "催报督办通知.txt").is_file()


def test_projections_in_summary_for_flow_count_and_level(demo):
    _, _, _, summary = demo
    ind = {i["key"]: i for a in summary["actions"] for i in a["indicators"]}
    assert (ind["tourism_revenue"]["projected"], ind["tourism_revenue"]["on_pace"]) == (1360, False)
    assert (ind["green_factories"]["projected"], ind["green_factories"]["on_pace"]) == (8.75, False)
    assert (ind["eco_base_flow"]["projected"], ind["eco_base_flow"]["on_pace"]) == (96, True)
    assert ind["innovation_platforms"]["projected"] is None        # a 2023 target: a stage result


def test_summary_document_has_a_finish_section_in_the_target_year(demo):
    import docx

    _, _, out, _ = demo
    [path] = out.glob("*通报.docx")
    text = "\n".join(p.text for p in docx.Document(path).paragraphs)
    # the 正文 names the targets at risk; the reckoning is in 附件2 (tables and analysis to 附件)
    assert "项2025年到期的目标按目前进度年底前难以完成" in text and "六、下一步工作要求" in text
    assert "2025年到期目标收官测算" in text and "第四季度需完成980亿元，而本季度完成400亿元" in text


def test_finish_section_never_rounds_a_quarters_average_to_a_wrong_whole_number(demo):
    import docx

    _, _, out, _ = demo
    [path] = out.glob("*通报.docx")
    text = "\n".join(p.text for p in docx.Document(path).paragraphs)
    # 绿色工厂 5 → 8 over four quarters: 0.75 a quarter, printed 0.8家 (not 1家); 园区 0.25 → 0.3个
    assert "近四个季度共增加3家（平均每季度0.8家）" in text
    assert "近四个季度共增加1个（平均每季度0.3个）" in text
    assert "近四个季度共提高3.4个百分点（平均每季度0.85个百分点）" in text
