"""Product scopes: the same report for another HS product group (semiconductor equipment,
HS 8486), a user's own scope file, and one sentence for each mistake in one."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree
from openpyxl import load_workbook

from xladdin.cli import main
from xladdin.engine.load import sample_path

ROOT = Path(__file__).parents[1]
CUBE = ROOT / "tests" / "data" / "cube_8486.csv"
E8 = 1e8
PERIOD, YEAR, MONTH = "2025-07", 2025, 7


def tables_json(capsys, *args: str) -> dict:
    assert main(["tables", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def growth(current: float, prior: float) -> float | None:
    return None if prior == 0 else (current / prior - 1) * 100


# --- an independent plain-pandas reading of the crossed cube ---------------------------------

@pytest.fixture(scope="module")
def cube() -> pd.DataFrame:
    frame = pd.read_csv(CUBE, dtype=str, keep_default_na=False)
    frame["value"] = frame["value_usd"].astype("int64")
    frame["flow"] = frame["flow"].map({"出口": "export", "进口": "import"})
    frame["year"] = frame["period"].str[:4].astype(int)
    frame["month"] = frame["period"].str[4:].astype(int)
    return frame


def span_rows(cube: pd.DataFrame, span: str, year: int, month: int = MONTH) -> pd.DataFrame:
    if span == "month":
        return cube[(cube["year"] == year) & (cube["month"] == month)]
    return cube[(cube["year"] == year) & (cube["month"] <= month)]


def sums(cube: pd.DataFrame, flow: str, span: str, year: int, by: str | None = None, month: int = MONTH):
    rows = span_rows(cube, span, year, month)
    rows = rows[rows["flow"] == flow]
    return rows["value"].sum() if by is None else rows.groupby(by)["value"].sum()


def close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 1e-9 * max(1.0, abs(b))


def test_committed_cube_is_the_generators_output(tmp_path):
    from xladdin.sample.generator import write_cube

    write_cube("equipment", tmp_path / "again.csv")
    assert (tmp_path / "again.csv").read_bytes() == CUBE.read_bytes()


def test_equipment_tables_equal_plain_sums_of_the_cube(cube, capsys):
    result = tables_json(capsys, str(CUBE), "--scope", "equipment")
    assert result["scope"] == "equipment" and result["period"] == PERIOD
    t = result["tables"]

    # table 1: totals, YoY, MoM (month only), net as growth of net imports
    for row in t["1"]:
        for span in ("month", "ytd"):
            cur = {f: sums(cube, f, span, YEAR) for f in ("export", "import")}
            pri = {f: sums(cube, f, span, YEAR - 1) for f in ("export", "import")}
            if row["key"] == "net":
                value = (cur["export"] - cur["import"]) / E8
                yoy = growth(cur["import"] - cur["export"], pri["import"] - pri["export"])
            else:
                pick = ("export", "import") if row["key"] == "total" else (row["key"],)
                value = sum(cur[f] for f in pick) / E8
                yoy = growth(sum(cur[f] for f in pick), sum(pri[f] for f in pick))
            assert close(row[span]["value"], value) and close(row[span]["yoy"], yoy), (row["key"], span)
        if row["key"] != "net":
            pick = ("export", "import") if row["key"] == "total" else (row["key"],)
            before = sum(sums(cube, f, "month", YEAR, month=MONTH - 1) for f in pick)
            now = sum(sums(cube, f, "month", YEAR) for f in pick)
            assert close(row["month"]["mom"], growth(now, before)), row["key"]
    assert [r["key"] for r in t["1"]] == ["total", "export", "import", "net"]

    # tables 2 and 3: every HS6 group, its share of the flow and its YoY, largest month first
    for no, flow in (("2", "export"), ("3", "import")):
        codes = cube["hs_code"].str[:6]
        by = {span: (sums(cube.assign(g=codes), flow, span, YEAR, "g"),
                     sums(cube.assign(g=codes), flow, span, YEAR - 1, "g")) for span in ("month", "ytd")}
        assert {r["key"] for r in t[no]} == {"848610", "848620", "848630", "848640", "848690"}
        assert [r["key"] for r in t[no]] == list(by["month"][0].sort_values(ascending=False).index)
        for row in t[no]:
            for span, (now, prior) in by.items():
                got = row[span]
                assert close(got["value"], now[row["key"]] / E8)
                assert close(got["share"], now[row["key"]] / now.sum() * 100)
                assert close(got["yoy"], growth(now[row["key"]], prior[row["key"]]))

    # tables 4 and 5: regions (members as of the report month) and the top 10 partners
    regions = pd.read_csv(ROOT / "xladdin" / "data" / "regions.csv", dtype=str, keep_default_na=False)
    ym = PERIOD
    for no, flow in (("4", "export"), ("5", "import")):
        for span in ("month", "ytd"):
            now = sums(cube, flow, span, YEAR, "partner_code")
            prior = sums(cube, flow, span, YEAR - 1, "partner_code")
            for region in t[no]["regions"]:
                table = regions[regions["region"] == region["key"]]
                members = table[((table["since"] == "") | (table["since"] <= ym)) &
                                ((table["until"] == "") | (table["until"] >= ym))]["code"]
                value = now[now.index.isin(members)].sum()
                assert close(region[span]["value"], value / E8), (no, span, region["key"])
                assert close(region[span]["yoy"], growth(value, prior[prior.index.isin(members)].sum()))
            ranked = now.drop(index=["701"], errors="ignore").sort_values(ascending=False).head(10)
            got = t[no][span]
            assert [e["key"] for e in got] == list(ranked.index) and [e["rank"] for e in got] == list(range(1, 11))
            for entry in got:
                assert close(entry["value"], ranked[entry["key"]] / E8)
                assert close(entry["yoy"], growth(ranked[entry["key"]], prior[entry["key"]]))

    # tables 6 and 7: provinces, largest first
    for no, flow in (("6", "export"), ("7", "import")):
        for span in ("month", "ytd"):
            now = sums(cube, flow, span, YEAR, "province_code").sort_values(ascending=False)
            prior = sums(cube, flow, span, YEAR - 1, "province_code")
            got = t[no][span]
            assert [e["key"] for e in got] == list(now.index)
            for entry in got:
                assert close(entry["value"], now[entry["key"]] / E8)
                assert close(entry["yoy"], growth(now[entry["key"]], prior[entry["key"]]))


def test_the_chips_json_says_its_scope(capsys):
    assert tables_json(capsys, "--demo", "--table", "1")["scope"] == "chips"


# --- the equipment edition never says 芯片 ------------------------------------------------------

def workbook_text(path: Path) -> str:
    book = load_workbook(path)
    return "\n".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row
                     if c.value is not None)


def docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    return "".join(root.itertext())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_equipment_edition_names_hs_8486_and_never_chips(tmp_path, lang):
    xlsx, docx = tmp_path / f"eq-{lang}.xlsx", tmp_path / f"eq-{lang}.docx"
    assert main(["build", str(CUBE), "--scope", "equipment", "-o", str(xlsx), "--docx", str(docx),
                 "--lang", lang]) == 0
    for text in (workbook_text(xlsx), docx_text(docx)):
        assert "芯片" not in text and "8542" not in text and "chip" not in text.lower()
        assert "8486" in text
        assert ("半导体制造设备" if lang == "zh" else "semiconductor") in text
    listed = "分类及对应的HS编码为" if lang == "zh" else "and their HS codes"
    assert docx_text(docx).count(listed) == 1  # the product list once, as the footnote
    assert ("中国半导体制造设备贸易月度监测报告" if lang == "zh" else
            "Semiconductor Manufacturing Equipment") in workbook_text(xlsx)


def test_init_and_refresh_keep_the_scope_in_the_settings_sheet(tmp_path, capsys):
    book = tmp_path / "eq.xlsx"
    assert main(["init", str(book), str(CUBE), "--scope", "equipment"]) == 0
    assert load_workbook(book)["设置"]["B10"].value == "equipment"
    assert main(["refresh", str(book)]) == 0  # 设置 says equipment: no --scope needed
    assert "芯片" not in workbook_text(tmp_path / "eq_发布版.xlsx")
    capsys.readouterr()
    assert main(["refresh", str(book), "--scope", "chips"]) == 2  # the rows are HS 8486
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "'equipment'" in err[0] and "'chips'" in err[0]


# --- one scope's rows read under another ------------------------------------------------------

@pytest.mark.parametrize("raw, scope, named", [(CUBE, "chips", ("HS 8486", "'equipment'", "'chips'")),
                                               (None, "equipment", ("HS 8542", "'chips'", "'equipment'"))])
def test_rows_of_another_scope_are_refused_naming_both(raw, scope, named, capsys):
    raw = raw or sample_path()
    assert main(["tables", str(raw), "--scope", scope]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and all(n in err[0] for n in named), err


def test_demo_of_a_scope_without_a_sample_says_so(tmp_path, capsys):
    assert main(["demo", "--scope", "equipment", "-o", str(tmp_path / "x.xlsx")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "sample" in err[0] and "equipment" in err[0]
    assert not (tmp_path / "x.xlsx").exists()


# --- a user's own scope file ------------------------------------------------------------------

USER_SCOPE = """
id = "litho"
headings = ["8486"]

