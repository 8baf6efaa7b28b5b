"""The drafted text: every figure of the published July 2025 paragraphs, and any month's text
checked figure by figure against ``tables --json`` by code that picks the leaders itself."""

from __future__ import annotations

import json

import pytest

from tests.conftest import engine_of
from xladdin.cli import main
from xladdin.engine.tables import compute_tables
from xladdin.errors import XladdinError
from xladdin.report.narrative import PHRASES, Fact, Item, check, draft, read_figures

# The fourteen paragraphs of the published report, transcribed as printed (slips included).
PUBLISHED = [
    "2025年7月，中国芯片产品（即：HS编码8542的商品）贸易进出口553.2亿美元，同比增长18.0%。其中，出口179.3亿美元，同比增长29.4%；进口373.9亿美元，同比增长13.2%。当月净进口194.5亿美元。",
    "2025年1-7月，中国芯片产品贸易累计进出口3377.2亿美元，同比增长11.7%。其中，出口1086.3亿美元，同比增长20.5%；进口2290.9亿美元，同比增长8.0%。累计净进口1204.5亿美元。",
    "2025年7月，中国前三大出口芯片产品¹为存储器、处理器及控制器、其它集成电路，出口分别为85.3亿美元、57.2亿美元和32.9亿美元，占全部芯片产品出口比重分别为 47.6%、31.9%和 18.4%，同比增速分别为 44.8%、11.2%和 31.9%。",
    "2025 年 1-7 月，中国前三大出口芯片产品为存储器、处理器及控制器、其它集成电路，累计出口分别为 471.4 亿美元、387.4 亿美元和 202.0 亿美元，占全部芯片产品出口比重分别为 43.4%、35.7%和 18.6%，同比增速分别为 20.3%、23.2%和 17.7%。",
    "2025 年 7 月，中国前三大进口芯片产品为处理器及控制器、存储器和其它集成电路，进口分别为 177.8 亿美元、100.4 亿美元和 85.6 亿美元，占全部芯片产品进口比重分别为 47.6%、26.8%和 22.9%，同比增速分别为 10.6%、10.6%和 11.5%。",
    "2025 年 1-7 月，中国前三大进口芯片产品为处理器及控制器、存储器和其它集成电路，累计进口分别为 1137.1 亿美元、569.8 亿美元和 518.1 亿美元，占全部芯片产品进口比重分别为 49.6%、24.9%和 22.6%，同比增速分别为 11.3%、3.5%和 8.2%。",
    "2025年7月，中国向东盟、欧盟地区出口芯片产品分别为42.6亿美元和2.4亿美元，同比增速分别为40.8%和3.8%；中国芯片产品前三大出口贸易伙伴为中国香港、中国台湾和韩国，出口分别为68.3亿美元、29.6亿美元和20.7亿美元，同比增速分别为20.2%、52.1%和29.5%。",
    "2025年1-7月，中国向东盟、欧盟地区出口芯片产品分别为274.5亿美元和16.5亿美元，同比增速分别为42.3%和-5.3%；中国芯片产品前三大出口贸易伙伴为中国香港、越南和韩国，出口分别为443.2亿美元、146.3亿美元和127.9亿美元，同比增速分别为17.7%、59.5%和9.7%。",
    "2025 年 7 月，中国从东盟、欧盟地区进口芯片产品分别为 20.3 亿美元和 17.5 亿美元，同比增速分别为-53.8%和 98.7%；中国芯片产品前三大进口贸易伙伴为中国台湾、韩国和美国，进口分别为 135.9 亿美元、79.1 亿美元和 30.4 亿美元，同比增速分别为 12.9%、7.9%和 193.8%。",
    "2025 年 1-7 月，中国从东盟、欧盟地区进口芯片产品分别为 237.1 亿美元和 73.5 亿美元，同比增速分别为-20.6%和 39.1%；中国芯片产品前三大进口贸易伙伴为中国台湾、韩国和美国，进口分别为 806.7 亿美元、494.6 亿美元和 128.7 亿美元，同比增速分别为 7.0%、3.4%和 105.1%。",
    "2025 年 7 月，中国前三大芯片产品出口省/直辖市（下文简称“省市”）为广东、江苏和上海，出口分别为 52.3 亿美元、39.0 亿美元和 27.2，同比增速分别为 49.7%、42.3%和 18.4%",
    "2025 年 1-7 月，中国前三大芯片产品出口省市为广东、江苏和上海，出口分别为 283.6 亿美元、242.6 亿美元和 155.3 亿美元，比增速分别为 29.4%、26.1%和 4.4%。",
    "2025 年 7 月，中国前三大芯片产品进口省市为广东、江苏和上海，进口分别为 162.3 亿美元、66.0 亿美元和 38.6 亿美元，同比增速分别为 19.6%、9.6%和 16.3%。",
    "2025 年 1-7 月，中国前三大芯片产品进口省市为广东、江苏和上海，进口分别为 1000.5 亿美元、387.8 亿美元和 205.9 亿美元，同比增速分别为 14.0%、3.6%和-4.9%。",
]
# Where the published text contradicts its own tables (docs/seed-deviations.md): paragraph,
# position of the figure, printed, table's value.
SLIPS = [(4, 7, 10.6, 22.8), (8, 7, 12.9, 12.6)]


