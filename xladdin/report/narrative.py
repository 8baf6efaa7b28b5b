"""The report's text, drafted from the tables: sections, headings and paragraphs.

The words are data: ``PHRASES`` holds one set per language (a ``zh`` set in the published
report's register), and the code only picks the figures and fills the phrases. Every figure
printed comes from the ``compute_tables`` result the tables are rendered from, and each
paragraph records which table cell each figure is (a ``Fact``), so ``check`` can parse the
text back and confirm every printed figure equals the table's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from xladdin.engine.editions import filled
from xladdin.engine.periods import year_month
from xladdin.engine.scope import Scope, load_scope
from xladdin.errors import XladdinError

LEAD = 3  # how many products, partners and provinces the text names

PHRASES: dict[str, dict] = {
    "zh": {
        "month": "{year}年{month}月",
        "ytd": "{year}年1-{month}月",
        "money": "{v}亿美元",
        "pct": "{v}%",
        "up": "同比增长{v}%",
        "down": "同比下降{v}%",
        "flat": "与上年同期持平",
        "no_yoy": "上年同期无可比数据",
        "list_no_yoy": "无可比数据",
        "join": "、",
        "last_join": "和",
        "each": {"many": "分别为", "one": "为"},
        "yoy_list": "同比增速{each}{items}",
        "count": {1: "最大", 2: "前两大", 3: "前三大"},
        "tie": "（{names}并列第{rank}）",
        "ordinal": {1: "一", 2: "二", 3: "三"},
        "flow": {"export": "出口", "import": "进口"},
        "cumulative": {"month": "", "ytd": "累计"},
        "net": {"month": "当月", "ytd": "累计"},
        "net_word": {"export": "净出口", "import": "净进口"},
        "overview": ("{when}，中国«goods»{scope}贸易{cum}进出口{total}，{total_yoy}。其中，出口{export}，"
                     "{export_yoy}；进口{import}，{import_yoy}。{net_when}{net_word}{net}。"),
        "scope": {"month": "（即：HS编码«hs»的商品）", "ytd": ""},
        "products": ("{when}，中国{count}{flow}«goods»{mark}为{names}{tie}，{cum}{flow}{values}，"
                     "占全部«goods»{flow}比重{shares}，{yoys}。"),
        "partners": ("{when}，中国{prep}{regions}地区{flow}«goods»{region_values}，{region_yoys}；"
                     "中国«goods»{count}{flow}贸易伙伴为{names}{tie}，{flow}{values}，{yoys}。"),
        "prep": {"export": "向", "import": "从"},
        "provinces": "{when}，中国{count}«goods»{flow}{place}为{names}{tie}，{flow}{values}，{yoys}。",
        "place": {"first": "省/直辖市（下文简称“省市”）", "other": "省市"},
        "footnote_mark": "¹",
        "footnote": "¹ 本报告中«goods»分类及对应的HS编码为：{products}。",
        "product_code": "{name}（{code}）",
        "sections": (
            ("一、贸易总体情况", (("", "overview"),)),
            ("二、产品结构情况", (("（一）出口产品结构", "products:export"),
                                 ("（二）进口产品结构", "products:import"))),
            ("三、区域分布及变化情况", (("（一）出口区域分布及变化", "partners:export"),
                                       ("（二）进口区域分布及变化", "partners:import"))),
            ("四、分省变化情况", (("（一）出口变化", "provinces:export"),
                                 ("（二）进口变化", "provinces:import"))),
        ),
        # how check() reads a figure back: signs said in words, and figures said without digits
        "negative_words": ("下降",),
        "zero_words": ("持平",),
        "undefined_words": ("无可比数据",),
    },
    "en": {
        # English names each leader with its own figures, "memories (US$8.53 billion, 47.6% of
        # the total, up 44.8% year on year)", rather than parallel lists and "respectively";
        # money in US$ billion with two decimals (the tables keep USD 100 million, and say so)
        "month_names": ("January", "February", "March", "April", "May", "June", "July", "August",
                        "September", "October", "November", "December"),
        "thousands": True,
        "entries": True,
        "money_scale": 0.1,  # USD 100 million → US$ billion
        "money_decimals": 2,
        "lower_products": True,  # product names are common nouns in running text
        "month": "In {month_name} {year}",
        "ytd": "In January–{month_name} {year}",
        "money": "US${v} billion",
        "pct": "{v}%",
        "up": "up {v}% year on year",
        "down": "down {v}% year on year",
        "up_short": "up {v}%",
        "down_short": "down {v}%",
        "flat": "unchanged from a year earlier",
        "flat_short": "unchanged",
        "no_yoy": "with no comparable figure a year earlier",
        "list_no_yoy": "no comparable figure",
        "join": ", ",
        "last_join": " and ",
        "region_join": " and ",
        "region_names": {"EU": "the EU"},
        "count": {1: "largest", 2: "two largest", 3: "three largest"},
        "tie": " ({names} tied for {rank} place)",
        "ordinal": {1: "first", 2: "second", 3: "third"},
        "flow": {"export": "exports", "import": "imports"},
        "cumulative": {"month": "", "ytd": "cumulative "},
        "net": {"month": "Net ", "ytd": "Cumulative net "},
        "net_word": {"export": "exports were ", "import": "imports were "},
        "overview": ("{when}, China's {cum}trade in «goods»{scope} totalled {total}, {total_yoy}. "
                     "Exports were {export} ({export_yoy}) and imports {import} ({import_yoy}). "
                     "{net_when}{net_word}{net}."),
        "scope": {"month": " (goods of HS code «hs»)", "ytd": ""},
        # an entry: a name and its figures; the first entry of a list spells its figures out
        "entry": {"first": "{name} ({value}, {share}{yoy})", "other": "{name} ({value}, {share}{yoy})"},
        "entry_share": {"first": "{v}% of the total, ", "other": "{v}%, "},
        "products": "{when}, China's {count} «adjective» {flow}{mark} were {entries}{tie}.",
        "partners": ("{when}, China's «adjective» {flow} {prep}{regions}. The {count} {partner} were "
                     "{entries}{tie}."),
        "partner": {"export": "destinations", "import": "sources"},
        "region_entry": "{value} {prep}{name} ({yoy})",
        "prep": {"export": "to ", "import": "from "},
        "region_verb": "were ",
        "provinces": "{when}, China's {count} {place} in «adjective» {flow} were {entries}{tie}.",
        "place": {"first": "provinces (including autonomous regions and municipalities)",
                  "other": "provinces"},
        "footnote_mark": "¹",
        "footnote": "¹ «Goods» in this report and their HS codes: {products}.",
        "product_code": "{name} ({code})",
        "sections": (
            ("I. Overall trade", (("", "overview"),)),
            ("II. Products", (("(1) Exports by product", "products:export"),
                              ("(2) Imports by product", "products:import"))),
            ("III. Partners and regions", (("(1) Export destinations", "partners:export"),
                                           ("(2) Import sources", "partners:import"))),
            ("IV. Provinces", (("(1) Exports by province", "provinces:export"),
                               ("(2) Imports by province", "provinces:import"))),
        ),
        "negative_words": ("down",),
        "zero_words": ("unchanged",),
        "undefined_words": ("no comparable figure",),
        #: printed lines a paragraph of each kind may need on the text sheet
        "lines": {"section": 1, "subsection": 1, "footnote": 2, "overview": 4, "products": 4,
                  "partners": 5, "provinces": 4},
    },
}

#: The table behind each paragraph kind, per flow.
_TABLE = {("products", "export"): "2", ("products", "import"): "3",
          ("partners", "export"): "4", ("partners", "import"): "5",
          ("provinces", "export"): "6", ("provinces", "import"): "7"}


@dataclass(frozen=True)
class Fact:
    """One printed figure: which table cell it is (``field`` value, share or yoy; ``sign``
    −1 where the text states a negative value as its opposite, e.g. net exports as 净进口)."""

    table: str
    key: str
    span: str
    field: str
    sign: int = 1


@dataclass
class Item:
    """One piece of the text: a section or subsection heading, a paragraph or a footnote."""

    kind: str  # section | subsection | paragraph | footnote
    text: str
    facts: list[Fact] = field(default_factory=list)
    names: list[str] = field(default_factory=list)


def shown(value: float) -> str:
    """A figure as the tables show it: one decimal, never '-0.0'."""
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


@cache
def _phrases(lang: str, scope: Scope) -> dict:
    return filled(PHRASES[lang], scope, lang)  # type: ignore[return-value]


def phrases(lang: str, scope: Scope | None = None) -> dict:
    """One language's phrases with the product scope's words in their ``«name»`` marks."""
    if lang not in PHRASES:
        raise XladdinError(f"no report text in language '{lang}'; use one of {', '.join(PHRASES)}")
    return _phrases(lang, load_scope(scope))


class _Writer:
    """Fills one language's phrases with one period's figures."""

    def __init__(self, result: dict, lang: str, product_codes: dict[str, str] | None,
                 scope: Scope | None = None) -> None:
        self.p = phrases(lang, scope)
        self.tables = result["tables"]
        self.year, self.month = year_month(result["period"])
        #: the spans the tables show: the 1–2月 issue has no month, January no year to date
        self.spans = ("ytd",) if result.get("edition") == "jan-feb" else \
            ("month",) if self.month == 1 else ("month", "ytd")
        self.product_codes = product_codes

    def when(self, span: str) -> str:
        names = self.p.get("month_names")
        return self.p[span].format(year=self.year, month=self.month,
                                   month_name=names[self.month - 1] if names else "")

    def shown(self, value: float, decimals: int = 1) -> str:
        """A figure as this language's tables show it (English: with thousands separators)."""
        text = f"{value:,.{decimals}f}" if self.p.get("thousands") else f"{value:.{decimals}f}"
        return text[1:] if text.startswith("-") and not text.strip("-0.,") else text

    def money(self, value: float) -> str:
        """An amount in the text's unit (the tables' USD 100 million, or US$ billion)."""
        return self.p["money"].format(v=self.shown(value * self.p.get("money_scale", 1),
                                                   self.p.get("money_decimals", 1)))

    def name(self, label: str, product: bool = False) -> str:
        return label.lower() if product and self.p.get("lower_products") else label

    def short_yoy(self, value: float | None) -> str:
        """A year-on-year change after the first of a list, where "year on year" is understood."""
        if value is None:
            return self.p["list_no_yoy"]
        text = self.shown(abs(value))
        if text == "0.0":
            return self.p["flat_short"]
        return self.p["up_short" if value > 0 else "down_short"].format(v=text)

    def entries(self, chosen: list[dict], product: bool = False, share: bool = False) -> str:
        """Each leader with its own figures: name (amount, share, change)."""
        out = []
        for i, e in enumerate(chosen):
            which = "first" if i == 0 else "other"
            shares = ""
            if share:
                shares = self.p["entry_share"][which].format(v=self.shown(e["share"])) \
                    if e["share"] is not None else self.p["list_no_yoy"] + ", "
            out.append(self.p["entry"][which].format(
                name=self.name(e["label"], product), value=self.money(e["value"]), share=shares,
                yoy=self.yoy(e["yoy"]) if i == 0 else self.short_yoy(e["yoy"])))
        return self.join(out)

    def join(self, items: list[str]) -> str:
        if len(items) <= 1:
            return "".join(items)
        return self.p["join"].join(items[:-1]) + self.p["last_join"] + items[-1]

    def yoy(self, value: float | None) -> str:
        if value is None:
            return self.p["no_yoy"]
        text = self.shown(abs(value))
        if text == "0.0":
            return self.p["flat"]
        return self.p["up" if value > 0 else "down"].format(v=text)

    def each(self, n: int) -> str:
        return self.p["each"]["many" if n > 1 else "one"]

    def values(self, numbers: list[float]) -> str:
        return self.each(len(numbers)) + self.join([self.p["money"].format(v=self.shown(v)) for v in numbers])

    def shares(self, numbers: list[float | None]) -> str:
        items = [self.p["pct"].format(v=self.shown(v)) if v is not None else self.p["list_no_yoy"]
                 for v in numbers]
        return self.each(len(numbers)) + self.join(items)

    def yoys(self, numbers: list[float | None]) -> str:
        if len(numbers) == 1:
            return self.yoy(numbers[0])
        items = [self.p["pct"].format(v=self.shown(v)) if v is not None else self.p["list_no_yoy"]
                 for v in numbers]
        return self.p["yoy_list"].format(each=self.each(len(numbers)), items=self.join(items))

    def lead(self, entries: list[dict]) -> tuple[list[dict], str]:
        """The first LEAD entries with a positive value (entries come sorted, largest first),
        plus every entry tied with the last one as the tables show them, and the words
        saying who shares the last place."""
        entries = [e for e in entries if e["value"] > 0]
        chosen = entries[:LEAD]
        if len(chosen) < LEAD or len(entries) == LEAD:
            return chosen, ""
        last = shown(chosen[-1]["value"])
        tied = [e for e in entries[LEAD:] if shown(e["value"]) == last]
        if not tied:
            return chosen, ""
        first = next(i for i, e in enumerate(chosen) if shown(e["value"]) == last)
        group = chosen[first:] + tied
        names = self.join([e["label"] for e in group])
        return chosen + tied, self.p["tie"].format(names=names, rank=self.p["ordinal"].get(first + 1,
                                                                                          first + 1))

    # --- paragraphs ---------------------------------------------------------------------

    def overview(self, span: str, first: bool = True) -> Item:
        rows = {r["key"]: r[span] for r in self.tables["1"]}
        net = rows["net"]["value"]
        side = "import" if net < 0 else "export"
        words = {key: self.money(rows[key]["value"]) for key in ("total", "export", "import")}
        words |= {f"{key}_yoy": self.yoy(rows[key]["yoy"]) for key in ("total", "export", "import")}
        if self.p.get("entries"):  # "year on year" once, with the total
            words |= {f"{key}_yoy": self.short_yoy(rows[key]["yoy"]) for key in ("export", "import")}
        text = self.p["overview"].format(
            when=self.when(span), scope=self.p["scope"]["month" if first else "ytd"],
            cum=self.p["cumulative"][span],
            net_when=self.p["net"][span], net_word=self.p["net_word"][side],
            net=self.money(abs(net)), **words)
        facts = [Fact("1", k, span, f) for k in ("total", "export", "import") for f in ("value", "yoy")]
        facts.append(Fact("1", "net", span, "value", -1 if net < 0 else 1))
        return Item("paragraph", text, facts)

    def products(self, flow: str, span: str, first: bool) -> Item:
        table = _TABLE[("products", flow)]
        rows = [{"key": r["key"], "label": r["label"], **r[span]} for r in self.tables[table]]
        rows.sort(key=lambda r: (-r["value"], r["key"]))
        chosen, tie = self.lead(rows)
        flow_word = self.p["flow"][flow]
        count = self.p["count"][len(chosen) if len(chosen) < LEAD else LEAD]
        if self.p.get("entries"):
            text = self.p["products"].format(
                when=self.when(span), count=count, flow=flow_word, tie=tie,
                mark=self.p["footnote_mark"] if first else "",
                entries=self.entries(chosen, product=True, share=True))
            facts = [Fact(table, e["key"], span, f) for e in chosen for f in ("value", "share", "yoy")]
            return Item("paragraph", text, facts, [self.name(e["label"], True) for e in chosen])
        text = self.p["products"].format(
            when=self.when(span), count=self.p["count"][len(chosen) if len(chosen) < LEAD else LEAD],
            flow=flow_word, mark=self.p["footnote_mark"] if first else "", tie=tie,
            names=self.join([e["label"] for e in chosen]), cum=self.p["cumulative"][span],
            values=self.values([e["value"] for e in chosen]),
            shares=self.shares([e["share"] for e in chosen]),
            yoys=self.yoys([e["yoy"] for e in chosen]))
        facts = [Fact(table, e["key"], span, f) for f in ("value", "share", "yoy") for e in chosen]
        return Item("paragraph", text, facts, [e["label"] for e in chosen])

    def partners(self, flow: str, span: str) -> Item:
        table = _TABLE[("partners", flow)]
        body = self.tables[table]
        regions = [{"key": r["key"], "label": r["label"], **r[span]} for r in body.get("regions", [])]
        chosen, tie = self.lead(body[span])
        flow_word = self.p["flow"][flow]
        if self.p.get("entries"):
            names = self.p.get("region_names", {})
            regions_text = self.p["region_verb"] + self.p["region_join"].join(
                self.p["region_entry"].format(value=self.money(r["value"]), prep=self.p["prep"][flow],
                                              name=names.get(r["label"], r["label"]),
                                              yoy=self.yoy(r["yoy"]) if i == 0 else self.short_yoy(r["yoy"]))
                for i, r in enumerate(regions))
            text = self.p["partners"].format(
                when=self.when(span), flow=flow_word, prep="", regions=regions_text, tie=tie,
                count=self.p["count"][len(chosen) if len(chosen) < LEAD else LEAD],
                partner=self.p["partner"][flow], entries=self.entries(chosen))
            facts = [Fact(table, r["key"], span, f) for r in regions for f in ("value", "yoy")]
            facts += [Fact(table, e["key"], span, f) for e in chosen for f in ("value", "yoy")]
            named = [r["label"] for r in regions] + [e["label"] for e in chosen]
            return Item("paragraph", text, facts, named)
        text = self.p["partners"].format(
            when=self.when(span), prep=self.p["prep"][flow], flow=flow_word, tie=tie,
            regions=self.p.get("region_join", self.p["join"]).join(r["label"] for r in regions),
            region_values=self.values([r["value"] for r in regions]),
            region_yoys=self.yoys([r["yoy"] for r in regions]),
            count=self.p["count"][len(chosen) if len(chosen) < LEAD else LEAD],
            names=self.join([e["label"] for e in chosen]),
            values=self.values([e["value"] for e in chosen]),
            yoys=self.yoys([e["yoy"] for e in chosen]))
        facts = [Fact(table, r["key"], span, f) for f in ("value", "yoy") for r in regions]
        facts += [Fact(table, e["key"], span, f) for f in ("value", "yoy") for e in chosen]
        return Item("paragraph", text, facts, [r["label"] for r in regions] + [e["label"] for e in chosen])

    def provinces(self, flow: str, span: str, first: bool) -> Item:
        table = _TABLE[("provinces", flow)]
        chosen, tie = self.lead(self.tables[table][span])
        flow_word = self.p["flow"][flow]
        if self.p.get("entries"):
            text = self.p["provinces"].format(
                when=self.when(span), count=self.p["count"][len(chosen) if len(chosen) < LEAD else LEAD],
                flow=flow_word, place=self.p["place"]["first" if first else "other"], tie=tie,
                entries=self.entries(chosen))
            facts = [Fact(table, e["key"], span, f) for e in chosen for f in ("value", "yoy")]
            return Item("paragraph", text, facts, [e["label"] for e in chosen])
        text = self.p["provinces"].format(
            when=self.when(span), count=self.p["count"][len(chosen) if len(chosen) < LEAD else LEAD],
            flow=flow_word, place=self.p["place"]["first" if first else "other"], tie=tie,
            names=self.join([e["label"] for e in chosen]),
            values=self.values([e["value"] for e in chosen]),
            yoys=self.yoys([e["yoy"] for e in chosen]))
        facts = [Fact(table, e["key"], span, f) for f in ("value", "yoy") for e in chosen]
        return Item("paragraph", text, facts, [e["label"] for e in chosen])

    def footnote(self) -> Item:
        codes = self.product_codes or {r["key"]: r["label"] for r in self.tables["2"]}
        products = [self.p["product_code"].format(name=self.name(n, True), code=c) for c, n in codes.items()]
        products = self.join(products) if self.p.get("entries") else self.p["join"].join(products)
        return Item("footnote", self.p["footnote"].format(products=products))

    def items(self, keep_empty: bool = False) -> list[Item]:
        spans = self.spans
        out: list[Item] = []
        for heading, parts in self.p["sections"]:
            out.append(Item("section", heading))
            for sub, what in parts:
                if sub:
                    out.append(Item("subsection", sub))
                kind, _, flow = what.partition(":")
                for span in ("month", "ytd"):
                    if span not in spans:  # a span not shown keeps its place, empty
                        if keep_empty:
                            out.append(Item("paragraph", ""))
                        continue
                    first = span == spans[0]
                    if kind == "overview":
                        out.append(self.overview(span, first))
                    elif kind == "products":
                        out.append(self.products(flow, span, first and flow == "export"))
                    elif kind == "partners":
                        out.append(self.partners(flow, span))
                    else:
                        out.append(self.provinces(flow, span, first and flow == "export"))
                if kind == "products" and flow == "export":
                    out.append(self.footnote())
        return out


