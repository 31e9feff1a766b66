"""The GB/T 9704-2012 layout rules: page geometry from the settings, title breaking, masthead fitting,
signature indents, column widths.

Pure functions of text and settings (no XML): the document API (document.py) asks them where things go.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import pairwise

from yc_reports.render.docx.settings import DocumentSettings
from yc_reports.render.docx.xml import mm_to_twips, pt_to_twips
from yc_reports.textwidth import is_wide, text_width_em

COLOPHON_THICK = 8       # 版记 first and last rules: 1 pt ≈ 0.35 mm
COLOPHON_THIN = 6        # 版记 rules between: 0.75 pt ≈ 0.25 mm
NUMBER_RULE_GAP_MM = 4   # the red rule 4 mm under the 发文字号 (7.2.7)
SEALED_DATE_RIGHT = 4    # 成文日期 four characters in from the right when sealed (7.3.5.1)

# Word's own line-breaking rules for Simplified Chinese (禁则): never at a line's end / start.
NO_BREAK_AFTER = "$([{£¥·‘“〈《「『【〔〖〝﹙﹛﹝＄（．［｛￡￥"
NO_BREAK_BEFORE = ("!%),.:;>?]}¢¨°·ˇˉ―‖’”…‰′″›℃∶、。〃〉》」』】〕〗〞︶︺︾﹀﹄﹚﹜﹞！＂％＇），．：；？］｀｜｝～￠")


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
    footer_line = footer_line_twips(settings)
    footer = mm_to_twips(page.bottom - page.page_number_gap) - footer_line // 2
    return Geometry(page_w=page_w, page_h=mm_to_twips(page.height), top=mm_to_twips(page.top),
                    bottom=mm_to_twips(page.bottom), left=left, right=right,
                    line_pitch=pt_to_twips(page.line_pitch), char_space=char_space, char_spacing=char_spacing,
                    footer=footer)


# ------------------------------------------------------------------------------------------ how long a text runs

# Digits and Latin letters as the widest common renderer draws them: Times New Roman gives them half an em,
# the substitute LibreOffice takes where the face is missing (DejaVu Serif) about 0.64 em. Estimates use
# the wider, so a text estimated to fit fits in either.
LATIN_WIDE = 1.28
LINE_SLACK = 1.02   # line-breaking rules (禁则, unbreakable figures) leave a little of each line unused


def text_lines(text: str, chars_per_line: int, indent_chars: float = 2) -> int:
    """How many lines a paragraph of body text takes (first line indented `indent_chars`)."""
    wide = sum(1 for ch in text if is_wide(ch))
    em = wide + (text_width_em(text) - wide) * LATIN_WIDE
    return max(1, math.ceil((indent_chars + em * LINE_SLACK) / chars_per_line))


def front_lines(settings: DocumentSettings, title_line_count: int, *, notice: bool) -> int:
    """Lines of the first page taken before the body starts: the 版头 (发文机关标志 35 mm down, two blank
    lines, 发文字号 over the red rule 4 mm below it, two blank lines) or the 简报's 报头 (name, 期号, 编发单位
    and date over the rule, two blank lines); then the title, a blank line and, in a 通报, the 主送 line."""
    pitch = settings.page.line_pitch
    points = settings.masthead.top * 72 / 25.4 + settings.sizes.masthead * 1.25   # to the name's foot
    rule = settings.masthead.rule_width
    if notice:
        points += 5 * pitch + NUMBER_RULE_GAP_MM * 72 / 25.4 + rule
    else:
        points += 4 * pitch + 8 + rule   # the meta line's rule stands 8 points under its text
    points += (title_line_count + 1 + (1 if notice else 0)) * pitch
    return math.ceil(points / pitch)


def footer_line_twips(settings: DocumentSettings) -> int:
    return pt_to_twips(settings.sizes.page_number * 1.25)


def end_with_stop(names: str) -> str:
    names = names.strip()
    return names if names.endswith("。") else names + "。"



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
_GOOD_BEFORE = ("推进", "工作", "方案", "终期", "（", "《")
# Words a title never breaks inside (“十大|行动” reads as two words).
_KEEP_WHOLE = ("十大行动",)
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
    if any(0 < i - start < len(word) for word in _KEEP_WHOLE for start in _starts(text, word)):
        return None
    if before in "—–-~～" and after.isdigit():   # a range of years (2022—2025) stays on one line
        return None
    return before in _GOOD_AFTER or text.startswith(_GOOD_BEFORE, i) or (after.isdigit() and not before.isascii())


def _starts(text: str, word: str) -> list[int]:
    return [i for i in range(len(text)) if text.startswith(word, i)]


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
    return [*lines, text[start:]]


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

    @functools.cache
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
        options: list[tuple[float, tuple[int, ...]]] = []
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
    return cost + _EXTRA_LINE_COST * (n_lines - 1), [text[a:b] for a, b in pairwise(bounds)]


def signature_indents(org: str, date_text: str) -> tuple[float, float]:
    """Right indents (characters) of the signature and date lines (GB/T 9704 7.3.5.2).

    The date stands two characters in from the right with its first character two characters right of
    the organisation's first; when the organisation's name is the longer, it stands two characters in
    and the date keeps the two-character offset."""
    org_w, date_w = text_width_em(org), text_width_em(date_text)
    org_right = max(2.0, 4 + date_w - org_w)
    date_right = org_right + org_w - 2 - date_w
    return org_right, date_right


def sealed_signature_indents(org: str, date_text: str) -> tuple[float, float]:
    """Right indents (characters) of the signature and date lines when sealed (GB/T 9704 7.3.5.1):
    the date four characters in from the right, the organisation's name centred over the date."""
    org_w, date_w = text_width_em(org), text_width_em(date_text)
    org_right = max(0.0, SEALED_DATE_RIGHT + (date_w - org_w) / 2)
    return org_right, float(SEALED_DATE_RIGHT)


def column_twips(widths_mm: Sequence[float]) -> list[int]:
    """Column widths in twips, rounded so that they add up to the rounded total."""
    out, edge_mm, edge_tw = [], Fraction(0), 0
    for width in widths_mm:
        edge_mm += Fraction(str(width))
        next_edge = mm_to_twips(float(edge_mm))
        out.append(next_edge - edge_tw)
        edge_tw = next_edge
    return out


