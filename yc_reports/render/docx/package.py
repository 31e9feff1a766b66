"""The .docx package the document starts from: content types, relationships, document properties,
settings, font table, theme and every style, generated from the settings (no template file shipped).
"""

from __future__ import annotations

import zipfile
from dataclasses import replace
from pathlib import Path

import docx
from docx.oxml.ns import qn
from lxml import etree

from yc_reports.fixedzip import zip_bytes
from yc_reports.render.docx import xml as wml
from yc_reports.render.docx.gbt9704 import NO_BREAK_AFTER, NO_BREAK_BEFORE, Geometry, footer_line_twips, geometry
from yc_reports.render.docx.settings import DocumentSettings
from yc_reports.render.docx.xml import A_NS, MC_NS, R_NS, W_NS, WP_NS, WPS_NS, Face, Para

# Names by which Word can find a face when the office PC lacks the exact one (w:altName).
ALT_FONT_NAMES = {
    "仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体", "方正小标宋简体": "宋体", "方正小标宋_GBK": "宋体",
    "黑体": "SimHei", "宋体": "SimSun", "仿宋": "FangSong", "楷体": "KaiTi",
}


# ------------------------------------------------------------------------------------------ the template


def build_template(settings: DocumentSettings) -> bytes:
    """A minimal .docx carrying the page setup, styles, theme and font table for these settings."""
    geo = geometry(settings)
    parts: dict[str, str | bytes] = {
        "[Content_Types].xml": _CONTENT_TYPES,
        "_rels/.rels": _PACKAGE_RELS,
        "docProps/core.xml": _CORE,
        "docProps/app.xml": _APP,
        "word/_rels/document.xml.rels": _DOCUMENT_RELS,
        "word/document.xml": _document_xml(geo),
        "word/styles.xml": wml.to_bytes(styles_element(settings)),
        "word/settings.xml": wml.to_bytes(_settings_element()),
        "word/fontTable.xml": wml.to_bytes(_font_table_element(settings)),
        "word/theme/theme1.xml": _theme_xml(settings),
    }
    return zip_bytes((name, data if isinstance(data, bytes) else data.encode("utf-8")) for name, data in parts.items())


_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>
<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>
<Override PartName="/word/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>
</Types>"""

_PACKAGE_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>
</Relationships>"""

_DOCUMENT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>
<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme" Target="theme/theme1.xml"/>
</Relationships>"""

_CORE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<dc:title/><dc:creator>yc-reports</dc:creator><cp:lastModifiedBy>yc-reports</cp:lastModifiedBy><cp:revision>1</cp:revision>
<dcterms:created xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z</dcterms:created>
<dcterms:modified xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z</dcterms:modified>
</cp:coreProperties>"""

