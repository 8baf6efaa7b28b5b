"""Report periods: months as 'YYYY-MM' text, and the month sets a figure is summed over."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from xladdin.errors import XladdinError

if TYPE_CHECKING:  # pandas is loaded when a period is first parsed, not when the command starts
    import pandas as pd

#: Excel date serials taken as dates: 1990-01-01 .. 2100-12-31. A smaller five-digit number
#: such as 20257 is more likely a month typed without its zero, so it is refused, not guessed.
SERIAL_FIRST, SERIAL_LAST = 32874, 73415
RANGE_SEPARATOR = ".."


#: Range separators between two months: '2025-01..2025-07', '~', '～', '至', '到', dashes.
_SEP = r"(?:\.\.|[~～至到—–-])"
#: One month as written: 2025-07, 2025/7, 2025.07, 2025年7月, 202507, with an optional day
#: and time (a date cell read as text, '2025-07-01 00:00:00'); nothing else may follow.
_MONTH = (r"(\d{4})(?:\s*[-/.年]\s*(\d{1,2})\s*月?(?:\s*[-/.]\s*\d{1,2}\s*日?)?"
          r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?|(\d{2}))")
_ONE = rf"^{_MONTH}$"
#: Two months: '202501-202502', '2025-01~2025-07', '2025年1月至2025年7月'.
_TWO = rf"^({_MONTH.replace('(', '(?:').replace('(?:?:', '(?:')})\s*{_SEP}\s*(.+)$"
#: Customs' own label of a range within one year: '2025年1-2月', '2025年1月-7月', '2025年1月至7月'.
_YEAR_RANGE = rf"^(\d{{4}})\s*年\s*(\d{{1,2}})\s*月?\s*{_SEP}\s*(\d{{1,2}})\s*月$"
#: 2025.1 is what Excel keeps of a typed 2025.10 (a number loses its trailing zero).
_DROPPED_ZERO = r"\d{4}\.1"
_TEXT_FIX = "write the month as YYYY-MM, e.g. 2025-07"


def _month_parts(text: pd.Series) -> pd.Series:
    """'YYYY-MM' (or <NA>) for single months and Excel date serials, vectorised."""
    import pandas as pd

    serial = pd.to_numeric(text.where(text.str.fullmatch(r"\d{5}(\.0+)?")), errors="coerce")
    serial = serial.where(serial.between(SERIAL_FIRST, SERIAL_LAST))
    as_date = pd.to_datetime(serial, unit="D", origin="1899-12-30", errors="coerce")
    text = text.where(as_date.isna(), as_date.dt.strftime("%Y-%m"))
    parts = text.str.extract(_ONE).fillna("").astype("object")  # text even where none matched
    digits = parts[1].where(parts[1] != "", parts[2])
    month = pd.to_numeric(digits, errors="coerce")
    year = pd.to_numeric(parts[0], errors="coerce")
    ok = month.between(1, 12) & year.between(1900, 2200)
    return (parts[0] + "-" + digits.str.zfill(2)).where(ok).astype("object")


def parse_periods(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Months and month ranges of a column (or of one option), vectorised: every form is
    read by this one parser. Returns the periods ('YYYY-MM', 'YYYY-MM..YYYY-MM' for a range
    of several months, <NA> where unreadable) and, where unreadable, why and how to fix.

    A range label is never read as its first month: '2025年1-2月', '202501-202502',
    '2025-01~2025-07' and '2025-01..2025-07' are ranges, or refused.
    """
    import pandas as pd

    text = text.astype("str").str.strip()
    why = pd.Series(pd.NA, index=text.index, dtype="object")
    out = _month_parts(text)
    rest = out.isna()
    if rest.any():
        year_range = text[rest].str.extract(_YEAR_RANGE)
        two = text[rest].str.extract(_TWO)
        firsts = _either(year_range[0] + "-" + year_range[1], two[0])
        lasts = _either(year_range[0] + "-" + year_range[2], two[1])
        is_range = firsts.notna()
        if is_range.any():
            first, last = _month_parts(firsts[is_range]), _month_parts(lasts[is_range])
            joined = (first + RANGE_SEPARATOR + last).where(first != last, first)
            bad = first.isna() | last.isna()
            backwards = ~bad & (last < first)
            years = ~bad & ~backwards & (first.fillna("").astype("object").str[:4]
                                         != last.fillna("").astype("object").str[:4])
            joined = joined.where(~(bad | backwards | years))
            why[backwards[backwards].index] = "the range ends before it starts; write e.g. " \
                "2025-01..2025-07"
            why[years[years].index] = "a range must lie within one year (the report sums January " \
                "to the report month); download each year separately"
            out[joined.index] = joined
    dropped = text.str.fullmatch(_DROPPED_ZERO)
    out[dropped] = pd.NA
    why[dropped] = "a month stored as a number loses its trailing zero (2025.10 becomes 2025.1), " \
        "so January and October cannot be told apart; type it as text, e.g. 2025-10 or 2025-01"
    five = out.isna() & text.str.fullmatch(r"\d{5}(\.0+)?")
    why[five & why.isna()] = f"ambiguous (five digits, no date after 1990); {_TEXT_FIX}"
    why[out.isna() & why.isna()] = "not a month; write it as YYYY-MM, e.g. 2025-07"
    return out, why.where(out.isna())


