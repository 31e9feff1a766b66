"""Official documents (GB/T 9704-2012 layout) over python-docx.

`OfficialDocument` writes a red 报头, title, four heading levels, body text, tables, figures, the
附件说明, signature, attachments and the 版记, with the page set up as the standard asks: A4, its margins
and line grid, odd/even page numbers. Everything measurable comes from `DocumentSettings`.

python-docx supplies the package (parts, relationships, images, footers); the document starts from a
template generated here from the settings (styles, theme, font table, settings part), and paragraphs
and tables are written as WordprocessingML directly, so every property Word and WPS read (w:eastAsia
fonts, grid and cell widths, header rows) is set explicitly. Saving is deterministic: fixed document
properties and zip entry times, no revision ids.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import unicodedata
import zipfile
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Iterable, Literal, Mapping, Sequence

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.text.paragraph import Paragraph
from lxml import etree

from yc_reports.render.docx.settings import DocumentSettings
from yc_reports.render.numfmt import cn_date
from yc_reports.workbook.xlsx_io import normalise_zip

Align = Literal["left", "center", "right", "justify"]

AUTHOR = "yc-reports"
DEFAULT_STAMP = dt.datetime(2000, 1, 1)
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
BLACK = "000000"
TABLE_RULE = 4           # table borders: 0.5 pt, in eighths of a point
COLOPHON_THICK = 8       # 版记 first and last rules: 1 pt ≈ 0.35 mm
COLOPHON_THIN = 6        # 版记 rules between: 0.75 pt ≈ 0.25 mm
CELL_MARGIN_MM = 1.5

# Word's own line-breaking rules for Simplified Chinese (禁则): never at a line's end / start.
NO_BREAK_AFTER = "$([{£¥·‘“〈《「『【〔〖〝﹙﹛﹝＄（．［｛￡￥"
NO_BREAK_BEFORE = ("!%),.:;>?]}¢¨°·ˇˉ―‖’”…‰′″›℃∶、。〃〉》」』】〕〗〞︶︺︾﹀﹄﹚﹜﹞！＂％＇），．：；？］｀｜｝～￠")

# Names by which Word can find a face when the office PC lacks the exact one (w:altName).
ALT_FONT_NAMES = {
    "仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体", "方正小标宋简体": "宋体", "方正小标宋_GBK": "宋体",
    "黑体": "SimHei", "宋体": "SimSun", "仿宋": "FangSong", "楷体": "KaiTi",
}

_ALIGN = {"left": "left", "center": "center", "right": "right", "justify": "both"}


# ------------------------------------------------------------------------------------------ units


def mm_to_twips(mm: float) -> int:
    return round(Fraction(str(mm)) * 1440 / Fraction("25.4"))


def pt_to_twips(pt: float) -> int:
    return round(Fraction(str(pt)) * 20)


def half_points(pt: float) -> int:
    return int(Fraction(str(pt)) * 2)


AUTOSPACE_EM = 0.25   # the space Word and LibreOffice put between Chinese and Latin letters or digits


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def text_width_em(text: str) -> float:
    """Estimated width of `text` in ems: CJK and full-width characters 1, the rest (digits, Latin) 1/2,
    plus the automatic space where Chinese meets a Latin letter or digit."""
    width = sum(1.0 if _is_wide(ch) else 0.5 for ch in text)
    for a, b in zip(text, text[1:]):
        if (_is_wide(a) and b.isascii() and b.isalnum()) or (_is_wide(b) and a.isascii() and a.isalnum()):
            width += AUTOSPACE_EM
    return width


def tint(rgb: str, strength: float = 0.3) -> str:
    """A pale version of a colour (mixed with white) for cell fills that keep black text readable."""
    channels = [int(rgb[i:i + 2], 16) for i in (0, 2, 4)]
    mixed = [round(255 - (255 - c) * strength) for c in channels]
    return "".join(f"{c:02X}" for c in mixed)


# ------------------------------------------------------------------------------------------ XML helpers

# Child order WordprocessingML requires inside w:pPr and w:rPr (ECMA-376 §17.3); table properties are
# written in schema order directly.
_PPR_ORDER = ("pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd "
              "tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi "
              "adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc "
              "textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr").split()
_RPR_ORDER = ("rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof "
              "snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd "
              "fitText vertAlign rtl cs em lang eastAsianLayout").split()


def _w(tag: str, **attrs: object) -> etree._Element:
    """A w: element; attribute names are w: attributes (trailing underscore dropped)."""
    el = OxmlElement(f"w:{tag}")  # python-docx's element classes, so its proxies work on what we write
    for name, value in attrs.items():
        el.set(qn(f"w:{name.rstrip('_')}"), str(value))
    return el


def _sub(parent: etree._Element, tag: str, **attrs: object) -> etree._Element:
    el = _w(tag, **attrs)
    parent.append(el)
    return el


def _ordered(tag: str, order: Sequence[str], children: Iterable[etree._Element]) -> etree._Element:
    parent = _w(tag)
    rank = {name: i for i, name in enumerate(order)}
    for child in sorted(children, key=lambda c: rank[etree.QName(c).localname]):
        parent.append(child)
    return parent


@dataclass(frozen=True)
class Face:
    """How a run of text looks: East Asian face, Latin face, size in points, bold, colour."""

    east_asian: str
    latin: str
    size: float
    bold: bool = False
    colour: str = BLACK
    scale: int = 100   # horizontal scaling, percent (w:w)
    spacing: int = 0   # character spacing, twentieths of a point (w:spacing)


def _rpr(face: Face, tag: str = "rPr") -> etree._Element:
    children = [_w("rFonts", ascii=face.latin, hAnsi=face.latin, eastAsia=face.east_asian, cs=face.latin,
                   hint="eastAsia")]
    children += [_w("b", val=1 if face.bold else 0), _w("bCs", val=1 if face.bold else 0)]
    children.append(_w("color", val=face.colour))
    if face.spacing:
        children.append(_w("spacing", val=face.spacing))
    if face.scale != 100:
        children.append(_w("w", val=face.scale))
    children += [_w("sz", val=half_points(face.size)), _w("szCs", val=half_points(face.size))]
    return _ordered(tag, _RPR_ORDER, children)


@dataclass(frozen=True)
class Para:
    """Paragraph properties written directly (styles carry the defaults; these say it again for WPS)."""

    style: str = "Normal"
    align: Align | None = None
    line_twips: int | None = None      # exact line height; None: single line, auto
    first_line_chars: float = 0        # first-line indent, in characters of `char_pt`
    left_chars: float = 0
    right_chars: float = 0
    hanging_chars: float = 0
    char_pt: float = 16
    before_twips: int = 0
    keep_next: bool = False
    page_break_before: bool = False
    outline_level: int | None = None
    tab_right_twips: int | None = None
    border_top: int | None = None      # rule above, eighths of a point
    border_bottom: int | None = None   # rule below, eighths of a point
    border_colour: str = BLACK
    border_space: int = 1              # points between the text and a rule
    line_breaking: bool = False        # write the Chinese line-breaking rules (Normal style, defaults)


def _ind(p: Para) -> etree._Element | None:
    if not (p.first_line_chars or p.left_chars or p.right_chars or p.hanging_chars):
        return None
    char_twips = Fraction(str(p.char_pt)) * 20
    attrs: dict[str, object] = {}
    if p.left_chars:
        attrs.update(leftChars=round(p.left_chars * 100), left=round(p.left_chars * char_twips))
    if p.right_chars:
        attrs.update(rightChars=round(p.right_chars * 100), right=round(p.right_chars * char_twips))
    if p.hanging_chars:
        attrs.update(hangingChars=round(p.hanging_chars * 100), hanging=round(p.hanging_chars * char_twips))
    elif p.first_line_chars:
        attrs.update(firstLineChars=round(p.first_line_chars * 100),
                     firstLine=round(p.first_line_chars * char_twips))
    return _w("ind", **attrs)


def _ppr(p: Para, tag: str = "pPr", with_style: bool = True) -> etree._Element:
    children = []
    if with_style:
        children.append(_w("pStyle", val=p.style))
    if p.keep_next:
        children.append(_w("keepNext"))
    if p.page_break_before:
        children.append(_w("pageBreakBefore"))
    if p.border_top or p.border_bottom:
        borders = _w("pBdr")
        for side, size in (("top", p.border_top), ("bottom", p.border_bottom)):
            if size:
                _sub(borders, side, val="single", sz=size, space=p.border_space, color=p.border_colour)
        children.append(borders)
    if p.tab_right_twips is not None:
        tabs = _w("tabs")
        _sub(tabs, "tab", val="right", pos=p.tab_right_twips)
        children.append(tabs)
    if p.line_breaking:
        # 禁则 on, hanging punctuation allowed. The automatic space between Chinese and Latin or digits
        # stays on (Word's and WPS's default): LibreOffice cannot turn it off, and the PDFs must match.
        children += [_w("kinsoku", val=1), _w("overflowPunct", val=1)]
    children.append(_w("snapToGrid", val=0))  # never snap: see `geometry`
    if p.line_twips is None:
        children.append(_w("spacing", before=p.before_twips, after=0, line=240, lineRule="auto"))
    else:
        children.append(_w("spacing", before=p.before_twips, after=0, line=p.line_twips, lineRule="exact"))
    ind = _ind(p)
    if ind is not None:
        children.append(ind)
    if p.align:
        children.append(_w("jc", val=_ALIGN[p.align]))
    if p.outline_level is not None:
        children.append(_w("outlineLvl", val=p.outline_level))
    return _ordered(tag, _PPR_ORDER, children)


def _run(text: str, face: Face) -> etree._Element:
    """A run; newlines become line breaks and tabs become tab characters."""
    r = _w("r")
    r.append(_rpr(face))
    for i, line in enumerate(text.split("\n")):
        if i:
            _sub(r, "br")
        for j, piece in enumerate(line.split("\t")):
            if j:
                _sub(r, "tab")
            if piece:
                t = _sub(r, "t")
                t.text = piece
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return r


def _paragraph(para: Para, runs: Sequence[tuple[str, Face]] = ()) -> etree._Element:
    p = _w("p")
    p.append(_ppr(para))
    for text, face in runs:
        p.append(_run(text, face))
    return p


def _field_runs(instruction: str, placeholder: str, face: Face) -> list[etree._Element]:
    """A complex field (begin / instruction / separate / cached result / end), e.g. PAGE."""
    runs = []
    for kind in ("begin", None, "separate", "result", "end"):
        r = _w("r")
        r.append(_rpr(face))
        if kind is None:
            instr = _sub(r, "instrText")
            instr.text = f" {instruction} "
            instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        elif kind == "result":
            _sub(r, "t").text = placeholder
        else:
            _sub(r, "fldChar", fldCharType=kind)
        runs.append(r)
    return runs


# ------------------------------------------------------------------------------------------ public values


@dataclass(frozen=True)
class Span:
    """A piece of a paragraph with its own emphasis: bold, or another face (e.g. 楷体 lead-in)."""

    text: str
    bold: bool = False
    font: str | None = None   # East Asian face name; None: the paragraph's


@dataclass(frozen=True)
class Geometry:
    """The page in twips, derived once from the settings."""

    page_w: int
    page_h: int
    top: int
    bottom: int
    left: int
    right: int
    line_pitch: int
    char_space: int      # w:docGrid w:charSpace, 1/4096 pt
    char_spacing: int    # w:spacing on body-size runs, 1/20 pt
    footer: int

    @property
    def text_w(self) -> int:
        return self.page_w - self.left - self.right


def geometry(settings: DocumentSettings) -> Geometry:
    """Page geometry in twips, and how body text gets its characters per line.

    The section declares the standard's grid (w:docGrid linesAndChars: 22 lines, 28 characters), but
    our paragraphs do not snap to it: LibreOffice, which makes the PDFs, lays a character that is
    wider than the grid pitch over two cells (a 16 pt character on a 15.79 pt pitch), while Word
    squeezes it. Instead every line has the exact line pitch and body-size runs carry a character
    spacing that fits `chars_per_line` characters, which Word, WPS and LibreOffice render alike."""
    page, sizes = settings.page, settings.sizes
    left, right = mm_to_twips(page.left), mm_to_twips(page.right)
    page_w = mm_to_twips(page.width)
    text_w_pt = Fraction(page_w - left - right, 20)
    # w:charSpace is the change to each character's pitch against the body size, in 1/4096 pt.
    char_pitch = text_w_pt / page.chars_per_line
    char_space = math.floor((char_pitch - Fraction(str(sizes.body))) * 4096)
    char_spacing = math.floor((char_pitch - Fraction(str(sizes.body))) * 20)
    # The footer's single line (exact height) is centred on the dashes of "— N —"; Word measures the
    # footer distance from the page's bottom edge to the footer's last line.
    footer_line = _footer_line_twips(settings)
    footer = mm_to_twips(page.bottom - page.page_number_gap) - footer_line // 2
    return Geometry(page_w=page_w, page_h=mm_to_twips(page.height), top=mm_to_twips(page.top),
                    bottom=mm_to_twips(page.bottom), left=left, right=right,
                    line_pitch=pt_to_twips(page.line_pitch), char_space=char_space, char_spacing=char_spacing,
                    footer=footer)


def _footer_line_twips(settings: DocumentSettings) -> int:
    return pt_to_twips(settings.sizes.page_number * 1.25)


# ------------------------------------------------------------------------------------------ the document


class OfficialDocument:
    """One official document, written top to bottom.

    Typical order: masthead, title, main_recipient, headings/paragraphs/tables/figures,
    attachment_list, signature, attachment (each followed by its content), colophon, save.
    """

    def __init__(self, settings: DocumentSettings, *, stamp: dt.date | dt.datetime | None = None) -> None:
        self.settings = settings
        self.geo = geometry(settings)
        self._doc = docx.Document(io.BytesIO(build_template(settings)))
        self._sectPr = self._doc.element.body.find(qn("w:sectPr"))
        self._after_masthead = False
        self._stamp = _as_datetime(stamp)
        self._title = ""
        self._add_page_numbers()

    # -------------------------------------------------------------------------------- faces

    def _face(self, east_asian: str, size: float | None = None, *, bold: bool = False,
              colour: str = BLACK, scale: int = 100) -> Face:
        """A face; body-size text (size None) gets the spacing that fits the characters per line."""
        if size is None:
            return Face(east_asian, self.settings.fonts.latin, self.settings.sizes.body, bold, colour, scale,
                        spacing=self.geo.char_spacing)
        return Face(east_asian, self.settings.fonts.latin, size, bold, colour, scale)

    @property
    def _body_face(self) -> Face:
        return self._face(self.settings.fonts.body)

    def _grid_para(self, **kw: object) -> Para:
        """A paragraph on the line grid: exact line height = line pitch."""
        kw.setdefault("line_twips", self.geo.line_pitch)
        kw.setdefault("char_pt", self.settings.sizes.body)
        return Para(**kw)  # type: ignore[arg-type]

    def _append(self, element: etree._Element) -> etree._Element:
        self._sectPr.addprevious(element)
        self._after_masthead = False
        return element

    # -------------------------------------------------------------------------------- front matter

    def masthead(self, briefing_name: str, *, issue_label: str, issuer: str, date: dt.date) -> None:
        """Red 报头: the briefing's name, 第N期 below, 编发单位 left and date right over a red rule."""
        s = self.settings
        colour = s.masthead.colour.upper()
        size, scale = fit_masthead(briefing_name, s.sizes.masthead, Fraction(self.geo.text_w, 20))
        name_line = pt_to_twips(size * 1.25)
        self._append(_paragraph(
            Para(style="YCMasthead", align="center", line_twips=name_line,
                 before_twips=mm_to_twips(s.masthead.top)),
            [(briefing_name, self._face(s.fonts.masthead, size, colour=colour, scale=scale))]))
        self._append(_paragraph(self._grid_para(style="YCMastheadIssue", align="center"),
                                [(issue_label, self._body_face)]))
        rule = dict(border_bottom=round(s.masthead.rule_width * 8), border_colour=colour, border_space=8)
        date_text = cn_date(date)
        if text_width_em(issuer) + text_width_em(date_text) + 1 <= s.page.chars_per_line:
            self._append(_paragraph(
                self._grid_para(style="YCMastheadMeta", align="left", tab_right_twips=self.geo.text_w, **rule),
                [(f"{issuer}\t{date_text}", self._body_face)]))
        else:  # a long 编发单位: the date goes to the next line, right-aligned, above the rule
            self._append(_paragraph(self._grid_para(style="YCMastheadMeta", align="left"),
                                    [(issuer, self._body_face)]))
            self._append(_paragraph(self._grid_para(style="YCMastheadMeta", align="right", **rule),
                                    [(date_text, self._body_face)]))
        self._after_masthead = True

    def title(self, text: str | Sequence[str]) -> None:
        """二号小标宋 title, centred; two blank lines below a masthead's red rule, one blank line after.

        A sequence (or text with newlines) sets the line breaks of a multi-line title; a longer single
        string is broken into balanced lines, the upper no longer than the lower (梯形)."""
        if isinstance(text, str) and "\n" not in text:
            lines = title_lines(text, self.settings.sizes.title, Fraction(self.geo.text_w, 20))
        else:
            lines = text.split("\n") if isinstance(text, str) else list(text)
        joined = "\n".join(lines)
        if self._after_masthead:
            self.blank_line()
            self.blank_line()
        face = self._face(self.settings.fonts.title, self.settings.sizes.title)
        self._append(_paragraph(self._grid_para(style="Title", align="center"), [(joined, face)]))
        self.blank_line()
        if not self._title:
            self._title = joined.replace("\n", "")

    def main_recipient(self, text: str) -> None:
        """主送机关 line, flush left, ending with a full-width colon as given."""
        self._append(_paragraph(self._grid_para(align="justify"), [(text, self._body_face)]))

    # -------------------------------------------------------------------------------- body

    def heading(self, level: int, text: str) -> None:
        """Headings “一、” 黑体, “（一）” 楷体, “1.” and “（1）” 仿宋; indented two characters."""
        if level not in (1, 2, 3, 4):
            raise ValueError(f"heading level must be 1..4, not {level}")
        bold = level == 3 and self.settings.bold_level3
        face = self._face(self.settings.fonts.heading(level), bold=bold)
        para = self._grid_para(style=f"Heading{level}", align="justify", first_line_chars=2,
                               keep_next=True, outline_level=level - 1)
        self._append(_paragraph(para, [(text, face)]))

    def paragraph(self, text: str | Sequence[Span], *, first_line_indent: bool = True,
                  align: Align = "justify") -> None:
        """Body text, 三号仿宋, first line indented two characters; digits and Latin in the Latin face."""
        spans = [Span(text)] if isinstance(text, str) else list(text)
        runs = [(span.text, self._face(span.font or self.settings.fonts.body, bold=span.bold)) for span in spans]
        para = self._grid_para(style="BodyText", align=align, first_line_chars=2 if first_line_indent else 0)
        self._append(_paragraph(para, runs))

    def blank_line(self) -> None:
        self._append(_paragraph(self._grid_para()))

    def page_break(self) -> None:
        """Start the next element on a new page (the next paragraph carries the break)."""
        self._append(_paragraph(self._grid_para(page_break_before=True, line_twips=20)))

    # -------------------------------------------------------------------------------- tables

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]], widths_mm: Sequence[float], *,
              align: Sequence[Align] | None = None, header_repeat: bool = True,
              cell_fills: Mapping[tuple[int, int], str] | None = None, font_size_pt: float | None = None,
              title: str | None = None, keep_together: bool = False) -> None:
        """A ruled table centred in the text block.

        `widths_mm` per column (their sum at most the text width); `align` per column for the body rows
        (headers are centred); `cell_fills` maps (body row, column), both from 0, to RRGGBB;
        header rows repeat on every page. `title` is set above the table in the caption face.
        `keep_together` keeps every row on the page of the next one (w:keepNext in each row but the
        last), so a table that fits on a page is not split; Word, WPS and LibreOffice honour it."""
        n = len(headers)
        if len(widths_mm) != n or any(len(row) != n for row in rows):
            raise ValueError("every row and the widths must have one entry per header")
        if align is not None and len(align) != n:
            raise ValueError("align must have one entry per column")
        widths = column_twips(widths_mm)
        if sum(widths) > self.geo.text_w + mm_to_twips(0.5):
            raise ValueError(f"table is {sum(widths_mm)} mm wide; "
                             f"the text block is {self.settings.page.text_width} mm")
        if title:
            self.caption(title, keep_next=True)
        size = font_size_pt or self.settings.sizes.table
        fills = dict(cell_fills or {})
        aligns: list[Align] = list(align) if align else ["center"] * n
        fonts = self.settings.fonts
        tbl = _table_element(widths)
        header_face = self._face(fonts.table_header, size)
        body_face = self._face(fonts.table_body, size)
        _table_row(tbl, widths, list(headers), ["center"] * n, header_face, size, {},
                   header=header_repeat, style="YCTableHeading")
        for r, row in enumerate(rows):
            row_fills = {c: colour for (fr, c), colour in fills.items() if fr == r}
            _table_row(tbl, widths, [str(v) for v in row], aligns, body_face, size, row_fills,
                       header=False, style="YCTableText")
        if keep_together:
            for tr in tbl.findall(qn("w:tr"))[:-1]:
                for p_pr in tr.iter(qn("w:pPr")):
                    p_pr.find(qn("w:pStyle")).addnext(_w("keepNext"))
        self._append(tbl)
        # A table may not end the document, and two tables must not touch: a small spacer follows.
        self._append(_paragraph(Para(style="YCTableText", line_twips=pt_to_twips(size))))

    def caption(self, text: str, *, keep_next: bool = False) -> None:
        """A centred caption line (table titles above tables, figure captions below figures)."""
        s = self.settings
        self._append(_paragraph(
            self._grid_para(style="Caption", align="center", keep_next=keep_next),
            [(text, self._face(s.fonts.table_header, s.sizes.caption))]))

    # -------------------------------------------------------------------------------- figures

    def figure(self, png: bytes, width_mm: float, alt_text: str, caption: str | None = None) -> None:
        """An image centred in the text block, with alt text (wp:docPr descr) and an optional caption."""
        width_mm = min(width_mm, self.settings.page.text_width)
        p = self._append(_paragraph(Para(style="YCFigure", align="center", keep_next=bool(caption))))
        run = Paragraph(p, self._doc._body).add_run()
        run.add_picture(io.BytesIO(png), width=Mm(width_mm))
        for prop in run._r.iter(qn("wp:docPr"), "{http://schemas.openxmlformats.org/drawingml/2006/picture}cNvPr"):
            prop.set("descr", alt_text)
        if caption:
            self.caption(caption)

    # -------------------------------------------------------------------------------- closing matter

    def attachment_list(self, names: Sequence[str]) -> None:
        """附件说明 one line below the body, indented two characters: “附件：1. ……”."""
        if not names:
            return
        self.blank_line()
        numbered = len(names) > 1
        for i, name in enumerate(names, start=1):
            label = f"{i}. {name}" if numbered else name
            text = f"附件：{label}" if i == 1 else label
            # Second and later names align with the first name, after “附件：”.
            para = self._grid_para(align="left", left_chars=5, hanging_chars=3 if i == 1 else 0)
            self._append(_paragraph(para, [(text, self._body_face)]))

    def signature(self, org: str, date: dt.date) -> None:
        """发文机关署名 and 成文日期 (GB/T 9704 7.3.5.2, unsealed): one blank line below the body,
        the name right-aligned two characters in, the date below it starting two characters further right."""
        date_text = cn_date(date)
        org_right, date_right = signature_indents(org, date_text)
        self.blank_line()
        self._append(_paragraph(self._grid_para(align="right", right_chars=org_right), [(org, self._body_face)]))
        self._append(_paragraph(self._grid_para(align="right", right_chars=date_right),
                                [(date_text, self._body_face)]))

    def attachment(self, n: int | None, title: str) -> None:
        """A new page: “附件N” (黑体) on line 1, the attachment's title (小标宋) on line 3, a blank line."""
        s = self.settings
        label = "附件" if n is None else f"附件{n}"
        self._append(_paragraph(self._grid_para(style="YCAttachmentLabel", align="left", page_break_before=True),
                                [(label, self._face(s.fonts.heading1))]))
        self.blank_line()
        face = self._face(s.fonts.title, s.sizes.title)
        self._append(_paragraph(self._grid_para(style="Title", align="center"), [(title, face)]))
        self.blank_line()

    def colophon(self, *, cc: str | None = None, printer: str | None = None, print_date: dt.date | None = None,
                 recipients: Sequence[tuple[str, str]] | None = None) -> None:
        """版记 at the foot of the last page: 报/送/发 lines, 抄送, then 印发机关 and 印发日期, between
        rules (first and last 0.35 mm, between blocks 0.25 mm); the last rule on the text block's bottom edge.

        `recipients` are (label, names) pairs such as ("报", "市委、市政府主要领导"); None takes the
        settings' 报/送/发 lines, () leaves them out. The 版记 is a text box anchored to the bottom of the
        text block (Word, WPS and LibreOffice all place it there), body text keeping clear above it."""
        lines = self.settings.colophon.recipient_lines if recipients is None else tuple(recipients)
        blocks: list[list[tuple[str, str]]] = []
        if lines:
            blocks.append([(f"{label}：", _end_with_stop(names)) for label, names in lines])
        if cc:
            blocks.append([("抄送：", _end_with_stop(cc))])
        printer_block = bool(printer or print_date)
        if printer_block:
            blocks.append([(printer or "", f"{cn_date(print_date)}印发" if print_date else "")])
        if not blocks:
            return
        content, height = self._colophon_content(blocks, printer_block)
        anchor = _paragraph(Para(style="YCColophon", line_twips=20))
        run = _sub(anchor, "r")
        run.append(_bottom_text_box(content, self.geo.text_w, height, shape_id=self._doc.part.next_id,
                                    name="版记"))
        self._append(anchor)

    def _colophon_content(self, blocks: list[list[tuple[str, str]]],
                          printer_block: bool) -> tuple[list[etree._Element], int]:
        """The 版记 as a one-column table (rules as cell borders, so they span the text block while the
        text stands one character in) and its estimated height in twips."""
        s = self.settings
        char = s.sizes.colophon
        char_twips = pt_to_twips(char)
        width, line = self.geo.text_w, self.geo.line_pitch
        inner = width - 2 * char_twips
        per_line = inner / char_twips   # ems between the one-character margins
        face = self._face(s.fonts.body, char)
        base = dict(style="YCColophon", line_twips=line, char_pt=char)
        tbl = _w("tbl")
        tbl_pr = _sub(tbl, "tblPr")
        _sub(tbl_pr, "tblStyle", val="TableNormal")
        _sub(tbl_pr, "tblW", w=width, type="dxa")
        _sub(tbl_pr, "jc", val="center")
        _sub(tbl_pr, "tblLayout", type="fixed")
        margins = _sub(tbl_pr, "tblCellMar")
        for side, w in (("top", 0), ("left", char_twips), ("bottom", 0), ("right", char_twips)):
            _sub(margins, side, w=w, type="dxa")
        _sub(tbl_pr, "tblLook", val="0000", firstRow=0, lastRow=0, firstColumn=0, lastColumn=0, noHBand=1, noVBand=1)
        _sub(_sub(tbl, "tblGrid"), "gridCol", w=width)
        height = 0
        for b, block in enumerate(blocks):
            for i, (head, tail) in enumerate(block):
                top = COLOPHON_THICK if (b == 0 and i == 0) else (COLOPHON_THIN if i == 0 else None)
                bottom = COLOPHON_THICK if (b == len(blocks) - 1 and i == len(block) - 1) else None
                if printer_block and b == len(blocks) - 1:
                    # 印发机关 on the left, 印发日期 on the right; a name too long to share the line puts
                    # the date on the next line.
                    if text_width_em(head) + text_width_em(tail) + 1 <= per_line:
                        paragraphs = [_paragraph(Para(**base, tab_right_twips=inner), [(f"{head}\t{tail}", face)])]
                    else:
                        paragraphs = [_paragraph(Para(**base, align="left"), [(head, face)]),
                                      _paragraph(Para(**base, align="right"), [(tail, face)])]
                    n_lines = len(paragraphs)
                else:
                    # Second lines of a long list align with the first name, after the colon.
                    head_em = text_width_em(head)
                    text = head + tail
                    para = Para(**base, left_chars=head_em, hanging_chars=head_em, align="justify")
                    paragraphs = [_paragraph(para, [(text, face)])]
                    n_lines = max(1, math.ceil(text_width_em(text) / per_line))
                _colophon_row(tbl, width, paragraphs, top, bottom)
                height += n_lines * line + sum(pt_to_twips(size / 8) for size in (top, bottom) if size)
        # A table is followed by a paragraph; one point high, it keeps the last rule on the bottom edge.
        tail_para = _paragraph(Para(style="YCColophon", line_twips=20))
        return [tbl, tail_para], height + 20

    # -------------------------------------------------------------------------------- page numbers

    def _add_page_numbers(self) -> None:
        """“— N —” in the footers: odd pages right, even pages left, one character in."""
        section = self._doc.sections[0]
        s = self.settings
        face = Face(s.fonts.page_number, s.fonts.page_number, s.sizes.page_number)
        line = _footer_line_twips(s)
        for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
            footer.is_linked_to_previous = False
            ftr = footer._element
            for child in list(ftr):
                ftr.remove(child)
            para = Para(style="Footer", align=side, line_twips=line, char_pt=s.sizes.page_number,
                        **{f"{side}_chars": 1})
            p = _paragraph(para)
            p.append(_run("— ", face))
            for r in _field_runs("PAGE", "1", face):
                p.append(r)
            p.append(_run(" —", face))
            ftr.append(p)

    # -------------------------------------------------------------------------------- saving

    def to_bytes(self) -> bytes:
        """The .docx as bytes, identical for identical content."""
        props = self._doc.core_properties
        props.author = AUTHOR
        props.last_modified_by = AUTHOR
        props.created = self._stamp
        props.modified = self._stamp
        props.revision = 1
        props.title = self._title
        buffer = io.BytesIO()
        self._doc.save(buffer)
        return normalise_zip(buffer.getvalue())

    def save(self, path: str | Path) -> Path:
        """Write the .docx (whole: a temporary file, then renamed)."""
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(self.to_bytes())
        tmp.replace(path)
        return path


