"""The report as a document, apart from any file format.

Cover, text (headings, paragraphs, footnotes), each table after the paragraphs that discuss
it, and the figures with their data: what a reader sees, in the edition's own shape (its span
groups, its ranked places, its language). Writers for a format (the Word edition) read only
this; none of them needs defined names, merged-cell conventions or the workbook's layout.

The document is made from the edition's own blocks of the render plan (``build_plan`` with
the edition's span groups), turned once, here, into explicit structure: header cells with
their spans, typed body cells, section rows, chart series.
"""

from __future__ import annotations

from dataclasses import dataclass

from xladdin.engine.editions import word_set
from xladdin.engine.metrics import Engine
from xladdin.report.figures import ChartSpec, charts, words
from xladdin.report.layout import TableLayout, layouts
from xladdin.report.narrative import slots as text_layout
from xladdin.report.render import DASH, TEXT, Plan, Publication, build_plan

Value = str | float | int | None


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


@dataclass(frozen=True)
class Paragraph:
    """A piece of text: section or subsection heading, paragraph or footnote."""

    kind: str  # section | subsection | paragraph | footnote
    text: str


@dataclass(frozen=True)
class Chart:
    """A figure: what to draw (kind, colours, axis title in ``spec``), its caption and data."""

    spec: ChartSpec
    caption: str
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[float | None, ...]], ...]


@dataclass(frozen=True)
class Cover:
    title: str
    subtitle: str
    issuer: str
    date: str
    contents_heading: str
    source: str


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

    @property
    def sections(self) -> list[str]:
        return [p.text for p in self.body if isinstance(p, Paragraph) and p.kind == "section"]

    @property
    def tables(self) -> list[Table]:
        return [t for t in self.body if isinstance(t, Table)]


def report_document(engine: Engine, period: str, publication: Publication | None = None,
                    forced: tuple[str, ...] = ()) -> ReportDocument:
    """The report for one period in its edition's shape."""
    edition = engine.edition(period)
    plan = build_plan(engine, period, publication, forced)  # the edition's own span groups
    tables = [_table(plan, layout) for layout in
              layouts(edition.lang, len(edition.spans), engine.settings.top_n).values()]
    cover_words = word_set(plan.lang)["cover"]
    text = lambda name: str(plan.block(name).values[0][0])  # noqa: E731
    cover = Cover(text("COVER_TITLE"), text("COVER_SUBTITLE"), text("COVER_ISSUER"),
                  text("COVER_DATE"), cover_words["contents"], cover_words["source"])
    figure_words = words(plan.lang)
    figures = tuple(Chart(spec, figure_words["caption"].format(n=n, title=spec.title), *_series(plan, spec))
                    for n, spec in enumerate(charts(plan.lang), start=1))
    return ReportDocument(plan.lang, period, cover, _body(plan, tables), figure_words["word_heading"],
                          figures, tuple(cover_words["page_of"]))


def _body(plan: Plan, tables: list[Table]) -> tuple[Paragraph | Table, ...]:
    """The text's pieces in order, each table after the paragraphs of its part (a subsection,
    or a section without subsections), as the published report places them."""
    items = [str(row[0] or "") for row in plan.block("TEXT_BODY").values]
    kinds = text_layout(plan.lang)
    if len(kinds) != len(items):
        raise ValueError("the text block does not match the text layout")
    out: list[Paragraph | Table] = []
    queue = iter(tables)
    for i, (text, kind) in enumerate(zip(items, kinds)):
        out.append(Paragraph(kind, text))
        ends_part = i + 1 == len(items) or kinds[i + 1] in ("section", "subsection")
        if ends_part and kind != "section":
            out.append(next(queue))
    return tuple(out)


def _table(plan: Plan, layout: TableLayout) -> Table:
    """One table from its blocks: the header's empty cells become spans, empty body rows
    (places a short ranking leaves unfilled) are left out."""
    width = layout.columns
    head_rows = [list(r) + [None] * (width - len(r)) for r in plan.block(layout.name("HEAD")).values]
    top, second = head_rows[0], head_rows[1]
    head0, head1 = [], []
    j = 0
    while j < width:  # a header cell followed by empty ones spans them
        k = j + 1
        while k < width and top[k] is None:
            k += 1
        tall = k - j == 1 and second[j] is None  # the name column's header spans both rows
        head0.append(Cell(top[j], span=k - j, rows=2 if tall else 1))
        if k - j > 1 or not tall:
            head1 += [Cell(v) for v in second[j:k]]
        j = k
    body = plan.block(layout.name("BODY"))
    rows = []
    for values, formats in zip(body.values, body.formats):
        if not any(v not in (None, "") for v in values):
            continue
        if values[0] and all(v is None for v in values[1:]):
            rows.append(Row((Cell(values[0]),), section=True))
        else:
            rows.append(Row(tuple(Cell(v, f) for v, f in zip(values, formats))))
    notes = tuple(str(n[0]) for n in plan.block(layout.name("NOTES")).values if n and n[0]) \
        if layout.note_rows else ()
    title = str(plan.block(layout.name("TITLE")).values[0][0])
    return Table(layout.no, layout.spec.kind, title, width, (tuple(head0), tuple(head1)), tuple(rows), notes)


def _series(plan: Plan, spec: ChartSpec) -> tuple[tuple[str, ...], tuple]:
    """A chart's categories and series from the plan's blocks, as the workbook chart reads them
    (a YoY chart from its first month with a figure)."""
    rows = plan.block(spec.block).values
    first = spec.first - 1
    rows = rows[first:] if spec.count is None else rows[first:first + spec.count]
    rows = [r for r in rows if r and r[0] not in (None, "")]
    if spec.from_first_value:
        start = next((i for i, r in enumerate(rows)
                      if any(isinstance(r[col - 1], (int, float)) for col, _ in spec.series)), 0)
        rows = rows[start:]
    categories = tuple(str(r[spec.categories - 1]) for r in rows)
    numbers = tuple((title, tuple(r[col - 1] if isinstance(r[col - 1], (int, float)) else None for r in rows))
                    for col, title in spec.series)
    return categories, numbers
