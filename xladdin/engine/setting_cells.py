"""The 设置 sheet's schema: every settings cell once, and the one way to read them.

Each cell has a defined name (how every front end finds it), the label the template writes
beside it, the default it stands for, the parser that turns what Excel holds into a value,
and the workbook format that brought it. The command line, the ribbon and the Lite script
each fetch the cells their own way (zip parts, COM, awaited requests) into a dict of name →
value and hand it to ``read_settings``: one rule for a missing cell everywhere — it reads as
its default; silently where the workbook is older than the cell, with a note where the
workbook should have it (a deleted name).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from xladdin.engine.editions import LANGS, parse_jan_feb, parse_lang
from xladdin.engine.periods import parse_period
from xladdin.engine.scope import DEFAULT_SCOPE, bundled_ids
from xladdin.engine.settings import NET_YOY_CONVENTIONS, Settings
from xladdin.errors import XladdinError

DEFAULT_ISSUER = "对外经济贸易大学 数字经济实验室"

#: The workbook format this code writes (``init``) and upgrades older workbooks to. Format 1 is
#: the first release's, which carried no format cell: a workbook without one is format 1.
WORKBOOK_FORMAT = 3


def _as_is(value: Any) -> Any:
    """Issuer and date stay as read: the cover decides how to print them (and most values are
    written as they are)."""
    return value


@dataclass(frozen=True)
class SettingCell:
    """One cell of 设置: ``since`` is the workbook format that brought it (1: the first
    release); ``choices`` become a drop-down list in the template (the first is the default)."""

    name: str
    label: str
    default: Any
    parse: Callable[[Any], Any]
    since: int = 1
    choices: tuple[str, ...] = ()
    #: Where the template puts the cell (the name's own address wins where a front end has it).
    address: str = ""
    #: How a value is written into the cell, what ``parse`` reads back (``init``, and
    #: ``refresh`` when an option overrides the cell).
    show: Callable[[Any], Any] = _as_is


def _period(value: Any) -> str | None:
    """The report month; blank means the latest month in the data."""
    return None if value in (None, "") else parse_period(value)


def _net_yoy(value: Any) -> str:
    convention = str(value or NET_YOY_CONVENTIONS[0]).strip()
    if convention not in NET_YOY_CONVENTIONS:
        raise XladdinError(f"unknown net YoY convention '{convention}'; use "
                           f"{' or '.join(NET_YOY_CONVENTIONS)}")
    return convention


def parse_format(value: Any) -> int:
    """The workbook format cell: a whole number; a workbook newer than this code is refused
    (it may hold cells this code would overwrite or ignore)."""
    if value in (None, ""):
        return 1
    try:
        number = float(str(value).strip())
    except ValueError:
        number = 0.5
    if number != int(number) or number < 1:
        raise XladdinError(f"设置: the workbook format cell (SET_FORMAT) says '{value}', which is no "
                           f"format; write {WORKBOOK_FORMAT} (the format this xladdin makes)")
    if number > WORKBOOK_FORMAT:
        raise XladdinError(f"the workbook is format {int(number)}, made by a newer xladdin than this one "
                           f"(which reads formats up to {WORKBOOK_FORMAT}); upgrade xladdin "
                           "(pip install -U xladdin) and try again")
    return int(number)


def _jan_feb_text(combined: bool) -> str:
    """The 1-2月合刊 cell's word for a choice: jan-feb (always combined) or auto."""
    return "jan-feb" if combined else "auto"


def parse_scope_cell(value: Any) -> str:
    """The product scope cell: a bundled scope's id (blank: chips) or a scope file's path."""
    text = str(value or DEFAULT_SCOPE).strip()
    if text not in bundled_ids() and not text.lower().endswith(".toml"):
        raise XladdinError(f"设置: the product scope cell (SET_SCOPE) says '{value}'; choose one of "
                           f"{', '.join(bundled_ids())} or write the path of a scope file (.toml)")
    return text


