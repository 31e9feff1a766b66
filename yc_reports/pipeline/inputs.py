"""Reading a quarter's folder and the earlier quarters' folders beside it, through the parse cache.

Earlier quarters live beside the current one: ``inputs/2025Q2/``, ``inputs/2025Q1/``, … (the parent of
the current quarter's folder). Every quarter of the plan before the current one whose folder exists is
read; for each action the workbook that counts is chosen by `intake.selection.choose_for_history`, and
the series are built by `analysis.history`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from yc_reports.analysis.history import History, earlier_quarters, history_from_submissions
from yc_reports.intake.cache import ParseCache
from yc_reports.intake.discovery import discover
from yc_reports.intake.records import ParseResult
from yc_reports.intake.selection import Selection, choose_for_history, select_workbooks
from yc_reports.issues import Issue
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import Registry

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class QuarterFolder:
    """One quarter's folder as the build reads it: the selection of its workbooks, and its stray files."""

    selection: Selection
    strays: tuple[Issue, ...]


def read_quarter_folder(registry: Registry, quarter: Quarter, folder: Path, cache: ParseCache, *,
                        progress: Progress | None = None, stage: str = "读取工作簿") -> QuarterFolder:
    """Discover (sub-folders included), parse and judge the workbooks of `folder` for `quarter`; file names
    relative to the folder."""
    found = discover([folder])
    names = [display_name(p, folder) for p in found.workbooks]
    results = cache.parse_many(list(zip(found.workbooks, names, strict=True)), progress=progress, stage=stage)
    strays = tuple(replace(i, file=display_name(Path(i.file), folder)) for i in found.issues)
    return QuarterFolder(select_workbooks(results, registry, quarter), strays)


def read_history(registry: Registry, quarter: Quarter, inputs_root: Path, cache: ParseCache,
                 progress: Progress | None = None) -> History:
    """Read every earlier quarter's folder under `inputs_root` (through the cache) into a History."""
    folders = [(q, Path(inputs_root) / str(q)) for q in earlier_quarters(registry, quarter)]
    folders = [(q, f) for q, f in folders if f.is_dir()]
    jobs: list[tuple[Quarter, Path, str]] = []
    for q, folder in folders:
        for path in discover([folder]).workbooks:
            jobs.append((q, path, display_name(path, inputs_root)))
    results = cache.parse_many([(path, name) for _, path, name in jobs], progress=progress,
                               stage="读取往期数据")
    by_quarter: dict[Quarter, list[ParseResult]] = {}
    for (q, _, _), result in zip(jobs, results, strict=True):
        by_quarter.setdefault(q, []).append(result)
    chosen = [s for q, rs in sorted(by_quarter.items())
              for s in choose_for_history(rs, registry, q).values()]
    return history_from_submissions(quarter, chosen)


def display_name(path: Path, folder: Path) -> str:
    """How issues and reports name a file: relative to the folder (the quarter's, or the inputs root)."""
    try:
        return Path(path).relative_to(folder).as_posix()
    except ValueError:
        return Path(path).name