def _as_datetime(stamp: dt.date | dt.datetime | None) -> dt.datetime:
    if stamp is None:
        return DEFAULT_STAMP
    if isinstance(stamp, dt.datetime):
        return stamp.replace(tzinfo=None, microsecond=0)
    return dt.datetime(stamp.year, stamp.month, stamp.day)


def _end_with_stop(names: str) -> str:
    names = names.strip()
    return names if names.endswith("。") else names + "。"


# ------------------------------------------------------------------------------------------ layout rules


def fit_masthead(name: str, size: float, text_width_pt: Fraction) -> tuple[float, int]:
    """The masthead's (size, horizontal scale %) so the name fits one line of the text block.

    Red briefing names are customarily set condensed rather than small: squeeze to at most 50%,
    then reduce the size."""
    em = Fraction(str(text_width_em(name)))
    room = text_width_pt * Fraction(98, 100)
    natural = em * Fraction(str(size))
    if natural <= room:
        return size, 100
    scale = math.floor(room / natural * 100)
    if scale >= 50:
        return size, scale
    smaller = math.floor(room / (em * Fraction(1, 2)) * 2) / 2   # half points, at 50 %
    return float(smaller), 50


_NO_LINE_START = set(NO_BREAK_BEFORE)
_NO_LINE_END = set(NO_BREAK_AFTER)
# Where a title reads well broken: after these characters, or before these words (or before a number).
_GOOD_AFTER = set("的、，；：于度）》")
_GOOD_BEFORE = ("推进", "工作", "（", "《")
_BAD_BREAK_COST = 25.0     # in squared ems: a break inside a phrase is worse than uneven lines
_EXTRA_LINE_COST = 3.0
_INVERTED_COST = 2.0       # lines getting shorter downwards (倒梯形)


