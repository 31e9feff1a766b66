"""File names built from the plan's words (an action's name, a unit, the plan's short name) that Windows
accepts: the office may name a unit "市发改委/市能源局" or an action "目标：2025"; the same files must be
written on a Linux server and opened on the office's PCs.

Windows refuses \\ / : * ? " < > | and control characters in a name, a name ending in a dot or a space, and
the device names CON, PRN, AUX, NUL, COM1–COM9, LPT1–LPT9 (with any extension). The forbidden characters
become their full-width forms, which read the same in a Chinese name (市发改委／市能源局).
"""

from __future__ import annotations

import re

_FULL_WIDTH = str.maketrans({
    "\\": "＼", "/": "／", ":": "：", "*": "＊", "?": "？", '"': "＂", "<": "＜", ">": "＞", "|": "｜",
    **{chr(c): None for c in range(32)}, "\x7f": None,
})
_DEVICE = re.compile(r"^(CON|PRN|AUX|NUL|COM[1-9¹²³]|LPT[1-9¹²³])(\.|$)", re.IGNORECASE)
MAX_NAME = 150   # characters of one name: room for the folder path within Windows' 260


def safe_file_name(name: str) -> str:
    """`name` (one file or folder name, extension included) as Windows accepts it; unchanged when it already
    is. `safe_file_name("第03项_市发改委/市能源局.xlsx") == "第03项_市发改委／市能源局.xlsx"`."""
    text = name.translate(_FULL_WIDTH).rstrip(" .")
    if _DEVICE.match(text):
        text = "_" + text
    if len(text) > MAX_NAME:
        stem, dot, ext = text.rpartition(".")
        keep = MAX_NAME - len(ext) - 1
        text = (stem[:keep].rstrip(" .") + dot + ext) if dot and 0 < len(ext) <= 8 else text[:MAX_NAME].rstrip(" .")
    return text or "_"