def _either(first: pd.Series, second: pd.Series) -> pd.Series:
    """``first`` where it has text, else ``second``, as object text (no ``fillna``: pandas 2.2
    would downcast an all-missing object column and warn)."""
    import numpy as np
    import pandas as pd

    return pd.Series(np.where(first.notna(), first, second), index=first.index, dtype="object")


def _one(value: object) -> str:
    if isinstance(value, (datetime, date)):
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    period, reason = _one_text(str(value).strip())
    if period is None:
        joint = " is " if reason.startswith(("not ", "ambiguous")) else ": "
        raise XladdinError(f"'{value}'{joint}{reason}")
    return period


@lru_cache(maxsize=4096)
def _one_text(text: str) -> tuple[str | None, str]:
    """One value through the column parser (cached: cell functions ask for the same months
    again and again)."""
    import pandas as pd

    periods, why = parse_periods(pd.Series([text], dtype="object"))
    if pd.isna(periods.iloc[0]):
        return None, str(why.iloc[0])
    return str(periods.iloc[0]), ""


def parse_period(value: object) -> str:
    """Turn what a person or a file gives for a month into 'YYYY-MM'.

    Accepts '2025-07', '202507', 202507 (number), '2025年7月', '2025/7' and date objects
    (an Excel date read through xlwings or openpyxl is a datetime). A range is refused here
    (a report month is one month); 2025.1, a number that may be 2025.10, is refused too.
    """
    period = _one(value)
    if RANGE_SEPARATOR in period:
        raise XladdinError(f"'{value}' is a range of months, not one month; {_TEXT_FIX}")
    return period


def year_month(period: str) -> tuple[int, int]:
    return int(period[:4]), int(period[5:7])


def shift_years(period: str, years: int) -> str:
    year, month = year_month(period)
    return f"{year + years:04d}-{month:02d}"


def previous_month(period: str) -> str:
    """The month before: January's is December of the year before (what 环比 compares with)."""
    year, month = year_month(period)
    return f"{year - 1:04d}-12" if month == 1 else f"{year:04d}-{month - 1:02d}"


def month_range(first: str, last: str) -> list[str]:
    """Every month from first to last, both included, oldest first."""
    (y0, m0), (y1, m1) = year_month(first), year_month(last)
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(y0 * 12 + m0 - 1, y1 * 12 + m1)]


def span_months(period: str, span: str) -> tuple[str, ...]:
    """The months summed for a figure: the month itself, or January..period ('ytd')."""
    if span == "month":
        return (period,)
    if span == "ytd":
        year, month = year_month(period)
        return tuple(f"{year:04d}-{m:02d}" for m in range(1, month + 1))
    raise XladdinError(f"unknown span '{span}'; use month (当月) or ytd (累计)")




def parse_period_or_range(value: object) -> str:
    """A month ('2025-07') or a month range ('2025-01..2025-07', also '~', '至', '-' between two
    months, customs' '2025年1-2月'), read by the same parser as the 数据年月 column.

    Customs downloads made without 'split by month' hold totals over the queried months;
    such rows carry the range as their period and serve only a sum over exactly that range.
    """
    return _one(value)