def _break_quality(text: str, i: int) -> bool | None:
    """Breaking before text[i]: None when not allowed (inside a number or Latin word, or against the
    line-breaking rules), True at a natural phrase boundary, False elsewhere."""
    before, after = text[i - 1], text[i]
    if before.isascii() and after.isascii() and before.isalnum() and after.isalnum():
        return None
    if before.isdigit() or after in ".%" or after in _NO_LINE_START or before in _NO_LINE_END:
        return None
    if before in _GOOD_AFTER or text.startswith(_GOOD_BEFORE, i) or (after.isdigit() and not before.isascii()):
        return True
    return False


def title_lines(text: str, size: float, text_width_pt: Fraction) -> list[str]:
    """Break a title too long for one line into lines that read well (GB/T 9704 7.3.1: 词意完整,
    排列对称, 梯形或菱形): phrase boundaries first, then balance; never inside a number."""
    capacity = math.floor(text_width_pt / Fraction(str(size)))
    if text_width_em(text) <= capacity:
        return [text]
    fewest = math.ceil(text_width_em(text) / capacity)
    if fewest > 4:   # not a title any more: fill lines greedily
        return _greedy_lines(text, capacity)
    candidates = [split for n in range(fewest, fewest + 3) if (split := _best_split(text, n, capacity))]
    if not candidates:
        return _greedy_lines(text, capacity)
    return min(candidates)[1]


