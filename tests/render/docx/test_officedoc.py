"""The official-document builder, checked in the WordprocessingML it writes (GB/T 9704 figures)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import io
import itertools
import zipfile
from fractions import Fraction

import docx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from render_sample import REPORT_DATE, build_sample, sample_png
from yc_reports.render.docx.document import OfficialDocument
from yc_reports.render.docx.gbt9704 import (
    column_twips,
    fit_masthead,
    geometry,
    signature_indents,
    title_lines,
)
from yc_reports.render.docx.settings import load_document_settings
from yc_reports.render.docx.xml import mm_to_twips
from yc_reports.textwidth import text_width_em

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {
    "w": W,
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dcterms": "http://purl.org/dc/terms/",
    "dc": "http://purl.org/dc/elements/1.1/",
}


def w(name: str) -> str:
    return f"{{{W}}}{name}"


class Package:
    """The parts of a written .docx, parsed."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.zip = zipfile.ZipFile(io.BytesIO(data))

    def xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.zip.read(name))

    @functools.cached_property
    def document(self) -> etree._Element:
        return self.xml("word/document.xml")

    def footers(self) -> dict[str, etree._Element]:
        """Footer part by reference type (default = odd pages, even)."""
        rels = etree.fromstring(self.zip.read("word/_rels/document.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels}
        refs = self.document.findall(".//w:sectPr/w:footerReference", NS)
        rid = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
        return {ref.get(w("type")): self.xml("word/" + targets[ref.get(rid)]) for ref in refs}


@pytest.fixture(scope="module")
def settings():
    return load_document_settings()


@pytest.fixture(scope="module")
def sample(settings) -> Package:
    return Package(build_sample(settings).to_bytes())


def paragraph_text(p: etree._Element) -> str:
    return "".join(t.text or "" for t in p.iter(w("t")))


def find_paragraph(root: etree._Element, text: str, *, last: bool = False) -> etree._Element:
    found = [p for p in root.iter(w("p")) if paragraph_text(p) == text]
    if not found:
        raise AssertionError(f"no paragraph {text!r}")
    return found[-1] if last else found[0]


# ------------------------------------------------------------------------------------ page (5.1, 5.2)


def test_page_is_a4_with_the_standard_margins(sample: Package):
    sect = sample.document.find(".//w:body/w:sectPr", NS)
    size = sect.find("w:pgSz", NS)
    assert (size.get(w("w")), size.get(w("h"))) == ("11906", "16838")
    margins = sect.find("w:pgMar", NS)
    # 37 / 26 / 35 / 28 mm
    assert {k: margins.get(w(k)) for k in ("top", "right", "bottom", "left")} == {
        "top": "2098", "right": "1474", "bottom": "1984", "left": "1587"}
    assert abs((11906 - 1587 - 1474) - mm_to_twips(156)) <= 1   # the text block is 156 mm wide


def test_document_grid_declares_22_lines_of_28_characters(sample: Package, settings):
    grid = sample.document.find(".//w:sectPr/w:docGrid", NS)
    assert grid.get(w("type")) == "linesAndChars"
    assert grid.get(w("linePitch")) == "579"
    char_space = int(grid.get(w("charSpace")))
    pitch = 16 + Fraction(char_space, 4096)            # points per character on the grid
    assert int(Fraction(8845, 20) / pitch) == 28
    assert 22 * 579 <= 16838 - 2098 - 1984             # 22 lines fill the 225 mm text block


def test_body_lines_use_the_line_pitch_and_fit_28_characters(sample: Package, settings):
    p = find_paragraph(sample.document, "截至9月底，全市新增绿色工厂8家，完成2025年目标的66.7%，高于时序进度4.2个百分点；"
                       "绿色园区建设有序推进，“一园一策”方案全部印发——各地按季度调度……")
    spacing = p.find("w:pPr/w:spacing", NS)
    assert (spacing.get(w("line")), spacing.get(w("lineRule"))) == ("579", "exact")
    # Body runs are squeezed so 28 characters fit a line: 28 × (16 pt + spacing) ≤ 156 mm.
    run_spacing = int(p.find("w:r/w:rPr/w:spacing", NS).get(w("val")))
    assert 28 * (16 + Fraction(run_spacing, 20)) <= Fraction(8845, 20) < 29 * (16 + Fraction(run_spacing, 20))
    indent = p.find("w:pPr/w:ind", NS)
    assert indent.get(w("firstLineChars")) == "200" and indent.get(w("firstLine")) == "640"


def test_settings_part_has_even_and_odd_footers_and_chinese_line_breaking(sample: Package):
    settings_xml = sample.xml("word/settings.xml")
    assert settings_xml.find("w:evenAndOddHeaders", NS) is not None
    no_start = settings_xml.find("w:noLineBreaksBefore", NS)
    assert no_start.get(w("lang")) == "zh-CN" and "，" in no_start.get(w("val")) and "。" in no_start.get(w("val"))
    assert "“" in settings_xml.find("w:noLineBreaksAfter", NS).get(w("val"))
    normal = _style(sample, "Normal")
    assert normal.find("w:pPr/w:kinsoku", NS).get(w("val")) == "1"


# ------------------------------------------------------------------------------------ fonts (5.2.2, 7.3)


def _style(sample: Package, style_id: str) -> etree._Element:
    styles = sample.xml("word/styles.xml")
    found = styles.find(f"w:style[@w:styleId='{style_id}']", NS)
    assert found is not None, style_id
    return found


@pytest.mark.parametrize("style_id, east_asian, size", [
    ("Normal", "仿宋_GB2312", "32"),
    ("BodyText", "仿宋_GB2312", "32"),
    ("Heading1", "黑体", "32"),
    ("Heading2", "楷体_GB2312", "32"),
    ("Heading3", "仿宋_GB2312", "32"),
    ("Heading4", "仿宋_GB2312", "32"),
    ("Title", "方正小标宋简体", "44"),
    ("Footer", "宋体", "28"),
    ("YCTableHeading", "黑体", "24"),
    ("YCTableText", "仿宋_GB2312", "24"),
    ("YCColophon", "仿宋_GB2312", "28"),
])
def test_styles_name_east_asian_and_latin_faces(sample: Package, style_id: str, east_asian: str, size: str):
    rpr = _style(sample, style_id).find("w:rPr", NS)
    fonts = rpr.find("w:rFonts", NS)
    assert fonts.get(w("eastAsia")) == east_asian
    if style_id != "Footer":
        assert fonts.get(w("ascii")) == fonts.get(w("hAnsi")) == "Times New Roman"
    assert rpr.find("w:sz", NS).get(w("val")) == size


def test_every_style_and_run_names_its_east_asian_face(sample: Package):
    styles = sample.xml("word/styles.xml")
    for style in styles.findall("w:style[@w:type='paragraph']", NS):
        assert style.find("w:rPr/w:rFonts", NS).get(w("eastAsia")), style.get(w("styleId"))
    assert styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:rFonts", NS).get(w("eastAsia")) == "仿宋_GB2312"
    parts = [sample.document, *sample.footers().values()]
    runs = [r for part in parts for r in part.iter(w("r")) if r.find("w:t", NS) is not None]
    assert len(runs) > 100
    for run in runs:
        fonts = run.find("w:rPr/w:rFonts", NS)
        assert fonts is not None and fonts.get(w("eastAsia")), paragraph_text(run)
        # Ambiguous punctuation (“ ” — …) takes the East Asian face too.
        assert fonts.get(w("hint")) == "eastAsia"


def test_headings_have_outline_levels_and_their_faces(sample: Package):
    for level, text, face in ((1, "一、总体进展", "黑体"), (2, "（一）绿色制造体系建设", "楷体_GB2312"),
                              (3, "1. 绿色工厂", "仿宋_GB2312"), (4, "（1）新增情况", "仿宋_GB2312")):
        p = find_paragraph(sample.document, text)
        assert p.find("w:pPr/w:pStyle", NS).get(w("val")) == f"Heading{level}"
        assert p.find("w:pPr/w:outlineLvl", NS).get(w("val")) == str(level - 1)
        assert p.find("w:pPr/w:keepNext", NS) is not None
        rpr = p.find("w:r/w:rPr", NS)
        assert rpr.find("w:rFonts", NS).get(w("eastAsia")) == face
        assert rpr.find("w:b", NS).get(w("val")) == "0"     # bold on 三级 is off by default


def test_bold_level3_is_a_setting(settings):
    bold = dataclasses.replace(settings, headings=dataclasses.replace(settings.headings, bold_level3=True))
    doc = OfficialDocument(bold)
    doc.heading(3, "1. 绿色工厂")
    doc.heading(4, "（1）新增情况")
    package = Package(doc.to_bytes())
    assert find_paragraph(package.document, "1. 绿色工厂").find("w:r/w:rPr/w:b", NS).get(w("val")) == "1"
    assert find_paragraph(package.document, "（1）新增情况").find("w:r/w:rPr/w:b", NS).get(w("val")) == "0"


def test_theme_and_font_table_name_the_chinese_faces(sample: Package):
    theme = sample.xml("word/theme/theme1.xml")
    minor = theme.find(".//a:fontScheme/a:minorFont", NS)
    major = theme.find(".//a:fontScheme/a:majorFont", NS)
    assert minor.find("a:latin", NS).get("typeface") == "Times New Roman"
    assert minor.find("a:ea", NS).get("typeface") == "仿宋_GB2312"
    assert major.find("a:ea", NS).get("typeface") == "黑体"
    assert minor.find("a:font[@script='Hans']", NS).get("typeface") == "仿宋_GB2312"
    table = sample.xml("word/fontTable.xml")
    fangsong = table.find("w:font[@w:name='仿宋_GB2312']", NS)
    assert fangsong.find("w:altName", NS).get(w("val")) == "仿宋"
    assert fangsong.find("w:charset", NS).get(w("val")) == "86"


def test_text_is_black_except_the_masthead(sample: Package):
    red = []
    for run in sample.document.iter(w("r")):
        colour = run.find("w:rPr/w:color", NS)
        if colour is not None and colour.get(w("val")) != "000000":
            red.append((paragraph_text(run), colour.get(w("val"))))
    assert red == [("降碳减污扩绿增长十大行动工作简报", "FF0000")]


# ------------------------------------------------------------------------------------ front matter (7.2, 7.3.1)


def test_masthead_is_red_with_a_full_width_red_rule(sample: Package, settings):
    doc = sample.document
    name = find_paragraph(doc, "降碳减污扩绿增长十大行动工作简报")
    assert name.find("w:pPr/w:jc", NS).get(w("val")) == "center"
    # 35 mm between the text block's top and the name (GB/T 9704 7.2.4)
    assert name.find("w:pPr/w:spacing", NS).get(w("before")) == str(mm_to_twips(35))
    scale = int(name.find("w:r/w:rPr/w:w", NS).get(w("val")))
    assert scale * 36 * text_width_em("降碳减污扩绿增长十大行动工作简报") <= 100 * 442.25   # one line
    date_line = find_paragraph(doc, "2025年10月8日")
    rule = date_line.find("w:pPr/w:pBdr/w:bottom", NS)
    assert rule.get(w("color")) == "FF0000" and rule.get(w("sz")) == "18"    # 2.25 pt
    assert date_line.find("w:pPr/w:ind", NS) is None                          # as wide as the text block
    assert find_paragraph(doc, "2025年第3期").find("w:pPr/w:jc", NS).get(w("val")) == "center"


def test_title_is_size_two_centred_two_blank_lines_below_the_rule(sample: Package):
    body = list(sample.document.find("w:body", NS))
    date_line = find_paragraph(sample.document, "2025年10月8日")
    i = body.index(date_line)
    assert [paragraph_text(p) for p in body[i + 1:i + 3]] == ["", ""]
    title = body[i + 3]
    assert paragraph_text(title) == "关于2025年第三季度降碳减污扩绿增长十大行动推进情况的通报"
    assert title.find("w:pPr/w:jc", NS).get(w("val")) == "center"
    rpr = title.find("w:r/w:rPr", NS)
    assert rpr.find("w:sz", NS).get(w("val")) == "44"
    assert rpr.find("w:rFonts", NS).get(w("eastAsia")) == "方正小标宋简体"
    assert len(title.findall("w:r/w:br", NS)) == 2        # three balanced lines (菱形)
    assert paragraph_text(body[i + 4]) == ""
    assert paragraph_text(body[i + 5]) == "各专项指挥部，指挥部各成员单位："


@pytest.mark.parametrize("title, lines", [
    ("关于2025年第三季度降碳减污扩绿增长十大行动推进情况的通报",
     ["关于2025年第三季度", "降碳减污扩绿增长十大行动", "推进情况的通报"]),
    ("宜昌市降碳减污扩绿增长十大行动2025年第三季度推进情况通报",
     ["宜昌市降碳减污扩绿增长十大行动", "2025年第三季度推进情况通报"]),
    ("短标题", ["短标题"]),
    # the 终期评估: never “十大 / 行动”, never inside a range of years
    ("宜昌长江经济带降碳减污扩绿增长十大行动方案（2022—2025年）终期评估报告",
     ["宜昌长江经济带降碳减污扩绿增长十大行动", "方案（2022—2025年）终期评估报告"]),
])
def test_long_titles_break_at_phrase_boundaries(title: str, lines: list[str]):
    assert title_lines(title, 22, Fraction(8845, 20)) == lines


@given(st.text(alphabet="宜昌市推进绿色工厂建设情况的通报关于年季度0123456789、", min_size=1, max_size=70))
def test_title_lines_keep_every_character_and_fit(text: str):
    lines = title_lines(text, 22, Fraction(8845, 20))
    assert "".join(lines) == text
    if len(lines) > 1:
        assert all(text_width_em(line) <= 20 for line in lines)
        for a, b in itertools.pairwise(lines):   # never inside a number
            assert not (a[-1].isdigit() and b[0].isdigit())


@given(st.text(alphabet="宜昌降碳减污扩绿增长方案关于终期评估报告的（）—", min_size=0, max_size=20),
       st.text(alphabet="宜昌推进情况的通报关于年季度2025", min_size=0, max_size=20))
def test_a_title_never_breaks_inside_十大行动_or_a_range_of_years(before: str, after: str):
    text = before + "十大行动" + after + "（2022—2025年）"
    lines = title_lines(text, 22, Fraction(8845, 20))
    assert "".join(lines) == text
    assert any("十大行动" in line for line in lines) and any("2022—2025" in line for line in lines)


def test_masthead_fits_long_names_by_condensing_then_shrinking():
    width = Fraction(8845, 20)
    assert fit_masthead("工作简报", 36, width) == (36, 100)
    size, scale = fit_masthead("降碳减污扩绿增长十大行动工作简报", 36, width)
    assert size == 36 and 50 <= scale < 100
    size, scale = fit_masthead("很" * 40, 36, width)
    assert scale == 50 and size * 40 * 0.5 <= 442.25


# ------------------------------------------------------------------------------------ tables


def test_tables_write_grid_and_cell_widths_and_repeat_headers(sample: Package):
    tables = [t for t in sample.document.findall(".//w:body/w:tbl", NS) if t.find("w:tblPr/w:tblpPr", NS) is None]
    assert len(tables) == 2
    for tbl in tables:
        grid = [int(c.get(w("w"))) for c in tbl.findall("w:tblGrid/w:gridCol", NS)]
        assert int(tbl.find("w:tblPr/w:tblW", NS).get(w("w"))) == sum(grid)
        assert tbl.find("w:tblPr/w:tblLayout", NS).get(w("type")) == "fixed"
        for row in tbl.findall("w:tr", NS):
            cells = [int(c.get(w("w"))) for c in row.findall("w:tc/w:tcPr/w:tcW", NS)]
            assert cells == grid
            assert all(c.find("w:tcPr/w:vAlign", NS).get(w("val")) == "center" for c in row.findall("w:tc", NS))
        rows = tbl.findall("w:tr", NS)
        assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
        assert all(r.find("w:trPr/w:tblHeader", NS) is None for r in rows[1:])
        header_face = rows[0].find(".//w:r/w:rPr/w:rFonts", NS).get(w("eastAsia"))
        body_face = rows[1].find(".//w:r/w:rPr/w:rFonts", NS).get(w("eastAsia"))
        assert (header_face, body_face) == ("黑体", "仿宋_GB2312")
    first = tables[0]
    assert [int(c.get(w("w"))) for c in first.findall("w:tblGrid/w:gridCol", NS)] == [680, 3289, 2040, 1361, 1474]
    assert len(first.findall("w:tr", NS)) == 41
    fill = first.findall("w:tr", NS)[2].findall("w:tc", NS)[3].find("w:tcPr/w:shd", NS)   # body row 1, column 3
    assert fill.get(w("fill")) == "ECC4BF"      # tint("C0392B"): 30 % of the red over white
    small = tables[1].find(".//w:tr/w:tc/w:p/w:r/w:rPr/w:sz", NS)
    assert small.get(w("val")) == "21"          # 五号 when asked for 10.5 pt


@given(st.lists(st.floats(min_value=5, max_value=60, allow_nan=False).map(lambda x: round(x, 1)),
                min_size=1, max_size=9))
def test_column_widths_add_up_to_the_rounded_total(widths: list[float]):
    twips = column_twips(widths)
    assert sum(twips) == mm_to_twips(float(sum(Fraction(str(x)) for x in widths)))
    assert all(abs(t - mm_to_twips(x)) <= 1 for t, x in zip(twips, widths, strict=True))


def test_table_rejects_rows_of_the_wrong_length_and_overwide_tables(settings):
    doc = OfficialDocument(settings)
    with pytest.raises(ValueError):
        doc.table(["甲", "乙"], [["1"]], [50, 50])
    with pytest.raises(ValueError):
        doc.table(["甲", "乙"], [["1", "2"]], [100, 70])


# ------------------------------------------------------------------------------------ figures


def test_figure_carries_alt_text_and_is_centred(sample: Package):
    inline = sample.document.find(".//wp:inline", NS)
    assert inline.find("wp:docPr", NS).get("descr") == "示例图：各行动完成情况"
    cx = int(inline.find("wp:extent", NS).get("cx"))
    assert cx == 156 * 36000                                     # EMU
    paragraph = next(p for p in sample.document.iter(w("p")) if p.find(".//wp:inline", NS) is not None)
    assert paragraph.find("w:pPr/w:jc", NS).get(w("val")) == "center"
    assert paragraph.find("w:pPr/w:spacing", NS).get(w("lineRule")) == "auto"   # an exact line would clip it
    assert any(n.startswith("word/media/") for n in sample.zip.namelist())


# ------------------------------------------------------------------------------------ closing matter


def test_attachment_note_signature_and_attachments(sample: Package, settings):
    doc = sample.document
    note = find_paragraph(doc, "附件：1. 十大行动报送情况表")
    ind = note.find("w:pPr/w:ind", NS)
    # Two characters in (left 5 − hanging 3); the second name aligns after “附件：”.
    assert (ind.get(w("leftChars")), ind.get(w("hangingChars"))) == ("500", "300")
    second = find_paragraph(doc, "2. 校验问题清单")
    second_ind = second.find("w:pPr/w:ind", NS)
    assert second_ind.get(w("leftChars")) == "500" and second_ind.get(w("hangingChars")) is None
    body = list(doc.find("w:body", NS))
    assert paragraph_text(body[body.index(note) - 1]) == ""       # one line below the body
    assert paragraph_text(body[body.index(second) + 1]) == ""     # the signature one line below that
    org = body[body.index(second) + 2]
    assert paragraph_text(org) == "宜昌市降碳减污扩绿增长十大行动指挥部办公室"
    date_line = body[body.index(org) + 1]
    assert paragraph_text(date_line) == "2025年10月8日"
    assert org.find("w:pPr/w:jc", NS).get(w("val")) == date_line.find("w:pPr/w:jc", NS).get(w("val")) == "right"
    org_right, date_right = signature_indents("宜昌市降碳减污扩绿增长十大行动指挥部办公室", "2025年10月8日")
    assert org.find("w:pPr/w:ind", NS).get(w("rightChars")) == str(round(org_right * 100))
    assert date_line.find("w:pPr/w:ind", NS).get(w("rightChars")) == str(round(date_right * 100))
    for n, title in ((1, "十大行动报送情况表"), (2, "校验问题清单")):
        label = find_paragraph(doc, f"附件{n}")
        assert label.find("w:pPr/w:pageBreakBefore", NS) is not None
        assert label.find("w:r/w:rPr/w:rFonts", NS).get(w("eastAsia")) == "黑体"
        i = body.index(label)
        assert paragraph_text(body[i + 1]) == "" and paragraph_text(body[i + 2]) == title    # title on line 3


def test_signature_offsets_follow_the_standard():
    # Short name: the date stands two characters in, its first character two right of the name's.
    assert signature_indents("宜昌市发改委", "2025年10月8日") == (5.75, 2.0)
    # Long name: the name stands two characters in and the date keeps the offset.
    org_right, date_right = signature_indents("宜昌市降碳减污扩绿增长十大行动指挥部办公室", "2025年10月8日")
    assert org_right == 2.0 and date_right == 2.0 + 21 - 2 - text_width_em("2025年10月8日")


def test_colophon_is_a_table_python_docx_reads_floating_on_the_bottom_edge_with_the_standard_rules(sample: Package):
    doc = sample.document
    tbl = doc.findall(".//w:body/w:tbl", NS)[-1]
    pos = tbl.find("w:tblPr/w:tblpPr", NS)
    assert (pos.get(w("vertAnchor")), pos.get(w("tblpYSpec"))) == ("margin", "bottom")   # the text block's foot
    assert (pos.get(w("horzAnchor")), pos.get(w("tblpX"))) == ("page", "1587")          # 28 mm: the left margin
    assert tbl.find("w:tblPr/w:tblW", NS).get(w("w")) == "8845"                           # as wide as the text block
    texts = [paragraph_text(p) for p in tbl.iter(w("p"))]
    assert "抄送：市委办公室，市人大常委会办公室。" in texts
    assert "报：市委、市政府主要领导及分管领导。" in texts
    rules = [(side, b.get(w("sz"))) for tc in tbl.iter(w("tc"))
             for side in ("top", "bottom") for b in tc.findall(f"w:tcPr/w:tcBorders/w:{side}", NS)
             if b.get(w("val")) == "single"]
    assert rules[0] == ("top", "8") and rules[-1] == ("bottom", "8")            # 0.35 mm
    assert [size for _, size in rules[1:-1]] == ["6", "6"]                      # 0.25 mm between blocks
    assert doc.find("w:body", NS).index(tbl) == len(doc.find("w:body", NS)) - 3   # then a 1 pt paragraph, sectPr
    # python-docx (and anything reading the text) sees it: 印发机关 and 印发日期 on one line
    read = docx.Document(io.BytesIO(sample.data))
    cells = [c.text for t in read.tables for row in t.rows for c in row.cells]
    assert "宜昌市降碳减污扩绿增长十大行动指挥部办公室\t2025年10月8日印发" in cells


# ------------------------------------------------------------------------------------ page numbers (7.5)


def test_page_numbers_are_page_fields_odd_right_even_left(sample: Package, settings):
    footers = sample.footers()
    assert set(footers) == {"default", "even"}
    for kind, side, indent in (("default", "right", "right"), ("even", "left", "left")):
        p = footers[kind].find("w:p", NS)
        assert p.find("w:pPr/w:jc", NS).get(w("val")) == side
        assert p.find("w:pPr/w:ind", NS).get(w(indent)) == "280"            # one 四号 character in
        assert [r.find("w:fldChar", NS).get(w("fldCharType")) for r in p.findall("w:r", NS)
                if r.find("w:fldChar", NS) is not None] == ["begin", "separate", "end"]
        assert p.find(".//w:instrText", NS).text.strip() == "PAGE"
        assert paragraph_text(p) == "— 1 —"
        fonts = p.find("w:r/w:rPr/w:rFonts", NS)
        assert fonts.get(w("eastAsia")) == fonts.get(w("ascii")) == "宋体"
        assert p.find("w:r/w:rPr/w:sz", NS).get(w("val")) == "28"


def test_footer_sits_so_the_dashes_are_7mm_below_the_text_block(settings):
    geo = geometry(settings)
    line = 14 * 1.25 * 20                                        # the footer line, twips
    dashes_from_bottom = geo.footer + line / 2                   # Word: footer distance to the line's bottom
    assert abs((mm_to_twips(35) - dashes_from_bottom) - mm_to_twips(7)) <= 1


# ------------------------------------------------------------------------------------ package


def test_saving_twice_gives_identical_bytes(settings, tmp_path):
    first = build_sample(settings).save(tmp_path / "a.docx").read_bytes()
    second = build_sample(settings).save(tmp_path / "b.docx").read_bytes()
    assert first == second
    assert all(info.date_time == (2000, 1, 1, 0, 0, 0) for info in zipfile.ZipFile(io.BytesIO(first)).infolist())


def test_core_properties_are_fixed_and_there_is_no_revision_noise(sample: Package):
    core = sample.xml("docProps/core.xml")
    assert core.find("dc:creator", NS).text == "yc-reports"
    assert core.find("dcterms:created", NS).text == "2025-10-08T00:00:00Z"
    assert core.find("dcterms:modified", NS).text == "2025-10-08T00:00:00Z"
    assert core.find("dc:title", NS).text == "关于2025年第三季度降碳减污扩绿增长十大行动推进情况的通报"
    for name in sample.zip.namelist():
        if name.endswith(".xml"):
            assert b"w:rsid" not in sample.zip.read(name), name
    assert not any(n.startswith(("customXml", "docProps/thumbnail")) for n in sample.zip.namelist())


def test_python_docx_reads_the_document_back(sample: Package):
    document = docx.Document(io.BytesIO(sample.data))
    section = document.sections[0]
    assert (section.page_width, section.page_height) == (mm_to_twips(210) * 635, mm_to_twips(297) * 635)
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28
    assert document.settings.odd_and_even_pages_header_footer is True
    assert document.styles["Heading 1"].font.size.pt == 16
    assert len(document.inline_shapes) == 1
    assert any(p.text == "一、总体进展" for p in document.paragraphs)


def test_an_empty_document_is_valid(settings):
    data = OfficialDocument(settings, stamp=dt.date(2025, 1, 2)).to_bytes()
    created = docx.Document(io.BytesIO(data)).core_properties.created
    assert created == dt.datetime(2025, 1, 2, tzinfo=dt.UTC)


def test_sample_png_is_a_png():
    assert sample_png(4, 2).startswith(b"\x89PNG") and REPORT_DATE.year == 2025
