"""The report's seven tables, described as data and computed by one function per kind.

A table is a ``TableSpec``: its kind (overview, composition, ranking), flow, dimension and
its words. A new table is one more spec; an English edition is another set of words.
``compute_tables`` returns the JSON-able result the CLI prints and the renderer lays out.
"""

from __future__ import annotations

from dataclasses import dataclass

from xladdin.engine.metrics import Engine, Figure
from xladdin.engine.periods import year_month

UNIT_LABEL = "亿美元"


@dataclass(frozen=True)
class TableSpec:
    """What one table shows; text fields are formatted with ``period_words``."""

    no: int
    kind: str  # overview | composition | ranking
    title: str
    flow: str | None = None
    dim: str | None = None
    name_header: str = ""
    value_header: str = ""
    regions: bool = False
    notes: tuple[str, ...] = ()
    source_line: bool = False


_ORDER_NOTE = "注：排名前{top}地区按照{value}大小由上（最大）向下（最小）排列。"
_PROVINCE_NOTE = ("注：表中省市按照{value}大小由上（最大）向下（最小）排列，受限于版面仅汇报{value}"
                  "排名前{top}省市的情况。")
_PARTNER_SCOPE = ("东盟、欧盟为按{year}年{month}月成员计算的合计（当年与上年同口径）；排名不含中国"
                  "（复进口）、国（地）别不详、联合国及机构和国际组织、中性包装原产国别及各洲其他国家（地区）。")

TABLES: tuple[TableSpec, ...] = (
    TableSpec(1, "overview", "表1：{year}年{month}月中国芯片产品贸易进出口概况（亿美元）",
              value_header="绝对值", source_line=True),
    TableSpec(2, "composition", "表2：{year}年{month}月中国芯片分产品出口情况（亿美元）",
              flow="export", dim="product", name_header="产品", value_header="出口额",
              notes=("注：1. 表中占比为该类产品贸易额占全部芯片产品贸易额比重，下文同。",
                     "2. 芯片产品分类及对应的HS编码为：{products}。")),
    TableSpec(3, "composition", "表3：{year}年{month}月中国芯片分产品进口情况（亿美元）",
              flow="import", dim="product", name_header="产品", value_header="进口额"),
    TableSpec(4, "ranking", "表4：{year}年{month}月中国主要芯片产品贸易出口目的地（亿美元）",
              flow="export", dim="partner", name_header="区域", value_header="出口额",
              regions=True, notes=(_ORDER_NOTE, _PARTNER_SCOPE)),
    TableSpec(5, "ranking", "表5：{year}年{month}月中国前十大芯片产品贸易进口来源地（亿美元）",
              flow="import", dim="partner", name_header="区域", value_header="进口额",
              regions=True, notes=(_ORDER_NOTE, _PARTNER_SCOPE)),
    TableSpec(6, "ranking", "表6：{year}年{month}月中国芯片产品分省出口情况（亿美元）",
              flow="export", dim="province", name_header="省市", value_header="出口额",
              notes=(_PROVINCE_NOTE,)),
    TableSpec(7, "ranking", "表7：{year}年{month}月中国芯片产品分省进口情况（亿美元）",
              flow="import", dim="province", name_header="省市", value_header="进口额",
              notes=(_PROVINCE_NOTE,)),
)
SPECS = {spec.no: spec for spec in TABLES}

OVERVIEW_LABELS = {"total": "进出口总额", "export": "出口额", "import": "进口额",
                   "net": "净出口额（亿美元）"}
REGION_SECTION, TOP_SECTION = "重点区域", "排名前{top}地区"
YOY_HEADER, SHARE_HEADER = "同比变化（%）", "占比（%）"
SOURCE_LINE = "数据来源：中国海关总署，下文同。"
NET_NOTES = {
    "net_import_pct": "注：净出口额同比变化为净进口额（进口额减出口额）的同比增长率（%），即{year}年"
                      "{month}月（或{ytd}）净进口额相对{prior_year}年同期的增长率。",
    "abs_diff": "注：净出口额同比变化为绝对额数据（亿美元），即{year}年{month}月（或{ytd}）的净出口额"
                "减去{prior_year}年{month}月（或{ytd}）的净出口额。",
}


