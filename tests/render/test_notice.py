"""The quarterly 通报 shaped as offices issue them, read back from the written .docx: a 正文 of at most
three pages (rendered by LibreOffice where present; the layout estimate checked against the render), the whole-list
tally equal to summary.json, every 督办编号 printed one of summary.json's, every unit the 下一步 names behind with an
overdue item, the 简报 speaking as a 简报, no clerk's name or phone number in a document copied outside.

Three quarters: the demo's (2025Q3, the session build), a hostile 2025Q4 made from the demo's workbooks (120 tasks
in one action, two differing copies of one action, a blank figure, text in a number cell, "无" wherever a clerk
writes text) and the demo's 2025Q4 as a 简报.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import shutil
import subprocess
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn

from consistency.consistency_claims import STATUS_WORDS, TASK_WORDS, lights_said, share, task_state
from yc_reports.pipeline.build import build_quarter
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import resolve_registry
from yc_reports.workbook import layout as L

RENDERS = shutil.which("soffice") is not None and shutil.which("pdftotext") is not None
NOTICE_PAGES, BRIEF_PAGES = 3, 2



@dataclass(frozen=True)
class Quarterly:
    """A built quarter: its folder, the quarterly document and summary.json."""

    out: Path

    @property
    def document(self) -> Path:
        [path] = [p for p in self.out.glob("*.docx") if p.name.endswith(("通报.docx", "简报.docx"))]
        return path

    @property
    def data(self) -> dict:
        return json.loads((self.out / "summary.json").read_text("utf-8"))

    def body(self) -> list[str]:
        """The 正文's paragraphs: from the first after the title to the 附件说明."""
        texts = [p.text for p in docx.Document(self.document).paragraphs if p.text.strip()]
        start = next(i for i, t in enumerate(texts) if t.startswith("根据"))
        end = next((i for i, t in enumerate(texts) if t.startswith("附件：")), None)
        if end is None:   # a 简报 lists no 附件: its 正文 ends before the first one
            end = next(i for i, t in enumerate(texts) if t == "附件1")
        return texts[start:end]

    def section(self, heading: str) -> str:
        body = self.body()
        start = next(i for i, t in enumerate(body) if re.fullmatch(r"[一二三四五六七八九十]+、" + heading, t))
        end = next((i for i in range(start + 1, len(body)) if re.match(r"[一二三四五六七八九十]+、", body[i])), len(body))
        return "".join(body[start + 1:end])


def build(root: Path, quarter: Quarter, name: str) -> Quarterly:
    out = root / name / str(quarter)
    result = build_quarter(resolve_registry(None, root / "inputs"), quarter, root / "inputs" / str(quarter), out)
    assert result.ok, result.error
    return Quarterly(out)


def column(columns, wanted) -> int:
    """Where the template puts a column (1-based): the reader finds it by its header."""
    return columns.index(wanted) + 1


