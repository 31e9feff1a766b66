"""The plan workbook in the browser: download the plan in force (`plan export`), start the next period's
(`plan new`, with the last figures on record as bases), upload an edited one to have it checked at its
sheets and cells, and import it (`plan import`): DATA/inputs/plan.toml is written and the portal uses the
new plan from then on. The plan file it replaces is kept beside it.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from yc_reports.plan.registry import Registry
from yc_reports.workbook.plan_workbook import PlanProblem, without_base

from .accounts import Accounts
from .context import Context
from .errors import NotFound, PortalError
from .reading import Readings
from .texts import clean_file_name, judge_upload
from .views import FileBytes
from .work import PoolBusy, WorkerLost

PLAN_FILE = "plan.toml"
_KEY_RE = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class PlanCheck:
    """An uploaded plan workbook, checked: every problem at its sheet and cell, or what the plan holds."""

    key: str                                # the workbook's sha256 (kept under DATA/plans/ until imported)
    file_name: str
    problems: tuple[PlanProblem, ...]
    name: str = ""
    start_year: int = 0
    end_year: int = 0
    counts: tuple[int, int, int] = (0, 0, 0)   # actions, indicators, key tasks
    without_base: tuple[str, ...] = ()      # indicators not judged before their target year's Q4 for want of a base

    @property
    def ok(self) -> bool:
        return not self.problems


def read_plan(path: str) -> Registry | tuple[PlanProblem, ...]:
    """On a worker: the registry the workbook describes, or its problems."""
    from yc_reports.workbook.plan_workbook import PlanWorkbookError, read_plan_workbook

    try:
        return read_plan_workbook(Path(path))
    except PlanWorkbookError as exc:
        return tuple(exc.problems)


class PlanDesk:
    def __init__(self, ctx: Context, accounts: Accounts, readings: Readings) -> None:
        self.ctx = ctx
        self.accounts = accounts
        self.readings = readings
        self.folder = ctx.data_dir / "plans"
        # parsed once per workbook: the key is the sha256 of its bytes, so a result never goes stale
        self._parsed: dict[str, Registry | tuple[PlanProblem, ...]] = {}

    def workbook(self) -> FileBytes:
        """The plan in force as the office's plan workbook (`plan export`)."""
        from yc_reports.workbook.plan_workbook import write_plan_workbook

        registry = self.ctx.registry
        return FileBytes(f"计划配置_{registry.plan.start_year}-{registry.plan.end_year}.xlsx",
                         self._written(lambda path: write_plan_workbook(registry, path)))

    def next_period(self, start: int, end: int) -> FileBytes:
        """The next period's plan workbook (`plan new`): the same actions and indicators, targets 待定, bases
        from the last figures on record."""
        from yc_reports.pipeline.past import PeriodError, next_period
        from yc_reports.workbook.plan_workbook import write_plan_workbook

        with self.ctx.record() as record:
            try:
                fresh, _ = next_period(self.ctx.registry, record, start, end)
            except PeriodError as e:
                raise PortalError(f"{e}。") from None
        return FileBytes(f"计划配置_{start}-{end}.xlsx", self._written(lambda path: write_plan_workbook(fresh, path)))

    def _written(self, write: object) -> bytes:
        with tempfile.TemporaryDirectory(dir=self.ctx.tmp_dir()) as folder:
            path = Path(folder) / "plan.xlsx"
            write(path)  # type: ignore[operator]
            return path.read_bytes()

    def check(self, data: bytes, file_name: str | None, actor: str) -> PlanCheck:
        """Keep the uploaded workbook and check it as `plan import` does (on the pool)."""
        judge_upload(data, file_name)
        self.folder.mkdir(exist_ok=True)
        key = hashlib.sha256(data).hexdigest()
        path = self.folder / f"{key}.xlsx"
        if not path.is_file():
            tmp = self.folder / f".{key}.tmp"
            tmp.write_bytes(data)
            tmp.replace(path)
        (self.folder / f"{key}.name").write_text(clean_file_name(file_name), "utf-8")
        checked = self._check(key, clean_file_name(file_name))
        self.ctx.log(actor, "检查计划配置表", f"{checked.file_name}：" + ("无误" if checked.ok else f"{len(checked.problems)} 处问题"))
        return checked

    def checked(self, key: str) -> PlanCheck:
        """A workbook uploaded earlier, checked again (under the name it was uploaded with)."""
        if not _KEY_RE.match(key or "") or not (self.folder / f"{key}.xlsx").is_file():
            raise NotFound("没有找到该计划配置表，请重新上传。")
        named = self.folder / f"{key}.name"
        return self._check(key, named.read_text("utf-8") if named.is_file() else "计划配置表.xlsx")

    def _check(self, key: str, file_name: str) -> PlanCheck:
        result = self._parsed_plan(key)
        if isinstance(result, tuple):
            return PlanCheck(key, file_name, result)
        p = result.plan
        return PlanCheck(key, file_name, (), p.name, p.start_year, p.end_year,
                         (len(result.actions), sum(len(a.indicators) for a in result.actions),
                          sum(len(a.tasks) for a in result.actions)), tuple(w.name for w in without_base(result)))

    def _parsed_plan(self, key: str) -> Registry | tuple[PlanProblem, ...]:
        if key not in self._parsed:
            try:
                self._parsed[key] = self.ctx.pool.run(read_plan, str(self.folder / f"{key}.xlsx"), owner="计划配置")
            except (PoolBusy, WorkerLost) as exc:
                raise PortalError(str(exc)) from None
        return self._parsed[key]

    def import_plan(self, key: str, actor: str) -> PlanCheck:
        """`plan import`: write DATA/inputs/plan.toml from a checked workbook and use it from now on; the file
        it replaces is kept as plan_START_END.toml (or with the time, when that name is taken)."""
        from yc_reports.outfiles import write_text
        from yc_reports.plan.toml_text import registry_toml

        self.accounts.require_lead(actor, "导入计划配置")
        checked = self.checked(key)
        if not checked.ok:
            raise PortalError("计划配置表有问题，未导入。请按提示修改后重新上传。")
        result = self._parsed_plan(key)
        assert not isinstance(result, tuple)
        target = self.ctx.inputs_root / PLAN_FILE
        kept = ""
        if target.is_file():
            old = self.ctx.registry.plan
            backup = self.ctx.inputs_root / f"plan_{old.start_year}_{old.end_year}.toml"
            if backup.exists():
                backup = self.ctx.inputs_root / f"plan_{old.start_year}_{old.end_year}_{self.ctx.clock():%Y%m%d%H%M%S}.toml"
            shutil.copyfile(target, backup)
            kept = backup.name
        write_text(target, registry_toml(result))
        from yc_reports.plan.registry import resolve_registry

        self.ctx.use_registry(resolve_registry(None, self.ctx.inputs_root))
        self.readings.forget()
        p = self.ctx.registry.plan
        self.ctx.log(actor, "导入计划配置", f"《{p.name}》（{p.start_year}—{p.end_year}年）"
                     + (f"；原计划配置文件另存为 {kept}" if kept else ""))
        return checked
