"""The render plan and the back ends that apply it.

A plan is plain data: a list of blocks, each a defined name, a 2-D list of values and a
matching 2-D list of number formats. ``build_plan`` makes it from the engine; a back end
(openpyxl here, xlwings in the add-in) only resolves names and writes blocks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from xladdin.engine.history import COLUMNS
from xladdin.engine.metrics import Engine
from xladdin.engine.raw import RAW_SHEET
from xladdin.engine.tables import (
    NET_NOTES,
    OVERVIEW_LABELS,
    REGION_SECTION,
    SHARE_HEADER,
    TOP_SECTION,
    YOY_HEADER,
    compute_table,
    compute_tables,
    period_words,
    table_notes,
)
from xladdin.errors import XladdinError
from xladdin.report.figures import (
    CHART_PAGES,
    CHART_SHEET,
    HIST_BODY,
    HISTORY_SHEET,
    WORDS,
    history_head,
    history_rows,
)
from xladdin.report.layout import (
    DEFAULT_ISSUER,
    LAYOUTS,
    SETTINGS_SHEET,
    TEXT_BODY,
    TEXT_SHEET,
    TableLayout,
    first_pages,
    text_row_heights,
)
from xladdin.report.narrative import PHRASES, draft, slots

NUMBER = "0.0;-0.0;0.0"
TEXT = "@"
DASH = "—"
REPORT_TITLE = "中国芯片产品贸易月度监测报告"
SOURCE = "数据来源：中国海关总署"
Cell = str | float | int | None


@dataclass(frozen=True)
class Block:
    name: str
    values: list[list[Cell]]
    formats: list[list[str]]

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.values), max((len(r) for r in self.values), default=0)


@dataclass(frozen=True)
class Plan:
    period: str
    blocks: tuple[Block, ...]

    def block(self, name: str) -> Block:
        return next(b for b in self.blocks if b.name == name)


@dataclass(frozen=True)
class Publication:
    """Who publishes the report and when (the cover; editable in 设置)."""

    issuer: str = DEFAULT_ISSUER
    date: str = ""  # as the cover prints it; empty: the day the report is made

    @classmethod
    def of(cls, issuer: object = None, when: object = None) -> Publication:
        """From 设置's cells as read: blank issuer → the default, a date (object, Excel serial
        number or YYYY-MM-DD text) → 2025年8月24日, other text as written."""
        text = "" if issuer is None else str(issuer).strip()
        return cls(text or DEFAULT_ISSUER, cover_date(when))


def cover_date(value: object) -> str:
    """A publication date as the cover prints it (2025年8月24日); blank means today."""
    if value in (None, ""):
        value = date.today()
    if isinstance(value, (int, float)) and not isinstance(value, bool) or \
            isinstance(value, str) and re.fullmatch(r"\d{5}(\.\d+)?", value.strip()):
        value = date(1899, 12, 30) + timedelta(days=int(float(value)))  # an Excel date serial
    if isinstance(value, str):
        match = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?", value.strip())
        if not match:
            return value.strip()
        value = date(*map(int, match.groups()))
    if isinstance(value, (datetime, date)):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value)


def _num(value: float | None) -> tuple[Cell, str]:
    if value is None or value != value:
        return DASH, TEXT
    return float(value), NUMBER


def _row(label: str | None, *numbers: float | None) -> tuple[list[Cell], list[str]]:
    cells = [_num(n) for n in numbers]
    return [label, *(c for c, _ in cells)], [TEXT, *(f for _, f in cells)]


def _block(name: str, rows: list[tuple[list[Cell], list[str]]]) -> Block:
    return Block(name, [r for r, _ in rows], [f for _, f in rows])


def _text_block(name: str, lines: list[list[Cell]]) -> Block:
    return Block(name, lines, [[TEXT] * len(line) for line in lines])


def _headers(layout: TableLayout, words: dict) -> list[list[Cell]]:
    spec = layout.spec
    month, ytd = words["month_header"], words["ytd_header"]
    if spec.kind == "overview":
        return [["", month, None, ytd, None],
                ["", spec.value_header, YOY_HEADER, spec.value_header, YOY_HEADER]]
    if spec.kind == "composition":
        head = [spec.value_header, SHARE_HEADER, YOY_HEADER]
        return [[spec.name_header, month, None, None, ytd, None, None], [None, *head, *head]]
    head = [spec.name_header, spec.value_header, YOY_HEADER]
    return [[month, None, None, ytd, None, None], [*head, *head]]


def _body(layout: TableLayout, body, top: int) -> list[tuple[list[Cell], list[str]]]:
    kind = layout.spec.kind
    if kind == "overview":
        return [_row(OVERVIEW_LABELS[r["key"]], r["month"]["value"], r["month"]["yoy"],
                     r["ytd"]["value"], r["ytd"]["yoy"]) for r in body]
    if kind == "composition":
        return [_row(r["label"], *(r[s][k] for s in ("month", "ytd") for k in ("value", "share", "yoy")))
                for r in body]
    rows: list[tuple[list[Cell], list[str]]] = []
    width = layout.columns
    if layout.spec.regions:
        rows.append(([REGION_SECTION] + [None] * (width - 1), [TEXT] * width))
        for r in body["regions"]:
            left, lf = _row(r["label"], r["month"]["value"], r["month"]["yoy"])
            right, rf = _row(r["label"], r["ytd"]["value"], r["ytd"]["yoy"])
            rows.append((left + right, lf + rf))
        rows.append(([TOP_SECTION.format(top=top)] + [None] * (width - 1), [TEXT] * width))
    for i in range(layout.body_rows - len(rows)):
        left, lf = _entry(body["month"], i)
        right, rf = _entry(body["ytd"], i)
        rows.append((left + right, lf + rf))
    return rows


def _entry(entries: list[dict], i: int) -> tuple[list[Cell], list[str]]:
    if i >= len(entries):  # fewer keys than places: leave the row empty
        return [None, None, None], [TEXT, NUMBER, NUMBER]
    e = entries[i]
    return _row(e["label"], e["value"], e["yoy"])


def build_table_body(engine: Engine, no: int, period: str) -> Block:
    """The body block of one table (what =CHIP_TABLE spills), computing only that table."""
    layout = LAYOUTS[no]
    body = compute_table(engine, no, period)
    return _block(layout.name("BODY"), _body(layout, body, engine.settings.top_n))


#: On the cover of a report made despite the audit's errors (--force).
FORCED_MARK = "〔数据审核发现{n}项错误，经 --force 强制生成〕"


def text_heights() -> list[float]:
    """正文's row heights, from the slot layout of the zh text."""
    parts = [what.partition(":")[0] for _, subs in PHRASES["zh"]["sections"] for _, what in subs]
    return text_row_heights(slots(), parts)


