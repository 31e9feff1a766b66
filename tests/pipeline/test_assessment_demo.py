"""年度考核 over the demo's 2025 (its four quarters are in the inputs): scores by hand from the rules."""

from decimal import Decimal
from fractions import Fraction

import docx
import openpyxl
import pytest

from yc_reports.analysis.assessment import Part
from yc_reports.pipeline.assessment import make_assessment
from yc_reports.pipeline.demo import create_demo_inputs
from yc_reports.plan.registry import load_registry


@pytest.fixture(scope="module")
def assessed(tmp_path_factory):
    root = tmp_path_factory.mktemp("assess-demo")
    create_demo_inputs(root)
    registry = load_registry(root / "inputs" / "plan.toml")
    result = make_assessment(registry, 2025, root / "inputs", root / "outputs")
    assert result.ok, result.error
    return root, registry, result


def score(result, action_id):
    return next(s for s in result.assessment.scores if s.action.id == action_id)


def parts(s):
    return {p.part: (p.applies, p.score) for p in s.parts}


def test_three_units_scored_by_hand_from_the_default_rules(assessed):
    _, _, result = assessed
    # 第三项 市经信局: 绿色工厂 10/12 and 绿色园区 1/2 未完成 (−10 −10 of 50); the 2025 task
    # 化工产业绿色制造体系 unfinished (−5 of 30); 督办 2024Q3-03-1 overdue, but it is the 绿色园区 matter already
    # deducted as 未完成: named with that deduction, not deducted again; no receipt on record, so no lateness
    # judged, and no errors: 20. (30 + 25 + 20) / 100 × 100 = 75.
    third = score(result, 3)
    assert parts(third) == {Part.INDICATORS: (True, 30), Part.TASKS: (True, 25), Part.REPORTING: (True, 20)}
    assert third.total == 75 and third.rank == 9    # shared with 第十项
    [parks] = [d for d in third.deductions if d.subject == "建设绿色园区数量"]
    assert [o.rule for o in parks.also] == ["overdue_item"]
    # 第九项 市住建局: no indicators (part not scored); red in 2024Q3 (its 2025 task reported 滞后, and the
    # 城乡生活垃圾焚烧发电二期 project at 0 of its annual plan), so two 督办 items, 2024Q3-09-1 and 2024Q3-09-2;
    # the first reported done and closed in 2025Q3, the second overdue at the year's end (−3 of 30); 2025Q3's
    # workbook had an error (−2 of 20): (27 + 18) / (30 + 20) × 100 = 90.
    ninth = score(result, 9)
    assert parts(ninth) == {Part.INDICATORS: (False, 0), Part.TASKS: (True, 27), Part.REPORTING: (True, 18)}
    assert [d.rule for d in ninth.deductions] == ["overdue_item", "report_errors"]
    assert ninth.total == Fraction(45 * 100, 50) == 90
    # 第六项 市交通运输局、市发改委: 2025Q3 not reported (−5 of 20); tasks all done: (30 + 15) / 50 = 90.
    sixth = score(result, 6)
    assert [d.rule for d in sixth.deductions] == ["report_missing"] and sixth.total == 90
    # 第一项 市发改委: 二氧化碳排放降低率 19.2 of 19.5 未完成 (−10 of 50), tasks and reporting full: 90 as well.
    first = score(result, 1)
    assert first.total == 90
    # 第二、五、七项 100 (1), 第八项 95 (4), 第一、六、九项 90 share 5, so 第四项 is 8th
    assert first.rank == sixth.rank == ninth.rank == 5 and score(result, 4).rank == 8   # equal totals share a rank


def test_every_deduction_has_its_basis_in_the_report_and_the_workbook(assessed):
    root, _, result = assessed
    folder = root / "outputs" / "2025年度考核"
    [report] = folder.glob("*.docx")
    text = "\n".join(p.text for p in docx.Document(report).paragraphs)
    assert "（六）第三项“建设绿色制造体系”（市经信局），得分75分" in text
    assert ("“建设绿色园区数量”未完成2025年目标；该事项为2024年第三季度督办事项，超过整改时限（2024年10月25日）"
            "未整改到位，同属一事，不重复扣分，扣10分") in text
    assert "2025Q3" not in text and "100.0" not in text
    [book] = folder.glob("*.xlsx")
    wb = openpyxl.load_workbook(book)
    details = list(wb["扣分明细"].iter_rows(min_row=2, values_only=True))
    assert len(details) == sum(len(s.deductions) for s in result.assessment.scores)
    assert all(row[4].endswith("分") for row in details)
    assert [r[:2] for r in wb["得分"].iter_rows(min_row=2, max_row=4, values_only=True)] == [(1, 2), (1, 5), (1, 7)]


def test_rules_changed_in_the_plan_change_the_scores(assessed, tmp_path):
    root, _, _ = assessed
    plan = (root / "inputs" / "plan.toml").read_text("utf-8")
    plan = plan.replace("overdue_item = 3 ", "overdue_item = 10 ")
    (tmp_path / "plan.toml").write_text(plan, "utf-8")
    registry = load_registry(tmp_path / "plan.toml")
    assert registry.assessment.overdue_item == Decimal(10)
    result = make_assessment(registry, 2025, root / "inputs", tmp_path / "out")
    assert score(result, 9).total == 76      # ((30 − 10) + 18) / 50 × 100: one item overdue at the year's end
    assert score(result, 3).total == 75      # its overdue item is the 绿色园区 matter, deducted once (10 either way)


def test_assess_without_the_years_fourth_quarter_says_so(assessed, tmp_path):
    root, registry, _ = assessed
    result = make_assessment(registry, 2022, root / "inputs", tmp_path / "out")
    assert not result.ok and "找不到2022年第四季度的报送文件夹" in result.error
    assert not (tmp_path / "out" / "2022年度考核").exists()
