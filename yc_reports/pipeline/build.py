"""`yc-reports build QUARTER`: the quarter's workbooks in, reports, 汇总表.xlsx and summary.json out.

A quarter not yet issued is a draft: it is read from its workbooks with today's plan, and the quarters
before it from the office's record where they were issued (`pipeline/past.py`). An issued quarter is
read from the record as it was issued — its documents come out again as they were signed, whatever the
workbooks say now; a correction (更正) is made with `issue_quarter(..., reason=…)` (pipeline/issue.py).

Outputs are written whole or not at all: everything is built in a staging folder beside the output
folder (same filesystem), then moved into place; a failed build leaves the previous outputs as they
were. An existing ``templates/`` folder in the output folder (written by `yc-reports templates`) is
kept. The inputs are only ever read. The library never prints: progress goes to a callback.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from yc_reports import outfiles
from yc_reports.analysis.assemble import assemble_report
from yc_reports.analysis.model import QuarterReport
from yc_reports.analysis.past import Past
from yc_reports.errorlog import internal_error_text
from yc_reports.intake.cache import ParseCache
from yc_reports.intake.records import ParseResult, Submission
from yc_reports.issues import Issue, sort_key
from yc_reports.outfiles import WriteError, files_under, refuse_files_in_use, staged_folder
from yc_reports.pipeline import collector
from yc_reports.pipeline.inputs import read_quarter_folder
from yc_reports.pipeline.parallel import helper_process, run_jobs
from yc_reports.pipeline.past import read_past
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import Registry
from yc_reports.record.store import Issuance, Record, RecordError, record_path
from yc_reports.render.summary_json import write_summary_json

if TYPE_CHECKING:   # at run time imported where used, as below: they are not needed to read and check
    from yc_reports.render.docx.settings import DocumentSettings
    from yc_reports.render.wording import Wording

SUMMARY_JSON = "summary.json"
WORKBOOK_NAME = "汇总表.xlsx"
KEPT_FOLDERS = ("templates", "催报督办")   # written by `templates` and `notices`; a build never removes them
CACHE_DIR = ".cache"

STAGE_CURRENT = "读取本季度工作簿"
STAGE_REPORTS = "生成报告"
STAGE_SUMMARY = "生成汇总表"

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class BuildResult:
    ok: bool
    out_dir: Path
    report: QuarterReport | None = None
    files: tuple[Path, ...] = ()       # every file written, under out_dir
    issues: tuple[Issue, ...] = ()
    error: str = ""                    # a Chinese sentence when ok is False
    issued: Issuance | None = None     # the quarter was issued: its documents were made from the record
    changed_since_issue: tuple[str, ...] = ()   # issued: workbooks in the folder now that it did not use


@dataclass(frozen=True)
class QuarterReading:
    """A quarter as the commands read it: its report, the workbooks it used, and its issuance when the
    report is the one issued (None: a draft)."""

    report: QuarterReport
    submissions: dict[int, Submission]
    issued: Issuance | None = None


class BuildError(Exception):
    """A build that cannot go on; the message (Chinese) is shown to the user."""


def build_quarter(registry: Registry, quarter: Quarter, inputs_dir: Path, out_dir: Path, *,
                  report_date: dt.date | None = None, pdf: bool = False, draft: bool = False,
                  progress: Progress | None = None) -> BuildResult:
    """Read `inputs_dir` (and the earlier quarters beside it, and the office's record), write the quarter's
    outputs to `out_dir`. An issued quarter comes from the record unless `draft` (a correction's draft)."""
    inputs_dir, out_dir = Path(inputs_dir), Path(out_dir)
    reading = None
    try:
        with Record(record_path(inputs_dir.parent)) as record:
            issued = None if draft else _issued(record, quarter)
            check_folders(registry, quarter, inputs_dir, out_dir, need_inputs=issued is None)
            settings = document_settings(inputs_dir.parent)
            refuse_outputs_in_use(out_dir)
            with helper_process():  # started now, so that its imports overlap the reading
                reading = read_reading(registry, quarter, inputs_dir, cache_root(out_dir), report_date=report_date,
                                       progress=progress, draft=draft, record=record)
                files = write_outputs(reading.report, out_dir, pdf=pdf, progress=progress, settings=settings,
                                      wording=office_wording(inputs_dir.parent))
    except BuildError as exc:
        report = reading.report if reading else None
        return BuildResult(ok=False, out_dir=out_dir, report=report,
                           issues=report.issues if report else (), error=str(exc))
    changed = changed_since_issue(reading, inputs_dir) if reading.issued else ()
    return BuildResult(ok=True, out_dir=out_dir, report=reading.report, files=files, issues=reading.report.issues,
                       issued=reading.issued, changed_since_issue=changed)


def _issued(record: Record, quarter: Quarter) -> Issuance | None:
    try:
        return record.latest(quarter)
    except RecordError as exc:
        raise BuildError(str(exc)) from None


def changed_since_issue(reading: QuarterReading, inputs_dir: Path) -> tuple[str, ...]:
    """Workbooks in the quarter's folder now that the issued report did not use (by content), by name."""
    import hashlib

    from yc_reports.intake.discovery import discover

    if not inputs_dir.is_dir():
        return ()
    used = {s.sha256 for s in reading.submissions.values()}
    found = discover([inputs_dir]).workbooks
    return tuple(sorted(p.relative_to(inputs_dir).as_posix() for p in found
                        if hashlib.sha256(p.read_bytes()).hexdigest() not in used))


def document_settings(inputs_root: Path) -> DocumentSettings:
    """The office's inputs/document.toml beside the quarter folders, else the shipped settings."""
    from yc_reports.render.docx.settings import DocumentSettingsError, resolve_document_settings

    try:
        return resolve_document_settings(None, inputs_root)
    except DocumentSettingsError as exc:
        raise BuildError(str(exc)) from None


def office_wording(inputs_root: Path) -> Wording:
    """The office's inputs/templates/ over the shipped templates (file by file); a broken one is named."""
    from yc_reports.render.wording import Wording, WordingError

    wording = Wording.for_inputs(inputs_root)
    try:
        wording.check()
    except WordingError as exc:
        raise BuildError(str(exc)) from None
    return wording


def cache_root(out_dir: Path) -> Path:
    """outputs/2025Q3 → outputs/.cache (shared by every quarter's builds)."""
    return Path(out_dir).parent / CACHE_DIR


# ------------------------------------------------------------------------------------ reading


def check_folders(registry: Registry, quarter: Quarter, inputs_dir: Path, out_dir: Path, *,
                  need_inputs: bool = True) -> None:
    """Refuse what would make a build wrong or harm the inputs."""
    if not registry.covers(quarter):
        raise BuildError(f"{quarter.label}不在方案实施期（{registry.plan.start_year}—{registry.plan.end_year}年）内。")
    if need_inputs and not inputs_dir.is_dir():
        raise BuildError(f"找不到本季度工作簿文件夹：{inputs_dir}")
    inputs, out = inputs_dir.resolve(), out_dir.resolve()
    if out == inputs or inputs in out.parents:
        raise BuildError(f"输出文件夹（{out_dir}）不能设在报送文件夹（{inputs_dir}）内，以免改动报送文件。请另选输出文件夹。")
    if out in inputs.parents:
        raise BuildError(f"报送文件夹（{inputs_dir}）位于输出文件夹（{out_dir}）内，生成时会被替换。请另选输出文件夹。")
    if out_dir.exists() and not out_dir.is_dir():
        raise BuildError(f"输出路径 {out_dir} 已存在且不是文件夹，请另选输出文件夹。")


def refuse_outputs_in_use(out_dir: Path) -> None:
    """Before the work: a file of the last build held open in WPS or Excel would stop its replacement."""
    try:
        refuse_files_in_use(files_under(out_dir, KEPT_FOLDERS))
    except WriteError as exc:
        raise BuildError(str(exc)) from None


def read_quarter(registry: Registry, quarter: Quarter, inputs_dir: Path, cache_dir: Path | None, *,
                 report_date: dt.date | None = None, progress: Progress | None = None,
                 record: Record | None = None) -> QuarterReport:
    """The quarter's report: as issued when it was issued, else its draft (see `read_reading`)."""
    return read_reading(registry, quarter, inputs_dir, cache_dir, report_date=report_date, progress=progress,
                        record=record).report


def read_reading(registry: Registry, quarter: Quarter, inputs_dir: Path, cache_dir: Path | None, *,
                 report_date: dt.date | None = None, progress: Progress | None = None, draft: bool = False,
                 record: Record | None = None) -> QuarterReading:
    """An issued quarter from the office's record (unless `draft`); else discover, parse (through the
    cache), judge (`intake.selection.select_workbooks`, the function `check` uses too) and assemble the
    quarter, with what is known of the quarters before it (`pipeline/past.py`)."""
    inputs_dir = Path(inputs_dir)
    record = record or Record(record_path(inputs_dir.parent))
    try:
        issued = None if draft else record.issued(quarter)
        if issued is not None:
            return QuarterReading(issued.report, issued.submissions, issued.issuance)
        cache = ParseCache(registry, cache_dir)
        folder = read_quarter_folder(registry, quarter, inputs_dir, cache, progress=progress, stage=STAGE_CURRENT)
        past = read_past(registry, quarter, inputs_dir.parent, cache, record, progress=progress)
    except RecordError as exc:
        raise BuildError(str(exc)) from None
    except OSError as exc:
        raise BuildError(f"读取报送文件时出错（{_os_error(exc)}），本次未生成任何结果。请检查文件夹权限后重试。") from None
    results = with_ledger_issues(registry, folder.selection.results, past, inputs_dir.parent)
    report = assemble_report(registry, quarter, results, past=past, report_date=report_date,
                             extra_issues=folder.strays + folder.selection.issues)
    used = folder.selection.used()
    submissions = {action_id: r.submission for r in folder.selection.results
                   if r.submission is not None and (action_id := r.submission.action_id) in used
                   and used[action_id] == r.file}
    return QuarterReading(report, dict(sorted(submissions.items())))


def with_ledger_issues(registry: Registry, results: Sequence[ParseResult], past: Past,
                       inputs_root: Path) -> tuple[ParseResult, ...]:
    """Each readable workbook's 整改落实 sheet compared with the ledger the quarter starts from — the comparison
    `check` makes (pipeline/rectification_check.py), so that the two never disagree."""
    from yc_reports.pipeline.rectification_check import ledger_issues
    from yc_reports.render.wording import Wording

    if not past.ledger:
        return tuple(results)
    wording = Wording.for_inputs(inputs_root)
    out = []
    for r in results:
        found = ledger_issues(r.submission, past.ledger, wording, registry.plan.id) if r.submission else []
        out.append(dataclasses.replace(r, issues=tuple(sorted((*r.issues, *found), key=sort_key))) if found else r)
    return tuple(out)


# ------------------------------------------------------------------------------------ writing


def write_outputs(report: QuarterReport, out_dir: Path, *, pdf: bool = False,
                  progress: Progress | None = None, settings: DocumentSettings | None = None,
                  wording: Wording | None = None) -> tuple[Path, ...]:
    """Write every output into a staging folder, then swap it in for `out_dir`; return the final paths."""
    with staged_outputs(report, out_dir, pdf=pdf, progress=progress, settings=settings, wording=wording) as staged:
        pass   # in place when the block ends
    return tuple(out_dir / p for p in staged.files)


@dataclass(frozen=True)
class StagedOutputs:
    """A quarter's outputs written whole in `folder` (beside the output folder), not yet in place."""

    folder: Path
    files: tuple[Path, ...]     # relative to `folder`


@contextlib.contextmanager
def staged_outputs(report: QuarterReport, out_dir: Path, *, pdf: bool = False, progress: Progress | None = None,
                   settings: DocumentSettings | None = None,
                   wording: Wording | None = None) -> Iterator[StagedOutputs]:
    """Every output written into a staging folder beside `out_dir` (outfiles.staged_folder); when the block ends
    without an error it becomes `out_dir`, else `out_dir` keeps what it held. A failure to write or to put the
    folder in place is a BuildError; an error of the block's own goes through as it is."""
    try:
        with staged_folder(out_dir, KEPT_FOLDERS) as staging:
            files = _written(staging, out_dir, report, pdf=pdf, progress=progress, settings=settings,
                             wording=wording)
            yield StagedOutputs(staging, files)
    except WriteError as exc:  # a file held open, a read-only folder, a full disk: said with the file
        raise BuildError(str(exc)) from None


def _written(staging: Path, out_dir: Path, report: QuarterReport, *, pdf: bool, progress: Progress | None,
             settings: DocumentSettings | None, wording: Wording | None) -> tuple[Path, ...]:
    try:
        return tuple(_write_into(staging, report, pdf=pdf, progress=progress, settings=settings, wording=wording))
    except WriteError:
        raise
    except OSError as exc:  # a writer's own error in the staging folder (a full disk): said of the output folder
        raise BuildError(f"{outfiles.problem_text(exc, out_dir)}{outfiles.UNCHANGED}") from None
    except Exception as exc:  # the writers are many; none of them may leave half a build behind
        kept = "输出文件夹保持上次的结果" if out_dir.exists() else "未写出任何结果"
        raise BuildError(internal_error_text("生成报告", exc, f"本次{kept}")) from exc


def _write_into(staging: Path, report: QuarterReport, *, pdf: bool, progress: Progress | None,
                settings: DocumentSettings | None, wording: Wording | None) -> list[Path]:
    """Every output of the quarter into `staging`; their paths relative to it."""
    with collector.paused():
        from yc_reports.render import summary_xlsx  # noqa: F401  (openpyxl)

    if progress:
        progress(STAGE_SUMMARY, 0, 1)
    # The workbook first: meanwhile the helper process (parallel.py) finishes starting up, and
    # then both processes write reports until none is left.
    workbook = write_summary_workbook(report, staging / WORKBOOK_NAME, wording)
    with collector.paused():
        from yc_reports.render import reports

    if progress:
        progress(STAGE_REPORTS, 0, 1)
    written = reports.write_reports(report, staging, pdf=pdf, settings=settings, wording=wording,
                                    run_jobs=run_jobs)
    if progress:
        progress(STAGE_REPORTS, 1, 1)
    files = {
        "summary_report": _relative(written.summary_report, staging),
        "action_reports": [_relative(p, staging) for p in written.action_reports],
        "workbook": _relative(workbook, staging),
        "pdfs": [_relative(p, staging) for p in written.extra],
    }
    write_summary_json(report, files, staging / SUMMARY_JSON, wording)  # last: it lists the others
    if progress:
        progress(STAGE_SUMMARY, 1, 1)
    produced = [written.summary_report, *written.action_reports, *written.extra, workbook, staging / SUMMARY_JSON]
    return [Path(p).relative_to(staging) for p in produced if p is not None]


def write_summary_workbook(report: QuarterReport, path: Path, wording: Wording | None = None) -> Path:
    """汇总表.xlsx in the office's wording (openpyxl is imported here, not before: a build starts its helper
    process sooner)."""
    from yc_reports.render.summary_xlsx import write_summary_workbook as write

    return write(report, path, wording)


def swap_into_place(staging: Path, out_dir: Path) -> None:
    """Make `staging` the new `out_dir`, carrying over the kept folders (outfiles.swap_into_place)."""
    outfiles.swap_into_place(staging, out_dir, KEPT_FOLDERS)


def _relative(path: Path | None, root: Path) -> str | None:
    return Path(path).relative_to(root).as_posix() if path is not None else None


def _os_error(exc: OSError) -> str:
    return f"{exc.strerror or type(exc).__name__}：{exc.filename}" if exc.filename else str(exc)