_APP = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">
<Application>yc-reports</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>
<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged>
</Properties>"""


def _document_xml(geo: Geometry) -> bytes:
    # Declared at the root as Word writes them (drawings use wp and a).
    nsmap = {"w": W_NS, "r": R_NS, "mc": MC_NS, "wps": WPS_NS, "wp": WP_NS, "a": A_NS}
    document = etree.Element(qn("w:document"), nsmap=nsmap)
    body = etree.SubElement(document, qn("w:body"))
    sect = etree.SubElement(body, qn("w:sectPr"))
    wml.sub(sect, "pgSz", w=geo.page_w, h=geo.page_h)
    wml.sub(sect, "pgMar", top=geo.top, right=geo.right, bottom=geo.bottom, left=geo.left, header=851,
         footer=geo.footer, gutter=0)
    wml.sub(sect, "pgNumType", fmt="decimal")
    wml.sub(sect, "cols", space=425)
    wml.sub(sect, "docGrid", type="linesAndChars", linePitch=geo.line_pitch, charSpace=geo.char_space)
    return wml.to_bytes(document)


def _settings_element() -> etree._Element:
    settings = etree.Element(qn("w:settings"), nsmap={"w": W_NS})
    wml.sub(settings, "zoom", percent=100)
    wml.sub(settings, "defaultTabStop", val=420)
    wml.sub(settings, "evenAndOddHeaders")
    wml.sub(settings, "characterSpacingControl", val="doNotCompress")
    wml.sub(settings, "noLineBreaksAfter", lang="zh-CN", val=NO_BREAK_AFTER)
    wml.sub(settings, "noLineBreaksBefore", lang="zh-CN", val=NO_BREAK_BEFORE)
    compat = wml.sub(settings, "compat")
    wml.sub(compat, "spaceForUL")
    wml.sub(compat, "balanceSingleByteDoubleByteWidth")
    wml.sub(compat, "doNotLeaveBackslashAlone")
    wml.sub(compat, "ulTrailSpace")
    wml.sub(compat, "doNotExpandShiftReturn")
    wml.sub(compat, "useFELayout")
    wml.sub(compat, "compatSetting", name="compatibilityMode", uri="http://schemas.microsoft.com/office/word", val=15)
    wml.sub(settings, "themeFontLang", val="en-US", eastAsia="zh-CN")
    wml.sub(settings, "decimalSymbol", val=".")
    wml.sub(settings, "listSeparator", val=",")
    return settings


def _font_table_element(settings: DocumentSettings) -> etree._Element:
    fonts = etree.Element(qn("w:fonts"), nsmap={"w": W_NS})
    names = sorted({getattr(settings.fonts, f) for f in settings.fonts.__dataclass_fields__})
    for name in names:
        font = wml.sub(fonts, "font", name=name)
        latin = name == settings.fonts.latin or name.isascii()
        if name in ALT_FONT_NAMES:
            wml.sub(font, "altName", val=ALT_FONT_NAMES[name])
        wml.sub(font, "charset", val="00" if latin else "86")
        wml.sub(font, "family", val="roman" if latin else "modern")
        wml.sub(font, "pitch", val="variable")
    return fonts


def _theme_xml(settings: DocumentSettings) -> bytes:
    """python-docx's default theme with its font scheme replaced by ours (WPS warns about missing theme fonts)."""
    template = Path(docx.__file__).parent / "templates" / "default.docx"
    with zipfile.ZipFile(template) as z:
        theme = etree.fromstring(z.read("word/theme/theme1.xml"))
    a = "http://schemas.openxmlformats.org/drawingml/2006/main"
    scheme = wml.required(theme, f".//{{{a}}}fontScheme")
    scheme.set("name", "yc-reports")
    fonts = settings.fonts
    for tag, east_asian in (("majorFont", fonts.heading1), ("minorFont", fonts.body)):
        holder = wml.required(scheme, f"{{{a}}}{tag}")
        for child in list(holder):
            holder.remove(child)
        for kind, face in (("latin", fonts.latin), ("ea", east_asian), ("cs", fonts.latin)):
            etree.SubElement(holder, f"{{{a}}}{kind}", typeface=face)
        etree.SubElement(holder, f"{{{a}}}font", script="Hans", typeface=east_asian)
    return etree.tostring(theme, xml_declaration=True, encoding="UTF-8", standalone=True)


# ------------------------------------------------------------------------------------------ styles