def draft(result: dict, lang: str = "zh", product_codes: dict[str, str] | None = None,
          keep_empty: bool = False, scope: Scope | None = None) -> list[Item]:
    """The report's text for a ``compute_tables`` result (all seven tables), checked.

    ``product_codes`` (HS6 → name, from the code list) feeds the classification footnote;
    without it the footnote names table 2's products. January has no separate year-to-date
    paragraphs: the month is the year to date; ``keep_empty`` leaves an empty paragraph in
    their place, so a sheet laid out for twelve months keeps its rows.
    """
    items = _Writer(result, lang, product_codes, scope).items(keep_empty)
    problems = check(items, result, lang)
    if problems:  # a wrong figure must never reach a reader
        raise XladdinError("the drafted text disagrees with the tables: " + "; ".join(problems))
    return items


def table_figure(tables: dict, fact: Fact) -> float | None:
    """The figure a fact names, read from the tables (``tables --json`` shape)."""
    body = tables[fact.table]
    if isinstance(body, list):  # tables 1–3: one row per key with both spans
        row = next(r for r in body if r["key"] == fact.key)
        return row[fact.span][fact.field]
    for region in body.get("regions", []):
        if region["key"] == fact.key:
            return region[fact.span][fact.field]
    entry = next(e for e in body[fact.span] if e["key"] == fact.key)
    return entry[fact.field]