def _greedy_lines(text: str, capacity: int) -> list[str]:
    lines, start = [], 0
    for i in range(1, len(text) + 1):
        if text_width_em(text[start:i]) > capacity:
            lines.append(text[start:i - 1])
            start = i - 1
    return lines + [text[start:]]


def _best_split(text: str, n_lines: int, capacity: int) -> tuple[float, list[str]] | None:
    """The cheapest way to break `text` into `n_lines` lines of at most `capacity` ems, or None.

    Cost: squared distance of each line from equal lines, a penalty per break inside a phrase and per
    extra line; two lines are searched exhaustively so an inverted trapezoid can cost extra too."""
    quality = {i: q for i in range(1, len(text)) if (q := _break_quality(text, i)) is not None}
    ends = [*quality, len(text)]
    ideal = text_width_em(text) / n_lines

    def line_cost(start: int, end: int) -> float | None:
        width = text_width_em(text[start:end])
        if width > capacity:
            return None
        return (width - ideal) ** 2 + (0 if end == len(text) or quality[end] else _BAD_BREAK_COST)

    @functools.lru_cache(maxsize=None)
    def cheapest(start: int, lines_left: int) -> tuple[float, tuple[int, ...]] | None:
        if lines_left == 1:
            cost = line_cost(start, len(text))
            return None if cost is None else (cost, ())
        best: tuple[float, tuple[int, ...]] | None = None
        for end in ends[:-1]:
            if end <= start:
                continue
            here = line_cost(start, end)
            if here is None:
                break
            rest = cheapest(end, lines_left - 1)
            if rest is not None and (best is None or here + rest[0] < best[0]):
                best = (here + rest[0], (end, *rest[1]))
        return best

    if n_lines == 2:
        options = []
        for end in quality:
            first, second = line_cost(0, end), line_cost(end, len(text))
            if first is not None and second is not None:
                inverted = text_width_em(text[:end]) > text_width_em(text[end:])
                options.append((first + second + (_INVERTED_COST if inverted else 0), (end,)))
        found = min(options) if options else None
    else:
        found = cheapest(0, n_lines)
    if found is None:
        return None
    cost, breaks = found
    bounds = [0, *breaks, len(text)]
    return cost + _EXTRA_LINE_COST * (n_lines - 1), [text[a:b] for a, b in zip(bounds, bounds[1:])]


