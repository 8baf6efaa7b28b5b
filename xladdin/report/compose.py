"""The report document of one period, put together once from the engine: its cover, its text
(``narrative.draft``), its tables (``document.table_of``, each computed once), its monthly
history and its charts, each chart carrying its data taken from the document's own history
and tables. Every format is written from this document by its own writer: the workbook's
render plan (``render.plan_of``), the Word edition and its PDF."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from xladdin.engine.editions import Edition
from xladdin.engine.history import COLUMNS
from xladdin.engine.metrics import Engine
from xladdin.engine.setting_cells import DEFAULT_ISSUER
from xladdin.engine.tables import SPECS, compute_tables, product_list
from xladdin.report.charts import HISTORY, ChartSpec, charts, history_head, history_rows, words
from xladdin.report.document import Chart, Cover, History, Paragraph, ReportDocument, Table, table_of
from xladdin.report.narrative import PHRASES, draft, text_row_kinds


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


def report_document(engine: Engine, period: str, publication: Publication | None = None,
                    forced: tuple[str, ...] = ()) -> ReportDocument:
    """The report for one period in its edition's shape (span groups, ranked places, language).

    ``forced``: the audit's errors a report was made despite (--force); the cover says so,
    so such a report is never mistaken for a clean one."""
    publication = publication or Publication.of()
    edition = engine.edition(period)
    lang, top = edition.lang, engine.settings.top_n
    period_words = edition.period_words(period, top)
    result = compute_tables(engine, period)  # every table once: the text and the tables read it
    products = product_list(engine, edition)
    tables = [table_of(engine, no, period, period_words, products, result["tables"][str(no)]) for no in SPECS]
    codes = {code: engine.label("product", code) for code in engine.reference.product_names}
    # a span the edition does not show keeps its paragraphs' places, empty (the workbook's
    # text sheet has a row for each; the Word edition skips them)
    items = draft(result, lang=lang, product_codes=codes, keep_empty=True, scope=engine.scope)
    body = _body([Paragraph(item.kind, item.text) for item in items], tables, lang)

    w, figure_words = edition.words, words(lang, edition.scope)
    history = history_rows(engine)
    history_part = History(figure_words["title"], figure_words["note"],
                           tuple(tuple(row) for row in history_head(lang)),
                           tuple(tuple(row) for row in history), w["number_format"])
    cover = _cover(engine, edition, period_words, publication, forced, tables, history)
    specs = charts(lang, engine.scope, top)
    figures = tuple(Chart(spec, figure_words["caption"].format(n=n, title=spec.title),
                          *_data(spec, history_part, tables))
                    for n, spec in enumerate(specs, start=1))
    return ReportDocument(lang, period, cover, body, figure_words["word_heading"], figures,
                          tuple(w["cover"]["page_of"]), engine.scope,
                          charts_title=figure_words["charts_title"], history=history_part,
                          spans=len(edition.spans), top=top)


def _cover(engine: Engine, edition: Edition, period_words: dict, publication: Publication,
           forced: tuple[str, ...], tables: list[Table], history: list[list]) -> Cover:
    """The cover's words, its notes and its contents (each entry with the part it names)."""
    w = edition.words
    cover = w["cover"]
    issuer, published = publication.in_words(w)
    sections = [heading for heading, _ in PHRASES[edition.lang]["sections"]]
    sheets, figure_words = w["sheets"], words(edition.lang, edition.scope)
    # data held only as ranges (the 1-2月 issue from a download without months) has no monthly history
    first, last = (history[0][0], history[-1][0]) if history else ("—", "—")
    contents = [(cover["contents_text"].format(sheet=sheets["text"], first=sections[0], last=sections[-1]),
                 "text"),
                *((table.title, f"table:{table.no}") for table in tables),
                (figure_words["charts_contents"].format(sheet=sheets["charts"]), "charts"),
                (figure_words["history_contents"].format(sheet=sheets["history"], first=first, last=last),
                 "history")]
    notes = (str(period_words["cover_period"]), cover["unit"],
             w["notes"][engine.settings.net_yoy].format(**period_words), cover["dash"])
    subtitle = cover["subtitle"].format(**period_words)
    subtitle += cover["forced"].format(n=len(forced)) if forced else ""
    return Cover(cover["title"], subtitle, issuer, published, cover["contents"], cover["source"],
                 notes, tuple(contents))


def _body(paragraphs: list[Paragraph], tables: list[Table], lang: str) -> tuple[Paragraph | Table, ...]:
    """The text's pieces in order, each table after the paragraphs of its part (a subsection,
    or a section without subsections), as the published report places them."""
    kinds = text_row_kinds(lang)
    if [p.kind for p in paragraphs] != kinds:
        raise ValueError("the drafted text does not match the text layout")
    out: list[Paragraph | Table] = []
    queue = iter(tables)
    for i, (paragraph, kind) in enumerate(zip(paragraphs, kinds)):
        out.append(paragraph)
        ends_part = i + 1 == len(paragraphs) or kinds[i + 1] in ("section", "subsection")
        if ends_part and kind != "section":
            out.append(next(queue))
    return tuple(out)


def _number(value) -> float | None:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _data(spec: ChartSpec, history: History, tables: list[Table]) -> tuple[tuple[str, ...], tuple]:
    """A chart's categories and series, by what it shows: months and columns of the history
    (a YoY chart from its first month with a figure), or a table's names and the values of
    its first span group (a ranking's top places, as many as the chart shows)."""
    if spec.table == HISTORY:
        at = [1 + COLUMNS.index(what) for what, _ in spec.series]
        rows = list(history.rows)
        if spec.from_first_value:
            start = next((i for i, r in enumerate(rows) if any(_number(r[c]) is not None for c in at)), 0)
            rows = rows[start:]
        categories = tuple(str(r[0]) for r in rows)
        return categories, tuple((title, tuple(_number(r[c]) for r in rows))
                                 for (_, title), c in zip(spec.series, at))
    table = next(t for t in tables if t.no == spec.table)
    rows = list(table.body)
    if table.kind == "ranking":  # the places after the last section row (regions come first)
        start = max((i + 1 for i, r in enumerate(rows) if r.section), default=0)
        rows = rows[start:start + spec.places]
    # a row is a name, then each span group's figures: the first span's value comes next
    rows = [r for r in rows if not r.section and r.cells[0].value not in (None, "")]
    categories = tuple(str(r.cells[0].value) for r in rows)
    values = tuple(_number(r.cells[1].value) for r in rows)
    return categories, tuple((title, values) for _, title in spec.series)