def report_pages() -> dict[str, int]:
    """The first printed page of every report sheet (see ``layout.first_pages``)."""
    return first_pages(text_heights(), CHART_PAGES)


def text_block(engine: Engine, period: str, result: dict | None = None) -> Block:
    """正文: the drafted text, one row per heading, paragraph or footnote (January leaves the
    year-to-date paragraphs' rows empty)."""
    result = result or compute_tables(engine, period)
    items = draft(result, product_codes=engine.reference.product_names, keep_slots=True)
    return _text_block(TEXT_BODY, [[item.text] for item in items])


def build_plan(engine: Engine, period: str, publication: Publication | None = None,
               forced: tuple[str, ...] = ()) -> Plan:
    """Every block of the workbook for one period: cover, text, tables 1–7.

    ``forced``: the audit's errors a report was made despite (--force); the cover says so,
    so such a workbook is never mistaken for a clean one."""
    publication = publication or Publication.of()
    words = period_words(period, engine.settings.top_n)
    blocks: list[Block] = [text_block(engine, period)]
    sections = [heading for heading, _ in PHRASES["zh"]["sections"]]
    contents: list[list[Cell]] = [[f"{TEXT_SHEET}：{sections[0]} … {sections[-1]}", TEXT_SHEET]]
    for no, layout in LAYOUTS.items():
        spec = layout.spec
        title = spec.title.format(**words)
        contents.append([title, layout.sheet])
        blocks.append(_text_block(layout.name("TITLE"), [[title]]))
        blocks.append(_text_block(layout.name("HEAD"), _headers(layout, words)))
        blocks.append(build_table_body(engine, no, period))
        notes = table_notes(spec, engine, period)
        if layout.note_rows:
            notes += [""] * (layout.note_rows - len(notes))
            blocks.append(_text_block(layout.name("NOTES"), [[n] for n in notes]))
    history = history_rows(engine)
    chart_words = WORDS["zh"]
    blocks += [
        _text_block("CHART_TITLE", [[chart_words["charts_title"]]]),
        _text_block("HIST_TITLE", [[chart_words["title"]]]),
        _text_block("HIST_NOTE", [[chart_words["note"]]]),
        _text_block("HIST_HEAD", history_head()),
        Block(HIST_BODY, history, [[TEXT] + [NUMBER] * len(COLUMNS) for _ in history]),
    ]
    first, last = history[0][0], history[-1][0]
    contents += [[chart_words["charts_contents"].format(sheet=CHART_SHEET), CHART_SHEET],
                 [chart_words["history_contents"].format(sheet=HISTORY_SHEET, first=first, last=last),
                  HISTORY_SHEET]]
    pages = report_pages()
    contents = [[title, pages[sheet]] for title, sheet in contents]
    span = f"{words['year']}年{words['ytd']}" if words["month"] > 1 else f"{words['year']}年1月"
    cover_notes = [
        f"报告期：{words['year']}年{words['month']}月（当月）与{span}（累计），同比为与{words['prior_year']}年同期相比。",
        "单位：亿美元；占比、同比为百分比（%）。统计范围：HS编码8542（集成电路）。",
        NET_NOTES[engine.settings.net_yoy].format(**words),
        "“—”表示上年同期为零或无数据，同比无法计算。",
    ]
    blocks += [
        _text_block("COVER_TITLE", [[REPORT_TITLE]]),
        _text_block("COVER_SUBTITLE", [[f"（{span}）{FORCED_MARK.format(n=len(forced)) if forced else ''}"]]),
        _text_block("COVER_ISSUER", [[publication.issuer]]),
        _text_block("COVER_DATE", [[publication.date]]),
        _text_block("COVER_SOURCE", [[SOURCE]]),
        _text_block("COVER_NOTES", [[n] for n in cover_notes]),
        Block("COVER_CONTENTS", contents, [[TEXT, "0"] for _ in contents]),
    ]
    return Plan(period, tuple(blocks))


