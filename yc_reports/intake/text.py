"""Text as a unit meant it: what Excel, WPS and copy-and-paste leave in a cell, cleaned on reading.

- Excel's escapes `_xHHHH_` (a character XML cannot hold, e.g. `_x000D_` for the carriage return of a
  line pasted from Word) are decoded; a line break in any form (CR LF, CR) becomes one "\n";
- zero-width characters (U+200B–U+200D, U+2060, U+FEFF as a BOM or a ZWNBSP) and the soft hyphen are
  removed: they are invisible, and a zero-width space must not make "8" an invalid number;
- other control characters (not tab or line break) are removed.

`visible` shows, for a message, what is really in a cell: invisible characters as 〈U+200B〉 marks (brackets that a
GBK console can show, as it must every character of a message).
"""

from __future__ import annotations

import re

_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_CONTROLS = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r") + "\x7f"
_REMOVE = str.maketrans("", "", _INVISIBLE + _CONTROLS)
_SHOWN = re.compile(f"[{re.escape(_INVISIBLE + _CONTROLS)}]")


def decode_escapes(text: str) -> str:
    """`_x000D_` -> "\r"; `_x005F_` escapes the underscore of a literal `_xHHHH_`."""
    if "_x" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def clean_text(text: str, *, escapes: bool = True) -> str:
    """A cell's text as the unit meant it (see the module docstring); ends are not stripped here.
    `escapes=False` for text whose `_xHHHH_` escapes were already decoded (calamine decodes them)."""
    if escapes:
        text = decode_escapes(text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.translate(_REMOVE)


def visible(text: str) -> str:
    """`text` with its invisible characters made visible (for messages): "8\u200b" -> "8〈U+200B〉"."""
    return _SHOWN.sub(lambda m: f"〈U+{ord(m.group(0)):04X}〉", text)


def has_invisible(text: str) -> bool:
    return bool(_SHOWN.search(text))