def make_hostile(inputs: Path) -> None:
    """The demo's 2025Q4 workbooks as clerks spoil them (the same as the page images of the issue's note)."""
    q = inputs / "2025Q4"
    files = {int(p.name.split("第")[1][:2]): p for p in q.glob("*.xlsx")}

    def header(ws) -> int:
        return next(r for r in range(1, 10) if ws.cell(r, 1).value == "序号")

    wb = openpyxl.load_workbook(files[7])
    ws = wb["重点任务"]
    start = header(ws) + 4
    for i in range(117):   # 120 tasks in all: many overdue, some 滞后, some without a state, fillers for problems
        r = start + i
        ws.cell(r, 1).value = 4 + i
        ws.cell(r, 2).value = f"宜荆荆都市圈协同发展重点事项第{i + 1}项"
        ws.cell(r, 3).value = dt.datetime(2024 + (i % 3), (6, 9, 12)[i % 3], (30, 30, 31)[i % 3])
        ws.cell(r, column(L.TASK_COLUMNS, L.TASK_STATUS)).value = (None, "正常推进", "已完成", "滞后", "正常推进", "未启动")[i % 6]
        ws.cell(r, column(L.TASK_COLUMNS, L.TASK_PROGRESS)).value = "无" if i % 5 == 0 else f"第{i + 1}项工作推进中。"
        ws.cell(r, column(L.TASK_COLUMNS, L.TASK_PROBLEMS)).value = ("无", "/", "暂无", "跨区域协调难度大", None)[i % 5]
    wb.save(files[7])
    copy = files[3].with_name(files[3].stem + "（修改稿）.xlsx")   # two differing copies of 第三项
    shutil.copy(files[3], copy)
    wb = openpyxl.load_workbook(copy)
    wb["指标进展"].cell(header(wb["指标进展"]) + 2, column(L.INDICATOR_COLUMNS, L.IND_VALUE)).value = 11
    wb.save(copy)
    wb = openpyxl.load_workbook(files[10])   # a blank figure
    wb["指标进展"].cell(header(wb["指标进展"]) + 1, column(L.INDICATOR_COLUMNS, L.IND_VALUE)).value = None
    wb.save(files[10])
    wb = openpyxl.load_workbook(files[1])    # text in a number cell
    wb["指标进展"].cell(header(wb["指标进展"]) + 1, column(L.INDICATOR_COLUMNS, L.IND_VALUE)).value = "约14.6"
    wb.save(files[1])
    wb = openpyxl.load_workbook(files[5])    # "无" wherever a clerk writes text
    for sheet, col in (("指标进展", column(L.INDICATOR_COLUMNS, L.IND_NOTE)), ("重点任务", column(L.TASK_COLUMNS, L.TASK_PROBLEMS))):
        ws = wb[sheet]
        for r in range(header(ws) + 1, ws.max_row + 1):
            if ws.cell(r, 2).value:
                ws.cell(r, col).value = "无"
    ws = wb["基本信息"]
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, 1).value in ("本季度工作综述", "下一步工作计划"):
            ws.cell(r, 2).value = "无"
    wb.save(files[5])


@pytest.fixture(scope="module")
def demo(demo_build) -> Quarterly:
    return Quarterly(demo_build.out)


@pytest.fixture(scope="module")
def hostile(demo_build, tmp_path_factory) -> Quarterly:
    root = tmp_path_factory.mktemp("hostile")
    shutil.copytree(demo_build.root / "inputs", root / "inputs")
    make_hostile(root / "inputs")
    return build(root, Quarter(2025, 4), "outputs")


@pytest.fixture(scope="module")
def brief(demo_build, tmp_path_factory) -> Quarterly:
    root = tmp_path_factory.mktemp("brief")
    shutil.copytree(demo_build.root / "inputs", root / "inputs")
    (root / "inputs" / "document.toml").write_text('[document]\nkind = "简报"\n', "utf-8")
    return build(root, Quarter(2025, 4), "outputs")


QUARTERS = ("demo", "hostile", "brief")


@pytest.fixture(params=QUARTERS)
def quarterly(request) -> Quarterly:
    return request.getfixturevalue(request.param)


# ------------------------------------------------------------------------------------ pages


def rendered_body_pages(document: Path, folder: Path) -> int:
    """Pages of the 正文 in LibreOffice's render: those before the page that opens with 附件1."""
    from yc_reports.render.pdf import convert_to_pdf

    [pdf] = convert_to_pdf([document], folder)
    for page in range(1, 200):
        text = subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        lines = [line for line in text.splitlines() if line.strip()]
        if lines and lines[0].replace(" ", "") == "附件1":
            return page - 1
    raise AssertionError("no 附件1 page")


def estimate(quarterly: Quarterly, inputs: Path | None = None):
    """The layout estimate of the written document's 正文, as compose_summary chose it."""
    from yc_reports.analysis.overview import overview
    from yc_reports.analysis.projection import finish
    from yc_reports.pipeline.build import read_quarter
    from yc_reports.render.docx.settings import resolve_document_settings
    from yc_reports.render.reports import summary_outline
    from yc_reports.render.wording import Wording

    root = quarterly.out.parent.parent
    registry = resolve_registry(None, root / "inputs")
    q = Quarter.parse(quarterly.data["quarter"])
    report = read_quarter(registry, q, root / "inputs" / str(q), None)
    settings = resolve_document_settings(None, root / "inputs").resolved(report.plan)
    return summary_outline(report, settings, Wording(), overview(report), finish(report))


