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
    compute_table,
    compute_tables,
    notes_of,
    product_list,
    span_header,
    table_words,
)
from xladdin.errors import XladdinError
from xladdin.report.figures import (
    CHART_PAGES,
    HIST_BODY,
    history_head,
    history_rows,
)
from xladdin.report.figures import words as figure_words
from xladdin.report.layout import (
    DEFAULT_ISSUER,
    SETTINGS_SHEET,
    TEXT_BODY,
    TableLayout,
    first_pages,
    layouts,
    text_row_heights,
)
from xladdin.report.narrative import PHRASES, draft, slots

NUMBER = "0.0;-0.0;0.0"
TEXT = "@"
DASH = "—"
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


def _num(value: float | None, number: str) -> tuple[Cell, str]:
    if value is None or value != value:
        return DASH, TEXT
    return float(value), number


class _Rows:
    """Body rows of one table in one edition: label cells and numbers per span group."""

    def __init__(self, layout: TableLayout, edition: Edition) -> None:
        self.layout, self.spans = layout, edition.spans
        self.number = edition.words["number_format"]
        self.pad = layout.spans - len(self.spans)  # span groups left blank in the target

    def group(self, label: str | None, *numbers: float | None) -> tuple[list[Cell], list[str]]:
        cells = [_num(n, self.number) for n in numbers]
        return [label, *(c for c, _ in cells)], [TEXT, *(f for _, f in cells)]

    def blank(self, width: int) -> tuple[list[Cell], list[str]]:
        return [None] * width * self.pad, [TEXT] * width * self.pad


def _headers(layout: TableLayout, edition: Edition, words: dict) -> list[list[Cell]]:
    spec = layout.spec
    tw = table_words(spec, edition, words)
    spans = edition.spans
    pad = layout.spans - len(spans)
    if spec.kind == "overview":
        top = [""] + [c for s in spans for c in (span_header(s, words), None)] + [None] * 2 * pad
        return [top, [""] + [tw.value_header, tw.yoy_header] * len(spans) + [None] * 2 * pad]
    if spec.kind == "composition":
        head = [tw.value_header, tw.share_header, tw.yoy_header]
        top = [tw.name_header] + [c for s in spans for c in (span_header(s, words), None, None)]
        return [top + [None] * 3 * pad, [None] + head * len(spans) + [None] * 3 * pad]
    head = [tw.name_header, tw.value_header, tw.yoy_header]
    top = [c for s in spans for c in (span_header(s, words), None, None)]
    return [top + [None] * 3 * pad, head * len(spans) + [None] * 3 * pad]


def _body(layout: TableLayout, edition: Edition, body, top: int) -> list[tuple[list[Cell], list[str]]]:
    kind, rows_of = layout.spec.kind, _Rows(layout, edition)
    spans = edition.spans

    def line(groups: list[tuple[list[Cell], list[str]]], width: int) -> tuple[list[Cell], list[str]]:
        blank = rows_of.blank(width)
        values = [v for g in groups for v in g[0]] + blank[0]
        formats = [f for g in groups for f in g[1]] + blank[1]
        return values, formats

    if kind in ("overview", "composition"):
        keys = ("value", "yoy") if kind == "overview" else ("value", "share", "yoy")
        out = []
        for r in body:
            values, formats = rows_of.group(r["label"], *(r[s][k] for s in spans for k in keys))
            blank = rows_of.blank(len(keys))
            out.append((values + blank[0], formats + blank[1]))
        return out
    words = edition.words["labels"]
    rows: list[tuple[list[Cell], list[str]]] = []
    width = layout.columns
    if layout.spec.regions:
        rows.append(([words["region_section"]] + [None] * (width - 1), [TEXT] * width))
        for r in body["regions"]:
            rows.append(line([rows_of.group(r["label"], r[s]["value"], r[s]["yoy"]) for s in spans], 3))
        rows.append(([words["top_section"].format(top=top)] + [None] * (width - 1), [TEXT] * width))
    for i in range(layout.body_rows - len(rows)):
        rows.append(line([_entry(rows_of, body[s], i) for s in spans], 3))
    return rows


def _entry(rows_of: _Rows, entries: list[dict], i: int) -> tuple[list[Cell], list[str]]:
    if i >= len(entries):  # fewer keys than places: leave the row empty
        return [None, None, None], [TEXT, rows_of.number, rows_of.number]
    e = entries[i]
    return rows_of.group(e["label"], e["value"], e["yoy"])


