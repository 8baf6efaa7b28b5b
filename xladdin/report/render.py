"""The render plan and the back ends that apply it.

A plan is plain data: a list of blocks, each a defined name, a 2-D list of values and a
matching 2-D list of number formats. ``plan_of`` lays it out from the report document
(``compose.report_document``: every word and figure is there); a back end (openpyxl here,
xlwings in the add-in) only resolves names and writes blocks. A January–February combined
issue has one span group, and where it is written into a two-span workbook the second group
is blanked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from xladdin.engine.editions import Edition, word_set
from xladdin.engine.metrics import Engine
from xladdin.engine.raw import RAW_SHEET
from xladdin.engine.scope import Scope
from xladdin.engine.tables import product_list
from xladdin.errors import XladdinError
from xladdin.report.charts import CHART_COUNT, chart_pages
from xladdin.report.compose import Publication, report_document
from xladdin.report.document import DASH, TEXT, Paragraph, ReportDocument, table_of  # noqa: F401
from xladdin.report.document import Table as DocTable
from xladdin.report.layout import (
    HIST_BODY,
    SETTINGS_SHEET,
    TEXT_BODY,
    TableLayout,
    first_pages,
    layouts,
    text_row_heights,
)
from xladdin.report.narrative import PHRASES, text_row_kinds

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


def report_pages(lang: str = "zh", spans: int = 2, charts: int = CHART_COUNT) -> dict[str, int]:
    """The first printed page of every report sheet (see ``layout.first_pages``): the
    template's page setup and the cover's contents both read it."""
    return first_pages(text_heights(lang), chart_pages(charts), lang, spans)


def plan_of(document: ReportDocument, span_groups: int | None = None) -> Plan:
    """The workbook's blocks laid out from the report document: cover, text, tables 1–7,
    the charts' title and the monthly history, each under its defined name.

    ``span_groups`` is the number of span groups the target workbook's tables have (2 in the
    monthly template); by default the document's own (1 for the January–February issue): a
    group the document does not show stays blank. The cover's contents name parts; here each
    becomes the first printed page of its sheet.
    """
    lang = document.lang
    spans = span_groups or document.spans
    table_layouts = layouts(lang, spans, document.top)
    text = [[piece.text] for piece in document.body if isinstance(piece, Paragraph)]
    blocks: list[Block] = [_text_block(TEXT_BODY, text)]
    for table in document.tables:
        layout = table_layouts[table.no]
        blocks.append(_text_block(layout.name("TITLE"), [[table.title]]))
        blocks.append(_text_block(layout.name("HEAD"), _head_block(table, layout)))
        blocks.append(_block(layout.name("BODY"), _body_block(table, layout)))
        notes = list(table.notes)
        if layout.note_rows:
            notes += [""] * (layout.note_rows - len(notes))
            blocks.append(_text_block(layout.name("NOTES"), [[n] for n in notes]))
    history = document.history
    assert history is not None, "a workbook needs the document's monthly history"
    rows = [list(row) for row in history.rows]
    blocks += [
        _text_block("CHART_TITLE", [[document.charts_title]]),
        _text_block("HIST_TITLE", [[history.title]]),
        _text_block("HIST_NOTE", [[history.note]]),
        _text_block("HIST_HEAD", [list(row) for row in history.head]),
        Block(HIST_BODY, rows, [[TEXT] + [history.format] * (len(row) - 1) for row in rows]),
    ]
    cover = document.cover
    pages = report_pages(lang, spans, len(document.charts))
    sheets = word_set(lang)["sheets"]

    def sheet_of(part: str) -> str:
        kind, _, no = part.partition(":")
        return table_layouts[int(no)].sheet if kind == "table" else sheets[kind]

    contents: list[list[Cell]] = [[title, pages[sheet_of(part)]] for title, part in cover.contents]
    blocks += [
        _text_block("COVER_TITLE", [[cover.title]]),
        _text_block("COVER_SUBTITLE", [[cover.subtitle]]),
        _text_block("COVER_ISSUER", [[cover.issuer]]),
        _text_block("COVER_DATE", [[cover.date]]),
        _text_block("COVER_SOURCE", [[cover.source]]),
        _text_block("COVER_NOTES", [[n] for n in cover.notes]),
        Block("COVER_CONTENTS", contents, [[TEXT, "0"] for _ in contents]),
    ]
    return Plan(document.period, tuple(blocks), lang, document.scope)


def build_plan(engine: Engine, period: str, publication: Publication | None = None,
               forced: tuple[str, ...] = (), span_groups: int | None = None) -> Plan:
    """Every block of the workbook for one period: the report document, laid out
    (``plan_of``). A job that writes another format too makes the document once and lays
    it out itself."""
    return plan_of(report_document(engine, period, publication, forced), span_groups)


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
