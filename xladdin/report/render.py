"""The render plan and the back ends that apply it.

A plan is plain data: a list of blocks, each a defined name, a 2-D list of values and a
matching 2-D list of number formats. ``build_plan`` makes it from the engine; a back end
(openpyxl here, xlwings in the add-in) only resolves names and writes blocks. Words come
from the edition's word set; a January–February combined issue has one span group, and
where it is written into a two-span workbook the second group is blanked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from xladdin.engine.editions import Edition
from xladdin.engine.history import COLUMNS
from xladdin.engine.metrics import Engine
from xladdin.engine.raw import RAW_SHEET
from xladdin.engine.scope import Scope
from xladdin.engine.tables import (
    compute_tables,
    product_list,
)
from xladdin.errors import XladdinError
from xladdin.report.charts import (
    CHART_PAGES,
    HIST_BODY,
    history_head,
    history_rows,
)
from xladdin.report.charts import words as figure_words
from xladdin.report.document import DASH, TEXT, table_of  # noqa: F401  (DASH: re-exported)
from xladdin.report.document import Table as DocTable
from xladdin.report.layout import (
    DEFAULT_ISSUER,
    SETTINGS_SHEET,
    TEXT_BODY,
    TableLayout,
    first_pages,
    layouts,
    text_row_heights,
)
from xladdin.report.narrative import PHRASES, draft, text_row_kinds

NUMBER = "0.0;-0.0;0.0"
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
    lang: str = "zh"
    #: the product scope whose words the plan's text uses (None: chips)
    scope: Scope | None = None

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

    def in_words(self, words: dict) -> tuple[str, str]:
        """Issuer and date in an edition's words: the default issuer by its name in that
        language, a date written 2025年8月24日 in that language's form."""
        issuer = words["cover"]["issuer"] if self.issuer == DEFAULT_ISSUER else self.issuer
        match = re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日", self.date)
        if not match:
            return issuer, self.date
        year, month, day = map(int, match.groups())
        return issuer, words["cover"]["date"].format(year=year, month=month, day=day,
                                                     month_name=words["month_names"][month - 1])


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


def _head_block(table: DocTable, layout: TableLayout) -> list[list[Cell]]:
    """The header rows on the sheet: a spanning cell's value in its first cell, ``None`` in
    the cells it covers (merged in the template) and in span groups the edition does not show."""
    grid: list[list[Cell]] = [[None] * layout.columns for _ in table.head]
    for i, j, cell in table.head_places():
        grid[i][j] = cell.value
    return grid


def _body_block(table: DocTable, layout: TableLayout) -> list[tuple[list[Cell], list[str]]]:
    """The body rows on the sheet: a section row's words in its first cell, span groups the
    edition does not show (the 1-2月 issue in the monthly workbook) left blank."""
    width = layout.columns
    pad = width - table.columns
    rows = []
    for row in table.body:
        if row.section:
            rows.append(([row.cells[0].value] + [None] * (width - 1), [TEXT] * width))
        else:
            rows.append(([c.value for c in row.cells] + [None] * pad,
                         [c.format for c in row.cells] + [TEXT] * pad))
    return rows


def _layouts(edition: Edition, span_groups: int | None, top: int) -> dict[int, TableLayout]:
    """The tables' layouts in the target: its span groups (by default the edition's own) and
    the report's ranked places."""
    return layouts(edition.lang, span_groups or len(edition.spans), top)


def build_table_body(engine: Engine, no: int, period: str, span_groups: int | None = None) -> Block:
    """The body block of one table (what =CHIP_TABLE spills), computing only that table."""
    edition = engine.edition(period)
    layout = _layouts(edition, span_groups, engine.settings.top_n)[no]
    words = edition.period_words(period, engine.settings.top_n)
    table = table_of(engine, no, period, words, product_list(engine, edition))
    return _block(layout.name("BODY"), _body_block(table, layout))


def _block(name: str, rows: list[tuple[list[Cell], list[str]]]) -> Block:
    return Block(name, [r for r, _ in rows], [f for _, f in rows])


def _text_block(name: str, lines: list[list[Cell]]) -> Block:
    return Block(name, lines, [[TEXT] * len(line) for line in lines])


def text_heights(lang: str = "zh") -> list[float]:
    """正文's row heights, from the slot layout of the text in one language."""
    phrases = PHRASES[lang]
    parts = [what.partition(":")[0] for _, subs in phrases["sections"] for _, what in subs]
    return text_row_heights(text_row_kinds(lang), parts, phrases.get("lines"))


