"""`yc-reports issue QUARTER`: 签发 — the quarter built from its workbooks and written to the office's record.

Issuing builds the quarter as a draft (`pipeline/build.py`), writes its documents whole, and records, in
one transaction of the record: the facts as printed (the report, with each 督办 item's matter in the words
printed and the plan it was raised under), the workbooks used, the plan, the 印发日期 and 文号, and the
sha256 of every document. From then on every build reads the quarter from the record. Issuing again is a
correction (更正): a new version with its reason; the earlier versions stay in the record. A quarter
cannot be issued once a later quarter has been.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from yc_reports.analysis.model import QuarterReport
from yc_reports.numfmt import cn_date
from yc_reports.pipeline.build import (
    BuildError,
    Progress,
    StagedOutputs,
    cache_root,
    check_folders,
    document_settings,
    office_wording,
    read_reading,
    refuse_outputs_in_use,
    staged_outputs,
)
from yc_reports.pipeline.parallel import helper_process
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import Registry
from yc_reports.record.store import DocumentHash, Issuance, Record, RecordError, record_path
from yc_reports.render.wording import Wording


@dataclass(frozen=True)
class IssueResult:
    ok: bool
    out_dir: Path
    issuance: Issuance | None = None
    report: QuarterReport | None = None
    files: tuple[Path, ...] = ()
    same_as_draft: bool | None = None   # the documents are those of the draft found in out_dir (None: none there)
    error: str = ""


def issue_quarter(registry: Registry, quarter: Quarter, inputs_dir: Path, out_dir: Path, *, by: str,
                  reason: str = "", report_date: dt.date | None = None, pdf: bool = False,
                  progress: Progress | None = None, at: dt.datetime | None = None) -> IssueResult:
    """签发 `quarter` (or, with `reason`, correct it): build from the workbooks, record, put the documents in place."""
    inputs_dir, out_dir = Path(inputs_dir), Path(out_dir)
    issuance: Issuance | None = None
    with Record(record_path(inputs_dir.parent)) as record:
        try:
            earlier = record.latest(quarter)
            if earlier is not None and not reason.strip():
                raise BuildError(f"{quarter.label}已于{cn_date(earlier.issued_at.date())}由{earlier.issued_by}签发"
                                 f"（第{earlier.version}版），不再重新签发。如需更正，请写明更正原因。")
            if earlier is None and reason.strip():
                raise BuildError(f"{quarter.label}尚未签发，无需更正；签发时不用写更正原因。")
            check_folders(registry, quarter, inputs_dir, out_dir)
            settings = document_settings(inputs_dir.parent)
            wording = office_wording(inputs_dir.parent)
            refuse_outputs_in_use(out_dir)
            with helper_process():
                reading = read_reading(registry, quarter, inputs_dir, cache_root(out_dir), report_date=report_date,
                                       progress=progress, draft=True, record=record)
                report = as_printed(reading.report, wording)
                with staged_outputs(report, out_dir, pdf=pdf, progress=progress, settings=settings,
                                    wording=wording) as staged:
                    documents = document_hashes(staged)
                    same = same_as_draft(out_dir, documents)
                    refuse_outputs_in_use(out_dir)   # the last moment before the record: the swap must not fail
                    issuance = record.issue(
                        report, reading.submissions, plan_text=plan_text(registry), documents=documents, by=by,
                        reason=reason, at=at,
                        doc_number=report.doc_number or settings.number_for(quarter.year, report.issue_number))
        except (RecordError, BuildError) as exc:
            return IssueResult(ok=False, out_dir=out_dir, issuance=issuance, error=_after(issuance, quarter, out_dir,
                                                                                        str(exc)))
    return IssueResult(ok=True, out_dir=out_dir, issuance=issuance, report=report,
                       files=tuple(out_dir / d.path for d in documents), same_as_draft=same)


def _after(issuance: Issuance | None, quarter: Quarter, out_dir: Path, error: str) -> str:
    """What went wrong, and whether the quarter is issued nonetheless (recorded, but its documents not in place)."""
    if issuance is None:
        return error
    return (f"{quarter.label}已签发并记入办公室记录，但签发稿未能放入 {out_dir}（{error}）。"
            f"请关闭该文件夹中打开的文件后，运行 yc-reports build {quarter} 重新生成签发稿。")


def as_printed(report: QuarterReport, wording: Wording) -> QuarterReport:
    """The report with each 督办 item's matter in the words printed and the plan it was raised under, as the
    record keeps them (an item issued before keeps its own)."""
    items = tuple(dataclasses.replace(i, text=i.text or wording.matter(i.reason), plan_id=i.plan_id or report.plan.id)
                  for i in report.ledger)
    return dataclasses.replace(report, ledger=items)


def plan_text(registry: Registry) -> str:
    """The plan as the record keeps it: its canonical TOML text (the same plan, the same text and hash)."""
    from yc_reports.plan.toml_text import registry_toml

    return registry_toml(registry)


def document_hashes(staged: StagedOutputs) -> tuple[DocumentHash, ...]:
    out = []
    for relative in staged.files:
        data = (staged.folder / relative).read_bytes()
        out.append(DocumentHash(relative.as_posix(), hashlib.sha256(data).hexdigest(), len(data)))
    return tuple(sorted(out, key=lambda d: d.path))


def same_as_draft(out_dir: Path, documents: tuple[DocumentHash, ...]) -> bool | None:
    """Whether `out_dir` already holds exactly these documents (the draft the office read); None: no draft."""
    present = [d for d in documents if (out_dir / d.path).is_file()]
    if not present:
        return None
    return len(present) == len(documents) and all(
        hashlib.sha256((out_dir / d.path).read_bytes()).hexdigest() == d.sha256 for d in documents)

