"""Editions of the report: the language of its words, and the spans its tables show.

The words of every language are data (``words/<lang>.toml``) beside the table specs; the
code only picks a phrase by role. The usual edition shows the report month and the year to
date; the January–February combined issue (China Customs publishes the two months as one
figure) shows the one span January–February, compared with the same span a year earlier.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from xladdin.engine.periods import RANGE_SEPARATOR, year_month
from xladdin.engine.scope import Scope, load_scope
from xladdin.errors import XladdinError

LANGS = ("zh", "en")
FLOWS = ("export", "import")


@cache
def _word_file(lang: str) -> dict:
    """A language's words as the package holds them, read once per process (they cannot
    change while it runs; shared, so never modified)."""
    if lang not in LANGS:
        raise XladdinError(f"unknown language '{lang}'; use {' or '.join(LANGS)}")
    path = resources.files("xladdin.engine").joinpath("words", f"{lang}.toml")
    with path.open("rb") as handle:
        return tomllib.load(handle)


def filled(value: object, scope: Scope, lang: str) -> object:
    """Words (a string, or dicts, lists and tuples of them) with the scope's words in their
    ``«name»`` marks."""
    if isinstance(value, str):
        return scope.fill(value, lang)
    if isinstance(value, dict):
        return {k: filled(v, scope, lang) for k, v in value.items()}
    if isinstance(value, list):
        return [filled(v, scope, lang) for v in value]
    if isinstance(value, tuple):
        return tuple(filled(v, scope, lang) for v in value)
    return value


@lru_cache(maxsize=16)
def _scoped(lang: str, scope: Scope) -> dict:
    """The words with one scope's words filled in, kept for the few scopes in use (a Scope is
    its own key: a user's scope file read again is a new one, so the number kept is bounded)."""
    return filled(_word_file(lang), scope, lang)  # type: ignore[return-value]


def word_set(lang: str, scope: Scope | None = None) -> dict:
    """The words of one language (``words/<lang>.toml``, read once) with the product scope's
    words in their ``«name»`` marks (the chips scope where none is given)."""
    return _scoped(lang, load_scope(scope))


@dataclass(frozen=True)
class Edition:
    """Which words and which spans: ``combined`` is the January–February issue."""

    lang: str = "zh"
    combined: bool = False
    #: the product scope whose words fill the phrases (the chips scope where none is given)
    scope: Scope | None = None

    @property
    def spans(self) -> tuple[str, ...]:
        return ("ytd",) if self.combined else ("month", "ytd")

    @property
    def words(self) -> dict:
        return word_set(self.lang, self.scope)

    def period_words(self, period: str, top: int = 10) -> dict[str, object]:
        """The phrases a period puts in titles, headers and notes (7月当月, 1至7月累计 …).

        Each phrase of the word set's ``[period]`` table is formatted in file order with the
        ones before it; its ``_combined`` or ``_january`` variant wins where it applies.
        """
        year, month = year_month(period)
        words = self.words
        out: dict[str, object] = {"year": year, "month": month, "prior_year": year - 1, "top": top,
                                  "month_name": words["month_names"][month - 1]}
        table = words["period"]
        for key, text in table.items():
            if key.endswith(("_combined", "_january")):
                continue
            if self.combined and f"{key}_combined" in table:
                text = table[f"{key}_combined"]
            elif month == 1 and f"{key}_january" in table:
                text = table[f"{key}_january"]
            out[key] = text.format(**out)
        return out


def jan_feb_choice(periods: dict[tuple[str, str], frozenset[str]], period: str,
                   asked: bool) -> tuple[bool, str]:
    """Whether a report is the January–February combined issue, and why (for the audit).

    It is when asked for, or when the report month is February and the data holds January
    to February of the report year only as one range row for some flow (a customs download
    that is not split by month). Where the months are there too, the usual edition is built.
    """
    year, month = year_month(period)
    if month != 2:
        if asked:
            raise XladdinError(f"--jan-feb makes the 1-2月 combined issue of a February report, but "
                               f"the report month is {period}; give --period {year}-02 or drop --jan-feb")
        return False, ""
    span = f"{year}-01{RANGE_SEPARATOR}{year}-02"
    have = [periods.get((flow, "total"), frozenset()) for flow in FLOWS]
    monthly = all(f"{year}-01" in h and f"{year}-02" in h for h in have)
    ranged = any(span in h for h in have)
    if asked:
        return True, (f"the 1-2月 combined issue was asked for (--jan-feb): the tables show {span} "
                      f"against {year - 1}-01{RANGE_SEPARATOR}{year - 1}-02, with no February column")
    if ranged and not monthly:
        return True, (f"January and February {year} are in the data only as one combined figure "
                      f"({span}), so this is the 1-2月 combined issue: the tables show {span} against "
                      f"{year - 1}-01{RANGE_SEPARATOR}{year - 1}-02, with no February column")
    if ranged:
        return False, (f"January and February {year} are in the data both month by month and as one "
                       f"combined figure ({span}): the usual edition (February, and January to February) "
                       "is built; --jan-feb (or 1-2月合刊 in 设置) makes the combined issue")
    return False, ""


def parse_lang(value: object) -> str:
    """The language cell of 设置: blank means Chinese."""
    text = str(value or "zh").strip().lower()
    if text not in LANGS:
        raise XladdinError(f"设置: the language '{value}' is not one of {', '.join(LANGS)}; choose one "
                           "in the 语言 / language cell")
    return text


def parse_jan_feb(value: object) -> bool:
    """The 1-2月合刊 cell of 设置: auto (blank) or jan-feb."""
    text = str(value or "auto").strip().lower()
    if text not in ("auto", "jan-feb"):
        raise XladdinError(f"设置: the 1-2月合刊 cell says '{value}'; write auto or jan-feb")
    return text == "jan-feb"
