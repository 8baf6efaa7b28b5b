"""Report periods: months as 'YYYY-MM' text, and the month sets a figure is summed over."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from xladdin.errors import XladdinError

_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})(?:-\d{1,2})?(?:[ T].*)?$"),
    re.compile(r"^(\d{4})(\d{2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})(?:/\d{1,2})?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月$"),
    re.compile(r"^(\d{4})\.(\d{1,2})$"),
)


#: Excel date serials taken as dates: 1990-01-01 .. 2100-12-31. A smaller five-digit number
#: such as 20257 is more likely a month typed without its zero, so it is refused, not guessed.
SERIAL_FIRST, SERIAL_LAST = 32874, 73415


def parse_period(value: object) -> str:
    """Turn what a person or a file gives for a month into 'YYYY-MM'.

    Accepts '2025-07', '202507', 202507 (number), '2025年7月', '2025/7' and date objects
    (an Excel date read through xlwings or openpyxl is a datetime).
    """
    if isinstance(value, (datetime, date)):
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        if not SERIAL_FIRST <= float(text) <= SERIAL_LAST:
            raise XladdinError(f"'{value}' is ambiguous (five digits, no date after 1990); write the "
                               "month as YYYY-MM, e.g. 2025-07")
        day = date(1899, 12, 30) + timedelta(days=int(float(text)))  # an Excel date serial
        return f"{day.year:04d}-{day.month:02d}"
    for pattern in _PATTERNS:
        match = pattern.match(text)
        if match:
            year, month = int(match.group(1)), int(match.group(2))
            if 1 <= month <= 12 and 1900 <= year <= 2200:
                return f"{year:04d}-{month:02d}"
    raise XladdinError(f"'{value}' is not a month; write it as YYYY-MM, e.g. 2025-07")


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


RANGE_SEPARATOR = ".."


def parse_period_or_range(value: object) -> str:
    """A month ('2025-07') or a month range ('2025-01..2025-07', also '~' or '至').

    Customs downloads made without 'split by month' hold totals over the queried months;
    such rows carry the range as their period and serve only a sum over exactly that range.
    """
    text = str(value).strip()
    for sep in ("..", "~", "至", "—"):
        if sep in text:
            first, last = (parse_period(p) for p in text.split(sep, 1))
            if last < first:
                raise XladdinError(f"'{value}': the range ends before it starts; write e.g. "
                                   "2025-01..2025-07")
            if first[:4] != last[:4]:
                raise XladdinError(f"'{value}': a range must lie within one year (the report sums "
                                   "January to the report month); download each year separately")
            return first if first == last else f"{first}{RANGE_SEPARATOR}{last}"
    return parse_period(text)
