"""The CJK face the charts draw with: Noto Sans CJK SC, shipped with the install (SIL OFL 1.1).

The face comes from the `noto-cjk-sans-otc` package, a TrueType collection whose faces are the
JP, KR, SC, TC and HK variants of one design; Simplified Chinese glyph forms need the SC face. Charts
name the file and face index directly (a FontProperties with `fname`), not the family name: a machine
that also has the system's fonts-noto-cjk installed would otherwise resolve "Noto Sans CJK SC" to
that copy, and the PNGs would depend on what the machine has.
"""

from __future__ import annotations

import functools
import os
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.font_manager import FontProperties

FAMILY = "Noto Sans CJK SC"

_REGISTER_LOCK = threading.Lock()
_registered = False


class FontMissing(RuntimeError):
    """The shipped font is not where the package says (a broken install)."""


@functools.cache
def cjk_font_path():
    """The shipped collection and the index of its Simplified Chinese face, as a matplotlib FontPath."""
    import noto_cjk_sans_otc
    from matplotlib import ft2font
    from matplotlib.font_manager import FontPath

    path = os.fspath(noto_cjk_sans_otc.FONT_PATH)
    if not os.path.isfile(path):
        raise FontMissing(f"找不到随程序安装的中文字体文件：{path}。请重新安装 yc-reports。")
    collection = ft2font.FT2Font(path)
    for index in range(collection.num_faces):
        if ft2font.FT2Font(path, face_index=index).family_name == FAMILY:
            return FontPath(path, index)
    raise FontMissing(f"字体文件 {path} 中没有 {FAMILY} 字形。请重新安装 yc-reports。")


def cjk_font(size: float) -> FontProperties:
    """FontProperties for text in charts, `size` in points."""
    from matplotlib.font_manager import FontProperties

    return FontProperties(fname=cjk_font_path(), size=size)


def register_cjk_font() -> str:
    """Make the shipped faces known to matplotlib's font manager (once) and return the family name.

    Charts do not need this (they name the file); it serves code that selects fonts by family."""
    global _registered
    with _REGISTER_LOCK:
        if not _registered:
            from matplotlib import font_manager

            font_manager.fontManager.addfont(cjk_font_path().path)
            _registered = True
    return FAMILY