def signature_indents(org: str, date_text: str) -> tuple[float, float]:
    """Right indents (characters) of the signature and date lines (GB/T 9704 7.3.5.2).

    The date stands two characters in from the right with its first character two characters right of
    the organisation's first; when the organisation's name is the longer, it stands two characters in
    and the date keeps the two-character offset."""
    org_w, date_w = text_width_em(org), text_width_em(date_text)
    org_right = max(2.0, 4 + date_w - org_w)
    date_right = org_right + org_w - 2 - date_w
    return org_right, date_right


def column_twips(widths_mm: Sequence[float]) -> list[int]:
    """Column widths in twips, rounded so that they add up to the rounded total."""
    out, edge_mm, edge_tw = [], Fraction(0), 0
    for width in widths_mm:
        edge_mm += Fraction(str(width))
        next_edge = mm_to_twips(float(edge_mm))
        out.append(next_edge - edge_tw)
        edge_tw = next_edge
    return out


MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
WPS_NS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
EMU_PER_TWIP = 635


def _colophon_row(tbl: etree._Element, width: int, paragraphs: Sequence[etree._Element], top: int | None,
                  bottom: int | None) -> None:
    tr = _sub(tbl, "tr")
    _sub(_sub(tr, "trPr"), "cantSplit")
    tc = _sub(tr, "tc")
    tc_pr = _sub(tc, "tcPr")
    _sub(tc_pr, "tcW", w=width, type="dxa")
    borders = _sub(tc_pr, "tcBorders")
    for side, size in (("top", top), ("left", None), ("bottom", bottom), ("right", None)):
        if size:
            _sub(borders, side, val="single", sz=size, space=0, color=BLACK)
        else:
            _sub(borders, side, val="nil")
    _sub(tc_pr, "vAlign", val="center")
    for p in paragraphs:
        tc.append(p)