def report_pages(lang: str = "zh", spans: int = 2) -> dict[str, int]:
    """The first printed page of every report sheet (see ``layout.first_pages``)."""
    return first_pages(text_heights(lang), CHART_PAGES, lang, spans)


def text_block(engine: Engine, period: str, result: dict | None = None) -> Block:
    """正文: the drafted text in the edition's language, one row per heading, paragraph or
    footnote (where a span is not shown — January's year to date, the 1–2月 issue's month —
    its paragraphs' rows stay empty)."""
    result = result or compute_tables(engine, period)
    codes = {code: engine.label("product", code) for code in engine.reference.product_names}
    items = draft(result, lang=engine.edition(period).lang, product_codes=codes, keep_slots=True,
                  scope=engine.scope)
    return _text_block(TEXT_BODY, [[item.text] for item in items])


def build_plan(engine: Engine, period: str, publication: Publication | None = None,
               forced: tuple[str, ...] = (), span_groups: int | None = None) -> Plan:
    """Every block of the workbook for one period: cover, text, tables 1–7.

    ``forced``: the audit's errors a report was made despite (--force); the cover says so,
    so such a workbook is never mistaken for a clean one. ``span_groups`` is the number of span
    groups the target workbook's tables have (2 in the monthly template); by default the
    edition's own (1 for the January–February issue).
    """
    publication = publication or Publication.of()
    edition = engine.edition(period)
    top = engine.settings.top_n
    words = edition.period_words(period, top)
    edition_words = edition.words
    products = product_list(engine, edition)
    blocks: list[Block] = [text_block(engine, period)]
    sections = [heading for heading, _ in PHRASES[edition.lang]["sections"]]
    text_sheet = edition_words["sheets"]["text"]
    contents: list[list[Cell]] = [[edition_words["cover"]["contents_text"].format(
        sheet=text_sheet, first=sections[0], last=sections[-1]), text_sheet]]
    for no, layout in _layouts(edition, span_groups, top).items():
        table = table_of(engine, no, period, words, products)
        contents.append([table.title, layout.sheet])
        blocks.append(_text_block(layout.name("TITLE"), [[table.title]]))
        blocks.append(_text_block(layout.name("HEAD"), _head_block(table, layout)))
        blocks.append(_block(layout.name("BODY"), _body_block(table, layout)))
        notes = list(table.notes)
        if layout.note_rows:
            notes += [""] * (layout.note_rows - len(notes))
            blocks.append(_text_block(layout.name("NOTES"), [[n] for n in notes]))
    history = history_rows(engine)
    chart_words = figure_words(edition.lang, edition.scope)
    chart_sheet, history_sheet = edition_words["sheets"]["charts"], edition_words["sheets"]["history"]
    blocks += [
        _text_block("CHART_TITLE", [[chart_words["charts_title"]]]),
        _text_block("HIST_TITLE", [[chart_words["title"]]]),
        _text_block("HIST_NOTE", [[chart_words["note"]]]),
        _text_block("HIST_HEAD", history_head(edition.lang)),
        Block(HIST_BODY, history,
              [[TEXT] + [edition_words["number_format"]] * len(COLUMNS) for _ in history]),
    ]
    # data held only as ranges (the 1-2月 issue from a download without months) has no monthly history
    first, last = (history[0][0], history[-1][0]) if history else ("—", "—")
    contents += [[chart_words["charts_contents"].format(sheet=chart_sheet), chart_sheet],
                 [chart_words["history_contents"].format(sheet=history_sheet, first=first, last=last),
                  history_sheet]]
    pages = report_pages(edition.lang, span_groups or len(edition.spans))
    contents = [[title, pages[sheet]] for title, sheet in contents]
    cover = edition_words["cover"]
    issuer, published = publication.in_words(edition_words)
    cover_notes = [str(words["cover_period"]), cover["unit"],
                   edition_words["notes"][engine.settings.net_yoy].format(**words), cover["dash"]]
    blocks += [
        _text_block("COVER_TITLE", [[cover["title"]]]),
        _text_block("COVER_SUBTITLE", [[cover["subtitle"].format(**words)
                                        + (cover["forced"].format(n=len(forced)) if forced else "")]]),
        _text_block("COVER_ISSUER", [[issuer]]),
        _text_block("COVER_DATE", [[published]]),
        _text_block("COVER_SOURCE", [[cover["source"]]]),
        _text_block("COVER_NOTES", [[n] for n in cover_notes]),
        Block("COVER_CONTENTS", contents, [[TEXT, "0"] for _ in contents]),
    ]
    return Plan(period, tuple(blocks), edition.lang, engine.scope)


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
