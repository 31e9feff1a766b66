"""The sample document rendered by LibreOffice: page geometry measured in the PDF (GB/T 9704 5.2, 7.5).

Skipped where LibreOffice or poppler-utils is missing. The faces the document names (仿宋_GB2312 …)
are absent here, so LibreOffice substitutes; only geometry is judged.
"""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from render_sample import ISSUER, NOTICE_NUMBER, build_notice_sample, build_sample

PT_PER_MM = 72 / 25.4

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
    reason="needs LibreOffice (soffice) and poppler-utils (pdftotext, pdftoppm) to render the document",
)


@dataclass(frozen=True)
class Word:
    text: str
    x0: float   # mm from the page's left edge
    y0: float   # mm from the page's top edge
    x1: float
    y1: float


@pytest.fixture(scope="module")
def pdf(tmp_path_factory) -> Path:
    from yc_reports.render.pdf import convert_to_pdf

    folder = tmp_path_factory.mktemp("render")
    docx_path = build_sample().save(folder / "sample.docx")
    return convert_to_pdf([docx_path], folder)[0]


@pytest.fixture(scope="module")
def notice_pdf(tmp_path_factory) -> Path:
    from yc_reports.render.pdf import convert_to_pdf

    folder = tmp_path_factory.mktemp("render_notice")
    docx_path = build_notice_sample().save(folder / "notice.docx")
    return convert_to_pdf([docx_path], folder)[0]


def words(pdf: Path, page: int) -> list[Word]:
    html = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    return [Word(m[4], float(m[0]) / PT_PER_MM, float(m[1]) / PT_PER_MM, float(m[2]) / PT_PER_MM,
                 float(m[3]) / PT_PER_MM) for m in re.findall(pattern, html)]


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info)[1])


def test_pages_are_a4(pdf: Path):
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert abs(width / PT_PER_MM - 210) < 0.5 and abs(height / PT_PER_MM - 297) < 0.5
    assert page_count(pdf) >= 6


def test_text_block_starts_28mm_from_the_left_and_37mm_from_the_top(pdf: Path):
    body = [w for w in words(pdf, 2) if 30 < w.y0 < 262]
    assert 27.5 <= min(w.x0 for w in body) <= 29.5
    # The first line's glyphs sit in a 28.95 pt line whose top is the text block's top edge.
    assert 37 <= min(w.y0 for w in body) <= 41.5
    assert max(w.x1 for w in body) <= 184.5            # right margin 26 mm


def test_lines_follow_the_28_95_point_grid(pdf: Path):
    tops = sorted({round(w.y0, 1) for w in words(pdf, 2) if 30 < w.y0 < 262})
    steps = [b - a for a, b in itertools.pairwise(tops)]
    line = 28.95 / PT_PER_MM
    assert steps and all(abs(step / line - round(step / line)) < 0.05 for step in steps[:8])


def test_masthead_name_is_35mm_below_the_text_blocks_top(pdf: Path):
    name = next(w for w in words(pdf, 1) if w.text.startswith("降碳减污扩绿增长十大行动工作简报"))
    assert 37 + 33 <= name.y0 <= 37 + 38
    assert abs((name.x0 + name.x1) / 2 - 106) < 2          # centred on the text block


def test_red_rule_spans_the_text_block(pdf: Path, tmp_path: Path):
    from PIL import Image

    subprocess.run(["pdftoppm", "-r", "100", "-f", "1", "-l", "1", "-png", str(pdf), str(tmp_path / "p")],
                   check=True)
    image = Image.open(next(tmp_path.glob("p*.png"))).convert("RGB")
    pixels = image.load()
    mm = 100 / 25.4

    def red(x: int, y: int) -> bool:
        r, g, b = pixels[x, y]
        return r > 180 and g < 110 and b < 110

    rows = [y for y in range(image.height) if sum(red(x, y) for x in range(image.width)) > 140 * mm]
    assert rows, "no red rule"
    xs = [x for x in range(image.width) if red(x, rows[0])]
    assert abs(xs[0] / mm - 28) < 1 and abs(xs[-1] / mm - 184) < 1


def test_page_numbers_odd_right_even_left_7mm_below_the_text_block(pdf: Path):
    for page in (1, 2):
        line = [w for w in words(pdf, page) if w.y0 > 262]
        assert [w.text for w in line] == ["—", str(page), "—"]
        middle = (line[0].y0 + line[0].y1) / 2            # the dashes' height
        assert 262 + 5 <= middle <= 262 + 9
        if page % 2:
            assert abs(line[-1].x1 - (184 - 14 / PT_PER_MM)) < 1.5     # one 四号 character in from the right
        else:
            assert abs(line[0].x0 - (28 + 14 / PT_PER_MM)) < 1.5       # one character in from the left


