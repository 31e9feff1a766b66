"""Raw WordprocessingML builders: elements written in schema order, with every property Word and
WPS read set explicitly (w:eastAsia fonts, grid and cell widths, header rows).

No layout rules here (see gbt9704.py) and no document state (see document.py): values in, elements out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

Align = Literal["left", "center", "right", "justify"]

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
WPS_NS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
BLACK = "000000"
TABLE_RULE = 4           # table borders: 0.5 pt, in eighths of a point
CELL_MARGIN_MM = 1.5

_ALIGN = {"left": "left", "center": "center", "right": "right", "justify": "both"}


# ------------------------------------------------------------------------------------------ units


def mm_to_twips(mm: float) -> int:
    return round(Fraction(str(mm)) * 1440 / Fraction("25.4"))


def pt_to_twips(pt: float) -> int:
    return round(Fraction(str(pt)) * 20)


def half_points(pt: float) -> int:
    return int(Fraction(str(pt)) * 2)



@dataclass(frozen=True)
class Shade:
    """A cell's shading (w:shd): a fill colour, and a pattern drawn over it in `colour` ("clear": none)."""

    fill: str
    pattern: str = "clear"   # w:shd w:val: clear, pct20, diagStripe, …
    colour: str = "auto"


def tint(rgb: str, strength: float = 0.3) -> str:
    """A pale version of a colour (mixed with white) for cell fills that keep black text readable."""
    channels = [int(rgb[i:i + 2], 16) for i in (0, 2, 4)]
    mixed = [round(255 - (255 - c) * strength) for c in channels]
    return "".join(f"{c:02X}" for c in mixed)


# ------------------------------------------------------------------------------------------ XML helpers

# Child order WordprocessingML requires inside w:pPr and w:rPr (ECMA-376 §17.3); table properties are
# written in schema order directly.
PPR_ORDER = [
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr", "suppressLineNumbers",
    "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct", "topLinePunct",
    "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing",
    "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl",
    "divId", "cnfStyle", "rPr", "sectPr",
]
RPR_ORDER = [
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline", "shadow",
    "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w", "kern",
    "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em",
    "lang", "eastAsianLayout",
]


def w(tag: str, **attrs: object) -> etree._Element:
    """A w: element; attribute names are w: attributes (trailing underscore dropped)."""
    el = OxmlElement(f"w:{tag}")  # python-docx's element classes, so its proxies work on what we write
    for name, value in attrs.items():
        el.set(qn(f"w:{name.rstrip('_')}"), str(value))
    return el


def sub(parent: etree._Element, tag: str, **attrs: object) -> etree._Element:
    el = w(tag, **attrs)
    parent.append(el)
    return el


def required(parent: etree._Element, path: str) -> etree._Element:
    """`parent.find(path)` for an element known to be there (written by this package); an error if it is not."""
    found = parent.find(path)
    if found is None:
        raise LookupError(f"no {path} in {parent.tag}")
    return found


def ordered(tag: str, order: Sequence[str], children: Iterable[etree._Element]) -> etree._Element:
    parent = w(tag)
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


def rpr(face: Face, tag: str = "rPr") -> etree._Element:
    children = [w("rFonts", ascii=face.latin, hAnsi=face.latin, eastAsia=face.east_asian, cs=face.latin,
                   hint="eastAsia")]
    children += [w("b", val=1 if face.bold else 0), w("bCs", val=1 if face.bold else 0)]
    children.append(w("color", val=face.colour))
    if face.spacing:
        children.append(w("spacing", val=face.spacing))
    if face.scale != 100:
        children.append(w("w", val=face.scale))
    children += [w("sz", val=half_points(face.size)), w("szCs", val=half_points(face.size))]
    return ordered(tag, RPR_ORDER, children)


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
    keep_next: bool | None = False     # None: written off explicitly (over a style that keeps with next)
    page_break_before: bool = False
    outline_level: int | None = None
    tab_right_twips: int | None = None
    border_top: int | None = None      # rule above, eighths of a point
    border_bottom: int | None = None   # rule below, eighths of a point
    border_colour: str = BLACK
    border_space: int = 1              # points between the text and a rule
    line_breaking: bool = False        # write the Chinese line-breaking rules (Normal style, defaults)


def indentation(p: Para) -> etree._Element | None:
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
    return w("ind", **attrs)


def ppr(p: Para, tag: str = "pPr", with_style: bool = True) -> etree._Element:
    children = []
    if with_style:
        children.append(w("pStyle", val=p.style))
    if p.keep_next:
        children.append(w("keepNext"))
    elif p.keep_next is None:
        children.append(w("keepNext", val=0))
    if p.page_break_before:
        children.append(w("pageBreakBefore"))
    if p.border_top or p.border_bottom:
        borders = w("pBdr")
        for side, size in (("top", p.border_top), ("bottom", p.border_bottom)):
            if size:
                sub(borders, side, val="single", sz=size, space=p.border_space, color=p.border_colour)
        children.append(borders)
    if p.tab_right_twips is not None:
        tabs = w("tabs")
        sub(tabs, "tab", val="right", pos=p.tab_right_twips)
        children.append(tabs)
    if p.line_breaking:
        # 禁则 on, hanging punctuation allowed. The automatic space between Chinese and Latin or digits
        # stays on (Word's and WPS's default): LibreOffice cannot turn it off, and the PDFs must match.
        children += [w("kinsoku", val=1), w("overflowPunct", val=1)]
    children.append(w("snapToGrid", val=0))  # never snap: see `geometry`
    if p.line_twips is None:
        children.append(w("spacing", before=p.before_twips, after=0, line=240, lineRule="auto"))
    else:
        children.append(w("spacing", before=p.before_twips, after=0, line=p.line_twips, lineRule="exact"))
    ind = indentation(p)
    if ind is not None:
        children.append(ind)
    if p.align:
        children.append(w("jc", val=_ALIGN[p.align]))
    if p.outline_level is not None:
        children.append(w("outlineLvl", val=p.outline_level))
    return ordered(tag, PPR_ORDER, children)


