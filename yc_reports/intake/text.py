"""Text as a unit meant it: what Excel, WPS and copy-and-paste leave in a cell, cleaned on reading.

- Excel's escapes `_xHHHH_` (a character XML cannot hold, e.g. `_x000D_` for the carriage return of a
  line pasted from Word) are decoded; a line break in any form (CR LF, CR) becomes one "\n";
- zero-width characters (U+200B–U+200D, U+2060, U+FEFF as a BOM or a ZWNBSP) and the soft hyphen are
  removed: they are invisible, and a zero-width space must not make "8" an invalid number;
- other control characters (not tab or line break) are removed.

`visible` shows, for a message, what is really in a cell: invisible characters as 〈U+200B〉 marks (brackets that a
GBK console can show, as it must every character of a message).
`one_paragraph` is a unit's free text as it is published: the line breaks a clerk types in a cell (Alt+Enter)
or pastes from Word are layout, not paragraphs of a report, so its lines are joined into one.
"""

from __future__ import annotations

import re
import unicodedata

_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_CONTROLS = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r") + "\x7f"
_REMOVE = str.maketrans("", "", _INVISIBLE + _CONTROLS)
_SHOWN = re.compile(f"[{re.escape(_INVISIBLE + _CONTROLS)}]")
# A line that opens an item of a list: 1. 1、 (1) （1） ① 一、 一是 二是 …
_ITEM = re.compile(r"^(?:\d{1,2}\s*[.、．)）]|[（(]\s*[\d一二三四五六七八九十]{1,3}\s*[)）]|[①-⑳]|[一二三四五六七八九十]{1,3}(?:、|是))")
_CLOSED = "。；;，,、：:！!？?）)”’》"   # a line ending in one of these runs on without a separator


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


def one_paragraph(text: str) -> str:
    """A unit's text with its line breaks joined, so that one sentence never becomes two paragraphs:
    "征地拆迁进度偏慢，\n影响二期开工。" → "征地拆迁进度偏慢，影响二期开工。". A line that stops without punctuation
    runs on after "；" when the next opens an item (1. / （2） / 二是), after a space between Latin letters or
    digits, else after "，"."""
    lines = [line.strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    if not lines:
        return ""
    joined = lines[0]
    for line in lines[1:]:
        if joined[-1] in _CLOSED:
            separator = ""
        elif _ITEM.match(line):
            separator = "；"
        elif joined[-1].isascii() and joined[-1].isalnum() and line[0].isascii() and line[0].isalnum():
            separator = " "
        else:
            separator = "，"
        joined += separator + line
    return joined


def squash(text: str) -> str:
    """A text as a reader compares it: full-width forms folded, whitespace ignored (locked cells, headers, choices)."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def visible(text: str) -> str:
    """`text` with its invisible characters made visible (for messages): "8\u200b" -> "8〈U+200B〉"."""
    return _SHOWN.sub(lambda m: f"〈U+{ord(m.group(0)):04X}〉", text)


def has_invisible(text: str) -> bool:
    return bool(_SHOWN.search(text))