def read_figures(text: str, lang: str = "zh") -> list[float | None]:
    """Every figure a paragraph states, in order, as numbers: decimals with their sign
    (a word such as 下降 makes the next one negative), 持平 as 0.0, 无可比数据 as None.
    Integers (years, months, HS codes) are not figures: the report prints figures with
    one decimal."""
    p = PHRASES[lang]
    words = [*p["negative_words"], *p["zero_words"], *p["undefined_words"]]
    pattern = re.compile("|".join([*map(re.escape, words), r"-?\d{1,3}(?:,\d{3})+\.\d+|-?\d+\.\d+"]))
    out: list[float | None] = []
    negative = False
    for match in pattern.finditer(text):
        token = match.group(0)
        if token in p["negative_words"]:
            negative = True
        elif token in p["zero_words"]:
            out.append(0.0)
        elif token in p["undefined_words"]:
            out.append(None)
        else:
            value = float(token.replace(",", ""))
            out.append(-value if negative else value)
            negative = False
    return out


def check(items: list[Item], result: dict, lang: str = "zh") -> list[str]:
    """Parse every paragraph back and compare each figure with the table cell it claims."""
    problems = []
    for item in items:
        if item.kind != "paragraph":
            continue
        printed = read_figures(item.text, lang)
        wanted = []
        p = PHRASES[lang]
        for fact in item.facts:
            value = table_figure(result["tables"], fact)
            if value is not None and fact.field == "value" and "money_scale" in p:
                # the text states amounts in another unit: the table's cell, converted
                value = round(fact.sign * value * p["money_scale"], p["money_decimals"])
                wanted.append(float(f"{value:.{p['money_decimals']}f}"))
                continue
            wanted.append(None if value is None else float(shown(fact.sign * value)))
        if printed != wanted:
            problems.append(f"'{item.text[:30]}…' states {printed}, the tables say {wanted}")
        for name in item.names:
            if name not in item.text:
                problems.append(f"'{item.text[:30]}…' does not name {name}")
    return problems


def text_row_kinds(lang: str = "zh") -> list[str]:
    """The kind of every piece of a full (February–December) text, in order: the rows a
    sheet lays out for it."""
    out = []
    for _, parts in PHRASES[lang]["sections"]:
        out.append("section")
        for sub, what in parts:
            out += (["subsection"] if sub else []) + ["paragraph", "paragraph"]
            if what == "products:export":
                out.append("footnote")
    return out
