"""How wide a text is, estimated once for every writer: Word tables and titles, spreadsheet columns,
chart legends.

The unit is the em of the text's own size: Chinese and other full-width characters 1, the rest (digits,
Latin letters, half-width punctuation) 1/2, a few wider ones (%, +) more. Word and LibreOffice also put a quarter-em space where
Chinese meets a Latin letter or digit (`autospace`); spreadsheets and charts do not.
"""

from __future__ import annotations

import itertools
import unicodedata

AUTOSPACE_EM = 0.25   # the space Word and LibreOffice put between Chinese and Latin letters or digits
# Half-width characters that are wider than half an em in Times New Roman (the Latin face of the documents).
WIDE_LATIN_EM = {"%": 0.85, "+": 0.6, "=": 0.6, "M": 0.9, "W": 0.95}


def is_wide(ch: str) -> bool:
    """A full-width character (CJK ideographs, full-width punctuation)."""
    return unicodedata.east_asian_width(ch) in "WF"


def text_width_em(text: str, *, autospace: bool = True) -> float:
    """Estimated width of one line of `text` in ems; with `autospace`, plus the automatic space where
    Chinese meets a Latin letter or digit (word processors)."""
    width = sum(1.0 if is_wide(ch) else WIDE_LATIN_EM.get(ch, 0.5) for ch in text)
    if autospace:
        for a, b in itertools.pairwise(text):
            if (is_wide(a) and b.isascii() and b.isalnum()) or (is_wide(b) and a.isascii() and a.isalnum()):
                width += AUTOSPACE_EM
    return width


def display_width(text: str) -> int:
    """Columns a text needs in a spreadsheet (Excel's and WPS's character units): wide characters 2."""
    return round(2 * text_width_em(text, autospace=False))
