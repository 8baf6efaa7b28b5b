"""The report as a document, apart from any file format.

Cover, text (headings, paragraphs, footnotes), each table after the paragraphs that discuss
it, and the figures with their data: what a reader sees, in the edition's own shape (its span
groups, its ranked places, its language). Writers for a format (the Word edition) read only
this; none of them needs defined names, merged-cell conventions or the workbook's layout.

Tables are made here from the engine's figures (``table_of``); ``compose.py`` puts the whole
document together, once per report. Every format is written from it by its own writer: the
render plan lays it into the workbook's named blocks (``render.plan_of``), the Word edition
(and its PDF) writes it as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from xladdin.engine.metrics import Engine
from xladdin.engine.scope import Scope
from xladdin.engine.tables import SPECS, compute_table, notes_of, span_header, table_words
from xladdin.report.charts import ChartSpec

Value = str | float | int | None
TEXT = "@"  # the number format of text
DASH = "—"  # a figure that cannot be computed (no base for a growth rate)


@dataclass(frozen=True)
class Cell:
    """One table cell: its value and number format (``@`` for text). In a header, ``span``
    is how many columns it covers and ``rows`` how many header rows."""

    value: Value
    format: str = TEXT
    span: int = 1
    rows: int = 1

    @property
    def kind(self) -> str:
        """text, number, or missing (a figure that cannot be computed, shown as a dash)."""
        if self.value == DASH:
            return "missing"
        return "number" if isinstance(self.value, (int, float)) and self.format != TEXT else "text"


@dataclass(frozen=True)
class Row:
    """A body row: one cell per column, or one cell across the table (``section``: 地区 /
    排名前10 …)."""

    cells: tuple[Cell, ...]
    section: bool = False


@dataclass(frozen=True)
class Table:
    """A table with its title, header rows (cells covered by another's span left out, in the
    order they are read: left to right, top to bottom), body rows and notes."""

    no: int
    kind: str  # overview | composition | ranking
    title: str
    columns: int
    head: tuple[tuple[Cell, ...], ...]
    body: tuple[Row, ...]
    notes: tuple[str, ...]

    def head_places(self) -> list[tuple[int, int, Cell]]:
        """Each header cell with the grid row and column it starts at: a cell goes right of
        those before it in its row, past the places a cell above spans down into."""
        placed, taken = [], set()
        for i, cells in enumerate(self.head):
            j = 0
            for cell in cells:
                while (i, j) in taken:
                    j += 1
                placed.append((i, j, cell))
                taken |= {(i + r, j + c) for r in range(cell.rows) for c in range(cell.span)}
                j += cell.span
        return placed


@dataclass(frozen=True)
class Paragraph:
    """A piece of text: section or subsection heading, paragraph or footnote."""

    kind: str  # section | subsection | paragraph | footnote
    text: str


@dataclass(frozen=True)
class Chart:
    """A figure: what to draw (kind, colours, axis title in ``spec``), its caption and data
    (taken from the document's own history and tables)."""

    spec: ChartSpec
    caption: str
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[float | None, ...]], ...]


@dataclass(frozen=True)
class Cover:
    """The cover: title, subtitle (the span, and the --force note of a forced report),
    issuer, date, source, the notes on units and conventions, and the contents: each entry's
    words and the part it names (``text``, ``table:N``, ``charts``, ``history``), which a
    format turns into its own places (the workbook: a sheet and its first page)."""

    title: str
    subtitle: str
    issuer: str
    date: str
    contents_heading: str
    source: str
    notes: tuple[str, ...] = ()
    contents: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class History:
    """The monthly history: its title and note, two header rows (a group's name over its
    first column, None over the rest), one row per month (the month, then the figures of
    ``engine.history.COLUMNS``; None where undefined) and the figures' number format."""

    title: str
    note: str
    head: tuple[tuple[Value, ...], ...]
    rows: tuple[tuple[Value, ...], ...]
    format: str


