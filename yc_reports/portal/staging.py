"""Which uploads stand for each action, and the quarter's inputs folder the build reads, made from them.

An action's submission is, per lead unit, that unit's latest accepted upload not returned by the office
and not withdrawn by the unit. An action led by one unit has one; an action with co-leads (六, 八) may
have two. Both go to the build: when they differ it is 数据待核实 with the cells that differ (intake's
selection, the build's own judgement), until one unit withdraws its upload or the office chooses one.
A choice holds until a newer upload of the action stands.

DATA/inputs/QUARTER holds a copy of each standing upload beside whatever the office put there itself;
only what an earlier staging wrote (named in the folder's manifest) is ever replaced or removed.
"""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

from yc_reports.plan.quarter import Quarter
from yc_reports.workbook.layout import template_file_name

from .context import Context
from .store import Choice, UploadRecord

STAGED_MANIFEST = ".portal-staged.json"


def newest_first(uploads: list[UploadRecord]) -> tuple[UploadRecord, ...]:
    return tuple(sorted(uploads, key=lambda u: (u.uploaded_at, u.id), reverse=True))


def standing(uploads: list[UploadRecord], choice: Choice | None = None) -> tuple[tuple[UploadRecord, ...], Choice | None]:
    """The uploads that stand for one action (newest first), and the office's choice when it holds."""
    candidates = [u for u in newest_first(uploads) if u.stands]
    per_unit: dict[str, UploadRecord] = {}
    for upload in candidates:
        per_unit.setdefault(upload.unit, upload)
    chosen = next((u for u in candidates if choice is not None and u.id == choice.upload_id), None)
    if chosen is not None and choice is not None and all(
            u.id == chosen.id or u.uploaded_at <= choice.chosen_at for u in per_unit.values()):
        return (chosen,), choice
    return newest_first(list(per_unit.values())), None


class Stager:
    """Writes each quarter's folder from the uploads that stand (one at a time)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._lock = threading.Lock()

    def stage(self, quarter: Quarter) -> None:
        """Make DATA/inputs/QUARTER hold the standing uploads (a no-op when it already does)."""
        folder = self.ctx.quarter_folder(quarter)
        uploads = self.ctx.store.uploads(quarter=quarter)
        choices = self.ctx.store.choices(quarter)
        wanted: dict[str, str] = {}
        for action in self.ctx.registry.actions:
            mine = [u for u in uploads if u.action_id == action.id]
            for record in standing(mine, choices.get(action.id))[0]:
                wanted[template_file_name(str(quarter), action.id, action.name, record.unit)] = record.sha256
        with self._lock:
            folder.mkdir(parents=True, exist_ok=True)
            manifest = folder / STAGED_MANIFEST
            previous = json.loads(manifest.read_text("utf-8")) if manifest.is_file() else {}
            if isinstance(previous, list):         # schema 1 wrote a list of names
                previous = {name: "" for name in previous}
            if wanted == previous and all((folder / name).is_file() for name in wanted):
                return
            for name in previous:
                if Path(name).name == name and name not in wanted:   # only plain names this code wrote
                    (folder / name).unlink(missing_ok=True)
            for name, digest in wanted.items():
                if previous.get(name) == digest and (folder / name).is_file():
                    continue
                tmp = folder / f".{name}.tmp"
                shutil.copyfile(self.ctx.store.file_path(digest), tmp)
                tmp.replace(folder / name)
            tmp_manifest = folder / f".{STAGED_MANIFEST}.tmp"
            tmp_manifest.write_text(json.dumps(wanted, ensure_ascii=False, indent=0), "utf-8")
            tmp_manifest.replace(manifest)

    def staged_uploads(self, quarter: Quarter) -> dict[str, UploadRecord]:
        """The staged file names of the quarter and the uploads they are copies of."""
        manifest = self.ctx.quarter_folder(quarter) / STAGED_MANIFEST
        staged = json.loads(manifest.read_text("utf-8")) if manifest.is_file() else {}
        if not isinstance(staged, dict):
            return {}
        uploads = [u for u in newest_first(self.ctx.store.uploads(quarter=quarter, accepted_only=True)) if u.stands]
        out = {}
        for name, digest in staged.items():
            match = next((u for u in uploads if u.sha256 == digest and name.endswith(f"_{u.unit}.xlsx")), None)
            match = match or next((u for u in uploads if u.sha256 == digest), None)
            if match is not None:
                out[name] = match
        return out