def period_words(period: str, top: int = 10) -> dict[str, object]:
    """The words a period puts in titles and headers: 7月当月, 1至7月累计 (January: 1月累计)."""
    year, month = year_month(period)
    ytd_range = "1月" if month == 1 else f"1-{month}月"
    return {
        "year": year, "month": month, "prior_year": year - 1, "top": top,
        "month_header": f"{month}月当月",
        "ytd_header": "1月累计" if month == 1 else f"1至{month}月累计",
        "ytd": ytd_range,
    }


def _pair(figure: Figure, unit: float, share: bool = False) -> dict[str, float | None]:
    out: dict[str, float | None] = {"value": figure.value / unit}
    if share:
        out["share"] = figure.share
    out["yoy"] = figure.yoy
    return out


def _overview(engine: Engine, spec: TableSpec, period: str) -> list[dict]:
    unit = engine.settings.unit
    rows = []
    for key in ("total", "export", "import", "net"):
        cells = {}
        for span in ("month", "ytd"):
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
        rows.append({"key": key, "label": OVERVIEW_LABELS[key], **cells})
    return rows


def _composition(engine: Engine, spec: TableSpec, period: str) -> list[dict]:
    unit = engine.settings.unit
    keys = list(engine.reference.product_names) if spec.dim == "product" else \
        list(engine.breakdown(spec.flow, spec.dim, period, "month").index)
    rows = []
    for key in keys:
        cells = {span: _pair(engine.figure(spec.flow, period, span, spec.dim, key), unit, True)
                 for span in ("month", "ytd")}
        rows.append({"key": key, "label": engine.model.label(spec.dim, key, engine.reference), **cells})
    rows.sort(key=lambda r: (-r["month"]["value"], r["key"]))
    return rows


def _ranking(engine: Engine, spec: TableSpec, period: str) -> dict:
    unit = engine.settings.unit
    out: dict[str, list] = {}
    if spec.regions:
        out["regions"] = [
            {"key": region, "label": engine.reference.label("region", region),
             **{span: _pair(engine.figure(spec.flow, period, span, "region", region), unit)
                for span in ("month", "ytd")}}
            for region in engine.settings.regions]
    for span in ("month", "ytd"):
        top = engine.ranking(spec.flow, spec.dim, period, span)
        out[span] = [
            {"rank": int(rank), "key": str(key),
             "label": engine.model.label(spec.dim, str(key), engine.reference),
             "value": float(value) / unit, "yoy": None if yoy != yoy else float(yoy)}
            for rank, key, value, yoy in zip(top["rank"], top["key"], top["value"], top["yoy"])]
    return out


_KINDS = {"overview": _overview, "composition": _composition, "ranking": _ranking}


def compute_table(engine: Engine, no: int, period: str):
    spec = SPECS[no]
    return _KINDS[spec.kind](engine, spec, period)


def compute_tables(engine: Engine, period: str, numbers: tuple[int, ...] | None = None) -> dict:
    """All tables for a period, in the CLI's JSON shape (values in 亿美元, % unrounded)."""
    tables = {str(no): compute_table(engine, no, period) for no in (numbers or SPECS)}
    return {"period": period, "unit": UNIT_LABEL, "net_yoy": engine.settings.net_yoy, "tables": tables}


def table_notes(spec: TableSpec, engine: Engine, period: str) -> list[str]:
    """A table's notes with the period, settings and reference filled in."""
    words = period_words(period, engine.settings.top_n)
    products = "、".join(f"{name}（{code}）" for code, name in engine.reference.product_names.items())
    notes = []
    if spec.source_line:
        notes.append(SOURCE_LINE)
    if spec.kind == "overview":
        notes.append(NET_NOTES[engine.settings.net_yoy].format(**words))
    for note in spec.notes:
        notes.append(note.format(value=spec.value_header, products=products, **words))
    return notes
