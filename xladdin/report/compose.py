"""The report document of one period, put together: its tables from the engine
(``document.table_of``), its cover, text and figures from the edition's words and figures as
the render plan holds them for the edition's own span groups."""

from __future__ import annotations

from xladdin.engine.editions import word_set
from xladdin.engine.metrics import Engine
from xladdin.engine.tables import SPECS, product_list
from xladdin.report.charts import ChartSpec, charts, words
from xladdin.report.document import Chart, Cover, Paragraph, ReportDocument, Table, table_of
from xladdin.report.narrative import text_row_kinds
from xladdin.report.render import Plan, Publication, build_plan


def report_document(engine: Engine, period: str, publication: Publication | None = None,
                    forced: tuple[str, ...] = ()) -> ReportDocument:
    """The report for one period in its edition's shape (span groups, ranked places, language)."""
    edition = engine.edition(period)
    plan = build_plan(engine, period, publication, forced)  # the edition's own span groups
    period_words = edition.period_words(period, engine.settings.top_n)
    products = product_list(engine, edition)
    tables = [table_of(engine, no, period, period_words, products) for no in SPECS]
    cover_words = word_set(plan.lang, plan.scope)["cover"]

    def text(name: str) -> str:
        return str(plan.block(name).values[0][0])

    cover = Cover(text("COVER_TITLE"), text("COVER_SUBTITLE"), text("COVER_ISSUER"),
                  text("COVER_DATE"), cover_words["contents"], cover_words["source"])
    figure_words = words(plan.lang, plan.scope)
    figures = tuple(Chart(spec, figure_words["caption"].format(n=n, title=spec.title), *_series(plan, spec))
                    for n, spec in enumerate(charts(plan.lang, plan.scope), start=1))
    return ReportDocument(plan.lang, period, cover, _body(plan, tables), figure_words["word_heading"],
                          figures, tuple(cover_words["page_of"]), plan.scope)


def _body(plan: Plan, tables: list[Table]) -> tuple[Paragraph | Table, ...]:
    """The text's pieces in order, each table after the paragraphs of its part (a subsection,
    or a section without subsections), as the published report places them."""
    items = [str(row[0] or "") for row in plan.block("TEXT_BODY").values]
    kinds = text_row_kinds(plan.lang)
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