[words.zh]
title = "中国晶圆与器件设备贸易月度监测报告"
goods = "晶圆与器件设备"
short = "晶圆与器件设备"
range = "HS编码848610、848620"
hs = "848610、848620"

[words.en]
title = "China Wafer and Device Equipment Trade Monthly Report"
goods = "wafer and device equipment"
Goods = "Wafer and device equipment"
adjective = "wafer-and-device-equipment"
short = "wafer and device equipment"
range = "HS codes 848610 and 848620"
hs = "848610 and 848620"

[[groups]]
id = "848610"
codes = ["848610"]
zh = "晶圆设备"
en = "Wafer machines"
colour = "E3A21A"

[[groups]]
id = "848620"
codes = ["848620"]
zh = "器件设备"
en = "Device machines"
colour = "2E8B8B"
"""


def test_a_users_scope_file_makes_a_report(tmp_path, cube, capsys):
    path = tmp_path / "litho.toml"
    path.write_text(USER_SCOPE, encoding="utf-8")
    result = tables_json(capsys, str(CUBE), "--scope", str(path), "--table", "2")
    assert result["scope"] == "litho"
    assert [r["key"] for r in result["tables"]["2"]] == \
        list(sums(cube.assign(g=cube["hs_code"]), "export", "month", YEAR, "g")
             .loc[["848610", "848620"]].sort_values(ascending=False).index)
    both = sums(cube[cube["hs_code"].isin(["848610", "848620"])], "export", "month", YEAR)
    row = result["tables"]["2"][0]
    assert close(row["month"]["share"], sums(cube[cube["hs_code"] == row["key"]], "export", "month", YEAR)
                 / both * 100)
    out = tmp_path / "litho.xlsx"
    assert main(["build", str(CUBE), "--scope", str(path), "-o", str(out)]) == 0
    text = workbook_text(out)
    assert "中国晶圆与器件设备贸易月度监测报告" in text and "芯片" not in text


def _without(text: str, line: str) -> str:
    assert line in text
    return text.replace(line, "")


BAD_SCOPES = [
    (lambda t: t.replace('codes = ["848620"]', 'codes = ["84862"]'), ("84862", "6- or 8-digit")),
    (lambda t: t.replace('codes = ["848620"]', 'codes = ["848620", "84861010"]'), ("overlap", "848610", "84861010")),
    (lambda t: _without(t, 'goods = "晶圆与器件设备"\n'), ("goods", "[words.zh]")),
    (lambda t: t.replace('headings = ["8486"]', 'headings = [8486]'), ("heading", "4-digit")),
    (lambda t: t.replace('codes = ["848620"]', 'codes = ["854231"]'), ("854231", "not under")),
    (lambda t: t.replace('colour = "2E8B8B"', 'colour = "teal"'), ("teal", "hex")),
    (lambda t: t.replace('[[groups]]', '[[groups', 1), ("not valid TOML",)),
]


@pytest.mark.parametrize("spoil, said", BAD_SCOPES)
def test_a_bad_scope_file_gets_one_sentence(tmp_path, capsys, spoil, said):
    path = tmp_path / "bad.toml"
    path.write_text(spoil(USER_SCOPE), encoding="utf-8")
    assert main(["tables", str(CUBE), "--scope", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(path) in err[0] and all(s in err[0] for s in said), err


def test_an_unknown_scope_name_gets_one_sentence(capsys):
    assert main(["tables", "--demo", "--scope", "memories"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "chips, equipment" in err[0]


def test_the_raw_cache_key_holds_the_scope(tmp_path):
    from xladdin.files.rawcache import fingerprint

    book = tmp_path / "eq.xlsx"
    assert main(["init", str(book), str(CUBE), "--scope", "equipment"]) == 0
    chips, equipment = fingerprint(book, scope=None), fingerprint(book, scope="equipment")
    assert chips.key["scope"][0] == "chips" and equipment.key["scope"][0] == "equipment"
    assert chips.name != equipment.name


def test_cell_functions_read_an_equipment_workbook_by_its_rows(tmp_path, cube):
    """The data cell has no scope argument: rows of HS 8486 only are read as the equipment
    scope, and products are its groups by name."""
    from tests.fake_xlwings import FakeBook, FakeCaller
    from xladdin.excel.udf import CHIP_DATA, CHIP_SHARE, CHIP_VALUE

    path = tmp_path / "eq.xlsx"
    assert main(["init", str(path), str(CUBE), "--scope", "equipment"]) == 0
    book = FakeBook(path)
    caller = FakeCaller(book)
    data = CHIP_DATA(book.raw_table(), book.setting("SET_PERIOD"), book.setting("SET_NET_YOY"))
    wafer = cube[cube["hs_code"] == "848610"]
    got = CHIP_VALUE(data, "出口", "2025-07", "晶圆制造设备", caller=caller)
    assert close(got, sums(wafer, "export", "month", YEAR) / E8)
    share = CHIP_SHARE(data, "import", "2025-07", "848620", None, None, "累计", caller)
    assert close(share, sums(cube[cube["hs_code"] == "848620"], "import", "ytd", YEAR)
                 / sums(cube, "import", "ytd", YEAR) * 100)


def test_import_reads_downloads_under_the_workbooks_scope(tmp_path, cube, capsys):
    """A workbook of the equipment scope takes HS 8486 downloads (read under its 设置 scope)."""
    book = tmp_path / "eq.xlsx"
    june = cube[cube["period"] <= "202506"].drop(columns=["value", "year", "month"])
    july = cube[cube["period"] == "202507"].drop(columns=["value", "year", "month"])
    june.to_csv(tmp_path / "june.csv", index=False)
    july.to_csv(tmp_path / "july.csv", index=False)
    assert main(["init", str(book), str(tmp_path / "june.csv"), "--scope", "equipment"]) == 0
    assert main(["import", str(tmp_path / "july.csv"), "--into", str(book)]) == 0
    capsys.readouterr()
    result = tables_json(capsys, str(book), "--scope", "equipment", "--table", "1")
    assert close(result["tables"]["1"][0]["month"]["value"],
                 (sums(cube, "export", "month", YEAR) + sums(cube, "import", "month", YEAR)) / E8)


def test_product_colours_come_from_the_scope(tmp_path):
    from xladdin.engine.scope import load_scope
    from xladdin.report.charts import SPARE_COLOURS, product_colour

    path = tmp_path / "litho.toml"
    path.write_text(USER_SCOPE.replace('colour = "2E8B8B"', 'colour = "123abc"'), encoding="utf-8")
    assert product_colour("器件设备", 1, load_scope(path)) == "123ABC"
    assert product_colour("器件设备", 1) == SPARE_COLOURS[1]  # not a bundled group's name
    assert product_colour("Memories") == "2E8B8B" and product_colour("零件及附件") == "A6A6A6"


def test_audit_takes_the_scope(cube, capsys):
    assert main(["audit", str(CUBE), "--scope", "equipment"]) == 0
    assert f"checked {len(cube):,} rows in 1 file" in capsys.readouterr().err
    assert main(["audit", str(CUBE)]) == 2  # read as chips: refused, naming both scopes
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "'equipment'" in err[0] and "'chips'" in err[0]


def test_the_ribbon_and_the_lite_script_read_the_scope_cell(tmp_path, cube, monkeypatch):
    """设置!SET_SCOPE decides how the ribbon and the Lite script read 原始数据: an equipment
    workbook refreshes as equipment (its messages say 设备月报) and its table 1 is the cube's."""
    import asyncio

    from tests.fake_xlwings import FakeBook
    from xladdin.excel.addin import refresh_book
    from xladdin.lite import script

    path = tmp_path / "eq.xlsx"
    assert main(["init", str(path), str(CUBE), "--scope", "equipment"]) == 0
    total = (sums(cube, "export", "month", YEAR) + sums(cube, "import", "month", YEAR)) / E8

    said: list[str] = []
    plan = asyncio.run(script.refresh(FakeBook(path), said.append))
    assert plan is not None and plan.scope.id == "equipment", said
    assert said[0] == "设备月报：正在读取原始数据…" and said[-1].startswith("设备月报：已刷新 2025-07")
    assert close(plan.block("T1_BODY").values[0][1], total)

    report = refresh_book(FakeBook(path))
    assert report is not None and report.brief == "设备月报"
    assert close(report.plan.block("T1_BODY").values[0][1], total)
    assert "芯片" not in workbook_text(report.finished)

    book = load_workbook(path)
    book["设置"]["B10"].value = "chips"  # the same rows read as chips: one sentence, naming both
    book.save(path)
    said.clear()
    assert asyncio.run(script.refresh(FakeBook(path), said.append)) is None
    assert "'equipment'" in said[-1] and "'chips'" in said[-1]
