"""`yc-reports notices QUARTER`: the quarter's 催报 / 督办 texts, from the same reading as `build`.

Written to ``outputs/QUARTER/催报督办/`` (a folder `build` keeps), whole or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from yc_reports.errorlog import internal_error_text
from yc_reports.pipeline.build import BuildError, cache_root, check_folders, office_wording, read_quarter
from yc_reports.pipeline.staging import staged
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import Registry
from yc_reports.render.notices import Notice, quarter_notices, write_notices

NOTICES_DIR = "催报督办"


@dataclass(frozen=True)
class NoticesResult:
    ok: bool
    notices: tuple[Notice, ...] = ()
    files: tuple[Path, ...] = ()
    error: str = ""


def notices_for_quarter(registry: Registry, quarter: Quarter, inputs_dir: Path,
                        cache_dir: Path | None = None) -> tuple[Notice, ...]:
    """The quarter's notices read from `inputs_dir` (the portal calls this, or quarter_notices on a report)."""
    report = read_quarter(registry, quarter, Path(inputs_dir), cache_dir)
    return quarter_notices(report, office_wording(Path(inputs_dir).parent))


def make_notices(registry: Registry, quarter: Quarter, inputs_dir: Path, out_dir: Path) -> NoticesResult:
    """Read the quarter, write the notices into out_dir/催报督办/ (in the office's words), return them."""
    inputs_dir, out_dir = Path(inputs_dir), Path(out_dir)
    target = out_dir / NOTICES_DIR
    try:
        check_folders(registry, quarter, inputs_dir, out_dir)
        report = read_quarter(registry, quarter, inputs_dir, cache_root(out_dir))
        notices = quarter_notices(report, office_wording(inputs_dir.parent))
        with staged(target) as staging:
            written = write_notices(report, notices, staging)
    except BuildError as exc:
        return NoticesResult(ok=False, error=str(exc))
    except Exception as exc:  # a broken notices template and the like: nothing is written
        return NoticesResult(ok=False, error=internal_error_text("生成通知", exc))
    return NoticesResult(ok=True, notices=notices, files=tuple(target / p.name for p in written))
