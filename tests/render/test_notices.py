"""Notice texts: the 300-character limit gives way reason by reason, never cutting a sentence."""

import datetime as dt

from yc_reports.analysis.model import Reason, ReasonKind, TaskResult
from yc_reports.analysis.notices import NoticeFacts, NoticeKind
from yc_reports.intake.records import TaskStatus
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import load_registry
from yc_reports.render.notices import MAX_CHARS, render_notice
from yc_reports.render.wording import Wording

REGISTRY = load_registry()


def test_long_red_reasons_give_way_to_a_count_within_300_characters():
    tasks = [TaskResult(key=f"t{i}", content=f"第{i}项需要较长文字描述的重点任务内容，用于检验通知长度控制",
                        deadline=dt.date(2023, 12, 31), reported=TaskStatus.ON_SCHEDULE, overdue=True, behind=True,
                        progress="", problems="") for i in range(1, 9)]
    reasons = tuple(Reason(ReasonKind.TASK_BEHIND, task=t, quarter=Quarter(2025, 3)) for t in tasks)
    facts = NoticeFacts(NoticeKind.SUPERVISE, REGISTRY.action(7), Quarter(2025, 3), "办公室",
                        dt.date(2025, 10, 25), reasons=reasons, red=True)
    notice = render_notice(facts, Wording())
    assert len(notice.text) <= MAX_CHARS
    assert "等8个事项" in notice.text and "第1项需要" in notice.text and "第8项需要" not in notice.text
    assert notice.text.endswith("指挥部办公室")


def test_chase_notice_names_the_quarter_and_the_due_date():
    facts = NoticeFacts(NoticeKind.CHASE, REGISTRY.action(6), Quarter(2025, 3), "办公室", dt.date(2025, 10, 10))
    notice = render_notice(facts, Wording())
    assert notice.recipients == ("市交通运输局", "市发改委")
    assert "2025年第三季度调度数据按要求应于2025年10月10日前报送" in notice.text
