"""Word reports: one per action and the summary 通报, composed from the report model.

(Interface stub: the real composition lands with issue 4.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .model import QuarterReport


@dataclass(frozen=True)
class ReportFiles:
    summary_report: Path | None
    action_reports: tuple[Path, ...] = ()
    extra: tuple[Path, ...] = field(default=())   # PDFs, chart images


def write_reports(report: QuarterReport, out_dir: Path, *, pdf: bool = False) -> ReportFiles:
    """Write every .docx for the quarter into out_dir (a staging folder); return their paths."""
    return ReportFiles(summary_report=None)