@pytest.mark.skipif(not RENDERS, reason="needs LibreOffice (soffice) and pdftotext to count the pages")
def test_the_body_fits_its_pages_and_the_estimate_is_never_short(quarterly: Quarterly, tmp_path: Path):
    limit = BRIEF_PAGES if quarterly.document.name.endswith("简报.docx") else NOTICE_PAGES
    pages = rendered_body_pages(quarterly.document, tmp_path)
    assert pages <= limit, quarterly.document.name
    outline = estimate(quarterly)
    # the estimate errs long, never short, and by less than half a page
    assert math.ceil(outline.estimated_pages) >= pages and outline.estimated_pages - pages < 0.5


def test_without_a_renderer_the_estimate_keeps_the_limit(quarterly: Quarterly):
    limit = BRIEF_PAGES if quarterly.document.name.endswith("简报.docx") else NOTICE_PAGES
    outline = estimate(quarterly)
    assert outline.estimated_pages <= limit or outline.detail == 0


# ------------------------------------------------------------------------------------ the tally


def counted(data: dict) -> list[dict]:
    """The actions whose items the tally counts: reported with usable data (not grey)."""
    return [a for a in data["actions"] if a["submitted"] and a["light"] != "grey"]


def test_the_tally_equals_summary_json(quarterly: Quarterly):
    data, text = quarterly.data, quarterly.section("总体情况")
    actions = counted(data)
    indicators = [i for a in actions for i in a["indicators"] if i.get("current", True)]
    statuses = [i["status"] for i in indicators]
    m = re.search(r"(\d+)项指标中(.+?)，(?:纳入评价的(\d+)项中)?已完成或进度正常、超前的占([\d.]+%)", text)
    assert m, text
    assert int(m[1]) == len(indicators)
    printed = dict((word, int(n)) for word, n in re.findall(r"([^、\d]+?)(\d+)项", m[2]))
    assert printed == {STATUS_WORDS[s]: statuses.count(s) for s in set(statuses)}
    # the share is of the indicators judged; the base is named whenever some are not (暂不评价, 无有效数据)
    judged = [s for s in statuses if s not in (None, "not_rated", "no_data")]
    assert (int(m[3]) if m[3] else len(indicators)) == len(judged)
    good = sum(1 for s in judged if s in ("met", "ahead", "on_track"))
    assert m[4] == share(good, len(judged))
    tasks = [task_state(t) for a in actions for t in a["tasks"]]
    m = re.search(r"(\d+)项重点任务中(.+?)[；。]", text)
    assert m and int(m[1]) == len(tasks), text
    if m[2].startswith("均"):
        assert len(set(tasks)) == 1 and TASK_WORDS[tasks[0]] == m[2][1:]
    else:
        printed = dict((word, int(n)) for word, n in re.findall(r"([^、\d]+?)(\d+)项", m[2]))
        assert printed == {TASK_WORDS[s]: tasks.count(s) for s in set(tasks)}
    projects = [p for a in actions for p in a["projects"]]
    with_figures = [p for p in projects if p["annual_plan"] is not None and p["ytd_completed"] is not None]
    if projects:
        m = re.search(r"(\d+)个重大项目(?:中(\d+)个报送了投资数据，)?今年累计完成投资([\d.]+)(亿元|万元)，完成年度计划的([\d.]+%)",
                      text)
        assert m, text
        assert int(m[1]) == len(projects) and int(m[2] or len(projects)) == len(with_figures)
        ytd = sum(Decimal(str(p["ytd_completed"])) for p in with_figures)
        plan = sum(Decimal(str(p["annual_plan"])) for p in with_figures)
        shown = Decimal(m[3]) * (10000 if m[4] == "亿元" else 1)
        assert abs(shown - ytd) < 50 and m[5] == share(ytd, plan)
    assert lights_said(text) == {k: data["counts"][k] for k in ("green", "yellow", "red")}


