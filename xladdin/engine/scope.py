"""The product scope of a report: which HS headings it covers, its product groups, its words.

A scope is data (``xladdin/scopes/<id>.toml``, or a user's own file of the same shape), read
and checked here once, then carried by the raw data and the ``Engine`` — never looked up
from a module-level default — so that one engine can make the chips report (HS 8542) and the
semiconductor-equipment report (HS 8486) side by side. The words' ``«name»`` marks and the
text's phrases are filled from the scope's ``[words.<lang>]``.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from xladdin.errors import XladdinError

if TYPE_CHECKING:  # pandas loads on first use: the settings schema (and Lite's startup) need it not
    import pandas as pd

DEFAULT_SCOPE = "chips"
#: read the rows under the bundled scope whose headings they are (the cell functions' data
#: cell, which has no scope argument): chips, unless the rows hold none of HS 8542 but another's
BY_ROWS = "by-rows"
LANGS = ("zh", "en")
#: the words each language of a scope must give (what the report's phrases fill in)
WORDS = {"zh": ("title", "goods", "short", "range", "hs"),
         "en": ("title", "goods", "Goods", "adjective", "short", "range", "hs")}
_ID = re.compile(r"[a-z][a-z0-9_-]{0,31}")
_COLOUR = re.compile(r"[0-9A-Fa-f]{6}")
_MARK = re.compile(r"«(\w+)»")


@dataclass(frozen=True)
class Group:
    """One product group: a row of tables 2 and 3, a slice of the product pie."""

    id: str
    codes: tuple[str, ...]
    zh: str
    en: str
    colour: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class Scope:
    """What one report covers and how its words name it."""

    id: str
    headings: tuple[str, ...]
    words: dict[str, dict[str, str]]
    groups: tuple[Group, ...]
    source: str = ""

    @property
    def brief(self) -> str:
        """The report's short name in status and message titles (芯片月报), else its title."""
        return self.words["zh"].get("brief") or self.words["zh"]["title"]

    def word(self, lang: str, key: str) -> str:
        return self.words[lang][key]

    def fill(self, text: str, lang: str) -> str:
        """A phrase with its ``«name»`` marks replaced by this scope's words."""
        return _MARK.sub(lambda m: self.words[lang][m.group(1)], text)

    @cached_property
    def products(self) -> pd.DataFrame:
        """The product list as the reference tables hold it (hs6 key, names, HS8 detail)."""
        import pandas as pd

        return pd.DataFrame({"hs6": [g.id for g in self.groups], "name": [g.zh for g in self.groups],
                             "name_en": [g.en for g in self.groups],
                             "hs8_codes": [" ".join(g.codes) for g in self.groups]}, dtype="str")

    @cached_property
    def digest(self) -> str:
        """The scope's headings and groups (codes, names, colours), for cache keys."""
        text = repr((self.headings, self.groups))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @cached_property
    def colours(self) -> dict[str, str]:
        return {g.id: g.colour.upper() for g in self.groups}

    @cached_property
    def group_of_code(self) -> dict[str, str]:
        """Group by HS8 code and by HS6 code; an HS6 split between groups maps to none."""
        out: dict[str, str] = {}
        split: set[str] = set()
        for g in self.groups:
            for code in g.codes:
                out[code] = g.id
                six = code[:6]
                if six in out and out[six] != g.id:
                    split.add(six)
                out.setdefault(six, g.id)
        for six in split:
            out.pop(six, None)
        return out

    def product_of(self, hs: pd.Series) -> pd.Series:
        """The group of each HS6 or HS8 code (vectorised); <NA> where none covers it."""
        table = self.group_of_code
        return hs.map(table).where(lambda g: g.notna(), hs.str[:6].map(table))

    def covers(self, hs: pd.Series) -> pd.Series:
        """True for codes under one of the scope's headings."""
        return hs.str[:4].isin(self.headings)


def _fail(where: str, what: str) -> XladdinError:
    return XladdinError(f"scope file {where}: {what}")


