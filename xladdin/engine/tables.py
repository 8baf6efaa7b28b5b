"""The report's seven tables, described as data and computed by one function per kind.

A table is a ``TableSpec``: its kind (overview, composition, ranking), flow, dimension and
which notes it carries. Its words (title, headers, notes) are in the word set of the
edition's language (``words/<lang>.toml``), so an English edition is another set of words.
``compute_tables`` returns the JSON-able result the CLI prints and the renderer lays out;
a span the edition does not show (the month, in the January–February issue) is ``None``
(rankings: an empty list).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from xladdin.engine.editions import Edition
from xladdin.engine.metrics import Engine, Figure
from xladdin.errors import XladdinError

SPANS = ("month", "ytd")


@dataclass(frozen=True)
class TableSpec:
    """What one table shows; ``notes`` are keys of the word set's ``[notes]`` table."""

    no: int
    kind: str  # overview | composition | ranking
    flow: str | None = None
    dim: str | None = None
    regions: bool = False
    notes: tuple[str, ...] = ()
    source_line: bool = False

    @property
    def value_key(self) -> str:
        return self.flow or "total"


TABLES: tuple[TableSpec, ...] = (
    TableSpec(1, "overview", source_line=True),
    TableSpec(2, "composition", flow="export", dim="product", notes=("share", "products")),
    TableSpec(3, "composition", flow="import", dim="product"),
    TableSpec(4, "ranking", flow="export", dim="partner", regions=True, notes=("order", "partner_scope")),
    TableSpec(5, "ranking", flow="import", dim="partner", regions=True, notes=("order", "partner_scope")),
    TableSpec(6, "ranking", flow="export", dim="province", notes=("province",)),
    TableSpec(7, "ranking", flow="import", dim="province", notes=("province",)),
)
SPECS = {spec.no: spec for spec in TABLES}


@dataclass(frozen=True)
class TableWords:
    """The words of one table in one edition and period."""

    title: str
    name_header: str
    value_header: str
    yoy_header: str
    share_header: str


def table_words(spec: TableSpec, edition: Edition, words: dict) -> TableWords:
    """Title and headers of a table; ``words`` are the edition's period words."""
    ws = edition.words
    return TableWords(ws["titles"][str(spec.no)].format(**words),
                      ws["headers"]["name"].get(spec.dim or "", ""),
                      ws["headers"]["value"][spec.value_key],
                      ws["headers"]["yoy"], ws["headers"]["share"])


def span_header(span: str, words: dict) -> str:
    return str(words["month_header"] if span == "month" else words["ytd_header"])


def _pair(figure: Figure, unit: float, share: bool = False) -> dict[str, float | None]:
    out: dict[str, float | None] = {"value": figure.value / unit}
    if share:
        out["share"] = figure.share
    out["yoy"] = figure.yoy
    return out


def _overview(engine: Engine, spec: TableSpec, period: str) -> list[dict]:
    unit = engine.settings.unit
    spans = engine.edition(period).spans
    labels = engine.edition(period).words["labels"]["overview"]
    rows = []
    for key in ("total", "export", "import", "net"):
        cells: dict[str, dict | None] = dict.fromkeys(SPANS)
        for span in spans:
            if key == "net":
                value, change = engine.net(period, span)
                cells[span] = {"value": value / unit, "yoy": change}
                continue
            if key == "total":
                exp, imp = engine.total("export", period, span), engine.total("import", period, span)
                figure = Figure(exp.value + imp.value, exp.prior + imp.prior)
            else:
                figure = engine.total(key, period, span)
            cells[span] = _pair(figure, unit)
        if cells["month"] is not None:  # 环比: the month only
            cells["month"]["mom"] = engine.month_on_month(key, period)
        rows.append({"key": key, "label": labels[key], **cells})
    return rows


def _composition(engine: Engine, spec: TableSpec, period: str) -> list[dict]:
    unit = engine.settings.unit
    spans = engine.edition(period).spans
    keys = list(engine.reference.product_names) if spec.dim == "product" else \
        list(engine.breakdown(spec.flow, spec.dim, period, spans[0]).index)
    rows = []
    for key in keys:
        cells = {span: _pair(engine.figure(spec.flow, period, span, spec.dim, key), unit, True)
                 if span in spans else None for span in SPANS}
        rows.append({"key": key, "label": engine.label(spec.dim, key), **cells})
    rows.sort(key=lambda r: (-r[spans[0]]["value"], r["key"]))
    return rows


