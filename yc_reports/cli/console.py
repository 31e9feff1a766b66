"""The terminal on the office's PCs: output that never fails on a character the console cannot show.

On Chinese Windows a redirected or piped output (and any console run with PYTHONIOENCODING=gbk) encodes as
GBK, which lacks many characters a unit can paste into a cell (a zero-width space, a rare name). Python
would end the command in UnicodeEncodeError halfway through a table; here such a character is written as
its escape (\\u200b) instead, and the rest of the output goes on.
"""

from __future__ import annotations

import io
import sys


def safe_streams() -> None:
    """Make stdout and stderr write an escape for a character their encoding lacks, instead of failing."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict" \
                and not stream.encoding.lower().replace("-", "").startswith("utf"):
            stream.reconfigure(errors="backslashreplace")