def _text(value: object, where: str, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(where, f"{what} is missing or blank; give it as a quoted text")
    return value.strip()


def parse_scope(data: dict, where: str) -> Scope:
    """A scope from its TOML tables, each mistake told in one sentence."""
    scope_id = _text(data.get("id"), where, "id")
    if not _ID.fullmatch(scope_id):
        raise _fail(where, f"the id '{scope_id}' must be lower-case letters, digits, - or _")
    headings = data.get("headings")
    if not isinstance(headings, list) or not headings:
        raise _fail(where, "headings is missing; give the HS headings as a list such as "
                           "headings = [\"8486\"]")
    for heading in headings:
        if not (isinstance(heading, str) and re.fullmatch(r"\d{4}", heading)):
            raise _fail(where, f"the heading {heading!r} is not a 4-digit HS heading written as "
                               "text, such as \"8486\"")
    words = data.get("words") or {}
    for lang, keys in WORDS.items():
        for key in keys:
            _text((words.get(lang) or {}).get(key), where, f"the word {key} of [words.{lang}]")
    groups_data = data.get("groups")
    if not isinstance(groups_data, list) or not groups_data:
        raise _fail(where, "it has no product groups; add [[groups]] tables with id, codes, zh, "
                           "en and colour")
    groups: list[Group] = []
    owner: dict[str, str] = {}
    for number, g in enumerate(groups_data, 1):
        at = f"group {number}"
        gid = _text(g.get("id"), where, f"the id of {at}")
        codes = g.get("codes")
        if not isinstance(codes, list) or not codes:
            raise _fail(where, f"group {gid} has no codes; list its HS6 or HS8 codes")
        for code in codes:
            if not (isinstance(code, str) and re.fullmatch(r"\d{6}(\d{2})?", code)):
                raise _fail(where, f"group {gid}: the code {code!r} is not a 6- or 8-digit HS code "
                                   "written as text, such as \"848620\" or \"84862010\"")
            if code[:4] not in headings:
                raise _fail(where, f"group {gid}: the code {code} is not under the scope's headings "
                                   f"({', '.join(headings)})")
            for other_code, other in owner.items():
                if other != gid and (code.startswith(other_code) or other_code.startswith(code)):
                    raise _fail(where, f"groups {other} and {gid} overlap: {other_code} and {code} "
                                       "cover the same goods; give each code to one group")
            owner[code] = gid
        colour = _text(g.get("colour"), where, f"the colour of group {gid}")
        if not _COLOUR.fullmatch(colour):
            raise _fail(where, f"group {gid}: the colour '{colour}' is not 6 hex digits such as "
                               "\"2E8B8B\"")
        if gid in {x.id for x in groups}:
            raise _fail(where, f"the group id {gid} is given twice")
        groups.append(Group(gid, tuple(codes), _text(g.get("zh"), where, f"the zh name of group {gid}"),
                            _text(g.get("en"), where, f"the en name of group {gid}"), colour,
                            tuple(g.get("aliases") or ())))
    return Scope(scope_id, tuple(headings), {lang: dict(words[lang]) for lang in WORDS},
                 tuple(groups), where)


def bundled_ids() -> tuple[str, ...]:
    """The ids of the scopes that come with xladdin, the default first."""
    names = sorted(p.name[:-5] for p in resources.files("xladdin.scopes").iterdir()
                   if p.name.endswith(".toml"))
    return tuple(sorted(names, key=lambda n: n != DEFAULT_SCOPE))


@cache
def _bundled(scope_id: str) -> Scope:
    """A bundled scope, parsed once per process: package data that cannot change while it
    runs, and one object per id, so caches keyed by a Scope (the word sets) find it again."""
    path = resources.files("xladdin.scopes").joinpath(f"{scope_id}.toml")
    with path.open("rb") as handle:
        return parse_scope(tomllib.load(handle), f"{scope_id}.toml")


def load_scope(name: str | Path | Scope | None = None) -> Scope:
    """A bundled scope by id (blank = chips), or a user's scope file by path."""
    if isinstance(name, Scope):
        return name
    text = str(name or DEFAULT_SCOPE).strip()
    if text in bundled_ids():
        return _bundled(text)
    path = Path(text)
    if path.suffix.lower() != ".toml":
        raise XladdinError(f"unknown scope '{text}'; use one of {', '.join(bundled_ids())} or the "
                           "path of a scope file ending in .toml")
    if not path.is_file():
        raise XladdinError(f"the scope file {path} does not exist; check the path")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise _fail(str(path), f"it is not valid TOML ({exc}); fix the line it names") from None
    return parse_scope(data, str(path))


def scope_cell(scope: Scope | None) -> str:
    """What the 设置 scope cell holds for a scope: a bundled scope's id, a user's file path."""
    scope = load_scope(scope)
    return scope.id if scope.source == f"{scope.id}.toml" else scope.source


def scope_of_rows(hs: pd.Series) -> Scope:
    """The bundled scope of rows read ``BY_ROWS``: the default, or the one other scope whose
    headings the codes are under when none is under the default's."""
    default = load_scope()
    codes = hs.astype("str").str.replace(r"[.\s]", "", regex=True)
    return other_scope_of(codes[codes.str.fullmatch(r"\d{4,8}")], default) or default


def other_scope_of(hs: pd.Series, scope: Scope) -> Scope | None:
    """The bundled scope whose headings these codes are under when none is under ``scope``'s."""
    if scope.covers(hs).any():
        return None
    for other_id in bundled_ids():
        other = _bundled(other_id)
        if other.id != scope.id and other.covers(hs).any():
            return other
    return None
