"""A sample official document with every element, and a way to look at it.

    .venv/bin/python tests/render_sample.py [OUT_DIR]

writes sample.docx, sample.pdf and one PNG per page (LibreOffice, then pdftoppm at 60 dpi) into OUT_DIR
(default /tmp/yc-sample). The render tests build the same document through `build_sample`.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

from yc_reports.render.docx.document import OfficialDocument, Span
from yc_reports.render.docx.settings import DocumentSettings, load_document_settings
from yc_reports.render.docx.xml import tint

REPORT_DATE = dt.date(2025, 10, 8)
ISSUER = "宜昌市降碳减污扩绿增长十大行动指挥部办公室"
BODY = ("截至9月底，全市新增绿色工厂8家，完成2025年目标的66.7%，高于时序进度4.2个百分点；"
        "绿色园区建设有序推进，“一园一策”方案全部印发——各地按季度调度……")


def sample_png(width_px: int = 620, height_px: int = 300) -> bytes:
    """A plain grey PNG standing in for a chart (no matplotlib needed)."""
    import struct
    import zlib

    row = b"\x00" + b"\xcc\xcc\xcc" * width_px
    raw = row * height_px

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width_px, height_px, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9))
            + chunk(b"IEND", b""))


def build_sample(settings: DocumentSettings | None = None, figure_png: bytes | None = None) -> OfficialDocument:
    settings = settings or load_document_settings()
    doc = OfficialDocument(settings, stamp=REPORT_DATE)
    doc.masthead(settings.masthead_name, issue_label="2025年第3期", issuer=ISSUER, date=REPORT_DATE)
    doc.title("关于2025年第三季度降碳减污扩绿增长十大行动推进情况的通报")
    doc.main_recipient("各专项指挥部，指挥部各成员单位：")
    doc.paragraph(BODY * 2)
    doc.heading(1, "一、总体进展")
    doc.paragraph(BODY)
    doc.heading(2, "（一）绿色制造体系建设")
    doc.paragraph([Span("一是", bold=True), Span(BODY)])
    doc.heading(3, "1. 绿色工厂")
    doc.paragraph(BODY)
    doc.heading(4, "（1）新增情况")
    doc.paragraph(BODY)
    doc.figure(figure_png or sample_png(), 156, "示例图：各行动完成情况", caption="图1 各行动完成情况")
    rows = [[str(i), f"第{i}项重点任务名称较长需要换行显示的示例文字", "2025年12月31日", "正常推进",
             f"{i * 1234.5:.1f}"] for i in range(1, 41)]
    doc.table(["序号", "任务内容", "完成时限", "完成状态", "投资（万元）"], rows, [12, 58, 36, 24, 26],
              align=["center", "left", "center", "center", "right"], title="表1 重点任务推进情况",
              cell_fills={(1, 3): tint("C0392B"), (2, 3): tint("E0A800")})
    doc.paragraph(BODY)
    doc.attachment_list(["十大行动报送情况表", "校验问题清单"])
    doc.signature(ISSUER, REPORT_DATE)
    doc.attachment(1, "十大行动报送情况表")
    doc.table(["序号", "行动", "牵头单位", "报送情况"],
              [[str(i), f"第{i}项行动", "市发改委", "已报送"] for i in range(1, 11)], [16, 60, 50, 30],
              font_size_pt=10.5)
    doc.attachment(2, "校验问题清单")
    doc.paragraph("本季度报送的工作簿均通过校验，未发现问题。")
    doc.colophon(cc="市委办公室，市人大常委会办公室", printer=ISSUER, print_date=REPORT_DATE)
    return doc


NOTICE_NUMBER = "宜降碳办〔2025〕12号"


def build_notice_sample(settings: DocumentSettings | None = None) -> OfficialDocument:
    """A 通报: 版头 with 发文字号, title, 主送, body, 附件说明, sealed signature, one attachment, 版记."""
    settings = settings or load_document_settings()
    doc = OfficialDocument(settings, stamp=REPORT_DATE)
    doc.issuer_mark(f"{ISSUER}文件", NOTICE_NUMBER)
    doc.title("关于2025年第三季度降碳减污扩绿增长十大行动推进情况的通报")
    doc.main_recipient("各专项指挥部，指挥部各成员单位：")
    doc.paragraph(BODY * 2)
    doc.heading(1, "一、总体进展")
    doc.run_in_heading(2, "（一）绿色制造体系建设。", BODY)
    doc.paragraph(BODY)
    doc.attachment_list(["十大行动报送情况表"])
    doc.signature(ISSUER, REPORT_DATE, seal_lines=3)
    doc.attachment(None, "十大行动报送情况表")
    doc.table(["序号", "行动", "牵头单位", "报送情况"],
              [[str(i), f"第{i}项行动", "市水利和湖泊局", "已报送"] for i in range(1, 11)], [16, 60, 50, 30],
              font_size_pt=10.5)
    doc.colophon(recipients=(), cc="市委办公室，市人大常委会办公室", printer=ISSUER, print_date=REPORT_DATE)
    return doc


def render(out_dir: Path) -> list[Path]:
    from chart_fixtures import green_manufacturing
    from yc_reports.render.charts import indicator_progress_chart
    from yc_reports.render.pdf import convert_to_pdf
    from yc_reports.render.wording import Wording

    out_dir.mkdir(parents=True, exist_ok=True)
    chart = indicator_progress_chart(green_manufacturing(), wording=Wording()).png
    docx_path = build_sample(figure_png=chart).save(out_dir / "sample.docx")
    pdf = convert_to_pdf([docx_path], out_dir)[0]
    for old in out_dir.glob("page-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(out_dir / "page")], check=True)
    return sorted(out_dir.glob("page-*.png"))


if __name__ == "__main__":
    for page in render(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/yc-sample")):
        print(page)