@pytest.fixture(scope="module")
def july(demo_engine, demo_result):
    return draft(demo_result, product_codes=demo_engine.reference.product_names)


def paragraphs(items):
    return [i.text for i in items if i.kind == "paragraph"]


def test_july_text_carries_every_published_figure_with_the_tables_value_where_it_slipped(july):
    generated = paragraphs(july)
    assert len(generated) == len(PUBLISHED) == 14
    for no, (ours, theirs) in enumerate(zip(generated, PUBLISHED)):
        expected = read_figures(theirs)
        for para, pos, printed, table in SLIPS:
            if para == no:
                assert expected[pos] == printed
                expected[pos] = table
        assert read_figures(ours) == expected, (no, ours)


def test_july_text_names_and_words(july):
    generated = paragraphs(july)
    text = "".join(i.text for i in july)
    assert "其他" not in text and "比增速" not in text.replace("同比增速", "")
    assert generated[2].startswith("2025年7月，中国前三大出口芯片产品¹为存储器、处理器及控制器和其它集成电路，")
    assert "出口分别为52.3亿美元、39.0亿美元和27.2亿美元，" in generated[10]
    assert generated[11].endswith("同比增速分别为29.4%、26.1%和4.4%。")
    assert [i.text for i in july if i.kind == "section"] == [
        "一、贸易总体情况", "二、产品结构情况", "三、区域分布及变化情况", "四、分省变化情况"]
    assert len([i for i in july if i.kind == "subsection"]) == 6
    footnote = next(i.text for i in july if i.kind == "footnote")
    assert "其它集成电路（854239）" in footnote and "存储器（854232）" in footnote
    # every amount carries its unit: no figure before a comma, a pause or a full stop without it
    for para in generated:
        for figure in ("27.2", "85.3", "1204.5"):
            assert f"{figure}，" not in para and f"{figure}、" not in para


def leaders(entries: list[dict]) -> list[dict]:
    """The test's own choice of the three named: positive values, largest first."""
    positive = sorted((e for e in entries if e["value"] > 0), key=lambda e: -e["value"])
    return positive[:3]


def r1(value):
    return None if value is None else round(value + 0.0, 1) + 0.0


def expected_figures(tables: dict, span: str) -> list[list[float | None]]:
    """Per paragraph kind (overview, products ×2, partners ×2, provinces ×2), the figures the
    text must state, in order, built straight from the JSON."""
    rows = {r["key"]: r[span] for r in tables["1"]}
    out = [[r1(rows[k][f]) for k in ("total", "export", "import") for f in ("value", "yoy")]
           + [r1(abs(rows["net"]["value"]))]]
    for no in ("2", "3"):
        top = leaders([{**r[span], "label": r["label"]} for r in tables[no]])
        out.append([r1(e[f]) for f in ("value", "share", "yoy") for e in top])
    for no in ("4", "5"):
        regions = [r[span] for r in tables[no]["regions"]]
        top = leaders(tables[no][span])
        out.append([r1(r[f]) for f in ("value", "yoy") for r in regions]
                   + [r1(e[f]) for f in ("value", "yoy") for e in top])
    for no in ("6", "7"):
        top = leaders(tables[no][span])
        out.append([r1(e[f]) for f in ("value", "yoy") for e in top])
    return out


