"""The office's longer work, in the background and one at a time: the quarter's build (审阅稿, or the issued
documents again), 签发 and 更正 (`pipeline.issue.issue_quarter`), the 催报督办 notices (`make_notices`), the
年度考核 (`make_assessment`) and the 终期评估 (`make_evaluation`) — the library's own calls, exactly what the
CLI's `build`, `issue`, `notices`, `assess` and `evaluate` run.

Each job runs in a process of its own (`processes=True`, what `yc-reports serve` uses; a thread in tests):
the server keeps answering pages while it works, and a job whose process dies (killed, out of memory) is
recorded as interrupted, its half-written folder removed, and the fault written to 操作记录 — the next
request is served as ever. The process watches its parent: it ends when the server does. At start-up,
jobs a dead server left running are marked interrupted and any half-written output folder is removed.
"""

from __future__ import annotations

import multiprocessing
import shutil
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from yc_reports.errorlog import internal_error_text
from yc_reports.fixedzip import zip_bytes
from yc_reports.issues import has_errors
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import Registry

from .accounts import Accounts
from .context import Context
from .errors import BuildBusy, NotFound, PortalError
from .staging import Stager
from .store import BuildRecord
from .views import FileBytes, StoredFile
from .work import watch_parent

BUILD, DRAFT, ISSUE, CORRECT, NOTICES, ASSESS, EVALUATE = "build", "draft", "issue", "correct", "notices", "assess", "evaluate"
QUARTER_KINDS = (BUILD, DRAFT, ISSUE, CORRECT)
KIND_LABELS = {BUILD: "汇总", DRAFT: "更正稿", ISSUE: "签发", CORRECT: "更正", NOTICES: "催报督办通知",
               ASSESS: "年度考核", EVALUATE: "终期评估"}
INTERRUPTED = "汇总进程意外中断"      # the 操作记录 entry of a job whose process died

Builder = Callable[..., Any]


@dataclass(frozen=True)
class JobOutcome:
    """What a job hands back (picklable: it crosses from the job's process)."""

    ok: bool
    files: tuple[str, ...] = ()           # relative to the job's folder
    errors: int = 0
    warnings: int = 0
    message: str = ""
    detail: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------- the jobs themselves
# Module-level functions: they run in the job's process.


def default_builder() -> Builder:
    from yc_reports.pipeline.build import build_quarter

    return build_quarter


def run_build(builder: Builder | None, registry: Registry, quarter: Quarter, inputs_dir: Path, out_dir: Path,
              draft: bool) -> JobOutcome:
    builder = builder or default_builder()
    extra = {"draft": True} if draft else {}
    try:
        result = builder(registry, quarter, inputs_dir, out_dir, report_date=None, pdf=False, **extra)
    except Exception as exc:  # a failing build is recorded and shown, never a crashed page
        return JobOutcome(False, message=internal_error_text("汇总", exc))
    errors = sum(1 for issue in result.issues if has_errors([issue]))
    issued = getattr(result, "issued", None)
    return JobOutcome(result.ok, relative_files(result.files, out_dir), errors, len(result.issues) - errors,
                      result.error, {"issued_version": issued.version if issued is not None else 0})


def run_issue(registry: Registry, quarter: Quarter, inputs_dir: Path, out_dir: Path, by: str,
              reason: str) -> JobOutcome:
    from yc_reports.pipeline.issue import issue_quarter

    result = issue_quarter(registry, quarter, inputs_dir, out_dir, by=by, reason=reason)
    if not result.ok or result.issuance is None:
        return JobOutcome(False, message=result.error)
    report = result.report
    errors = sum(1 for issue in report.issues if has_errors([issue])) if report else 0
    return JobOutcome(True, relative_files(result.files, out_dir), errors,
                      (len(report.issues) - errors) if report else 0, "",
                      {"version": result.issuance.version, "items": len(report.ledger) if report else 0,
                       "doc_number": result.issuance.doc_number, "report_date": result.issuance.report_date.isoformat()})


def run_notices(registry: Registry, quarter: Quarter, inputs_dir: Path, out_dir: Path) -> JobOutcome:
    from yc_reports.pipeline.notices import make_notices

    result = make_notices(registry, quarter, inputs_dir, out_dir)
    if not result.ok:
        return JobOutcome(False, message=result.error)
    notices = [{"kind": n.kind.value, "action_id": n.action_id, "recipients": list(n.recipients), "text": n.text}
               for n in result.notices]
    return JobOutcome(True, relative_files(result.files, out_dir), detail={"notices": notices})


