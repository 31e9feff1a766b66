"""Reading a quarter's folder through the parse cache (the earlier quarters: `pipeline/past.py`).

Quarters live side by side under the inputs root: ``inputs/2025Q3/``, ``inputs/2025Q2/``, ….
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from yc_reports.intake.cache import ParseCache
from yc_reports.intake.discovery import discover
from yc_reports.intake.selection import Selection, select_workbooks
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


def display_name(path: Path, folder: Path) -> str:
    """How issues and reports name a file: relative to the folder (the quarter's, or the inputs root)."""
    try:
        return Path(path).relative_to(folder).as_posix()
    except ValueError:
        return Path(path).name
