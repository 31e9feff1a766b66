"""PDFs of the reports through LibreOffice (soffice --headless), where it is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

TIMEOUT_SECONDS = 300

# Where the LibreOffice installers put soffice when it is not on PATH (the Windows installer never adds it).
WINDOWS_FOLDERS = ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)", "LOCALAPPDATA")
WINDOWS_SOFFICE = ("LibreOffice", "program", "soffice.exe")
MACOS_SOFFICE = "/Applications/LibreOffice.app/Contents/MacOS/soffice"


class PdfUnavailable(RuntimeError):
    """LibreOffice is not installed; the message (Chinese) says what to do."""


class PdfFailed(RuntimeError):
    """LibreOffice ran but did not produce every PDF; the message (Chinese) names the files."""


# Charts stay sharp: lossless images at their own resolution (the default export re-encodes as JPEG).
LOSSLESS_PDF = ('pdf:writer_pdf_Export:{"UseLosslessCompression":{"type":"boolean","value":"true"},'
                '"ReduceImageResolution":{"type":"boolean","value":"false"}}')


def soffice_path(platform: str = sys.platform, environ: Mapping[str, str] = os.environ) -> str | None:
    """LibreOffice's soffice: on PATH, else where its installer puts it on Windows (Program Files, or the
    user's own programs folder for a per-user install) or macOS; None when it is not installed."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    if platform == "win32":
        for variable in WINDOWS_FOLDERS:
            base = environ.get(variable)
            if not base:
                continue
            for candidate in (Path(base, *WINDOWS_SOFFICE), Path(base, "Programs", *WINDOWS_SOFFICE)):
                if candidate.is_file():
                    return str(candidate)
    elif platform == "darwin" and Path(MACOS_SOFFICE).is_file():
        return MACOS_SOFFICE
    return None


def unavailable_message(platform: str = sys.platform) -> str:
    """What to do without LibreOffice, in the words of the user's own system."""
    if platform == "win32":
        return ("未安装 LibreOffice（在 C:\\Program Files\\LibreOffice 和 PATH 中均未找到），无法生成 PDF。"
                "可从 LibreOffice 官方网站下载 Windows 版安装后重试，或直接使用 .docx 文件（WPS、Word 均可另存为 PDF）。")
    if platform == "darwin":
        return "未安装 LibreOffice，无法生成 PDF。可从 LibreOffice 官方网站下载安装后重试，或直接使用 .docx 文件。"
    return ("未安装 LibreOffice，无法生成 PDF。可安装 LibreOffice（Debian、Ubuntu 上为 libreoffice-writer 软件包）"
            "后重试，或直接使用 .docx 文件。")


def convert_to_pdf(paths: Sequence[Path], out_dir: Path, *, timeout: float = TIMEOUT_SECONDS) -> list[Path]:
    """Convert the .docx files to PDFs in `out_dir` (same stem), in one soffice run; return the PDF paths.

    A private LibreOffice profile in a temporary folder keeps runs independent of each other and of a
    desktop session the user may have open."""
    paths = [Path(p) for p in paths]
    if not paths:
        return []
    soffice = soffice_path()
    if soffice is None:
        raise PdfUnavailable(unavailable_message())
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