def _layouts(edition: Edition, slots: int | None) -> dict[int, TableLayout]:
    return layouts(edition.lang, slots or len(edition.spans))


def build_table_body(engine: Engine, no: int, period: str, slots: int | None = None) -> Block:
    """The body block of one table (what =CHIP_TABLE spills), computing only that table."""
    edition = engine.edition(period)
    layout = _layouts(edition, slots)[no]
    body = compute_table(engine, no, period)
    return _block(layout.name("BODY"), _body(layout, edition, body, engine.settings.top_n))


def _block(name: str, rows: list[tuple[list[Cell], list[str]]]) -> Block:
    return Block(name, [r for r, _ in rows], [f for _, f in rows])


def _text_block(name: str, lines: list[list[Cell]]) -> Block:
    return Block(name, lines, [[TEXT] * len(line) for line in lines])


def text_heights(lang: str = "zh") -> list[float]:
    """正文's row heights, from the slot layout of the text in one language."""
    phrases = PHRASES[lang]
    parts = [what.partition(":")[0] for _, subs in phrases["sections"] for _, what in subs]
    return text_row_heights(slots(lang), parts, phrases.get("lines"))


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
               forced: tuple[str, ...] = (), slots: int | None = None) -> Plan:
    """Every block of the workbook for one period: cover, text, tables 1–7.

    ``forced``: the audit's errors a report was made despite (--force); the cover says so,
    so such a workbook is never mistaken for a clean one. ``slots`` is the number of span
    groups the target workbook's tables have (2 in the monthly template); by default the
    edition's own (1 for the January–February issue).
    """
    publication = publication or Publication.of()
    edition = engine.edition(period)
    top = engine.settings.top_n
    words = edition.period_words(period, top)
    ws = edition.words
    products = product_list(engine, edition)
    blocks: list[Block] = [text_block(engine, period)]
    sections = [heading for heading, _ in PHRASES[edition.lang]["sections"]]
    text_sheet = ws["sheets"]["text"]
    contents: list[list[Cell]] = [[ws["cover"]["contents_text"].format(
        sheet=text_sheet, first=sections[0], last=sections[-1]), text_sheet]]
    for no, layout in _layouts(edition, slots).items():
        spec = layout.spec
        title = table_words(spec, edition, words).title
        contents.append([title, layout.sheet])
        blocks.append(_text_block(layout.name("TITLE"), [[title]]))
        blocks.append(_text_block(layout.name("HEAD"), _headers(layout, edition, words)))
        body = compute_table(engine, no, period)
        blocks.append(_block(layout.name("BODY"), _body(layout, edition, body, top)))
        notes = notes_of(spec, edition, words, engine.settings.net_yoy, products)
        if layout.note_rows:
            notes += [""] * (layout.note_rows - len(notes))
            blocks.append(_text_block(layout.name("NOTES"), [[n] for n in notes]))
    history = history_rows(engine)
    chart_words = figure_words(edition.lang, edition.scope)
    chart_sheet, history_sheet = ws["sheets"]["charts"], ws["sheets"]["history"]
    blocks += [
        _text_block("CHART_TITLE", [[chart_words["charts_title"]]]),
        _text_block("HIST_TITLE", [[chart_words["title"]]]),
        _text_block("HIST_NOTE", [[chart_words["note"]]]),
        _text_block("HIST_HEAD", history_head(edition.lang)),
        Block(HIST_BODY, history, [[TEXT] + [ws["number_format"]] * len(COLUMNS) for _ in history]),
    ]
    # data held only as ranges (the 1-2月 issue from a download without months) has no monthly history
    first, last = (history[0][0], history[-1][0]) if history else ("—", "—")
    contents += [[chart_words["charts_contents"].format(sheet=chart_sheet), chart_sheet],
                 [chart_words["history_contents"].format(sheet=history_sheet, first=first, last=last),
                  history_sheet]]
    pages = report_pages(edition.lang, slots or len(edition.spans))
    contents = [[title, pages[sheet]] for title, sheet in contents]
    cover = ws["cover"]
    issuer, published = publication.in_words(ws)
    cover_notes = [str(words["cover_period"]), cover["unit"],
                   ws["notes"][engine.settings.net_yoy].format(**words), cover["dash"]]
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
