"""Document settings: the shipped file, the office's partial copy, and errors that name the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from yc_reports.plan.registry import load_registry
from yc_reports.render.docx.settings import DocumentSettingsError, load_document_settings, resolve_document_settings


def test_shipped_settings_carry_the_standard_figures():
    s = load_document_settings()
    assert (s.page.width, s.page.height) == (210, 297)
    assert (s.page.top, s.page.bottom, s.page.left, s.page.right) == (37, 35, 28, 26)
    assert s.page.text_width == 156 and s.page.text_height == 225
    assert (s.sizes.title, s.sizes.body, s.sizes.page_number) == (22, 16, 14)
    assert s.fonts.title == "方正小标宋简体" and s.fonts.body == "仿宋_GB2312"
    assert s.fonts.heading(1) == "黑体" and s.fonts.heading(2) == "楷体_GB2312"
    assert s.fonts.table_header == "黑体" and s.fonts.page_number == "宋体"
    assert s.bold_level3 is False
    assert s.masthead.colour == "FF0000"
    assert s.masthead_name == "降碳减污扩绿增长十大行动工作简报"


def test_placeholders_take_the_plans_names():
    s = load_document_settings()
    plan = load_registry().plan
    assert s.issuer_for(plan) == "宜昌市降碳减污扩绿增长十大行动指挥部办公室"
    assert s.printer_for(plan) == plan.office
    resolved = s.resolved(plan)
    assert resolved.masthead.issuer == plan.office and resolved.colophon.printer == plan.office


def test_office_copy_overrides_only_what_it_lists(tmp_path: Path):
    office = tmp_path / "document.toml"
    office.write_text('[fonts]\nbody = "仿宋"\n[headings]\nbold_level3 = true\n', "utf-8")
    s = load_document_settings(office)
    assert s.fonts.body == "仿宋" and s.bold_level3 is True
    assert s.fonts.heading2 == "楷体_GB2312"            # kept from the shipped file
    assert s.source == str(office)


def test_resolve_prefers_the_inputs_copy(tmp_path: Path):
    assert resolve_document_settings(None, tmp_path).source == "document.toml"
    (tmp_path / "document.toml").write_text('[sizes]\ntable = 10.5\n', "utf-8")
    assert resolve_document_settings(None, tmp_path).sizes.table == 10.5


@pytest.mark.parametrize("text, key, words", [
    ('[fonts]\nbody = ""\n', "fonts.body", "字体名称"),
    ('[sizes]\nbody = 15.3\n', "sizes.body", "0.5 磅"),
    ('[sizes]\nbody = "三号"\n', "sizes.body", "正数"),
    ('[page]\ntop = -1\n', "page.top", "正数"),
    ('[page]\nchars_per_line = 28.5\n', "page.chars_per_line", "正整数"),
    ('[masthead]\ncolour = "red"\n', "masthead.colour", "十六进制"),
    ('[masthead]\nissuer = "{officee}"\n', "masthead.issuer", "未知的占位符"),
    ('[headings]\nbold_level3 = "yes"\n', "headings.bold_level3", "true 或 false"),
    ('[fonts]\nbodyy = "仿宋"\n', "fonts.bodyy", "未知的配置项"),
    ('[font]\nbody = "仿宋"\n', "font", "未知的配置部分"),
    ('[page]\nleft = 120\nright = 100\n', "page.left", "页边距"),
    ('[fonts\n', "格式有误", "格式有误"),
])
def test_malformed_settings_name_the_key(tmp_path: Path, text: str, key: str, words: str):
    path = tmp_path / "document.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(DocumentSettingsError) as caught:
        load_document_settings(path)
    message = str(caught.value)
    assert key in message and words in message and str(path) in message


def test_missing_and_undecodable_files(tmp_path: Path):
    with pytest.raises(DocumentSettingsError, match="找不到文档格式配置文件"):
        load_document_settings(tmp_path / "none.toml")
    bad = tmp_path / "gbk.toml"
    bad.write_bytes("[fonts]\nbody = \"仿宋\"\n".encode("gbk"))
    with pytest.raises(DocumentSettingsError, match="UTF-8"):
        load_document_settings(bad)


def test_settings_are_frozen():
    s = load_document_settings()
    with pytest.raises(AttributeError):
        s.fonts.body = "宋体"  # type: ignore[misc]


@pytest.mark.parametrize("text, expected", [
    ('[document]\nkind = "公告"\n', "document.kind：应为 '通报'、'简报' 之一，实际为 '公告'"),
    ('[document]\naction_reports = "报告"\n', "document.action_reports：应为 '附件'、'情况报告' 之一，实际为 '报告'"),
    ('[document]\nseal_lines = 7\n', "document.seal_lines：应为 0 到 6 的整数（空行数），实际为 7"),
    ('[document]\nnumber = "{year}〔{quarter}〕号"\n',
     "document.number：未知的占位符 {quarter}，可用的有：{office}、{headquarters}、{city}、{year}、{issue}"),
    ('[document]\norgan = "{year}文件"\n',
     "document.organ：未知的占位符 {year}，可用的有：{office}、{headquarters}、{city}"),
    ('[colophon]\ncc = "{office"\n', "colophon.cc：花括号不成对：'{office'（占位符写作 {office}）"),
    ('fonts = "仿宋"\n', "fonts：应为表（[fonts]）"),
    ('[fonts]\nbodyy = 1\n', "fonts.bodyy：未知的配置项，[fonts] 可用的有：title、masthead、body、heading1、heading2、"
                             "heading3、heading4、latin、page_number、table_body、table_header"),
    ('[font]\n', "font：未知的配置部分，可用的有：document、fonts、sizes、headings、page、masthead、colophon"),
    ('[page]\ntop = 150\nbottom = 150\n', "page.top：上下页边距之和不小于纸张高度"),
    ('[page]\npage_number_gap = 35\n', "page.page_number_gap：页码与版心的距离应小于下页边距"),
])
def test_each_settings_fault_is_named_at_its_key_in_chinese(tmp_path: Path, text: str, expected: str):
    path = tmp_path / "document.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(DocumentSettingsError) as caught:
        load_document_settings(path)
    assert str(caught.value) == f"文档格式配置文件 {path} 中 {expected}"


def test_values_are_kept_as_written():
    s = load_document_settings()
    assert type(s.sizes.title) is int and type(s.page.line_pitch) is float   # 22 stays 22: same bytes
    assert s.document.kind == "通报" and s.document.seal_lines == 2


# ------------------------------------------------------------------------------------ the portal's edits


def test_an_edit_writes_only_what_differs_from_the_shipped_and_keeps_the_offices_keys(tmp_path):
    from yc_reports.render.docx.settings import edited_office_settings

    office = tmp_path / "document.toml"
    office.write_text('[fonts]\nbody = "仿宋"\n\n[colophon]\ncc = "市审计局"\n', "utf-8")
    text, settings = edited_office_settings(office, {("colophon", "cc"): "", ("document", "kind"): "简报",
                                                     ("colophon", "printer"): "{office}"})   # shipped value
    office.write_text(text, "utf-8")
    again = load_document_settings(office)
    assert again == settings and (again.document.kind, again.colophon.cc, again.fonts.body) == ("简报", "", "仿宋")
    body = [line for line in text.splitlines() if line and not line.startswith("#")]
    # cc back to the shipped "" and printer as shipped: neither is written; the emptied [colophon] goes
    assert body == ["[fonts]", 'body = "仿宋"', "[document]", 'kind = "简报"']
    assert edited_office_settings(office, {("document", "kind"): "简报"})[0] == text     # the same edit, the same bytes


def test_an_edit_with_quotes_and_backslashes_reads_back_as_typed(tmp_path):
    from yc_reports.render.docx.settings import edited_office_settings

    typed = '市委办公室"综合科"\\备案'
    text, _ = edited_office_settings(None, {("colophon", "report_to"): typed})
    (tmp_path / "document.toml").write_text(text, "utf-8")
    assert load_document_settings(tmp_path / "document.toml").colophon.report_to == typed