def test_the_grade_rests_on_the_share_it_prints(quarterly: Quarterly):
    """One judgement, graded by the plan's thresholds (85 % and 70 %) on the share printed beside it."""
    text = quarterly.section("总体情况")
    m = re.search(r"推进总体(顺利|平稳|偏慢).*?纳入评价的(\d+)项指标、任务和项目中已完成或按进度推进的占([\d.]+)%", text)
    assert m, text
    expected = "顺利" if Decimal(m[3]) >= 85 else "平稳" if Decimal(m[3]) >= 70 else "偏慢"
    assert m[1] == expected


# ------------------------------------------------------------------------------------ 督办 and 下一步


def test_every_督办编号_printed_is_summary_jsons_with_its_unit_and_deadline(quarterly: Quarterly):
    data = quarterly.data
    known = {i["id"]: i for i in data["supervision"]}
    body = "".join(quarterly.body())
    printed = re.findall(r"(\d{4}Q\d-\d{2}-\d+)", body)
    if quarterly.document.name.endswith("简报.docx"):
        assert printed == []          # a 简报 gives no 督办 numbers and no deadlines
        return
    assert printed, "no 督办编号 in the 正文"
    text = quarterly.section("督办事项")
    for number in printed:
        item = known[number]
        clause = re.split(r"[；：]", text[:text.index(number)])[-1]   # the unit opens the clause of its items
        assert clause.startswith(item["lead_units"]), (number, clause)
        after = text[text.index(number):]
        deadline = dt.date.fromisoformat(item["deadline"])
        assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in after.split("。")[0], number
    new = [i for i in data["supervision"] if i["since"] == data["quarter"]]
    if new:
        assert f"本期新列入督办事项{len(new)}项" in text


def test_every_unit_the_next_steps_name_is_behind_with_an_overdue_item(quarterly: Quarterly):
    if quarterly.document.name.endswith("简报.docx"):
        pytest.skip("a 简报 gives no directions")
    data = quarterly.data
    text = quarterly.section("下一步工作要求")
    units = {u for a in data["actions"] for u in a["lead_units"]}
    named = {u for u in units if u in text}
    overdue = {u for i in data["supervision"] if i["state"] == "overdue" for u in i["lead_units"].split("、")}
    assert named <= overdue and overdue <= named, (named, overdue)
    assert "回头看" in text and re.search(r"\d{4}年\d{1,2}月\d{1,2}日开展“回头看”", text)


def test_the_next_steps_know_the_quarters_place_in_the_plan(demo: Quarterly, hostile: Quarterly):
    assert "收官之年" in demo.section("下一步工作要求")                  # 2025Q3: the plan's last year
    last = hostile.section("下一步工作要求")                             # 2025Q4: the plan's last quarter
    assert "总结评估" in last and "转入下一周期" in last and "收官之年" not in last


# ------------------------------------------------------------------------------------ the 简报


def test_the_brief_speaks_as_a_brief(brief: Quarterly):
    assert brief.document.name.endswith("推进情况简报.docx")
    body = "".join(brief.body())
    for directive in ("现将有关情况通报如下", "本通报", "特此通报", "整改时限", "要于", "要对", "要制定", "要说明", "请于",
                      "请相关", "务必", "下一步工作要求"):
        assert directive not in body, directive
    headings = [t for t in brief.body() if re.fullmatch(r"[一二三四五六七八九十]+、\S+", t)]
    assert headings == ["一、总体情况", "二、主要成效", "三、需关注的问题"]
    texts = [p.text for p in docx.Document(brief.document).paragraphs]
    assert not any(t.startswith("主送") or t.startswith("各专项行动指挥部") for t in texts)


# ------------------------------------------------------------------------------------ what is copied outside


