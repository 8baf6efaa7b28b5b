"""Text as a spreadsheet can hold it: no XML-illegal characters, at most 32,767 characters.

A name read from a download may carry control characters (a vertical tab, NUL) that XML 1.0
cannot represent: written as they are, the file no longer opens (or a reader silently drops
rows). Every back end writes text through these two functions.
"""

from __future__ import annotations

import re

import pandas as pd

#: Excel's limit on the characters of one cell.
CELL_LIMIT = 32_767
_ILLEGAL = "[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"
_ILLEGAL_RE = re.compile(f"{_ILLEGAL}|[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """``text`` without XML-illegal characters, cut to the cell limit."""
    return _ILLEGAL_RE.sub("", text)[:CELL_LIMIT]


def clean_series(text: pd.Series) -> pd.Series:
    """The same for a column of text, vectorised."""
    return text.str.replace(_ILLEGAL, "", regex=True).str.slice(0, CELL_LIMIT)
