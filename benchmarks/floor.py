"""The floor: what any tool producing the quarter's documents must spend, in one process, nothing else.

Given a spec (benchmarks/bench.py extracts it from a real build's .docx files), this script
- renders the same charts: for each picture in the reports, a bare matplotlib Figure of the same pixel
  size and dpi, with a title and as many labelled bars as the picture's alt text lists items, the text
  in the same CJK font, saved as PNG;
- saves the same documents with python-docx's default template: the same paragraphs (same text), the
  same tables (same cells), the same pictures, in the same order.
No styles, page setup, masthead, line breaking, checks or data reading: none of the tool's own work.

Run: python benchmarks/floor.py SPEC.json OUT_DIR   (timed by bench.py as a whole process)
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import docx
import noto_cjk_sans_otc
from docx.shared import Mm
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties


def render_chart(chart: dict, font_path: str) -> bytes:
    dpi = chart["dpi"]
    figure = Figure(figsize=(chart["width_px"] / dpi, chart["height_px"] / dpi), dpi=dpi)
    FigureCanvasAgg(figure)
    ax = figure.add_axes((0.3, 0.2, 0.6, 0.65))
    labels = chart["labels"]
    values = [10.0 + 7.0 * i for i in range(len(labels))]
    ax.barh(range(len(labels)), values)
    small = FontProperties(fname=font_path, size=9)
    for y, value in enumerate(values):
        ax.text(value, y, f"{value:.1f}%", fontproperties=small)
    ax.set_yticks(range(len(labels)), labels, fontproperties=small)
    figure.text(0.5, 0.95, chart["title"], ha="center", va="top", fontproperties=FontProperties(fname=font_path,
                                                                                                size=12))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def save_document(spec: dict, pictures: list[bytes], path: Path) -> None:
    document = docx.Document()
    for kind, content in spec["body"]:
        if kind == "p":
            document.add_paragraph(content)
        elif kind == "t":
            table = document.add_table(rows=len(content), cols=max(len(r) for r in content))
            for row, texts in zip(table.rows, content, strict=True):
                for cell, text in zip(row.cells, texts, strict=False):
                    cell.text = text
        elif kind == "i":
            document.add_picture(io.BytesIO(pictures[content]), width=Mm(156))
    document.save(path)


def main(spec_path: str, out_dir: str) -> None:
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    font_path = str(noto_cjk_sans_otc.FONT_PATH)
    pictures = [render_chart(chart, font_path) for chart in spec["charts"]]
    for index, document in enumerate(spec["documents"]):
        save_document(document, pictures, out / f"{index:02d}.docx")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
