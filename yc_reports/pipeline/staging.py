"""Outputs written whole or not at all, for the commands beside `build` (notices, assess, evaluate).

`staged(target)` yields a fresh staging folder beside `target`; when the block ends without an error, the
staging folder replaces `target`; on any error it is removed and `target` keeps what it held. The work is
done by `yc_reports.outfiles` (the one way every command writes); here its WriteError becomes the
pipeline's BuildError, whose message the commands show as it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from yc_reports.outfiles import UNCHANGED, WriteError, problem_text, staged_folder
from yc_reports.pipeline.build import BuildError


@contextmanager
def staged(target: Path) -> Iterator[Path]:
    try:
        with staged_folder(Path(target)) as staging:
            yield staging
    except WriteError as exc:
        raise BuildError(str(exc)) from None
    except OSError as exc:  # a writer's own error in the staging folder (a full disk): said of the target
        raise BuildError(f"{problem_text(exc, Path(target))}{UNCHANGED}") from None

