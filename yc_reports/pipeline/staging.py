"""Outputs written whole or not at all, for the commands beside `build` (notices, assess, evaluate, plan).

`staged(target)` yields a fresh staging folder beside `target`; when the block ends without an
error, the staging folder replaces `target` (build.swap_into_place); on any error it is removed and
`target` keeps what it held.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from yc_reports.pipeline.build import BuildError, swap_into_place


@contextmanager
def staged(target: Path) -> Iterator[Path]:
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = target.parent / f".{target.name}.building-{uuid.uuid4().hex[:12]}"
        staging.mkdir()
    except OSError as exc:
        raise BuildError(f"无法在 {target.parent} 中写入（{exc.strerror or exc}），本次未生成任何结果。") from None
    try:
        yield staging
        swap_into_place(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def write_text_whole(path: Path, text: str, *, overwrite: bool) -> None:
    """Write a text file through a temporary beside it; refuse an existing file unless `overwrite`."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise BuildError(f"{path} 已存在，未作改动。如需覆盖，请加 --force。")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    tmp.write_bytes(text.encode("utf-8"))
    tmp.replace(path)