def _bottom_text_box(content: Sequence[etree._Element], width: int, height: int, *, shape_id: int,
                     name: str) -> etree._Element:
    """A borderless text box the width of the text block, anchored to its bottom edge, text wrapping
    above and below; it grows to fit its content (spAutoFit), `height` (twips) being the estimate."""
    nsmap = {"mc": MC_NS, "wps": WPS_NS, "wp": WP_NS, "a": A_NS}

    def el(ns: str, tag: str, parent: etree._Element | None = None, **attrs: object) -> etree._Element:
        node = etree.Element(f"{{{ns}}}{tag}", {k: str(v) for k, v in attrs.items()}, nsmap=nsmap)
        if parent is not None:
            parent.append(node)
        return node

    cx, cy = width * EMU_PER_TWIP, height * EMU_PER_TWIP
    alternate = el(MC_NS, "AlternateContent")
    choice = el(MC_NS, "Choice", alternate, Requires="wps")
    drawing = _w("drawing")
    choice.append(drawing)
    anchor = el(WP_NS, "anchor", None, distT=0, distB=0, distL=0, distR=0, simplePos=0, relativeHeight=251659264,
                behindDoc=0, locked=0, layoutInCell=1, allowOverlap=0)
    drawing.append(anchor)
    el(WP_NS, "simplePos", anchor, x=0, y=0)
    for axis, align in (("positionH", "center"), ("positionV", "bottom")):
        el(WP_NS, "align", el(WP_NS, axis, anchor, relativeFrom="margin")).text = align
    el(WP_NS, "extent", anchor, cx=cx, cy=cy)
    el(WP_NS, "effectExtent", anchor, l=0, t=0, r=0, b=0)
    el(WP_NS, "wrapTopAndBottom", anchor)
    el(WP_NS, "docPr", anchor, id=shape_id, name=name, descr=name)
    el(WP_NS, "cNvGraphicFramePr", anchor)
    data = el(A_NS, "graphicData", el(A_NS, "graphic", anchor), uri=WPS_NS)
    shape = el(WPS_NS, "wsp", data)
    el(WPS_NS, "cNvSpPr", shape, txBox=1)
    props = el(WPS_NS, "spPr", shape)
    xfrm = el(A_NS, "xfrm", props)
    el(A_NS, "off", xfrm, x=0, y=0)
    el(A_NS, "ext", xfrm, cx=cx, cy=cy)
    el(A_NS, "avLst", el(A_NS, "prstGeom", props, prst="rect"))
    el(A_NS, "noFill", props)
    el(A_NS, "noFill", el(A_NS, "ln", props))
    box = _w("txbxContent")
    for element in content:
        box.append(element)
    el(WPS_NS, "txbx", shape).append(box)
    body = el(WPS_NS, "bodyPr", shape, rot=0, vert="horz", wrap="square", lIns=0, tIns=0, rIns=0, bIns=0,
              anchor="b", anchorCtr=0)
    el(A_NS, "spAutoFit", body)
    return alternate


