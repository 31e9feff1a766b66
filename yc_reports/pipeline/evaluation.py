"""`yc-reports evaluate`: every quarter of the plan, read as `build` reads it (an issued quarter as issued, from
the office's record; a draft from its workbooks), evaluated, written to ``outputs/终期评估_START-END/`` whole
or not at all."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from yc_reports.analysis.evaluation import Evaluation, EvaluationError, evaluate
from yc_reports.errorlog import internal_error_text
from yc_reports.pipeline.build import BuildError, cache_root, document_settings, office_wording, read_quarter
from yc_reports.pipeline.staging import staged
from yc_reports.plan.quarter import quarters_between
from yc_reports.plan.registry import Registry
from yc_reports.record.store import Record, RecordError, record_path


@dataclass(frozen=True)
class EvaluateResult:
    ok: bool
    evaluation: Evaluation | None = None
    files: tuple[Path, ...] = ()
    error: str = ""


def plan_evaluation(registry: Registry, inputs_root: Path, cache_dir: Path | None) -> Evaluation:
    reports = {}
    with Record(record_path(Path(inputs_root))) as record:
        try:
            issued = set(record.issued_quarters())
        except RecordError as exc:
            raise BuildError(str(exc)) from None
        for q in quarters_between(registry.first_quarter, registry.last_quarter):
            folder = Path(inputs_root) / str(q)
            if q in issued or folder.is_dir():
                reports[q] = read_quarter(registry, q, folder, cache_dir, record=record)
    return evaluate(registry, reports)


def make_evaluation(registry: Registry, inputs_root: Path, out_root: Path, *,
                    date: dt.date | None = None) -> EvaluateResult:
    from yc_reports.render.evaluation_doc import (
        compose_evaluation,
        default_date,
        folder_name,
        report_file_name,
        workbook_file_name,
        write_evaluation_workbook,
    )
    target = Path(out_root) / folder_name(registry.plan)
    try:
        if not Path(inputs_root).is_dir():
            raise BuildError(f"找不到报送工作簿文件夹：{inputs_root}")
        settings = document_settings(Path(inputs_root))
        wording = office_wording(Path(inputs_root))
        ev = plan_evaluation(registry, inputs_root, cache_root(target))
        date = date or default_date(ev)
        with staged(target) as staging:
            compose_evaluation(ev, settings, wording, date).save(staging / report_file_name(registry.plan))
            write_evaluation_workbook(ev, wording, staging / workbook_file_name(registry.plan))
            names = sorted(p.name for p in staging.iterdir())
    except (BuildError, EvaluationError) as exc:
        return EvaluateResult(ok=False, error=str(exc))
    except Exception as exc:  # the writers are many; none may leave half a result behind
        return EvaluateResult(ok=False, error=internal_error_text("生成终期评估", exc))
    return EvaluateResult(ok=True, evaluation=ev, files=tuple(target / n for n in names))