class Backend(Protocol):
    """What a back end must do: write a block where its defined name points."""

    def write(self, block: Block) -> None: ...


#: Sheets that hold the user's data: no block may be written there.
DATA_SHEETS = (RAW_SHEET, SETTINGS_SHEET)
MAX_ROW, MAX_COL = 1_048_576, 16_384


def check_targets(plan: Plan, anchor) -> None:
    """Before the first cell is written: every block must land on a report sheet, inside the
    sheet and apart from every other block. A defined name edited to point elsewhere (into
    原始数据, say) would otherwise overwrite data."""
    placed: list[tuple[str, int, int, int, int, str]] = []
    fix = "make it refer to the table's cells again (公式 > 名称管理器) or start from the template"
    for block in plan.blocks:
        sheet, row, col = anchor(block.name)
        rows, cols = block.shape
        last_row, last_col = row + max(rows, 1) - 1, col + max(cols, 1) - 1
        if sheet in DATA_SHEETS:
            raise XladdinError(f"the defined name {block.name} points into the sheet {sheet}, which holds "
                               f"data that would be overwritten; {fix}")
        if last_row > MAX_ROW or last_col > MAX_COL:
            raise XladdinError(f"the defined name {block.name} points so near the edge of sheet {sheet} "
                               f"that its {rows} × {cols} cells do not fit; {fix}")
        for other in placed:
            if other[0] == sheet and row <= other[3] and other[1] <= last_row \
                    and col <= other[4] and other[2] <= last_col:
                raise XladdinError(f"the defined names {other[5]} and {block.name} point to overlapping "
                                   f"cells of sheet {sheet}; {fix}")
        placed.append((sheet, row, col, last_row, last_col, block.name))


def apply(plan: Plan, backend: Backend) -> None:
    anchor = getattr(backend, "anchor", None)
    if anchor is not None:
        check_targets(plan, anchor)
    for block in plan.blocks:
        backend.write(block)