def _table_element(widths: Sequence[int]) -> etree._Element:
    tbl = _w("tbl")
    tbl_pr = _sub(tbl, "tblPr")
    _sub(tbl_pr, "tblStyle", val="TableNormal")
    _sub(tbl_pr, "tblW", w=sum(widths), type="dxa")
    _sub(tbl_pr, "jc", val="center")
    borders = _sub(tbl_pr, "tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        _sub(borders, side, val="single", sz=TABLE_RULE, space=0, color=BLACK)
    _sub(tbl_pr, "tblLayout", type="fixed")
    margins = _sub(tbl_pr, "tblCellMar")
    pad = mm_to_twips(CELL_MARGIN_MM)
    for side, width in (("top", 0), ("left", pad), ("bottom", 0), ("right", pad)):
        _sub(margins, side, w=width, type="dxa")
    _sub(tbl_pr, "tblLook", val="0000", firstRow=0, lastRow=0, firstColumn=0, lastColumn=0, noHBand=1, noVBand=1)
    grid = _sub(tbl, "tblGrid")
    for width in widths:
        _sub(grid, "gridCol", w=width)
    return tbl


def _table_row(tbl: etree._Element, widths: Sequence[int], values: Sequence[str], aligns: Sequence[Align],
               face: Face, size: float, fills: Mapping[int, str], *, header: bool, style: str) -> None:
    tr = _sub(tbl, "tr")
    tr_pr = _sub(tr, "trPr")
    _sub(tr_pr, "cantSplit")
    _sub(tr_pr, "trHeight", val=pt_to_twips(size * 2), hRule="atLeast")
    if header:
        _sub(tr_pr, "tblHeader")
    pad = pt_to_twips(size * 0.25)
    for c, (width, value, align) in enumerate(zip(widths, values, aligns)):
        tc = _sub(tr, "tc")
        tc_pr = _sub(tc, "tcPr")
        _sub(tc_pr, "tcW", w=width, type="dxa")
        if c in fills:
            _sub(tc_pr, "shd", val="clear", color="auto", fill=fills[c].upper())
        _sub(tc_pr, "vAlign", val="center")
        para = Para(style=style, align=align, char_pt=size)
        p = _paragraph(para, [(value, face)] if value else [])
        # A little air above and below the text inside the cell.
        spacing = p.find(qn("w:pPr")).find(qn("w:spacing"))
        spacing.set(qn("w:before"), str(pad))
        spacing.set(qn("w:after"), str(pad))
        tc.append(p)


# ------------------------------------------------------------------------------------------ the template


def build_template(settings: DocumentSettings) -> bytes:
    """A minimal .docx carrying the page setup, styles, theme and font table for these settings."""
    geo = geometry(settings)
    parts = {
        "[Content_Types].xml": _CONTENT_TYPES,
        "_rels/.rels": _PACKAGE_RELS,
        "docProps/core.xml": _CORE,
        "docProps/app.xml": _APP,
        "word/_rels/document.xml.rels": _DOCUMENT_RELS,
        "word/document.xml": _document_xml(geo),
        "word/styles.xml": _xml(styles_element(settings)),
        "word/settings.xml": _xml(_settings_element()),
        "word/fontTable.xml": _xml(_font_table_element(settings)),
        "word/theme/theme1.xml": _theme_xml(settings),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0)),
                       data if isinstance(data, bytes) else data.encode("utf-8"))
    return out.getvalue()


def _xml(element: etree._Element) -> bytes:
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", standalone=True)


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
    # Declared at the root as Word writes them: the 版记's text box uses mc, wps, wp and a.
    nsmap = {"w": W_NS, "r": R_NS, "mc": MC_NS, "wps": WPS_NS, "wp": WP_NS, "a": A_NS}
    document = etree.Element(qn("w:document"), nsmap=nsmap)
    body = etree.SubElement(document, qn("w:body"))
    sect = etree.SubElement(body, qn("w:sectPr"))
    _sub(sect, "pgSz", w=geo.page_w, h=geo.page_h)
    _sub(sect, "pgMar", top=geo.top, right=geo.right, bottom=geo.bottom, left=geo.left, header=851,
         footer=geo.footer, gutter=0)
    _sub(sect, "pgNumType", fmt="decimal")
    _sub(sect, "cols", space=425)
    _sub(sect, "docGrid", type="linesAndChars", linePitch=geo.line_pitch, charSpace=geo.char_space)
    return _xml(document)


