"""催报 and 督办 notices: short texts for SMS or WeChat, a .txt and an .xlsx.

The portal shows the same texts: `quarter_notices(report)` is the library call for it.
Every text is at most MAX_CHARS characters: when a red action's reasons make it longer, the last
reasons give way to a count (“……等5个事项”), never a cut sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from yc_reports.analysis.model import QuarterReport
from yc_reports.analysis.notices import NoticeFacts, NoticeKind, notice_facts
from yc_reports.render.wording import Wording

MAX_CHARS = 300
TEMPLATE = "notices.j2"
TEXT_FILE = "催报督办通知.txt"
WORKBOOK_FILE = "催报督办通知.xlsx"
OFFICE_SHORT = "指挥部办公室"


@dataclass(frozen=True)
class Notice:
    kind: NoticeKind
    action_id: int
    recipients: tuple[str, ...]   # the action's lead units
    text: str                     # ready to send, at most MAX_CHARS characters


class NoticeTooLong(RuntimeError):
    """The office's notices template gives a text over MAX_CHARS even without reasons (message in Chinese)."""


def quarter_notices(report: QuarterReport, wording: Wording | None = None) -> tuple[Notice, ...]:
    """Every 催报 / 督办 notice of the quarter, 催报 first, in action order."""
    wording = wording or Wording()
    return tuple(render_notice(facts, wording) for facts in notice_facts(report))


def render_notice(facts: NoticeFacts, wording: Wording) -> Notice:
    """The fullest text within MAX_CHARS: every reason and overdue item named, then fewer reasons,
    then the overdue items counted instead of named."""
    attempts = [(shown, True) for shown in range(len(facts.reasons), -1, -1)] + [(0, False)]
    for shown, name_overdue in attempts:
        text = _render(facts, wording, shown, name_overdue)
        if len(text) <= MAX_CHARS:
            return Notice(facts.kind, facts.action.id, facts.action.lead_units, text)
    raise NoticeTooLong(f"第{facts.action.cn_number}项的{facts.kind.value}通知超过{MAX_CHARS}字，"
                        f"请精简通知文字模板 {TEMPLATE}。")


def _render(facts: NoticeFacts, wording: Wording, shown: int, name_overdue: bool) -> str:
    text = wording.render(TEMPLATE, n=facts, reasons=list(facts.reasons[:shown]),
                          more=len(facts.reasons) - shown, name_overdue=name_overdue, office_short=OFFICE_SHORT)
    return "".join(line.strip() for line in text.splitlines())


def notices_text(report: QuarterReport, notices: Sequence[Notice]) -> str:
    """The .txt: a heading line, then each notice under the line naming its recipients."""
    lines = [f"{report.plan.short_name}{report.quarter.label}催报督办通知（共{len(notices)}条）", ""]
    if not notices:
        lines.append("本季度各行动均已报送，且无亮红灯的行动，无需发送催报、督办通知。")
    for i, n in enumerate(notices, start=1):
        lines += [f"第{i}条　{n.kind.value}　发送：{'、'.join(n.recipients)}", n.text, ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def write_notices(report: QuarterReport, notices: Sequence[Notice], folder: Path) -> tuple[Path, Path]:
    """Write the .txt and the .xlsx into `folder` (a staging folder); return their paths."""
    from openpyxl import Workbook

    from yc_reports.render.summary_xlsx import Col, table_sheet
    from yc_reports.workbook.xlsx_io import save_workbook

    folder = Path(folder)
    text_path = folder / TEXT_FILE
    text_path.write_bytes(notices_text(report, notices).encode("utf-8"))
    wb = Workbook()
    wb.remove(wb.worksheets[0])
    ws = wb.create_sheet("催报督办通知")
    cols = [Col("序号", center=True), Col("类型", center=True), Col("行动序号", center=True), Col("发送对象"),
            Col("通知内容", wrap=True), Col("字数", center=True)]
    rows = [[i, n.kind.value, n.action_id, "、".join(n.recipients), n.text, len(n.text)]
            for i, n in enumerate(notices, start=1)]
    table_sheet(ws, cols, rows, f"{report.plan.short_name}{report.quarter.label}催报督办通知")
    book_path = folder / WORKBOOK_FILE
    save_workbook(wb, book_path)
    return text_path, book_path
