"""PDFs of the reports through LibreOffice (soffice --headless), where it is installed."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

TIMEOUT_SECONDS = 300
UNAVAILABLE = "未安装 LibreOffice，无法生成 PDF。可安装 libreoffice-writer 后重试，或直接使用 .docx 文件。"


class PdfUnavailable(RuntimeError):
    """LibreOffice is not installed; the message (Chinese) says what to do."""


class PdfFailed(RuntimeError):
    """LibreOffice ran but did not produce every PDF; the message (Chinese) names the files."""


# Charts stay sharp: lossless images at their own resolution (the default export re-encodes as JPEG).
LOSSLESS_PDF = ('pdf:writer_pdf_Export:{"UseLosslessCompression":{"type":"boolean","value":"true"},'
                '"ReduceImageResolution":{"type":"boolean","value":"false"}}')


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(paths: Sequence[Path], out_dir: Path, *, timeout: float = TIMEOUT_SECONDS) -> list[Path]:
    """Convert the .docx files to PDFs in `out_dir` (same stem), in one soffice run; return the PDF paths.

    A private LibreOffice profile in a temporary folder keeps runs independent of each other and of a
    desktop session the user may have open."""
    paths = [Path(p) for p in paths]
    if not paths:
        return []
    soffice = soffice_path()
    if soffice is None:
        raise PdfUnavailable(UNAVAILABLE)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    pdfs = [out_dir / (p.stem + ".pdf") for p in paths]
    for stale in pdfs:  # a PDF left from an earlier run must not pass for this run's
        stale.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="yc-reports-lo-") as profile:
        _run_soffice(soffice, profile, LOSSLESS_PDF, paths, out_dir, timeout)
        # LibreOffice before 7.4 does not read filter options written as JSON: convert what is left plainly.
        left = [p for p, pdf in zip(paths, pdfs, strict=True) if not pdf.is_file()]
        if left:
            _run_soffice(soffice, profile, "pdf", left, out_dir, timeout)
    missing = [p.name for p in pdfs if not p.is_file()]
    if missing:
        raise PdfFailed(f"LibreOffice 未能生成以下 PDF：{'、'.join(missing)}。请直接使用 .docx 文件。")
    return pdfs


def _run_soffice(soffice: str, profile: str, target: str, paths: Sequence[Path], out_dir: Path,
                 timeout: float) -> None:
    command = [
        soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore", "--nolockcheck",
        "--convert-to", target, "--outdir", str(out_dir), *[str(p) for p in paths],
    ]
    try:
        subprocess.run(command, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise PdfFailed(f"LibreOffice 转换 PDF 超时（{int(timeout)} 秒），请稍后重试或直接使用 .docx 文件。") from None