@pytest.mark.parametrize("period", ["2025-03", "2025-06"])
def test_other_months_figure_by_figure_against_tables_json(capsys, period):
    assert main(["tables", "--demo", "--period", period, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    text = paragraphs(draft(result))
    # paragraph order: overview m, ytd; products export m, ytd; imports m, ytd; partners …
    month, ytd = expected_figures(result["tables"], "month"), expected_figures(result["tables"], "ytd")
    expected = [fig for pair in zip(month, ytd) for fig in pair]
    assert len(text) == 14
    for para, figures in zip(text, expected):
        assert read_figures(para) == figures, para


def test_january_says_each_figure_once(demo_engine):
    items = draft(compute_tables(demo_engine, "2025-01"))
    text = paragraphs(items)
    assert len(text) == 7
    assert all(t.startswith("2025年1月，") for t in text)
    assert not any("1-1月" in t or "累计" in t for t in text)


E8 = 1e8


def _rows(period: str, flow: str, provinces: dict[str, float], partners: dict[str, float]) -> list[dict]:
    rows = [{"period": period, "flow": flow, "hs_code": "854231", "province_code": code, "value_usd": v}
            for code, v in provinces.items()]
    rows += [{"period": period, "flow": flow, "hs_code": "854231", "partner_code": code, "value_usd": v}
             for code, v in partners.items()]
    return rows


def test_two_provinces_ties_falls_and_flat_growth_in_words():
    # exports: two provinces only; 韩国 (133) and 日本 (116) tie for third, 2.0 each
    now = _rows("202501", "出口", {"44": 7 * E8, "32": 5 * E8},
                {"110": 5 * E8, "143": 3 * E8, "133": 2 * E8, "116": 2 * E8})
    before = _rows("202401", "出口", {"44": 8 * E8, "32": 5 * E8},
                   {"110": 6 * E8, "143": 4 * E8, "133": 2 * E8, "116": 1 * E8})
    imports = _rows("202501", "进口", {"44": 3 * E8}, {"143": 3 * E8}) + \
        _rows("202401", "进口", {"44": 2 * E8}, {"143": 2 * E8})
    engine = engine_of(now + before + imports)
    result = compute_tables(engine, "2025-01")
    text = paragraphs(draft(result))
    overview, provinces_export = text[0], text[5]
    assert "出口12.0亿美元，同比下降7.7%" in overview and "当月净出口9.0亿美元" in overview
    assert provinces_export == ("2025年1月，中国前两大芯片产品出口省/直辖市（下文简称“省市”）为广东和江苏，"
                                "出口分别为7.0亿美元和5.0亿美元，同比增速分别为-12.5%和0.0%。")
    partners_export = text[3]
    assert "前三大出口贸易伙伴为中国香港、中国台湾、日本和韩国（日本和韩国并列第三），" in partners_export
    assert "出口分别为5.0亿美元、3.0亿美元、2.0亿美元和2.0亿美元" in partners_export
    provinces_import = text[6]
    assert provinces_import == "2025年1月，中国最大芯片产品进口省市为广东，进口为3.0亿美元，同比增长50.0%。"


def test_check_catches_a_figure_that_differs_from_the_table(demo_result):
    wrong = Item("paragraph", "进出口553.3亿美元，同比增长18.0%。", [Fact("1", "total", "month", "value"),
                                                        Fact("1", "total", "month", "yoy")])
    problems = check([wrong], demo_result)
    assert problems and "553.3" in problems[0]
    right = Item("paragraph", "进出口553.2亿美元，同比增长18.0%。", wrong.facts)
    assert check([right], demo_result) == []
    fall = Item("paragraph", "同比增长5.3%", [Fact("4", "EU", "ytd", "yoy")])  # the table says −5.3
    assert check([fall], demo_result)


def test_read_figures_signs_words_and_integers():
    assert read_figures("2025年1-7月，HS编码8542，下降5.3%，-4.9%，持平，无可比数据，12.0亿美元") == \
        [-5.3, -4.9, 0.0, None, 12.0]


def test_unknown_language_is_a_clear_error(demo_result):
    with pytest.raises(XladdinError, match="language 'xx'"):
        draft(demo_result, "xx")
    assert "zh" in PHRASES