def styles_element(settings: DocumentSettings) -> etree._Element:
    """Every style the builder uses, each naming its East Asian face (w:eastAsia)."""
    s, f = settings.sizes, settings.fonts
    geo = geometry(settings)
    latin = f.latin
    pitch = geo.line_pitch
    styles = etree.Element(qn("w:styles"), nsmap={"w": W_NS})

    defaults = wml.sub(styles, "docDefaults")
    rpr_default = wml.sub(defaults, "rPrDefault")
    body_rpr = wml.rpr(Face(f.body, latin, s.body))
    body_rpr.append(wml.w("lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA"))
    rpr_default.append(body_rpr)
    ppr_default = wml.sub(defaults, "pPrDefault")
    ppr_default.append(wml.ordered("pPr", wml.PPR_ORDER, [
        wml.w("widowControl", val=0), wml.w("kinsoku", val=1), wml.w("overflowPunct", val=1),
        wml.w("spacing", before=0, after=0, line=240, lineRule="auto"),
    ]))

    def add(kind: str, style_id: str, name: str, para: Para | None, face: Face | None, *,
            based_on: str | None = "Normal", default: bool = False, next_: str | None = None) -> None:
        style = wml.sub(styles, "style", type=kind, styleId=style_id)
        if default:
            style.set(qn("w:default"), "1")
        wml.sub(style, "name", val=name)
        if based_on:
            wml.sub(style, "basedOn", val=based_on)
        if next_:
            wml.sub(style, "next", val=next_)
        wml.sub(style, "qFormat")
        if para is not None:
            style.append(wml.ppr(para, with_style=False))
        if face is not None:
            style.append(wml.rpr(face))

    grid = Para(line_twips=pitch, char_pt=s.body)
    body = Face(f.body, latin, s.body, spacing=geo.char_spacing)
    add("paragraph", "Normal", "Normal", replace(grid, align="justify", line_breaking=True), body, based_on=None,
        default=True)
    add("paragraph", "BodyText", "Body Text", replace(grid, align="justify", first_line_chars=2), body)
    for level in (1, 2, 3, 4):
        bold = level == 3 and settings.bold_level3
        add("paragraph", f"Heading{level}", f"heading {level}",
            replace(grid, align="justify", first_line_chars=2, keep_next=True, outline_level=level - 1),
            Face(f.heading(level), latin, s.body, bold=bold, spacing=geo.char_spacing), next_="BodyText")
    add("paragraph", "Title", "Title", Para(align="center", line_twips=pitch),
        Face(f.title, latin, s.title))
    add("paragraph", "Caption", "caption", Para(align="center", line_twips=pitch),
        Face(f.table_header, latin, s.caption))
    add("paragraph", "Footer", "footer", Para(line_twips=footer_line_twips(settings)),
        Face(f.page_number, f.page_number, s.page_number))
    colour = settings.masthead.colour.upper()
    add("paragraph", "YCMasthead", "YC 报头", Para(align="center"),
        Face(f.masthead, latin, s.masthead, colour=colour))
    add("paragraph", "YCMastheadIssue", "YC 期号", replace(grid, align="center"), body)
    add("paragraph", "YCMastheadMeta", "YC 编发单位", grid, body)
    add("paragraph", "YCDocumentNumber", "YC 发文字号", replace(grid, align="center"), body)
    add("paragraph", "YCTableText", "YC 表格正文", Para(align="center"), Face(f.table_body, latin, s.table))
    add("paragraph", "YCTableHeading", "YC 表格表头", Para(align="center"),
        Face(f.table_header, latin, s.table))
    add("paragraph", "YCFigure", "YC 图片", Para(align="center"), body)
    add("paragraph", "YCAttachmentLabel", "YC 附件标识", replace(grid, align="left", page_break_before=True),
        Face(f.heading1, latin, s.body, spacing=geo.char_spacing))
    add("paragraph", "YCColophon", "YC 版记", Para(line_twips=pitch), Face(f.body, latin, s.colophon))

    char = wml.sub(styles, "style", type="character", default=1, styleId="DefaultParagraphFont")
    wml.sub(char, "name", val="Default Paragraph Font")
    wml.sub(char, "uiPriority", val=1)
    wml.sub(char, "semiHidden")
    table = wml.sub(styles, "style", type="table", default=1, styleId="TableNormal")
    wml.sub(table, "name", val="Normal Table")
    wml.sub(table, "semiHidden")
    tbl_pr = wml.sub(table, "tblPr")
    wml.sub(tbl_pr, "tblInd", w=0, type="dxa")
    margins = wml.sub(tbl_pr, "tblCellMar")
    for side, width in (("top", 0), ("left", 108), ("bottom", 0), ("right", 108)):
        wml.sub(margins, side, w=width, type="dxa")
    numbering = wml.sub(styles, "style", type="numbering", default=1, styleId="NoList")
    wml.sub(numbering, "name", val="No List")
    wml.sub(numbering, "semiHidden")
    return styles