def run(text: str, face: Face) -> etree._Element:
    """A run; newlines become line breaks and tabs become tab characters."""
    r = w("r")
    r.append(rpr(face))
    for i, line in enumerate(text.split("\n")):
        if i:
            sub(r, "br")
        for j, piece in enumerate(line.split("\t")):
            if j:
                sub(r, "tab")
            if piece:
                t = sub(r, "t")
                t.text = piece
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return r


def paragraph(para: Para, runs: Sequence[tuple[str, Face]] = ()) -> etree._Element:
    p = w("p")
    p.append(ppr(para))
    for text, face in runs:
        p.append(run(text, face))
    return p


def field_runs(instruction: str, placeholder: str, face: Face) -> list[etree._Element]:
    """A complex field (begin / instruction / separate / cached result / end), e.g. PAGE."""
    runs = []
    for kind in ("begin", None, "separate", "result", "end"):
        r = w("r")
        r.append(rpr(face))
        if kind is None:
            instr = sub(r, "instrText")
            instr.text = f" {instruction} "
            instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        elif kind == "result":
            sub(r, "t").text = placeholder
        else:
            sub(r, "fldChar", fldCharType=kind)
        runs.append(r)
    return runs


def colophon_row(tbl: etree._Element, width: int, paragraphs: Sequence[etree._Element], top: int | None,
                  bottom: int | None) -> None:
    tr = sub(tbl, "tr")
    sub(sub(tr, "trPr"), "cantSplit")
    tc = sub(tr, "tc")
    tc_pr = sub(tc, "tcPr")
    sub(tc_pr, "tcW", w=width, type="dxa")
    borders = sub(tc_pr, "tcBorders")
    for side, size in (("top", top), ("left", None), ("bottom", bottom), ("right", None)):
        if size:
            sub(borders, side, val="single", sz=size, space=0, color=BLACK)
        else:
            sub(borders, side, val="nil")
    sub(tc_pr, "vAlign", val="center")
    for p in paragraphs:
        tc.append(p)


def table_element(widths: Sequence[int]) -> etree._Element:
    tbl = w("tbl")
    tbl_pr = sub(tbl, "tblPr")
    sub(tbl_pr, "tblStyle", val="TableNormal")
    sub(tbl_pr, "tblW", w=sum(widths), type="dxa")
    sub(tbl_pr, "jc", val="center")
    borders = sub(tbl_pr, "tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        sub(borders, side, val="single", sz=TABLE_RULE, space=0, color=BLACK)
    sub(tbl_pr, "tblLayout", type="fixed")
    margins = sub(tbl_pr, "tblCellMar")
    pad = mm_to_twips(CELL_MARGIN_MM)
    for side, width in (("top", 0), ("left", pad), ("bottom", 0), ("right", pad)):
        sub(margins, side, w=width, type="dxa")
    sub(tbl_pr, "tblLook", val="0000", firstRow=0, lastRow=0, firstColumn=0, lastColumn=0, noHBand=1, noVBand=1)
    grid = sub(tbl, "tblGrid")
    for width in widths:
        sub(grid, "gridCol", w=width)
    return tbl


def table_row(tbl: etree._Element, widths: Sequence[int], values: Sequence[str], aligns: Sequence[Align],
               face: Face, size: float, fills: Mapping[int, str | Shade], *, header: bool, style: str) -> None:
    tr = sub(tbl, "tr")
    tr_pr = sub(tr, "trPr")
    sub(tr_pr, "cantSplit")
    sub(tr_pr, "trHeight", val=pt_to_twips(size * 2), hRule="atLeast")
    if header:
        sub(tr_pr, "tblHeader")
    pad = pt_to_twips(size * 0.25)
    for c, (width, value, align) in enumerate(zip(widths, values, aligns, strict=True)):
        tc = sub(tr, "tc")
        tc_pr = sub(tc, "tcPr")
        sub(tc_pr, "tcW", w=width, type="dxa")
        if c in fills:
            fill = fills[c]
            shade = fill if isinstance(fill, Shade) else Shade(str(fill))
            sub(tc_pr, "shd", val=shade.pattern, color=shade.colour.upper() if shade.colour != "auto" else "auto",
                fill=shade.fill.upper())
        sub(tc_pr, "vAlign", val="center")
        para = Para(style=style, align=align, char_pt=size)
        p = paragraph(para, [(value, face)] if value else [])
        # A little air above and below the text inside the cell.
        spacing = required(required(p, qn("w:pPr")), qn("w:spacing"))
        spacing.set(qn("w:before"), str(pad))
        spacing.set(qn("w:after"), str(pad))
        tc.append(p)




def to_bytes(element: etree._Element) -> bytes:
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", standalone=True)
