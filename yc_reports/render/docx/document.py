"""Official documents (GB/T 9704-2012 layout) over python-docx: the `OfficialDocument` API.

`OfficialDocument` writes a red 报头, title, four heading levels, body text, tables, figures, the
附件说明, signature, attachments and the 版记, with the page set up as the standard asks: A4, its margins
and line grid, odd/even page numbers. Everything measurable comes from `DocumentSettings`.

The layers below: `xml` (raw WordprocessingML builders), `gbt9704` (the layout rules: geometry, title
breaking, masthead fitting, signature indents) and `package` (the .docx the document starts from, with
its styles). python-docx supplies parts, relationships, images and footers. Saving is deterministic:
fixed document properties and zip entry times, no revision ids.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import cast

import docx
from docx.oxml.ns import qn
from docx.oxml.text.paragraph import CT_P
from docx.shared import Mm
from docx.text.paragraph import Paragraph
from lxml import etree

from yc_reports.fixedzip import normalise_zip
from yc_reports.numfmt import cn_date
from yc_reports.render.docx import xml as wml
from yc_reports.render.docx.gbt9704 import (
    COLOPHON_THICK,
    COLOPHON_THIN,
    NUMBER_RULE_GAP_MM,
    column_twips,
    end_with_stop,
    fit_masthead,
    footer_line_twips,
    geometry,
    sealed_signature_indents,
    signature_indents,
    title_lines,
)
from yc_reports.render.docx.package import build_template
from yc_reports.render.docx.settings import DocumentSettings
from yc_reports.render.docx.xml import BLACK, Align, Face, Para, mm_to_twips, pt_to_twips
from yc_reports.textwidth import text_width_em

AUTHOR = "yc-reports"
MIN_PRINTER_SCALE = 70   # % : the narrowest the 印发机关 is condensed to keep the 印发日期 on its line
DEFAULT_STAMP = dt.datetime(2000, 1, 1)


@dataclass(frozen=True)
class Span:
    """A piece of a paragraph with its own emphasis: bold, or another face (e.g. 楷体 lead-in)."""

    text: str
    bold: bool = False
    font: str | None = None   # East Asian face name; None: the paragraph's


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

    @property
    def _grid(self) -> Para:
        """A paragraph on the line grid: exact line height = line pitch (`dataclasses.replace` for the rest)."""
        return Para(line_twips=self.geo.line_pitch, char_pt=self.settings.sizes.body)

    def _append(self, element: etree._Element) -> etree._Element:
        self._sectPr.addprevious(element)
        self._after_masthead = False
        return element

    # -------------------------------------------------------------------------------- front matter

    def masthead(self, briefing_name: str, *, issue_label: str, issuer: str, date: dt.date) -> None:
        """简报 报头: the briefing's name in red, 第N期 below, 编发单位 left and date right over a red rule."""
        s = self.settings
        colour = s.masthead.colour.upper()
        self._red_name(briefing_name)
        self._append(wml.paragraph(dataclasses.replace(self._grid, style="YCMastheadIssue", align="center"),
                                   [(issue_label, self._body_face)]))
        ruled = dataclasses.replace(self._grid, style="YCMastheadMeta", border_bottom=round(s.masthead.rule_width * 8),
                                    border_colour=colour, border_space=8)
        date_text = cn_date(date)
        if text_width_em(issuer) + text_width_em(date_text) + 1 <= s.page.chars_per_line:
            self._append(wml.paragraph(
                dataclasses.replace(ruled, align="left", tab_right_twips=self.geo.text_w),
                [(f"{issuer}\t{date_text}", self._body_face)]))
        else:  # a long 编发单位: the date goes to the next line, right-aligned, above the rule
            self._append(wml.paragraph(dataclasses.replace(self._grid, style="YCMastheadMeta", align="left"),
                                       [(issuer, self._body_face)]))
            self._append(wml.paragraph(dataclasses.replace(ruled, align="right"),
                                       [(date_text, self._body_face)]))
        self._after_masthead = True

    def issuer_mark(self, organ: str, number: str) -> None:
        """公文 版头 (GB/T 9704 7.2): the 发文机关标志 in red, 35 mm below the text block's top; two lines
        below it the 发文字号, centred; the red rule 4 mm under the 发文字号, as wide as the text block."""
        s = self.settings
        colour = s.masthead.colour.upper()
        self._red_name(organ)
        self.blank_line()
        self.blank_line()
        para = dataclasses.replace(self._grid, style="YCDocumentNumber", align="center",
                                   border_bottom=round(s.masthead.rule_width * 8), border_colour=colour,
                                   border_space=round(NUMBER_RULE_GAP_MM * 72 / 25.4))
        self._append(wml.paragraph(para, [(number, self._body_face)]))
        self._after_masthead = True

    def _red_name(self, name: str) -> None:
        """The red name of a 报头 or 发文机关标志, 35 mm below the text block's top, fitted to one line."""
        s = self.settings
        colour = s.masthead.colour.upper()
        size, scale = fit_masthead(name, s.sizes.masthead, Fraction(self.geo.text_w, 20))
        name_line = pt_to_twips(size * 1.25)
        self._append(wml.paragraph(
            Para(style="YCMasthead", align="center", line_twips=name_line,
                 before_twips=mm_to_twips(s.masthead.top)),
            [(name, self._face(s.fonts.masthead, size, colour=colour, scale=scale))]))

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
        self._append(wml.paragraph(dataclasses.replace(self._grid, style="Title", align="center"), [(joined, face)]))
        self.blank_line()
        if not self._title:
            self._title = joined.replace("\n", "")

    def main_recipient(self, text: str) -> None:
        """主送机关 line, flush left, ending with a full-width colon as given."""
        self._append(wml.paragraph(dataclasses.replace(self._grid, align="justify"), [(text, self._body_face)]))

    # -------------------------------------------------------------------------------- body

    def heading(self, level: int, text: str) -> None:
        """Headings “一、” 黑体, “（一）” 楷体, “1.” and “（1）” 仿宋; indented two characters."""
        if level not in (1, 2, 3, 4):
            raise ValueError(f"heading level must be 1..4, not {level}")
        bold = level == 3 and self.settings.bold_level3
        face = self._face(self.settings.fonts.heading(level), bold=bold)
        para = dataclasses.replace(self._grid, style=f"Heading{level}", align="justify", first_line_chars=2,
                                   keep_next=True, outline_level=level - 1)
        self._append(wml.paragraph(para, [(text, face)]))

    def run_in_heading(self, level: int, heading: str, rest: str) -> None:
        """A heading of level 2–4 that runs into its paragraph (“（一）对标对表抓进度。各专项……”): the
        paragraph in the level's style, the heading in its face (楷体 for level 2), the rest in the body face."""
        if level not in (2, 3, 4):
            raise ValueError(f"run-in heading level must be 2..4, not {level}")
        bold = level == 3 and self.settings.bold_level3
        runs = [(heading, self._face(self.settings.fonts.heading(level), bold=bold))]
        if rest:
            runs.append((rest, self._body_face))
        para = dataclasses.replace(self._grid, style=f"Heading{level}", align="justify", first_line_chars=2,
                                   outline_level=level - 1, keep_next=None)   # a paragraph of text: it may end a page
        self._append(wml.paragraph(para, runs))

    def paragraph(self, text: str | Sequence[Span], *, first_line_indent: bool = True,
                  align: Align = "justify") -> None:
        """Body text, 三号仿宋, first line indented two characters; digits and Latin in the Latin face."""
        spans = [Span(text)] if isinstance(text, str) else list(text)
        runs = [(span.text, self._face(span.font or self.settings.fonts.body, bold=span.bold)) for span in spans]
        para = dataclasses.replace(self._grid, style="BodyText", align=align,
                                   first_line_chars=2 if first_line_indent else 0)
        self._append(wml.paragraph(para, runs))

    def blank_line(self) -> None:
        self._append(wml.paragraph(self._grid))

    def page_break(self) -> None:
        """Start the next element on a new page (the next paragraph carries the break)."""
        self._append(wml.paragraph(dataclasses.replace(self._grid, page_break_before=True, line_twips=20)))

    # -------------------------------------------------------------------------------- tables

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]], widths_mm: Sequence[float], *,
              align: Sequence[Align] | None = None, header_repeat: bool = True,
              cell_fills: Mapping[tuple[int, int], str | wml.Shade] | None = None, font_size_pt: float | None = None,
              title: str | None = None, keep_together: bool = False) -> None:
        """A ruled table centred in the text block.

        `widths_mm` per column (their sum at most the text width); `align` per column for the body rows
        (headers are centred); `cell_fills` maps (body row, column), both from 0, to RRGGBB or a `Shade` (fill
        and pattern); header rows repeat on every page. `title` is set above the table in the caption face.
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
        tbl = wml.table_element(widths)
        header_face = self._face(fonts.table_header, size)
        body_face = self._face(fonts.table_body, size)
        wml.table_row(tbl, widths, list(headers), ["center"] * n, header_face, size, {},
                   header=header_repeat, style="YCTableHeading")
        for r, row in enumerate(rows):
            row_fills = {c: colour for (fr, c), colour in fills.items() if fr == r}
            wml.table_row(tbl, widths, [str(v) for v in row], aligns, body_face, size, row_fills,
                       header=False, style="YCTableText")
        if keep_together:
            for tr in tbl.findall(qn("w:tr"))[:-1]:
                for p_pr in tr.iter(qn("w:pPr")):
                    wml.required(p_pr, qn("w:pStyle")).addnext(wml.w("keepNext"))
        self._append(tbl)
        # A table may not end the document, and two tables must not touch: a small spacer follows.
        self._append(wml.paragraph(Para(style="YCTableText", line_twips=pt_to_twips(size))))

    def caption(self, text: str, *, keep_next: bool = False) -> None:
        """A centred caption line (table titles above tables, figure captions below figures)."""
        s = self.settings
        self._append(wml.paragraph(
            dataclasses.replace(self._grid, style="Caption", align="center", keep_next=keep_next),
            [(text, self._face(s.fonts.table_header, s.sizes.caption))]))

    def note(self, text: str) -> None:
        """A note under a table or chart (“说明：……”) in the table's type (仿宋, 五号), justified, on single spacing."""
        s = self.settings
        size = min(s.sizes.table, 10.5)
        self._append(wml.paragraph(Para(style="YCTableText", align="justify", char_pt=size, first_line_chars=2,
                                        before_twips=pt_to_twips(size * 0.5)),
                                   [(text, self._face(s.fonts.table_body, size))]))

    # -------------------------------------------------------------------------------- figures

    def figure(self, png: bytes, width_mm: float, alt_text: str, caption: str | None = None) -> None:
        """An image centred in the text block, with alt text (wp:docPr descr) and an optional caption."""
        width_mm = min(width_mm, self.settings.page.text_width)
        p = self._append(wml.paragraph(Para(style="YCFigure", align="center", keep_next=bool(caption))))
        # wml builds w:p through python-docx's OxmlElement, so the element is its CT_P class.
        run = Paragraph(cast(CT_P, p), self._doc._body).add_run()
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
        self._keep_last_with_next()
        self._append(wml.paragraph(dataclasses.replace(self._grid, keep_next=True)))
        numbered = len(names) > 1
        for i, name in enumerate(names, start=1):
            label = f"{i}. {name}" if numbered else name
            text = f"附件：{label}" if i == 1 else label
            # Second and later names align with the first name, after “附件：”.
            para = dataclasses.replace(self._grid, align="left", left_chars=5, hanging_chars=3 if i == 1 else 0,
                                       keep_next=True)
            self._append(wml.paragraph(para, [(text, self._body_face)]))

    def signature(self, org: str, date: dt.date, *, seal_lines: int = 0) -> None:
        """发文机关署名 and 成文日期, kept on the page of the text above them.

        Without a seal (GB/T 9704 7.3.5.2): one blank line below the body, the name right-aligned two
        characters in, the date below it starting two characters further right. With room for a seal
        (`seal_lines` blank lines, 7.3.5.1): the date four characters in from the right and the name
        centred over the date, so the seal can press on both."""
        date_text = cn_date(date)
        self._keep_last_with_next()
        if seal_lines:
            org_right, date_right = sealed_signature_indents(org, date_text)
            for _ in range(seal_lines):
                self._append(wml.paragraph(dataclasses.replace(self._grid, keep_next=True)))
        else:
            org_right, date_right = signature_indents(org, date_text)
            self._append(wml.paragraph(dataclasses.replace(self._grid, keep_next=True)))
        self._append(wml.paragraph(dataclasses.replace(self._grid, align="right", right_chars=org_right,
                                                       keep_next=True),
                                   [(org, self._body_face)]))
        self._append(wml.paragraph(dataclasses.replace(self._grid, align="right", right_chars=date_right),
                                   [(date_text, self._body_face)]))

    def _keep_last_with_next(self) -> None:
        """The last paragraph written stays on the page of what follows (no 署名 alone on a page)."""
        last = self._sectPr.getprevious()
        if last is None or last.tag != qn("w:p"):
            return
        p_pr = last.find(qn("w:pPr"))
        if p_pr is None:
            return
        keep = p_pr.find(qn("w:keepNext"))
        if keep is None:
            wml.required(p_pr, qn("w:pStyle")).addnext(wml.w("keepNext"))
        else:
            keep.attrib.pop(qn("w:val"), None)   # a run-in heading's explicit "off"

    def attachment(self, n: int | None, title: str) -> None:
        """A new page: “附件N” (黑体) on line 1, the attachment's title (小标宋) on line 3, a blank line."""
        s = self.settings
        label = "附件" if n is None else f"附件{n}"
        self._append(wml.paragraph(dataclasses.replace(self._grid, style="YCAttachmentLabel", align="left",
                                                       page_break_before=True),
                                [(label, self._face(s.fonts.heading1))]))
        self.blank_line()
        face = self._face(s.fonts.title, s.sizes.title)
        self._append(wml.paragraph(dataclasses.replace(self._grid, style="Title", align="center"), [(title, face)]))
        self.blank_line()

    def colophon(self, *, cc: str | None = None, printer: str | None = None, print_date: dt.date | None = None,
                 recipients: Sequence[tuple[str, str]] | None = None) -> None:
        """版记 at the foot of the last page: 报/送/发 lines, 抄送, then 印发机关 and 印发日期, between
        rules (first and last 0.35 mm, between blocks 0.25 mm); the last rule on the text block's bottom edge.

        `recipients` are (label, names) pairs such as ("报", "市委、市政府主要领导"); None takes the
        settings' 报/送/发 lines, () leaves them out. The 版记 is a floating table (real document text:
        python-docx and any reader see it) anchored to the bottom of the text block, which Word, WPS
        and LibreOffice all honour; body text keeps clear above it."""
        lines = self.settings.colophon.recipient_lines if recipients is None else tuple(recipients)
        blocks: list[list[tuple[str, str]]] = []
        if lines:
            blocks.append([(f"{label}：", end_with_stop(names)) for label, names in lines])
        if cc:
            blocks.append([("抄送：", end_with_stop(cc))])
        printer_block = bool(printer or print_date)
        if printer_block:
            blocks.append([(printer or "", f"{cn_date(print_date)}印发" if print_date else "")])
        if not blocks:
            return
        for element in self._colophon_content(blocks, printer_block):
            self._append(element)

    def _colophon_content(self, blocks: list[list[tuple[str, str]]],
                          printer_block: bool) -> list[etree._Element]:
        """The 版记 as a one-column table (rules as cell borders, so they span the text block while the
        text stands one character in), floating at the text block's foot, and the paragraph after it."""
        s = self.settings
        char = s.sizes.colophon
        char_twips = pt_to_twips(char)
        width, line = self.geo.text_w, self.geo.line_pitch
        inner = width - 2 * char_twips
        per_line = inner / char_twips   # ems between the one-character margins
        face = self._face(s.fonts.body, char)
        base = Para(style="YCColophon", line_twips=line, char_pt=char)
        tbl = wml.w("tbl")
        tbl_pr = wml.sub(tbl, "tblPr")
        wml.sub(tbl_pr, "tblStyle", val="TableNormal")
        wml.sub(tbl_pr, "tblpPr", leftFromText=0, rightFromText=0, topFromText=0, bottomFromText=0,
                vertAnchor="margin", horzAnchor="page", tblpX=self.geo.left, tblpYSpec="bottom")
        wml.sub(tbl_pr, "tblOverlap", val="never")
        wml.sub(tbl_pr, "tblW", w=width, type="dxa")
        wml.sub(tbl_pr, "jc", val="center")
        wml.sub(tbl_pr, "tblLayout", type="fixed")
        margins = wml.sub(tbl_pr, "tblCellMar")
        for side, w in (("top", 0), ("left", char_twips), ("bottom", 0), ("right", char_twips)):
            wml.sub(margins, side, w=w, type="dxa")
        wml.sub(tbl_pr, "tblLook", val="0000", firstRow=0, lastRow=0, firstColumn=0, lastColumn=0, noHBand=1, noVBand=1)
        wml.sub(wml.sub(tbl, "tblGrid"), "gridCol", w=width)
        for b, block in enumerate(blocks):
            for i, (head, tail) in enumerate(block):
                top = COLOPHON_THICK if (b == 0 and i == 0) else (COLOPHON_THIN if i == 0 else None)
                bottom = COLOPHON_THICK if (b == len(blocks) - 1 and i == len(block) - 1) else None
                if printer_block and b == len(blocks) - 1:
                    # 印发机关 on the left, 印发日期 on the right, on one line: a long name is set
                    # condensed (as 版头 names are); only a name too long even at 70 % takes two lines.
                    room = per_line - text_width_em(tail) - 1
                    scale = min(100, math.floor(room / max(text_width_em(head), 1) * 100))
                    if scale >= MIN_PRINTER_SCALE:
                        name_face = dataclasses.replace(face, scale=scale) if scale < 100 else face
                        paragraphs = [wml.paragraph(dataclasses.replace(base, tab_right_twips=inner),
                                                    [(head, name_face), (f"\t{tail}", face)])]
                    else:
                        paragraphs = [wml.paragraph(dataclasses.replace(base, align="left"), [(head, face)]),
                                      wml.paragraph(dataclasses.replace(base, align="right"), [(tail, face)])]
                else:
                    # Second lines of a long list align with the first name, after the colon.
                    head_em = text_width_em(head)
                    text = head + tail
                    para = dataclasses.replace(base, left_chars=head_em, hanging_chars=head_em, align="justify")
                    paragraphs = [wml.paragraph(para, [(text, face)])]
                wml.colophon_row(tbl, width, paragraphs, top, bottom)
        # A table is followed by a paragraph; one point high, it takes no room on the page.
        tail_para = wml.paragraph(Para(style="YCColophon", line_twips=20))
        return [tbl, tail_para]

    # -------------------------------------------------------------------------------- page numbers

    def _add_page_numbers(self) -> None:
        """“— N —” in the footers: odd pages right, even pages left, one character in."""
        section = self._doc.sections[0]
        s = self.settings
        face = Face(s.fonts.page_number, s.fonts.page_number, s.sizes.page_number)
        line = footer_line_twips(s)
        odd = Para(style="Footer", align="right", line_twips=line, char_pt=s.sizes.page_number, right_chars=1)
        even = dataclasses.replace(odd, align="left", right_chars=0, left_chars=1)
        for footer, para in ((section.footer, odd), (section.even_page_footer, even)):
            footer.is_linked_to_previous = False
            ftr = footer._element
            for child in list(ftr):
                ftr.remove(child)
            p = wml.paragraph(para)
            p.append(wml.run("— ", face))
            for r in wml.field_runs("PAGE", "1", face):
                p.append(r)
            p.append(wml.run(" —", face))
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


