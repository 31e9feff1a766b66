"""The documents the leadership receives, read back from the written .docx files.

Three builds of the demo quarter: the shipped kind (通报, the action reports as its 附件), and a 简报
whose action reports are standalone 情况报告 (inputs/document.toml).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from yc_reports.pipeline.build import build_quarter
from yc_reports.pipeline.demo import create_demo_inputs
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import resolve_registry
from yc_reports.render.palette import MIN_GREY_STEP, grey_level
from yc_reports.render.reports import unbreakable_tokens
from yc_reports.textwidth import text_width_em

Q = Quarter(2025, 3)
ORGAN = "宜昌市降碳减污扩绿增长十大行动指挥部办公室"
HEADING_NUMBER = {1: r"^[一二三四五六七八九十]+、", 2: r"^（[一二三四五六七八九十]+）", 3: r"^\d+\.", 4: r"^（\d+）"}
HEADING_FACE = {1: "黑体", 2: "楷体_GB2312", 3: "仿宋_GB2312", 4: "仿宋_GB2312"}
SOFTWARE_WORDS = re.compile(r"工作簿|单元格|模板|\.xlsx|\.docx|[A-Z]{1,2}\d{1,4}(?![\d年月])|![A-Z]|not-submitted|number-invalid"
                            r"|[a-z]+-[a-z]+")


@dataclass(frozen=True)
class Build:
    out: Path

    @property
    def summary(self) -> Path:
        return next(p for p in self.out.glob("*.docx") if p.name.endswith(("通报.docx", "简报.docx")))

    def action(self, n: int) -> Path:
        return next((self.out / "各行动报告").glob(f"第{n:02d}项_*.docx"))

    @property
    def actions(self) -> list[Path]:
        return [self.action(n) for n in range(1, 11)]


def _build(root: Path, name: str, settings_text: str | None) -> Build:
    target = root / "inputs" / "document.toml"
    if settings_text is None:
        target.unlink(missing_ok=True)
    else:
        target.write_text(settings_text, "utf-8")
    out = root / name / str(Q)
    result = build_quarter(resolve_registry(None, root / "inputs"), Q, root / "inputs" / str(Q), out)
    assert result.ok, result.error
    return Build(out)


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict[str, Build]:
    root = tmp_path_factory.mktemp("leadership")
    create_demo_inputs(root)
    return {
        "通报": _build(root, "notice", None),
        "简报": _build(root, "briefing", '[document]\nkind = "简报"\naction_reports = "情况报告"\n'),
    }


@pytest.fixture(scope="module")
def notice(builds) -> Build:
    return builds["通报"]


@pytest.fixture(scope="module")
def briefing(builds) -> Build:
    return builds["简报"]


# ------------------------------------------------------------------------------------ reading helpers


def texts(path: Path) -> list[str]:
    """Every paragraph's text, body and table cells (the 版记 included), in order."""
    document = docx.Document(path)
    out = [p.text for p in document.paragraphs]
    out += [p.text for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    return [t for t in out if t.strip()]


def east_asian_face(paragraph, run, styles) -> str:
    """The East Asian face a run is set in: the run's own w:eastAsia, else the paragraph style's, up its
    basedOn chain, else the document defaults."""
    fonts = run._r.find(qn("w:rPr") + "/" + qn("w:rFonts"))
    if fonts is not None and fonts.get(qn("w:eastAsia")):
        return fonts.get(qn("w:eastAsia"))
    style = paragraph.style
    while style is not None:
        fonts = style.element.find(qn("w:rPr") + "/" + qn("w:rFonts"))
        if fonts is not None and fonts.get(qn("w:eastAsia")):
            return fonts.get(qn("w:eastAsia"))
        style = style.base_style
    default = styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
    return default.get(qn("w:eastAsia"))


def headings(path: Path) -> list[tuple[int, str, object]]:
    document = docx.Document(path)
    out = []
    for p in document.paragraphs:
        if p.style.name.lower().startswith("heading "):
            out.append((int(p.style.name.split()[-1]), p.text, p))
    return out


# ------------------------------------------------------------------------------------ 通报 (the shipped kind)


def test_notice_has_the_document_number_and_no_issue_number(notice: Build):
    body = texts(notice.summary)
    assert body[0] == f"{ORGAN}文件"                     # 发文机关标志
    assert body[1] == "宜降碳办〔2025〕3号"              # 发文字号, one per quarter
    assert not any("第3期" in t for t in body)
    assert any(t.startswith("各专项行动指挥部") for t in body)    # 主送


def test_one_number_per_quarter_the_action_reports_carry_none(notice: Build, briefing: Build):
    for build in (notice, briefing):
        for path in build.actions:
            body = texts(path)
            numbered = [t for t in body if "宜降碳办" in t or re.fullmatch(r"\d{4}年第\d+期", t) or t.endswith("工作简报")]
            assert numbered == [], path
            assert not any(t.endswith("印发") for t in body), path          # no 版记 of their own


def test_notice_keeps_the_action_reports_as_its_last_attachment(notice: Build):
    body = texts(notice.summary)
    assert "附件：1. 十大行动亮灯情况表" in body and "2. 十大行动推进情况明细表" in body and "3. 十大行动推进情况" in body
    assert {"附件1", "附件2", "附件3"} <= set(body)
    titles = [t for t in body if t.replace("\n", "").endswith("2025年第三季度推进情况")]
    assert len(titles) == 10


def test_colophon_is_text_python_docx_reads_with_printer_and_date_on_one_line(notice: Build, briefing: Build):
    for path in (notice.summary, briefing.summary):
        cells = [c.text for t in docx.Document(path).tables for row in t.rows for c in row.cells]
        assert f"{ORGAN}\t2025年10月10日印发" in cells, path
    notice_cells = [c.text for t in docx.Document(notice.summary).tables for row in t.rows for c in row.cells]
    # a 通报's 版记: the leaders under 报, the offices of the 人大 and 政协 under 抄送 (the units are its 主送), 印发
    assert "报：市委、市政府主要领导及分管领导。" in notice_cells
    assert "抄送：市人大常委会办公室，市政协办公室。" in notice_cells
    assert not any(c.startswith(("送：", "发：")) for c in notice_cells)


def test_colophon_floats_on_the_last_pages_foot(notice: Build):
    body = docx.Document(notice.summary).element.body
    tables = body.findall(qn("w:tbl"))
    position = tables[-1].find(f"{qn('w:tblPr')}/{qn('w:tblpPr')}")
    assert position.get(qn("w:tblpYSpec")) == "bottom" and position.get(qn("w:vertAnchor")) == "margin"
    assert list(body).index(tables[-1]) == len(body) - 3     # the last thing in the document


def test_sealed_signature_leaves_room_and_puts_the_date_four_characters_in(notice: Build):
    document = docx.Document(notice.summary)
    paragraphs = document.paragraphs
    date_at = next(i for i, p in enumerate(paragraphs) if p.text == "2025年10月10日")
    assert paragraphs[date_at - 1].text == ORGAN
    assert [p.text for p in paragraphs[date_at - 3:date_at - 1]] == ["", ""]        # seal_lines = 2
    assert paragraphs[date_at - 4].text.startswith(("3.", "2.", "附件："))        # the seal's top within a line
    date_ind = paragraphs[date_at]._p.find(f"{qn('w:pPr')}/{qn('w:ind')}")
    assert date_ind.get(qn("w:rightChars")) == "400"
    # 附件说明, the blank lines and the 署名 stay on the page of the text above them
    attach_at = next(i for i, p in enumerate(paragraphs) if p.text.startswith("附件：1."))
    for p in paragraphs[attach_at - 2:date_at]:
        assert p._p.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None, p.text


def test_the_note_explains_time_progress_scope_and_source_once(notice: Build, briefing: Build):
    notes = [t for t in texts(notice.summary) if t.startswith("说明：")]
    assert len(notes) == 1
    assert "时序进度" in notes[0] and "本季度为75%" in notes[0] and "统计口径" in notes[0]
    assert "数据来源：各牵头单位报送" in notes[0]
    for path in briefing.actions[:5]:   # a standalone report explains itself, once
        assert len([t for t in texts(path) if t.startswith("说明：")]) <= 1


def test_no_software_words_where_leaders_read(notice: Build, briefing: Build):
    for path in [notice.summary, briefing.summary, *notice.actions, *briefing.actions]:
        for text in texts(path):
            # a 督办编号 (2025Q3-03-1) is the number units quote, not a cell reference
            found = SOFTWARE_WORDS.search(re.sub(r"\d{4}Q\d-\d{2}-\d+", "", text.replace("GDP", "")))
            assert found is None, (path.name, found.group(0) if found else "", text)


# ------------------------------------------------------------------------------------ headings


def test_headings_never_skip_a_level_and_are_numbered_for_theirs(notice: Build, briefing: Build):
    for path in [notice.summary, briefing.summary, *notice.actions]:
        levels = [1]
        for level, text, _ in headings(path):
            assert re.match(HEADING_NUMBER[level], text), (path.name, level, text)
            assert level <= levels[-1] + 1, (path.name, text)   # 一、 → （一） → 1. → （1）
            levels.append(level)


def test_heading_faces_follow_the_style_chain(notice: Build):
    document = docx.Document(notice.summary)
    seen = set()
    for level, text, p in headings(notice.summary):
        heading_run = p.runs[0]
        assert east_asian_face(p, heading_run, document.styles) == HEADING_FACE[level], text
        seen.add(level)
    assert {1, 2} <= seen                     # the Heading 2 style is used (（一） in 楷体)
    body = next(p for p in document.paragraphs if p.style.name == "Body Text" and p.text)
    assert east_asian_face(body, body.runs[0], document.styles) == "仿宋_GB2312"


# ------------------------------------------------------------------------------------ tables


def test_table_columns_hold_their_longest_unbreakable_piece(notice: Build):
    lead_units = {"市发改委", "市经信局", "市科技局", "市水利和湖泊局", "市交通运输局", "人行市中心支行",
                  "市地方金融工作局", "市住建局", "市文化和旅游局"}
    checked = 0
    for path in [notice.summary, *notice.actions]:
        for table in docx.Document(path).tables:
            if table._tbl.find(f"{qn('w:tblPr')}/{qn('w:tblpPr')}") is not None:
                continue   # the 版记
            for row in table.rows[1:]:
                for cell in row.cells:
                    width = int(cell._tc.find(f"{qn('w:tcPr')}/{qn('w:tcW')}").get(qn("w:w")))
                    size = cell._tc.find(f".//{qn('w:sz')}")
                    if size is None:
                        continue
                    em_twips = int(size.get(qn("w:val"))) * 10
                    tokens = unbreakable_tokens(cell.text) + [u for u in lead_units if u in cell.text]
                    longest = max(text_width_em(t) for t in tokens)
                    assert longest * em_twips <= width - 2 * 85, (path.name, cell.text, width)
                    checked += 1
    assert checked > 300


def test_dates_and_unit_names_are_whole_in_the_tables(notice: Build):
    document = docx.Document(notice.action(3))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "2025年12月31日" in cells      # a deadline, one piece


def test_light_fills_print_apart(notice: Build):
    document = docx.Document(notice.summary)
    fills = {}
    for table in document.tables:
        headers = [c.text for c in table.rows[0].cells]
        if "亮灯" not in headers:
            continue
        column = headers.index("亮灯")
        for row in table.rows[1:]:
            shading = row.cells[column]._tc.find(f"{qn('w:tcPr')}/{qn('w:shd')}")
            fills[row.cells[column].text] = (shading.get(qn("w:val")), shading.get(qn("w:fill")))
    assert set(fills) == {"绿灯", "黄灯", "红灯", "未报送"}
    solid = sorted(grey_level(fill) for label, (pattern, fill) in fills.items() if pattern == "clear")
    assert len(solid) == 3 and all(b - a >= MIN_GREY_STEP for a, b in itertools.pairwise(solid))
    assert fills["未报送"][0] == "pct20"     # grey: a dot pattern, not a level


# ------------------------------------------------------------------------------------ 简报 and 情况报告


def test_briefing_has_masthead_issue_number_no_recipient_and_no_signature(briefing: Build):
    body = texts(briefing.summary)
    assert body[0] == "降碳减污扩绿增长十大行动工作简报"
    assert body[1] == "2025年第3期"
    assert not any(t.startswith("各专项行动指挥部") for t in body)
    paragraphs = [p.text for p in docx.Document(briefing.summary).paragraphs]
    before_attachments = paragraphs[:paragraphs.index("附件1")]
    assert paragraphs.index("2025年10月10日") < 4                    # the 报头's date only
    assert ORGAN not in before_attachments[4:]                      # no 署名
    cells = [c.text for t in docx.Document(briefing.summary).tables for row in t.rows for c in row.cells]
    assert any(c.startswith("报：") for c in cells)            # 报尾
    assert "附件3" not in body and "十大行动推进情况" not in body  # the reports stand alone


def test_standalone_reports_are_signed_without_masthead(briefing: Build):
    paragraphs = [p.text for p in docx.Document(briefing.action(3)).paragraphs if p.text.strip()]
    assert paragraphs[0].startswith("建设绿色制造体系")
    assert paragraphs[-2:] == [ORGAN, "2025年10月10日"]