def _ranking(engine: Engine, spec: TableSpec, period: str) -> dict:
    unit = engine.settings.unit
    spans = engine.edition(period).spans
    out: dict[str, list] = {}
    if spec.regions:
        out["regions"] = [
            {"key": region, "label": engine.label("region", region),
             **{span: _pair(engine.figure(spec.flow, period, span, "region", region), unit)
                if span in spans else None for span in SPANS}}
            for region in engine.settings.regions]
    for span in SPANS:
        if span not in spans:
            out[span] = []
            continue
        top = engine.ranking(spec.flow, spec.dim, period, span)
        out[span] = [
            {"rank": int(rank), "key": str(key), "label": engine.label(spec.dim, str(key)),
             "value": float(value) / unit, "yoy": None if yoy != yoy else float(yoy)}
            for rank, key, value, yoy in zip(top["rank"], top["key"], top["value"], top["yoy"])]
    return out


_KINDS = {"overview": _overview, "composition": _composition, "ranking": _ranking}


def compute_table(engine: Engine, no: int, period: str):
    spec = SPECS[no]
    body = _KINDS[spec.kind](engine, spec, period)
    check_finite(no, body)
    return body


def check_finite(no: int, body, where: str = "") -> None:
    """Every figure of a table is a finite number. A sum beyond the largest float (about
    1.8e308) becomes infinity, and infinity minus infinity NaN: JSON cannot hold them and the
    text would state 'inf'. Refuse before anything is printed or drafted, naming the figure."""
    if isinstance(body, dict):
        place = f"{where}, {body['label']}" if "label" in body else where
        for key, value in body.items():
            if isinstance(value, float) and not math.isfinite(value):
                raise XladdinError(f"table {no}{place}, {key}: the figure is {value} (a sum too large "
                                   "to be a number); check the 美元 column for a mistyped value")
            if key in SPANS and value is not None:
                check_finite(no, value, f"{place} ({'the month' if key == 'month' else 'year to date'})")
            elif isinstance(value, (dict, list)):
                check_finite(no, value, place)
    elif isinstance(body, list):
        for item in body:
            check_finite(no, item, where)


def compute_tables(engine: Engine, period: str, numbers: tuple[int, ...] | None = None) -> dict:
    """All tables for a period, in the CLI's JSON shape (values in 亿美元, % unrounded)."""
    edition = engine.edition(period)
    tables = {str(no): compute_table(engine, no, period) for no in (numbers or SPECS)}
    return {"period": period, "lang": edition.lang,
            "edition": "jan-feb" if edition.combined else "monthly",
            "unit": edition.words["unit"], "net_yoy": engine.settings.net_yoy,
            "scope": engine.scope.id, "tables": tables}


def table_notes(spec: TableSpec, engine: Engine, period: str) -> list[str]:
    """A table's notes with the period, settings and reference filled in."""
    edition = engine.edition(period)
    return notes_of(spec, edition, edition.period_words(period, engine.settings.top_n),
                    engine.settings.net_yoy, product_list(engine, edition))


def product_list(engine: Engine, edition: Edition) -> str:
    """'存储器（854232）、…' in the edition's words."""
    ws = edition.words
    return ws["list_separator"].join(ws["product_item"].format(name=engine.label("product", code), code=code)
                                     for code in engine.reference.product_names)


def notes_of(spec: TableSpec, edition: Edition, words: dict, net_yoy: str, products: str) -> list[str]:
    """The notes under a table (also used to size the template's note rows)."""
    notes_words = edition.words["notes"]
    value = edition.words["headers"]["value"][spec.value_key]
    notes = []
    if spec.source_line:
        notes.append(notes_words["source"])
    if spec.kind == "overview":
        notes.append(notes_words[net_yoy].format(**words))
    for key in spec.notes:
        notes.append(notes_words[key].format(value=value, products=products, **words))
    return notes
