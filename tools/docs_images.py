"""The page images in docs/images, made from the program's own output: `make docs-images`.

In a temporary folder: the demo's inputs; their 2025Q4 (the plan's last quarter) built; a hostile 2025Q4 made from
them as the render tests make it (tests/render/test_notice.py `make_hostile`: 120 tasks in 第七项, two differing
copies of 第三项, a blank figure, text in a number cell, "无" wherever a clerk writes). The documents go through
LibreOffice (`soffice --headless --convert-to pdf`) and pdftoppm, and these images are written:

- notice-2025Q4-body.png — the 通报's 正文, its pages side by side;
- notice-2025Q4-attachment1.png — 附件1 (the gap chart and the 亮灯情况表);
- action07-hostile-2025Q4-tasks.png — the hostile quarter's report of 第七项 (120 key tasks summed up);
- notice-2026Q1-body.png — the 通报's 正文 of the first quarter of the 2026—2030 plan: the demo's six quarters
  issued, the next plan opened from the record (tests/plan_cycle.py, as the record tests open it), its open
  items carried over as 上期方案.

Needs LibreOffice and poppler-utils (Debian: libreoffice-writer-nogui, poppler-utils, fonts-noto-cjk).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / "docs" / "images"
DPI = 60
GAP = 8   # pixels of grey between pages


def pdf_of(document: Path, folder: Path) -> Path:
    """`document` rendered through LibreOffice, once: the pages and the page search below read the PDF."""
    from yc_reports.render.pdf import convert_to_pdf

    [pdf] = convert_to_pdf([document], folder)
    return pdf


def pages(pdf: Path, folder: Path, first: int, last: int) -> list[Path]:
    """PNG files of pages first..last of `pdf` (pdftoppm)."""
    folder.mkdir(parents=True, exist_ok=True)
    prefix = folder / pdf.stem
    subprocess.run(["pdftoppm", "-png", "-r", str(DPI), "-f", str(first), "-l", str(last), str(pdf), str(prefix)],
                   check=True)
    return sorted(folder.glob(f"{pdf.stem}-*.png"))


def page_of(pdf: Path, text: str) -> int:
    """The first page whose text starts with `text` (pdftotext), 1-based."""
    for page in range(1, 500):
        found = subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
                               capture_output=True, text=True, check=True).stdout
        lines = [line.replace(" ", "") for line in found.splitlines() if line.strip()]
        if lines and lines[0] == text:
            return page
    raise SystemExit(f"no page of {pdf.name} starts with {text}")


def side_by_side(files: list[Path], target: Path) -> None:
    from PIL import Image

    images = [Image.open(f) for f in files]
    width = sum(i.width for i in images) + GAP * (len(images) - 1)
    sheet = Image.new("RGB", (width, max(i.height for i in images)), (128, 128, 128))
    x = 0
    for image in images:
        sheet.paste(image, (x, 0))
        x += image.width + GAP
    sheet.save(target, optimize=True)


def main() -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from plan_cycle import issue_demo_quarters, open_next_plan
    from render.test_notice import make_hostile
    from yc_reports.pipeline.build import build_quarter
    from yc_reports.pipeline.demo import create_demo_inputs
    from yc_reports.plan.quarter import Quarter
    from yc_reports.plan.registry import load_registry, resolve_registry

    q4 = Quarter(2025, 4)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        create_demo_inputs(root / "demo")
        shutil.copytree(root / "demo" / "inputs", root / "hostile" / "inputs")
        make_hostile(root / "hostile" / "inputs")
        built = {}
        for name in ("demo", "hostile"):
            inputs = root / name / "inputs"
            result = build_quarter(resolve_registry(None, inputs), q4, inputs / str(q4), root / name / "out")
            if not result.ok:
                raise SystemExit(result.error)
            built[name] = result.out_dir
        [notice] = built["demo"].glob("*通报.docx")
        pdf = pdf_of(notice, root / "pdf")
        body = page_of(pdf, "附件1") - 1
        side_by_side(pages(pdf, root / "body", 1, body), IMAGES / "notice-2025Q4-body.png")
        shutil.copy(pages(pdf, root / "att", body + 1, body + 1)[0], IMAGES / "notice-2025Q4-attachment1.png")
        [seventh] = (built["hostile"] / "各行动报告").glob("第07项_*.docx")
        shutil.copy(pages(pdf_of(seventh, root / "seventh"), root / "seventh", 1, 1)[0],
                    IMAGES / "action07-hostile-2025Q4-tasks.png")
        create_demo_inputs(root / "next")
        issue_demo_quarters(root / "next", load_registry(root / "next" / "inputs" / "plan.toml"))
        next_plan = open_next_plan(root / "next", load_registry(root / "next" / "inputs" / "plan.toml"))
        [notice] = next_plan.build.out_dir.glob("*通报.docx")
        pdf = pdf_of(notice, root / "pdf-next")
        body = page_of(pdf, "附件1") - 1
        side_by_side(pages(pdf, root / "body-next", 1, body), IMAGES / "notice-2026Q1-body.png")
    print(f"written: {', '.join(sorted(p.name for p in IMAGES.glob('*.png')))}")


if __name__ == "__main__":
    main()