def run_assess(registry: Registry, year: int, inputs_root: Path, out_root: Path) -> JobOutcome:
    from yc_reports.pipeline.assessment import make_assessment

    result = make_assessment(registry, year, inputs_root, out_root)
    if not result.ok or result.assessment is None:
        return JobOutcome(False, message=result.error)
    scores = [{"rank": s.rank, "action_id": s.action.id, "units": s.action.lead_units_text, "total": str(s.total),
               "deductions": len(s.deductions)} for s in result.assessment.scores]
    return JobOutcome(True, relative_files(result.files, out_root), detail={"scores": scores, "year": year})


def run_evaluate(registry: Registry, inputs_root: Path, out_root: Path) -> JobOutcome:
    from yc_reports.pipeline.evaluation import make_evaluation

    result = make_evaluation(registry, inputs_root, out_root)
    if not result.ok or result.evaluation is None:
        return JobOutcome(False, message=result.error)
    ev = result.evaluation
    return JobOutcome(True, relative_files(result.files, out_root),
                      detail={"read": [str(q) for q in ev.read]})


def relative_files(files: Iterable[Path], out_dir: Path) -> tuple[str, ...]:
    """The job's files as paths relative to its folder; anything outside it is left out."""
    root = Path(out_dir).resolve()
    out: list[str] = []
    for item in files:
        path = Path(item).resolve()
        if path.is_relative_to(root) and path.is_file() and path.relative_to(root).as_posix() not in out:
            out.append(path.relative_to(root).as_posix())
    return tuple(out)


def _job_main(conn: Connection, fn: Callable[..., JobOutcome], args: tuple[Any, ...]) -> None:
    """The job's process: watch the server, run the job, hand back its outcome."""
    watch_parent()
    try:
        outcome = fn(*args)
    except Exception as exc:  # the job's own failure, said on the page
        outcome = JobOutcome(False, message=internal_error_text("后台任务", exc))
    conn.send(outcome)
    conn.close()


# ---------------------------------------------------------------------------------------- running them