SETTING_CELLS: tuple[SettingCell, ...] = (
    SettingCell("SET_PERIOD", "报告期（YYYY-MM，留空则取原始数据的最新月份）", None, _period, address="B3"),
    SettingCell("SET_NET_YOY", "净出口额同比口径（net_import_pct 或 abs_diff）", NET_YOY_CONVENTIONS[0],
                _net_yoy, choices=NET_YOY_CONVENTIONS, address="B4"),
    SettingCell("SET_ISSUER", "发布机构（封面）", DEFAULT_ISSUER, _as_is, address="B5"),
    SettingCell("SET_DATE", "发布日期（封面；留空则为生成当天）", None, _as_is, address="B6"),
    SettingCell("SET_LANG", "语言 / language（zh 中文，en English）", LANGS[0], parse_lang, choices=LANGS,
                address="B7"),
    SettingCell("SET_JAN_FEB", "1-2月合刊（auto：数据只有1-2月合计时自动；jan-feb：总是合刊）", "auto",
                parse_jan_feb, choices=("auto", "jan-feb"), address="B8", show=_jan_feb_text),
    SettingCell("SET_FORMAT", "工作簿格式版本（由 xladdin 填写，请勿修改）", 1, parse_format, since=2,
                address="B9"),
    SettingCell("SET_SCOPE", "产品范围 / product scope（chips：HS 8542；equipment：HS 8486）",
                DEFAULT_SCOPE, parse_scope_cell, since=3, choices=bundled_ids(), address="B10"),
)
CELL_BY_NAME = {cell.name: cell for cell in SETTING_CELLS}


def parse_cell(name: str, value: Any, address: str | None = None) -> Any:
    """The named cell's parser, whose refusal names the cell (设置!B3) for every front end;
    ``address`` is where the front end found the name, else the template's place."""
    cell = CELL_BY_NAME[name]
    try:
        return cell.parse(value)
    except XladdinError as exc:
        where = (address or cell.address).replace("$", "").split("!")[-1]
        place = f"设置!{where}" if where else "设置"
        message = str(exc).removeprefix("设置: ")
        joint = " says " if message.startswith("'") else ": "
        raise XladdinError(f"{place} ({cell.name}){joint}{message}") from None


@dataclass(frozen=True)
class SheetSettings:
    """What 设置 says, parsed: the report month (None: the latest), the report options, the
    cover's issuer and date as read, and a note for each cell the workbook should have and
    lacks (read as its default)."""

    period: str | None
    settings: Settings
    issuer: Any
    date: Any
    notes: tuple[str, ...] = ()
    format: int = WORKBOOK_FORMAT
    #: the product scope's id (or a scope file's path) the raw rows are read under
    scope: str = DEFAULT_SCOPE


def read_settings(found: Mapping[str, Any], lang: str | None = None,
                  jan_feb: bool | None = None, scope: str | None = None,
                  where: Mapping[str, str] | None = None) -> SheetSettings:
    """Parse the cells a front end found (name → value; a missing name is a missing cell).

    A cell the workbook's format predates reads as its default silently; an older workbook is
    mentioned once (the command line upgrades it first, so it never is there). ``lang`` and
    ``jan_feb`` and ``scope`` override their cells (the command line's options). A cell that
    cannot be read is refused naming it (``where``: name → the address the front end found, else
    the template's).
    """
    fmt = parse_cell("SET_FORMAT", found.get("SET_FORMAT"), (where or {}).get("SET_FORMAT"))
    values, notes = {}, []
    if fmt < WORKBOOK_FORMAT:
        notes.append(f"the workbook is format {fmt}, made by an older xladdin; 'xladdin refresh' on "
                     f"the file upgrades it to format {WORKBOOK_FORMAT} in place, keeping your own sheets")
    given = {"SET_LANG": lang, "SET_JAN_FEB": jan_feb, "SET_SCOPE": scope}
    for cell in SETTING_CELLS:
        if given.get(cell.name) is not None:
            values[cell.name] = given[cell.name]  # overridden: the cell is not read
        elif cell.name in found:
            values[cell.name] = parse_cell(cell.name, found[cell.name], (where or {}).get(cell.name))
            continue
        else:
            values[cell.name] = cell.parse(cell.default)
            if cell.since <= fmt:
                shown = "blank" if cell.default is None else cell.default
                notes.append(f"设置 has no cell named {cell.name} ({cell.label}), so its default "
                             f"({shown}) is used; restore the name (公式 > 名称管理器) to choose")
    settings = Settings(net_yoy=values["SET_NET_YOY"], lang=values["SET_LANG"],
                        jan_feb=values["SET_JAN_FEB"])
    return SheetSettings(values["SET_PERIOD"], settings, values["SET_ISSUER"], values["SET_DATE"],
                         tuple(notes), fmt, values["SET_SCOPE"])