@dataclass(frozen=True)
class ReportDocument:
    """The whole report: cover, body (paragraphs and tables in reading order), figures."""

    lang: str
    period: str
    cover: Cover
    body: tuple[Paragraph | Table, ...]
    figures_heading: str
    charts: tuple[Chart, ...]
    page_of: tuple[str, str, str]  # the footer's words around the page number and count
    scope: Scope | None = None  # the product scope (its words are in the text; its colours)
    charts_title: str = ""  # the heading over the charts where they have a page of their own
    history: History | None = None
    spans: int = 2  # the span groups the tables show (1: the January–February issue)
    top: int = 10  # the ranked places of tables 4–7

    @property
    def sections(self) -> list[str]:
        return [p.text for p in self.body if isinstance(p, Paragraph) and p.kind == "section"]

    @property
    def tables(self) -> list[Table]:
        return [t for t in self.body if isinstance(t, Table)]


def table_of(engine: Engine, no: int, period: str, words: dict, products: str, body=None) -> Table:
    """Table ``no`` for one period in its edition's shape: its span groups, its ranked places
    (``settings.top_n``; places the data cannot fill stay as empty rows). ``words`` are the
    edition's period words, ``products`` the product list of the notes; ``body`` the table's
    figures where already computed (``compute_tables``), else they are computed here."""
    spec, edition = SPECS[no], engine.edition(period)
    number = edition.words["number_format"]
    tw = table_words(spec, edition, words)
    spans = edition.spans
    groups = [Cell(span_header(s, words), span=3 if spec.kind != "overview" else 2) for s in spans]
    if spec.kind == "overview":
        names = (tw.value_header, tw.yoy_header)
        head = ((Cell(""), *groups), (Cell(""), *[Cell(h) for h in names * len(spans)]))
    elif spec.kind == "composition":
        names = (tw.value_header, tw.share_header, tw.yoy_header)
        head = ((Cell(tw.name_header, rows=2), *groups), tuple(Cell(h) for h in names * len(spans)))
    else:
        names = (tw.name_header, tw.value_header, tw.yoy_header)
        head = (tuple(groups), tuple(Cell(h) for h in names * len(spans)))
    body = compute_table(engine, no, period) if body is None else body
    rows: list[Row] = []
    if spec.kind in ("overview", "composition"):
        keys = ("value", "yoy") if spec.kind == "overview" else ("value", "share", "yoy")
        rows = [Row(tuple(_group(r["label"], [r[s][k] for s in spans for k in keys], number))) for r in body]
    else:
        labels = edition.words["labels"]
        if spec.regions:
            rows.append(Row((Cell(labels["region_section"]),), section=True))
            for r in body["regions"]:
                cells = (c for s in spans for c in _group(r["label"], [r[s]["value"], r[s]["yoy"]], number))
                rows.append(Row(tuple(cells)))
            rows.append(Row((Cell(labels["top_section"].format(top=engine.settings.top_n)),), section=True))
        for i in range(engine.settings.top_n):
            rows.append(Row(tuple(c for s in spans for c in _place(body[s], i, number))))
    notes = notes_of(spec, edition, words, engine.settings.net_yoy, products)
    columns = sum(c.span for c in head[0])
    return Table(no, spec.kind, tw.title, columns, head, tuple(rows), tuple(notes))


def _figure(value: float | None, number: str) -> Cell:
    if value is None or value != value:
        return Cell(DASH)
    return Cell(float(value), number)


def _group(label: Value, numbers: list[float | None], number: str) -> list[Cell]:
    return [Cell(label), *(_figure(n, number) for n in numbers)]


def _place(entries: list[dict], i: int, number: str) -> list[Cell]:
    """Place ``i`` of a ranking in one span group; empty where fewer keys than places."""
    if i >= len(entries):
        return [Cell(None), Cell(None, number), Cell(None, number)]
    e = entries[i]
    return _group(e["label"], [e["value"], e["yoy"]], number)
