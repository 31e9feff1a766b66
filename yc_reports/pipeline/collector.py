"""Keeping Python's cyclic garbage collector out of the way of a build (measured in docs/performance.md).

Importing matplotlib, python-docx and openpyxl makes a few hundred thousand objects that live as long as
the process and are never garbage; the collections the imports themselves trigger walk all of them
(~45 ms each) and find nothing. Nothing here changes what is collected in the end, only when.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """No collection inside the block: for importing large libraries (many objects, no garbage)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