def _settings_element() -> etree._Element:
    settings = etree.Element(qn("w:settings"), nsmap={"w": W_NS})
    _sub(settings, "zoom", percent=100)
    _sub(settings, "defaultTabStop", val=420)
    _sub(settings, "evenAndOddHeaders")
    _sub(settings, "characterSpacingControl", val="doNotCompress")
    _sub(settings, "noLineBreaksAfter", lang="zh-CN", val=NO_BREAK_AFTER)
    _sub(settings, "noLineBreaksBefore", lang="zh-CN", val=NO_BREAK_BEFORE)
    compat = _sub(settings, "compat")
    _sub(compat, "spaceForUL")
    _sub(compat, "balanceSingleByteDoubleByteWidth")
    _sub(compat, "doNotLeaveBackslashAlone")
    _sub(compat, "ulTrailSpace")
    _sub(compat, "doNotExpandShiftReturn")
    _sub(compat, "useFELayout")
    _sub(compat, "compatSetting", name="compatibilityMode", uri="http://schemas.microsoft.com/office/word", val=15)
    _sub(settings, "themeFontLang", val="en-US", eastAsia="zh-CN")
    _sub(settings, "decimalSymbol", val=".")
    _sub(settings, "listSeparator", val=",")
    return settings


def _font_table_element(settings: DocumentSettings) -> etree._Element:
    fonts = etree.Element(qn("w:fonts"), nsmap={"w": W_NS})
    names = sorted({getattr(settings.fonts, f) for f in settings.fonts.__dataclass_fields__})
    for name in names:
        font = _sub(fonts, "font", name=name)
        latin = name == settings.fonts.latin or name.isascii()
        if name in ALT_FONT_NAMES:
            _sub(font, "altName", val=ALT_FONT_NAMES[name])
        _sub(font, "charset", val="00" if latin else "86")
        _sub(font, "family", val="roman" if latin else "modern")
        _sub(font, "pitch", val="variable")
    return fonts


def _theme_xml(settings: DocumentSettings) -> bytes:
    """python-docx's default theme with its font scheme replaced by ours (WPS warns about missing theme fonts)."""
    template = Path(docx.__file__).parent / "templates" / "default.docx"
    with zipfile.ZipFile(template) as z:
        theme = etree.fromstring(z.read("word/theme/theme1.xml"))
    a = "http://schemas.openxmlformats.org/drawingml/2006/main"
    scheme = theme.find(f".//{{{a}}}fontScheme")
    scheme.set("name", "yc-reports")
    fonts = settings.fonts
    for tag, east_asian in (("majorFont", fonts.heading1), ("minorFont", fonts.body)):
        holder = scheme.find(f"{{{a}}}{tag}")
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

    defaults = _sub(styles, "docDefaults")
    rpr_default = _sub(defaults, "rPrDefault")
    body_rpr = _rpr(Face(f.body, latin, s.body))
    body_rpr.append(_w("lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA"))
    rpr_default.append(body_rpr)
    ppr_default = _sub(defaults, "pPrDefault")
    ppr_default.append(_ordered("pPr", _PPR_ORDER, [
        _w("widowControl", val=0), _w("kinsoku", val=1), _w("overflowPunct", val=1),
        _w("spacing", before=0, after=0, line=240, lineRule="auto"),
    ]))

    def add(kind: str, style_id: str, name: str, para: Para | None, face: Face | None, *,
            based_on: str | None = "Normal", default: bool = False, next_: str | None = None) -> None:
        style = _sub(styles, "style", type=kind, styleId=style_id)
        if default:
            style.set(qn("w:default"), "1")
        _sub(style, "name", val=name)
        if based_on:
            _sub(style, "basedOn", val=based_on)
        if next_:
            _sub(style, "next", val=next_)
        _sub(style, "qFormat")
        if para is not None:
            style.append(_ppr(para, with_style=False))
        if face is not None:
            style.append(_rpr(face))

    grid = dict(line_twips=pitch, char_pt=s.body)
    body = Face(f.body, latin, s.body, spacing=geo.char_spacing)
    add("paragraph", "Normal", "Normal", Para(align="justify", line_breaking=True, **grid), body, based_on=None,
        default=True)
    add("paragraph", "BodyText", "Body Text", Para(align="justify", first_line_chars=2, **grid), body)
    for level in (1, 2, 3, 4):
        bold = level == 3 and settings.bold_level3
        add("paragraph", f"Heading{level}", f"heading {level}",
            Para(align="justify", first_line_chars=2, keep_next=True, outline_level=level - 1, **grid),
            Face(f.heading(level), latin, s.body, bold=bold, spacing=geo.char_spacing), next_="BodyText")
    add("paragraph", "Title", "Title", Para(align="center", line_twips=pitch),
        Face(f.title, latin, s.title))
    add("paragraph", "Caption", "caption", Para(align="center", line_twips=pitch),
        Face(f.table_header, latin, s.caption))
    add("paragraph", "Footer", "footer", Para(line_twips=_footer_line_twips(settings)),
        Face(f.page_number, f.page_number, s.page_number))
    colour = settings.masthead.colour.upper()
    add("paragraph", "YCMasthead", "YC 报头", Para(align="center"),
        Face(f.masthead, latin, s.masthead, colour=colour))
    add("paragraph", "YCMastheadIssue", "YC 期号", Para(align="center", **grid), body)
    add("paragraph", "YCMastheadMeta", "YC 编发单位", Para(**grid), body)
    add("paragraph", "YCTableText", "YC 表格正文", Para(align="center"), Face(f.table_body, latin, s.table))
    add("paragraph", "YCTableHeading", "YC 表格表头", Para(align="center"),
        Face(f.table_header, latin, s.table))
    add("paragraph", "YCFigure", "YC 图片", Para(align="center"), body)
    add("paragraph", "YCAttachmentLabel", "YC 附件标识", Para(align="left", page_break_before=True, **grid),
        Face(f.heading1, latin, s.body, spacing=geo.char_spacing))
    add("paragraph", "YCColophon", "YC 版记", Para(line_twips=pitch), Face(f.body, latin, s.colophon))

    char = _sub(styles, "style", type="character", default=1, styleId="DefaultParagraphFont")
    _sub(char, "name", val="Default Paragraph Font")
    _sub(char, "uiPriority", val=1)
    _sub(char, "semiHidden")
    table = _sub(styles, "style", type="table", default=1, styleId="TableNormal")
    _sub(table, "name", val="Normal Table")
    _sub(table, "semiHidden")
    tbl_pr = _sub(table, "tblPr")
    _sub(tbl_pr, "tblInd", w=0, type="dxa")
    margins = _sub(tbl_pr, "tblCellMar")
    for side, width in (("top", 0), ("left", 108), ("bottom", 0), ("right", 108)):
        _sub(margins, side, w=width, type="dxa")
    numbering = _sub(styles, "style", type="numbering", default=1, styleId="NoList")
    _sub(numbering, "name", val="No List")
    _sub(numbering, "semiHidden")
    return styles