class Jobs:
    def __init__(self, ctx: Context, stager: Stager, accounts: Accounts, *, builder: Builder | None = None,
                 processes: bool = False) -> None:
        self.ctx = ctx
        self.stager = stager
        self.accounts = accounts
        self.builder = builder
        self.processes = processes
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    # ------------------------------------------------------------------------------ starting

    def start_build(self, quarter: Quarter | None = None, actor: str = "", draft: bool = False) -> int:
        """Build the quarter in the background (the page returns at once, showing it running). An issued
        quarter is built from the record as issued; `draft`: its 更正稿 from the files as they are now."""
        quarter = quarter or self.ctx.current_quarter()
        kind = DRAFT if draft else BUILD
        return self._start(kind, quarter, actor, f"{quarter.label}{KIND_LABELS[kind]}", self._build_call(quarter, draft))

    def run_build(self, quarter: Quarter | None = None, actor: str = "", draft: bool = False) -> BuildRecord:
        """The same, waiting for it (the library's way; tests)."""
        quarter = quarter or self.ctx.current_quarter()
        kind = DRAFT if draft else BUILD
        job_id = self._start(kind, quarter, actor, f"{quarter.label}{KIND_LABELS[kind]}", self._build_call(quarter, draft),
                             background=False)
        return self.job(job_id)

    def _build_call(self, quarter: Quarter, draft: bool) -> Callable[[Path], tuple[Callable[..., JobOutcome], tuple[Any, ...]]]:
        def call(out_dir: Path) -> tuple[Callable[..., JobOutcome], tuple[Any, ...]]:
            return run_build, (self.builder, self.ctx.registry, quarter, self.ctx.quarter_folder(quarter), out_dir, draft)
        return call

    def start_issue(self, quarter: Quarter, actor: str, reason: str = "") -> int:
        """签发 (or, with a reason, 更正) the quarter: built from the files as they are and written to the record."""
        self.accounts.require_lead(actor, "签发和更正")
        issued = self.ctx.snapshot().latest(quarter)
        reason = reason.strip()[:300]
        if issued is not None and not reason:
            raise PortalError(f"{quarter.label}已签发（第{issued.version}版）。如需更正，请写明更正原因。")
        if issued is None and reason:
            raise PortalError(f"{quarter.label}尚未签发，无需更正；签发时不用写更正原因。")
        later = [q for q in self.ctx.snapshot().issued_quarters if q > quarter]
        if later:
            raise PortalError(f"已签发{later[-1].label}，不能再签发或更正更早的{quarter.label}。")
        kind = CORRECT if issued is not None else ISSUE
        version = f"（第{issued.version + 1}版）" if issued is not None else ""
        return self._start(kind, quarter, actor, f"{quarter.label}{KIND_LABELS[kind]}{version}",
                           lambda out_dir: (run_issue, (self.ctx.registry, quarter, self.ctx.quarter_folder(quarter),
                                                        out_dir, actor, reason)))

    def start_notices(self, quarter: Quarter, actor: str) -> int:
        return self._start(NOTICES, quarter, actor, f"{quarter.label}催报督办通知",
                           lambda out_dir: (run_notices, (self.ctx.registry, quarter, self.ctx.quarter_folder(quarter),
                                                          out_dir)))

    def start_assessment(self, year: int, actor: str) -> int:
        quarter = Quarter(year, 4)
        if not self.ctx.registry.covers(quarter):
            raise PortalError(f"{year}年不在方案实施期内。")
        return self._start(ASSESS, quarter, actor, f"{year}年度考核",
                           lambda out_dir: (run_assess, (self.ctx.registry, year, self.ctx.inputs_root, out_dir)))

    def start_evaluation(self, actor: str) -> int:
        plan = self.ctx.registry.plan
        return self._start(EVALUATE, self.ctx.registry.last_quarter, actor, f"{plan.start_year}—{plan.end_year}年终期评估",
                           lambda out_dir: (run_evaluate, (self.ctx.registry, self.ctx.inputs_root, out_dir)))

    def _start(self, kind: str, quarter: Quarter, actor: str, label: str,
               call: Callable[[Path], tuple[Callable[..., JobOutcome], tuple[Any, ...]]], background: bool = True) -> int:
        if not self._lock.acquire(blocking=False):
            raise BuildBusy("汇总（或签发、生成通知、考核评估）正在进行中，请稍候刷新页面查看结果。")
        try:
            job_id = self.ctx.store.start_build(quarter, self.ctx.clock(), run_by=actor, kind=kind, label=label)
            self.ctx.log(actor, f"开始{KIND_LABELS[kind]}", f"{label}（第 {job_id} 次）")
            out_dir = self.ctx.out_dir(quarter, job_id)
            for staged in self.ctx.store.quarters_with_uploads():
                if staged <= quarter:
                    self.stager.stage(staged)
            self.ctx.quarter_folder(quarter).mkdir(parents=True, exist_ok=True)
            fn, args = call(out_dir)
        except BaseException:
            self._lock.release()
            raise
        if not background:
            self._run_and_release(job_id, out_dir, fn, args)
            return job_id
        thread = threading.Thread(target=self._run_and_release, args=(job_id, out_dir, fn, args),
                                  name=f"portal-job-{job_id}", daemon=True)
        self._threads.append(thread)
        thread.start()
        return job_id

    def _run_and_release(self, job_id: int, out_dir: Path, fn: Callable[..., JobOutcome], args: tuple[Any, ...]) -> None:
        try:
            outcome = self._in_process(job_id, fn, args) if self.processes else self._in_thread(fn, args)
            if outcome is None:
                return
            self.ctx.store.finish_build(job_id, finished_at=self.ctx.clock(), ok=outcome.ok, out_dir=out_dir,
                                        files=outcome.files, errors=outcome.errors, warnings=outcome.warnings,
                                        message=outcome.message, detail=outcome.detail)
            record = self.job(job_id)
            self.ctx.log(record.run_by, f"{KIND_LABELS[record.kind]}{'完成' if outcome.ok else '未完成'}",
                         f"{record.label}（第 {job_id} 次）" + ("" if outcome.ok else f"：{outcome.message}"))
        finally:
            self._lock.release()

    @staticmethod
    def _in_thread(fn: Callable[..., JobOutcome], args: tuple[Any, ...]) -> JobOutcome:
        try:
            return fn(*args)
        except Exception as exc:  # the job's own failure, said on the page
            return JobOutcome(False, message=internal_error_text("后台任务", exc))

    def _in_process(self, job_id: int, fn: Callable[..., JobOutcome], args: tuple[Any, ...]) -> JobOutcome | None:
        context = multiprocessing.get_context("spawn")
        receive, send = context.Pipe(duplex=False)
        process = context.Process(target=_job_main, args=(send, fn, args), name=f"yc-reports-job-{job_id}",
                                  daemon=True)
        process.start()
        send.close()
        self.ctx.store.set_build_pid(job_id, process.pid or 0)
        outcome = None
        ready = wait([receive, process.sentinel])
        if receive in ready:
            try:
                outcome = receive.recv()
            except EOFError:
                outcome = None
        process.join()
        receive.close()
        if isinstance(outcome, JobOutcome):
            return outcome
        self._interrupted(job_id, process.exitcode)
        return None

    def _interrupted(self, job_id: int, exitcode: int | None) -> None:
        """The job's process died under it: record it, remove what it half wrote, tell the office."""
        removed = remove_half_written(self.ctx.data_dir / "outputs")
        record = self.ctx.store.interrupt_build(
            job_id, at=self.ctx.clock(),
            message=f"{KIND_LABELS.get(self.job(job_id).kind, '汇总')}进程意外中断（退出码 {exitcode}），未生成结果；"
                    "已有的结果未受影响。请重新运行。")
        self.ctx.fault(INTERRUPTED, f"{record.label}（第 {job_id} 次）的进程意外退出（退出码 {exitcode}），已标记为中断"
                                    + (f"，清理未写完的文件夹 {len(removed)} 个" if removed else "") + "；请重新运行。")

    def wait_for_builds(self, timeout: float = 120) -> None:
        for thread in list(self._threads):
            thread.join(timeout)

    # ------------------------------------------------------------------------------ reading them

    def job(self, job_id: int) -> BuildRecord:
        record = self.ctx.store.build(job_id)
        if record is None:
            raise NotFound("没有找到该次汇总。")
        return record

    def builds(self, quarter: Quarter | None = None, limit: int = 20) -> tuple[BuildRecord, ...]:
        """The quarter's builds, 更正稿 (drafts), 签发 and 更正, newest first (default: the quarter open)."""
        quarter = quarter or self.ctx.settings().quarter
        return self.jobs(*QUARTER_KINDS, quarter=quarter, limit=limit) if quarter else ()

    def jobs(self, *kinds: str, quarter: Quarter | None = None, limit: int = 20) -> tuple[BuildRecord, ...]:
        return tuple(self.ctx.store.builds(quarter, kinds=kinds, limit=limit))

    def running(self) -> tuple[BuildRecord, ...]:
        return tuple(self.ctx.store.running_builds())

    def build_file(self, build_id: int, index: int) -> StoredFile:
        """An output file of a recorded job, by its number in the job's list; only inside its folder."""
        record = self.ctx.store.build(build_id)
        if record is None or not 0 <= index < len(record.files):
            raise NotFound("没有找到该文件。")
        root = record.out_dir.resolve()
        path = (root / record.files[index]).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            raise NotFound("没有找到该文件。")
        return StoredFile(path, path.name)

    def build_archive(self, build_id: int) -> FileBytes:
        """Every file of a recorded job in one zip (fixed entry times: the same job, the same bytes)."""
        record = self.ctx.store.build(build_id)
        if record is None or not record.files:
            raise NotFound("没有找到该次汇总的结果文件。")
        data = zip_bytes((name, self.build_file(build_id, index).path.read_bytes())
                         for index, name in enumerate(record.files))
        return FileBytes(f"{record.quarter}_{KIND_LABELS.get(record.kind, '汇总')}结果_第{record.id}次.zip", data)

    # ------------------------------------------------------------------------------ start-up

    def recover(self) -> tuple[tuple[int, ...], tuple[str, ...]]:
        """Jobs a dead server left running are interrupted; half-written output folders are removed."""
        interrupted = tuple(self.ctx.store.interrupt_running_builds(self.ctx.clock()))
        return interrupted, remove_half_written(self.ctx.data_dir / "outputs")


def remove_half_written(root: Path, depth: int = 3) -> tuple[str, ...]:
    """Staging folders a killed build left behind (``.NAME.building-…``) are removed; a folder a killed swap
    had moved aside (``.NAME.previous-…``) is put back when its place is empty, else removed. Returns the
    names removed. Only folders this program names so are touched, at most `depth` levels down."""
    removed: list[str] = []
    if not root.is_dir():
        return ()
    folders = [root]
    for _ in range(depth):
        below: list[Path] = []
        for folder in folders:
            try:
                entries = list(folder.iterdir())
            except OSError:
                continue
            for entry in entries:
                if not entry.is_dir():
                    continue
                name = entry.name
                if name.startswith(".") and ".building-" in name:
                    shutil.rmtree(entry, ignore_errors=True)
                    removed.append(str(entry.relative_to(root)))
                elif name.startswith(".") and ".previous-" in name:
                    original = entry.with_name(name[1:].split(".previous-")[0])
                    if not original.exists():
                        entry.rename(original)
                    else:
                        shutil.rmtree(entry, ignore_errors=True)
                        removed.append(str(entry.relative_to(root)))
                elif not name.startswith("."):
                    below.append(entry)
        folders = below
    return tuple(removed)

