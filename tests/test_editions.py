"""Other editions of the report: the English edition and the January–February combined issue."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from tests.office import sheets_as_shown
from xladdin.cli import main
from xladdin.engine.editions import LANGS, word_set
from xladdin.engine.reference import load_reference

CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f“”]")
# The English titles, written out here (not taken from the code).
EN_TITLES = {
    1: "Table 1: China's chip trade, July 2025 (USD 100 million)",
    2: "Table 2: China's chip exports by product, July 2025 (USD 100 million)",
    3: "Table 3: China's chip imports by product, July 2025 (USD 100 million)",
    4: "Table 4: Main destinations of China's chip exports, July 2025 (USD 100 million)",
    5: "Table 5: Top 10 sources of China's chip imports, July 2025 (USD 100 million)",
    6: "Table 6: China's chip exports by province, July 2025 (USD 100 million)",
    7: "Table 7: China's chip imports by province, July 2025 (USD 100 million)",
}
NUMBER = re.compile(r"-?[\d,]+\.\d|—")


@pytest.fixture(scope="module")
def shown(tmp_path_factory) -> dict[str, dict[str, list[list[str]]]]:
    """The demo report in both languages, as LibreOffice shows every sheet."""
    out = {}
    for lang in ("zh", "en"):
        folder = tmp_path_factory.mktemp(lang)
        path = folder / f"report-{lang}.xlsx"
        assert main(["demo", "--lang", lang, "-o", str(path)]) == 0
        out[lang] = sheets_as_shown(path, folder / "csv")
    return out


def test_english_workbook_has_english_sheets_titles_and_no_chinese(shown):
    en = shown["en"]
    own = {"Cover", "Text", *(f"Table {n}" for n in range(1, 8)), "Charts", "Monthly data"}
    assert set(en) == own
    for no, title in EN_TITLES.items():
        assert en[f"Table {no}"][0][0] == title
    cover = [r[0] for r in en["Cover"] if r and r[0]]
    assert "China Chip-Product Trade Monthly Monitoring Report" in cover and "(January–July 2025)" in cover
    assert all(title in cover for title in EN_TITLES.values())
    chinese = [(sheet, cell) for sheet, grid in en.items() if sheet in own for row in grid for cell in row
               if CJK.search(cell)]
    assert chinese == []
    assert en["Charts"][0][0] == "Charts: monthly trend, products and main partners"
    assert en["Monthly data"][0][0] == "China's chip trade by month (USD 100 million)"
    assert en["Monthly data"][2][:2] == ["Month", "The month"]
    assert en["Table 1"][2][1:4] == ["July", "", "January–July"]
    assert en["Table 1"][3] == ["", "Value", "YoY (%)", "Value", "YoY (%)"]
    assert [r[0] for r in en["Table 1"][4:8]] == ["Total trade", "Exports", "Imports",
                                                  "Net exports (USD 100 million)"]
    assert en["Table 5"][3] == ["Partner", "Imports", "YoY (%)"] * 2
    assert en["Table 7"][3] == ["Province", "Imports", "YoY (%)"] * 2


def test_english_figures_are_the_chinese_ones(shown):
    """Cell by cell: every number shown in the Chinese edition is shown, unchanged, at the same
    place of the English one (which adds thousands separators)."""
    zh, en = shown["zh"], shown["en"]
    compared = 0
    for no in range(1, 8):
        a, b = zh[f"表{no}"], en[f"Table {no}"]
        assert len(a) == len(b)
        for row_a, row_b in zip(a, b):
            for x, y in zip(row_a, row_b):
                if NUMBER.fullmatch(x):
                    assert y.replace(",", "") == x
                    compared += 1
    assert compared > 250
    assert en["Table 1"][4][3] == "3,377.2" and zh["表1"][4][3] == "3377.2"


def test_english_text_states_the_chinese_texts_figures(shown):
    """正文 in English: every paragraph states the same figures as the Chinese one, in order
    (each was also checked against the tables when drafted)."""
    from xladdin.report.narrative import read_figures

    zh = [r[0] for r in shown["zh"]["正文"] if r and r[0]]
    en = [r[0] for r in shown["en"]["Text"] if r and r[0]]
    assert len(zh) == len(en) == 4 + 6 + 14 + 1  # sections, subsections, paragraphs, footnote
    assert en[0] == "I. Overall trade" and en[-3] == "(2) Imports by province"
    paragraphs = [(a, b) for a, b in zip(zh, en) if read_figures(a)]
    assert len(paragraphs) == 14
    money_en, money_zh = re.compile(r"US\$([\d,]+\.\d\d) billion"), re.compile(r"(\d+\.\d)亿美元")
    for a, b in paragraphs:
        # the same amounts (US$ billion, two decimals, against 亿美元 with one: 553.2 ≈ 55.32)
        dollars = sorted(float(v.replace(",", "")) * 10 for v in money_en.findall(b))
        assert dollars == pytest.approx(sorted(map(float, money_zh.findall(a))), abs=0.051), b
        # and the same shares and changes, signs included (下降 / down), each item in its own order
        rest_en = sorted(v for v in read_figures(money_en.sub("", b), "en") if v is not None)
        rest_zh = sorted(v for v in read_figures(money_zh.sub("", a)) if v is not None)
        assert rest_en == rest_zh, b
        assert "hundred million" not in b and "respectively" not in b and not re.search(r"-\d", b)
    assert en[1].startswith("In July 2025, China's trade in chip products (goods of HS code 8542) totalled "
                            "US$55.32 billion, up 18.0% year on year.")
    assert "Cumulative net imports were US$120.45 billion." in en[2]
    assert "were memories (US$8.53 billion, 47.6% of the total, up 44.8% year on year), processors and " \
        "controllers (US$5.72 billion, 31.9%, up 11.2%) and other integrated circuits" in en[5]
    assert "US$2.03 billion from ASEAN (down 53.8% year on year)" in en[16]


def test_english_names_come_from_the_reference_lists(shown):
    ref = load_reference()
    partner_en = dict(zip(ref.partners["name"], ref.partners["name_en"]))
    province_en = dict(zip(ref.provinces["short_name"], ref.provinces["name_en"]))
    regions = {"东盟": "ASEAN", "欧盟": "EU"}
    zh, en = shown["zh"], shown["en"]
    for no, names in ((4, partner_en), (5, partner_en), (6, province_en), (7, province_en)):
        for row_a, row_b in zip(zh[f"表{no}"][4:], en[f"Table {no}"][4:]):
            for col in (0, 3):
                if col < len(row_a) and (row_a[col] in names or row_a[col] in regions):
                    assert row_b[col] == {**names, **regions}[row_a[col]]
    assert [r[0] for r in en["Table 5"][8:11]] == ["Taiwan, China", "South Korea", "United States"]
    assert [r[0] for r in en["Table 6"][4:7]] == ["Guangdong", "Jiangsu", "Shanghai"]


def test_every_code_has_an_english_name():
    ref = load_reference()
    for table in (ref.partners, ref.provinces):
        names = table["name_en"]
        assert (names.str.len() > 0).all() and not names.str.contains(CJK).any()
        assert names.is_unique
    assert len(ref.partners) == 243 and len(ref.provinces) == 31
    assert ref.name("partner", "143", "name_en") == "Taiwan, China"
    assert ref.name("partner", "344", "name_en") == "Russia"


def test_word_sets_have_the_same_keys():
    """A language is a complete set of words: every key of the Chinese set, nothing Chinese."""
    def keys(d, prefix=""):
        return {f"{prefix}{k}" for k in d} | {x for k, v in d.items() if isinstance(v, dict)
                                              for x in keys(v, f"{prefix}{k}.")}
    zh = word_set("zh")
    for lang in LANGS:
        assert keys(word_set(lang)) == keys(zh), lang
    assert not CJK.search(json.dumps(word_set("en"), ensure_ascii=False))


def test_tables_json_and_text_in_english(capsys):
    assert main(["tables", "--demo", "--period", "2025-07", "--lang", "en", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["lang"] == "en" and result["unit"] == "USD 100 million"
    assert result["tables"]["4"]["month"][0]["label"] == "Hong Kong, China"
    assert result["tables"]["4"]["regions"][0]["label"] == "ASEAN"
    assert result["tables"]["2"][0]["label"] == "Memories"
    assert main(["tables", "--demo", "--period", "2025-07", "--lang", "en"]) == 0
    text = capsys.readouterr().out
    assert not CJK.search(text) and "Table 7: China's chip imports by province" in text
    assert "3,377.2" in text


def test_english_monthly_workbook_init_refresh_and_switch(tmp_path):
    work = tmp_path / "report.xlsx"
    assert main(["init", str(work), "--demo", "--lang", "en"]) == 0
    book = load_workbook(work)
    assert book.sheetnames[:9] == ["Cover", "Text", *(f"Table {n}" for n in range(1, 8))]
    assert "原始数据" in book.sheetnames and "设置" in book.sheetnames  # the working sheets keep their names
    assert book["设置"]["B7"].value == "en"
    assert main(["refresh", str(work)]) == 0
    finished = load_workbook(tmp_path / "report_发布版_en.xlsx")  # each edition its own name
    assert finished["Table 4"]["A1"].value == EN_TITLES[4]
    assert not (tmp_path / "report_发布版.xlsx").exists()
    assert main(["refresh", str(work), "--lang", "zh"]) == 0  # recorded in 设置
    book = load_workbook(work)
    assert book["设置"]["B7"].value == "zh" and book["Table 4"]["A1"].value.startswith("表4：2025年7月")
    assert load_workbook(tmp_path / "report_发布版.xlsx").sheetnames[:3] == ["封面", "正文", "表1"]


def test_ribbon_follows_the_language_cell(tmp_path, monkeypatch):
    from tests.fake_xlwings import FakeBook
    from xladdin.excel.addin import refresh_book

    path = tmp_path / "月报.xlsx"
    assert main(["init", str(path), "--demo"]) == 0
    fake = FakeBook(path)
    fake.sheets["设置"].range("B7").value = "en"
    report = refresh_book(fake)
    assert report is not None and fake.app.alerts == []
    assert fake.wb["表4"]["A1"].value == EN_TITLES[4]
    assert load_workbook(report.finished).sheetnames[:3] == ["Cover", "Text", "Table 1"]
    fake.sheets["设置"].range("B7").value = "fr"
    assert refresh_book(fake) is None
    assert "language 'fr'" in fake.app.alerts[-1][1]


# --- the January–February combined issue -------------------------------------------------

PRODUCTS = ["854231", "854232", "854233", "854239", "854290"]
PARTNERS = ["110", "111", "116", "122", "132", "133", "136", "141", "142", "143", "199", "304", "305",
            "502", "701"]
PROVINCES = ["11", "12", "31", "32", "33", "35", "37", "44", "50", "51", "61"]
MONTHS = ["2024-01", "2024-02", "2025-01", "2025-02"]
ASEAN, EU = {"122", "132", "136", "141"}, {"304", "305"}


@pytest.fixture(scope="module")
def monthly() -> pd.DataFrame:
    """A fully crossed monthly cube: month × flow × product × partner × province, in USD."""
    index = pd.MultiIndex.from_product([MONTHS, ["出口", "进口"], PRODUCTS, PARTNERS, PROVINCES],
                                       names=["period", "flow", "hs_code", "partner_code", "province_code"])
    values = np.random.default_rng(11).integers(10**5, 10**8, len(index)).astype("float64")
    return pd.DataFrame({"value_usd": values}, index=index).reset_index()


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    frame.to_csv(path, index=False, float_format="%.0f")
    return path


@pytest.fixture(scope="module")
def ranged_csv(monthly, tmp_path_factory) -> Path:
    """The same data as customs gives it for the 1–2月 issue: one range row per cell and year."""
    year = monthly["period"].str[:4]
    ranged = monthly.assign(period=year + "-01.." + year + "-02") \
        .groupby(["period", "flow", "hs_code", "partner_code", "province_code"], as_index=False)["value_usd"].sum()
    assert len(ranged) * 2 == len(monthly)
    return write_csv(ranged, tmp_path_factory.mktemp("janfeb") / "ranged.csv")


def expected_sums(monthly: pd.DataFrame) -> dict:
    """Every figure of the 1–2月 issue, summed here from the monthly rows with plain pandas."""
    year = monthly["period"].str[:4]
    flows = {"出口": "export", "进口": "import"}
    out: dict = {}
    for cn, flow in flows.items():
        f = monthly[monthly["flow"] == cn]
        now, before = f[year[f.index] == "2025"], f[year[f.index] == "2024"]
        out[flow] = {"total": (now["value_usd"].sum(), before["value_usd"].sum())}
        for dim, column in (("product", "hs_code"), ("partner", "partner_code"), ("province", "province_code")):
            out[flow][dim] = (now.groupby(column)["value_usd"].sum(), before.groupby(column)["value_usd"].sum())
    return out


def yoy(now: float, before: float) -> float | None:
    return (now / before - 1) * 100 if before > 0 else None


def test_jan_feb_issue_equals_sums_of_the_monthly_rows(ranged_csv, monthly, capsys):
    assert main(["tables", str(ranged_csv), "--period", "2025-02", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["edition"] == "jan-feb"
    want = expected_sums(monthly)
    approx = lambda v: None if v is None else pytest.approx(v, rel=1e-12)  # noqa: E731
    t1 = result["tables"]["1"]
    (ex, ex0), (im, im0) = want["export"]["total"], want["import"]["total"]
    assert [r["month"] for r in t1] == [None] * 4
    assert t1[0]["ytd"] == {"value": approx((ex + im) / 1e8), "yoy": approx(yoy(ex + im, ex0 + im0))}
    assert t1[1]["ytd"] == {"value": approx(ex / 1e8), "yoy": approx(yoy(ex, ex0))}
    assert t1[2]["ytd"] == {"value": approx(im / 1e8), "yoy": approx(yoy(im, im0))}
    assert t1[3]["ytd"] == {"value": approx((ex - im) / 1e8), "yoy": approx(yoy(im - ex, im0 - ex0))}
    for no, flow in ((2, "export"), (3, "import")):
        now, before = want[flow]["product"]
        total = want[flow]["total"][0]
        rows = result["tables"][str(no)]
        assert [r["key"] for r in rows] == list(now.sort_values(ascending=False).index)
        for r in rows:
            assert r["month"] is None
            assert r["ytd"] == {"value": approx(now[r["key"]] / 1e8), "share": approx(now[r["key"]] / total * 100),
                                "yoy": approx(yoy(now[r["key"]], before[r["key"]]))}
    for no, flow, dim in ((4, "export", "partner"), (5, "import", "partner"), (6, "export", "province"),
                          (7, "import", "province")):
        now, before = want[flow][dim]
        table = result["tables"][str(no)]
        assert table["month"] == []
        rankable = now.drop(["142", "199", "701"], errors="ignore").sort_values(ascending=False)
        assert [e["key"] for e in table["ytd"]] == list(rankable.index[:10])
        for e in table["ytd"]:
            assert (e["value"], e["yoy"]) == (approx(now[e["key"]] / 1e8), approx(yoy(now[e["key"]], before[e["key"]])))
        if dim == "partner":
            for region, members in zip(table["regions"], (ASEAN, EU)):
                a, b = now[list(members)].sum(), before[list(members)].sum()
                assert region["month"] is None
                assert region["ytd"] == {"value": approx(a / 1e8), "yoy": approx(yoy(a, b))}


def test_jan_feb_workbook_reads_1_2_month_and_nowhere_february_alone(ranged_csv, tmp_path, capsys):
    out = tmp_path / "report-2025-02.xlsx"
    assert main(["build", str(ranged_csv), "-o", str(out)]) == 0
    capsys.readouterr()
    assert main(["tables", str(ranged_csv), "--period", "2025-02", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    shown = sheets_as_shown(out, tmp_path / "csv")
    text = "\n".join(c for grid in shown.values() for row in grid for c in row)
    assert "2月当月" not in text and "2025年2月中国" not in text
    assert shown["表1"][0][0] == "表1：2025年1-2月中国芯片产品贸易进出口概况（亿美元）"
    assert shown["表1"][2][1] == "1-2月累计" and shown["表4"][2][0] == "1-2月累计"
    assert shown["表1"][3] == ["", "绝对值", "同比变化（%）"]
    assert shown["表1"][4] == ["进出口总额", *(f"{result['tables']['1'][0]['ytd'][k]:.1f}" for k in ("value", "yoy"))]
    assert [r[:3] for r in shown["表6"][4:14]] == [
        [e["label"], f"{e['value']:.1f}", f"{e['yoy']:.1f}"] for e in result["tables"]["6"]["ytd"]]
    cover = [r[0] for r in shown["封面"] if r and r[0]]
    assert "（2025年1-2月）" in cover and any(n.startswith("报告期：2025年1-2月（累计") for n in cover)
    assert any("即2025年1-2月净进口额相对2024年同期" in r[0] for r in shown["表1"] if r)


def test_months_and_range_together_make_the_usual_edition_unless_asked(ranged_csv, monthly, tmp_path, capsys):
    both = write_csv(pd.concat([pd.read_csv(ranged_csv, dtype=str), monthly.astype(str)]), tmp_path / "both.csv")
    assert main(["audit", str(both), "--period", "2025-02"]) == 0
    said = capsys.readouterr().out
    assert "both month by month and as one combined figure" in said and "usual edition" in said
    assert main(["tables", str(both), "--period", "2025-02", "--json"]) == 0
    usual = json.loads(capsys.readouterr().out)
    assert usual["edition"] == "monthly" and usual["tables"]["1"][1]["month"] is not None
    assert main(["tables", str(both), "--period", "2025-02", "--json", "--jan-feb"]) == 0
    asked = json.loads(capsys.readouterr().out)
    assert main(["tables", str(ranged_csv), "--period", "2025-02", "--json"]) == 0
    ranged = json.loads(capsys.readouterr().out)
    assert asked == ranged  # the range rows and the monthly rows give the same issue
    assert main(["audit", str(ranged_csv), "--period", "2025-02"]) == 0
    assert "only as one combined figure" in capsys.readouterr().out
    assert main(["tables", str(both), "--period", "2025-03", "--jan-feb"]) == 2
    assert "the report month is 2025-03; give --period 2025-02" in capsys.readouterr().err


def test_jan_feb_in_english_and_in_the_cell_functions(ranged_csv, tmp_path, capsys):
    from tests.fake_xlwings import FakeBook, FakeCaller
    from xladdin.excel.udf import CHIP_DATA, CHIP_RANK, CHIP_VALUE, CHIP_YOY

    assert main(["tables", str(ranged_csv), "--period", "2025-02", "--lang", "en"]) == 0
    text = capsys.readouterr().out
    assert "Table 1: China's chip trade, January–February 2025 (USD 100 million)" in text
    assert not CJK.search(text)
    assert main(["tables", str(ranged_csv), "--period", "2025-02", "--json"]) == 0
    t1 = json.loads(capsys.readouterr().out)["tables"]["1"]
    work = tmp_path / "月报.xlsx"
    assert main(["init", str(work), str(ranged_csv)]) == 0
    book = load_workbook(work)
    assert book["表1"]["B3"].value == "1-2月累计" and book["表1"]["D3"].value is None
    assert book["表1"]["B5"].value == pytest.approx(t1[0]["ytd"]["value"]) and book["表1"]["D5"].value is None
    live = FakeBook(work)
    caller = FakeCaller(live)
    data = CHIP_DATA(live.raw_table(), live.setting("SET_PERIOD"), live.setting("SET_NET_YOY"))
    assert "报告期 2025-02" in data
    for span in ("1-2月", "jan-feb", "累计"):
        assert CHIP_VALUE(data, "出口", "2025-02", span=span, caller=caller) == pytest.approx(t1[1]["ytd"]["value"])
    assert CHIP_YOY(data, "出口", None, span="1-2月", caller=caller) == pytest.approx(t1[1]["ytd"]["yoy"])
    assert CHIP_RANK(data, "进口", "2025-02", "province", 3, "1-2月", caller=caller)[0][0] != ""
    assert CHIP_VALUE(data, "出口", "2025-02", caller=caller).startswith("#CHIP! no export data total for 2025-02")
    assert CHIP_VALUE(data, "出口", "2025-01", span="1-2月", caller=caller).startswith("#CHIP! span '1-2月'")


def test_ribbon_makes_the_jan_feb_issue_from_range_rows(ranged_csv, tmp_path):
    """The 刷新月报 button on a monthly workbook whose data holds January–February only as one
    range: the first column group shows 1-2月累计, the second is left blank (stale values
    cleared), and the finished copy has one column group."""
    from tests.fake_xlwings import FakeBook
    from xladdin.excel.addin import refresh_book

    work = tmp_path / "月报.xlsx"
    assert main(["init", str(work), str(ranged_csv)]) == 0
    live = FakeBook(work)
    ws = live.wb["表4"]
    for row in ws.iter_rows(min_row=3, max_row=18, min_col=4, max_col=6):
        for cell in row:
            if cell.coordinate not in ws.merged_cells:
                cell.value = "stale"
    report = refresh_book(live)
    assert report is not None and live.app.alerts == []
    assert ws["A1"].value == "表4：2025年1-2月中国主要芯片产品贸易出口目的地（亿美元）"
    assert ws["A3"].value == "1-2月累计" and ws["B6"].value > 0
    assert all(ws.cell(r, c).value in (None, "") for r in range(3, 19) for c in range(4, 7))
    finished = load_workbook(report.finished)
    assert finished["表4"]["A3"].value == "1-2月累计"
    assert not [c for row in finished["表4"].iter_rows() for c in row if c.column > 3 and c.value is not None]
    assert finished["表4"]["B6"].value == pytest.approx(ws["B6"].value)
