"""`yc-reports assess YEAR`: read the year's four quarters as `build` does (an issued quarter as issued, from
the office's record; a draft from its workbooks), score, write the report and the workbook into
``outputs/YEAR年度考核/`` whole or not at all."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from yc_reports.analysis.assessment import AssessmentError, YearAssessment, assess
from yc_reports.errorlog import internal_error_text
from yc_reports.pipeline.build import (
    BuildError,
    cache_root,
    check_folders,
    document_settings,
    office_wording,
    read_quarter,
)
from yc_reports.pipeline.past import first_collected
from yc_reports.pipeline.staging import staged
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import Registry
from yc_reports.record.store import Record, RecordError, record_path


@dataclass(frozen=True)
class AssessResult:
    ok: bool
    assessment: YearAssessment | None = None
    files: tuple[Path, ...] = ()
    error: str = ""


def assessment_folder(out_root: Path, year: int) -> Path:
    return Path(out_root) / f"{year}年度考核"


def year_assessment(registry: Registry, year: int, inputs_root: Path, cache_dir: Path | None) -> YearAssessment:
    """The year's assessment from the record and the quarter folders under `inputs_root` (Q4 must be there)."""
    inputs_root = Path(inputs_root)
    reports = {}
    with Record(record_path(inputs_root)) as record:
        try:
            issued = set(record.issued_quarters())
            start = first_collected(registry, Quarter(year, 4), inputs_root, record)
        except RecordError as exc:
            raise BuildError(str(exc)) from None
        for n in range(1, 5):
            q = Quarter(year, n)
            folder = inputs_root / str(q)
            if q in issued or folder.is_dir():
                reports[q] = read_quarter(registry, q, folder, cache_dir, record=record)
    return assess(registry.assessment, year, reports, first_collected=start)


def make_assessment(registry: Registry, year: int, inputs_root: Path, out_root: Path, *,
                    date: dt.date | None = None) -> AssessResult:
    from yc_reports.render.assessment_doc import (
        compose_assessment,
        default_date,
        report_file_name,
        workbook_file_name,
        write_assessment_workbook,
    )
    target = assessment_folder(out_root, year)
    try:
        q4_folder = Path(inputs_root) / str(Quarter(year, 4))
        q4_issued = _issued(Path(inputs_root), Quarter(year, 4))
        if registry.covers(Quarter(year, 4)) and not q4_folder.is_dir() and not q4_issued:
            raise AssessmentError(f"找不到{year}年第四季度的报送文件夹（{q4_folder}），"
                                  f"{year}年度考核需在第四季度数据报送后进行。")
        check_folders(registry, Quarter(year, 4), q4_folder, target, need_inputs=not q4_issued)
        settings = document_settings(Path(inputs_root))
        result = year_assessment(registry, year, inputs_root, cache_root(out_root))
        wording = office_wording(Path(inputs_root))
        date = date or default_date(year)
        with staged(target) as staging:
            compose_assessment(result, registry.plan, settings, wording, date).save(
                staging / report_file_name(registry.plan, year))
            write_assessment_workbook(result, registry.plan, wording, staging / workbook_file_name(registry.plan, year))
            names = sorted(p.name for p in staging.iterdir())
    except (BuildError, AssessmentError) as exc:
        return AssessResult(ok=False, error=str(exc))
    except Exception as exc:  # the writers are many; none may leave half a result behind
        return AssessResult(ok=False, error=internal_error_text("生成考核结果", exc))
    return AssessResult(ok=True, assessment=result, files=tuple(target / n for n in names))


def _issued(inputs_root: Path, quarter: Quarter) -> bool:
    try:
        with Record(record_path(inputs_root)) as record:
            return record.latest(quarter) is not None
    except RecordError as exc:
        raise BuildError(str(exc)) from None