def lines(pdf: Path, page: int) -> list[tuple[float, float, str]]:
    """(top, left, text) of each line: the words sharing a top edge, joined."""
    rows: dict[float, list[Word]] = {}
    for w in words(pdf, page):
        rows.setdefault(round(w.y0, 1), []).append(w)
    return [(y, min(w.x0 for w in ws), "".join(w.text for w in sorted(ws, key=lambda w: w.x0)))
            for y, ws in sorted(rows.items())]


def test_attachments_start_new_pages_and_the_colophon_ends_the_last(pdf: Path):
    pages = page_count(pdf)
    first_lines = {page: lines(pdf, page)[0] for page in range(1, pages + 1)}
    labels = {text: page for page, (_, _, text) in first_lines.items() if text in ("附件1", "附件2")}
    assert labels == {"附件1": pages - 1, "附件2": pages}          # each on a new page, at its top left
    for page in labels.values():
        top, left, _ = first_lines[page]
        assert left < 30 and top < 42
    last = lines(pdf, pages)
    cc = next(line for line in last if line[2].startswith("抄送"))
    printed = next(line for line in last if line[2].endswith("印发"))
    assert cc[0] > 180 and 250 < printed[0] < 262


# ------------------------------------------------------------------------------------ the 通报 (7.2.5, 7.2.7, 7.3.5, 7.4)

CHAR_MM = 16 / PT_PER_MM    # one 三号 character
LINE_MM = 28.95 / PT_PER_MM


def red_rows(pdf: Path, page: int, tmp_path: Path) -> list[float]:
    """Heights (mm from the top) of the pixel rows that are red across most of the text block."""
    from PIL import Image

    subprocess.run(["pdftoppm", "-r", "100", "-f", str(page), "-l", str(page), "-png", str(pdf),
                    str(tmp_path / "n")], check=True)
    image = Image.open(next(tmp_path.glob("n*.png"))).convert("RGB")
    pixels = image.load()
    mm = 100 / 25.4

    def red(x: int, y: int) -> bool:
        r, g, b = pixels[x, y]
        return r > 180 and g < 110 and b < 110

    return [y / mm for y in range(image.height) if sum(red(x, y) for x in range(image.width)) > 140 * mm]


def test_document_number_is_centred_two_lines_below_the_organ_with_the_red_rule_4mm_under_it(notice_pdf: Path,
                                                                                              tmp_path: Path):
    page = words(notice_pdf, 1)
    organ = next(w for w in page if w.text.startswith(ISSUER))
    number = [w for w in page if w.y0 > organ.y1 and w.y0 < organ.y1 + 40 and w.text]
    text = "".join(w.text for w in number)
    assert text == NOTICE_NUMBER
    left, right = min(w.x0 for w in number), max(w.x1 for w in number)
    assert abs((left + right) / 2 - 106) < 2                          # centred on the text block
    assert 37 + 33 <= organ.y0 <= 37 + 38                             # the organ 35 mm below the top
    assert 1.5 * LINE_MM <= min(w.y0 for w in number) - organ.y1 <= 3.5 * LINE_MM   # two lines below
    rule = red_rows(notice_pdf, 1, tmp_path)
    assert rule, "no red rule"
    gap = rule[0] - max(w.y1 for w in number)
    assert 2.5 <= gap <= 6.5, gap                                     # 4 mm under the 发文字号 line


def test_sealed_signature_date_four_characters_in_with_room_above(notice_pdf: Path):
    for page in range(1, page_count(notice_pdf) + 1):
        found = lines(notice_pdf, page)
        dates = [i for i, line in enumerate(found) if line[2] == "2025年10月8日"]
        if dates:
            break
    i = dates[0]
    date_words = [w for w in words(notice_pdf, page) if abs(w.y0 - found[i][0]) < 0.2]
    assert abs(max(w.x1 for w in date_words) - (184 - 4 * CHAR_MM)) < 2.5       # 右空四字
    org_top, _org_left, org_text = found[i - 1]
    assert org_text == ISSUER and 0.8 * LINE_MM < found[i][0] - org_top < 1.2 * LINE_MM
    body_top = found[i - 2][0]                                          # the 附件说明 above
    assert found[i - 2][2].startswith("附件")
    assert org_top - body_top >= 3.8 * LINE_MM                          # three blank lines: room for the seal


def test_colophon_stands_on_the_last_pages_foot(notice_pdf: Path):
    pages = page_count(notice_pdf)
    last = lines(notice_pdf, pages)
    printed = next(line for line in last if line[2].endswith("印发"))
    assert printed[2] == f"{ISSUER}2025年10月8日印发"                    # one line
    printed_words = [w for w in words(notice_pdf, pages) if abs(w.y0 - printed[0]) < 0.2]
    assert min(w.y0 for w in printed_words) >= 262 - LINE_MM - 1 and max(w.y1 for w in printed_words) <= 262.5
    cc = next(line for line in last if line[2].startswith("抄送"))
    assert printed[0] - cc[0] < 1.5 * LINE_MM                           # the 版记 together, at the foot