def test_no_clerks_names_or_phone_numbers_outside_the_office(quarterly: Quarterly):
    data = quarterly.data
    people = {v for a in data["actions"] for k, v in (a.get("contact") or {}).items()
              if k in ("filler", "phone", "reviewer") and v}
    assert people
    documents = [quarterly.document, *sorted((quarterly.out / "各行动报告").glob("*.docx"))]
    for path in documents:
        d = docx.Document(path)
        text = "\n".join([p.text for p in d.paragraphs] + [c.text for t in d.tables for r in t.rows for c in r.cells])
        assert not [p for p in people if p in text], path.name
    wb = openpyxl.load_workbook(quarterly.out / "汇总表.xlsx", read_only=True)
    cells = {str(c) for row in wb["报送情况"].iter_rows(values_only=True) for c in row if c}
    assert people <= cells   # the office's own workbook keeps them


def test_the_colophon_puts_the_leaders_under_报_and_the_offices_under_抄送(demo: Quarterly, brief: Quarterly):
    d = docx.Document(demo.document)
    colophon = [c.text for t in d.tables for r in t.rows for c in r.cells if c.text.startswith(("报：", "抄送："))]
    assert colophon[0] == "报：市委、市政府主要领导及分管领导。"
    assert colophon[1] == "抄送：市人大常委会办公室，市政协办公室。"
    d = docx.Document(brief.document)
    lines = [c.text for t in d.tables for r in t.rows for c in r.cells if c.text[:2] in ("报：", "送：", "发：")]
    assert [line[:2] for line in lines] == ["报：", "送：", "发："]


# ------------------------------------------------------------------------------------ faces and headings


def test_every_二级_heading_is_楷体_whole(quarterly: Quarterly):
    """A paragraph opening with “（一）” is a run-in heading in 楷体 to its full stop, or a list item in the body
    face whole: never a 楷体 number before a 仿宋 heading (第八项's mixed line of the first version)."""
    documents = [quarterly.document, *sorted((quarterly.out / "各行动报告").glob("*.docx"))]
    checked = 0
    for path in documents:
        for p in docx.Document(path).paragraphs:
            if not re.match(r"（[一二三四五六七八九十]+）", p.text):
                continue
            checked += 1
            faces = [(r.text, r._r.find(qn("w:rPr")).find(qn("w:rFonts")).get(qn("w:eastAsia"))) for r in p.runs]
            kai = [text for text, face in faces if face.startswith("楷体")]
            if kai:
                head = p.text[:p.text.index("。") + 1]
                assert "".join(kai) == head and faces[0][1].startswith("楷体"), (path.name, p.text[:30])
    # a 通报 has “（一）” paragraphs (its 下一步工作要求); a 简报 gives no directions and may have none
    assert checked or quarterly.document.name.endswith("简报.docx")


def test_an_office_summary_template_from_before_keeps_working(demo_build, tmp_path: Path):
    """An office's own summary.j2 written for the first layout (its variables and placeholders: the lights by
    colour, the overview and 督办 tables, the gap chart, the 说明) still builds."""
    from yc_reports.pipeline.build import read_quarter
    from yc_reports.render.docx.settings import resolve_document_settings
    from yc_reports.render.reports import compose_summary
    from yc_reports.render.wording import Wording

    office = tmp_path / "inputs" / "templates"
    office.mkdir(parents=True)
    (office / "summary.j2").write_text(
        "标题：关于{{ plan.short_name }}{{ q.label }}推进情况的通报\n主送：各专项行动指挥部：\n"
        "红灯{{ red | length }}项、黄灯{{ yellow | length }}项、绿灯{{ green | length }}项、未报送{{ grey | length }}项，"
        "绿灯{{ lights.green }}项，请于{{ deadline | cndate }}前反馈。\n"
        "[[表:行动总览]]\n[[图:亮灯总览]]\n[[文:说明]]\n[[表:督办清单]]\n", "utf-8")
    registry = resolve_registry(None, demo_build.root / "inputs")
    report = read_quarter(registry, Quarter(2025, 3), demo_build.root / "inputs" / "2025Q3", None)
    doc = compose_summary(report, resolve_document_settings(None), Wording.for_inputs(tmp_path / "inputs"))
    texts = [p.text for p in docx.Document(doc.save(tmp_path / "通报.docx")).paragraphs]
    assert "红灯3项、黄灯1项、绿灯5项、未报送1项，绿灯5项，请于2025年10月25日前反馈。" in texts
