"""The monthly history and the native charts: figures equal table 1's, the charts read the
whole history, and they survive ``refresh`` when a month is imported."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree
from openpyxl import load_workbook

from tests.conftest import engine_of
from tests.office import sheets_as_shown, soffice
from xladdin.cli import main
from xladdin.engine.history import monthly_history
from xladdin.engine.load import sample_path
from xladdin.engine.metrics import Settings

E8 = 1e8
CHART = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"


def test_history_rows_equal_table_1_for_every_month(demo_engine):
    from xladdin.engine.tables import compute_table

    history = monthly_history(demo_engine)
    assert [h["period"] for h in history][:2] == ["2024-01", "2024-02"] and len(history) == 19
    for row in history[12:]:  # 2025: the prior year exists
        table = {r["key"]: r for r in compute_table(demo_engine, 1, row["period"])}
        for span in ("month", "ytd"):
            for key in ("export", "import", "net"):
                assert row[f"{span}_{key}"] == pytest.approx(table[key][span]["value"])
                assert row[f"{span}_{key}_yoy"] == pytest.approx(table[key][span]["yoy"])
    first = history[0]
    assert first["month_export_yoy"] is None and first["ytd_net_yoy"] is None
    assert first["month_export"] == pytest.approx(first["ytd_export"])


def test_history_by_hand_with_a_gap_and_abs_diff():
    rows = [{"period": p, "flow": f, "hs_code": "854231", "value_usd": v * E8}
            for p, f, v in [("202401", "出口", 2), ("202401", "进口", 5), ("202403", "出口", 4),
                            ("202403", "进口", 4), ("202501", "出口", 3), ("202501", "进口", 4)]]
    engine = engine_of(rows, Settings(net_yoy="abs_diff"))
    history = {h["period"]: h for h in monthly_history(engine)}
    assert list(history) == ["2024-01", "2024-03", "2025-01"]
    assert history["2024-03"]["month_net"] == 0.0 and history["2024-03"]["ytd_export"] is None  # Feb missing
    jan = history["2025-01"]
    assert jan["month_export_yoy"] == pytest.approx(50.0) and jan["month_import_yoy"] == pytest.approx(-20.0)
    assert jan["month_net"] == pytest.approx(-1.0) and jan["month_net_yoy"] == pytest.approx(2.0)  # −1 − (−3)


def chart_refs(path: Path) -> dict[str, list[str]]:
    with zipfile.ZipFile(path) as z:
        return {name: [f.text for f in etree.fromstring(z.read(name)).iter(f"{CHART}f")]
                for name in sorted(z.namelist()) if re.fullmatch(r"xl/charts/chart\d+\.xml", name)}


def assert_parts_consistent(path: Path) -> None:
    """What Excel checks before offering a repair: every relationship target exists, every
    part has a content type, every drawing's charts are parts of the file."""
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        types = etree.fromstring(z.read("[Content_Types].xml"))
        overrides = {t.get("PartName").lstrip("/") for t in types if t.get("PartName")}
        defaults = {t.get("Extension") for t in types if t.get("Extension")}
        for name in names:
            if not name.endswith("/"):
                assert name in overrides or name.rsplit(".", 1)[-1] in defaults, name
        assert all(o in names for o in overrides)
        for rels in (n for n in names if n.endswith(".rels")):
            base = rels.replace("_rels/", "").removesuffix(".rels").rsplit("/", 1)[0]
            for rel in etree.fromstring(z.read(rels)):
                if rel.get("TargetMode") == "External":
                    continue
                target = rel.get("Target")
                full = target.lstrip("/") if target.startswith("/") else \
                    str(Path(base, target)).replace("\\", "/")
                full = re.sub(r"[^/]+/\.\./", "", full)
                assert full in names, (rels, target)


def test_finished_workbook_has_six_native_charts_over_the_whole_history(tmp_path):
    out = tmp_path / "r.xlsx"
    assert main(["demo", "-o", str(out)]) == 0
    refs = chart_refs(out)
    assert len(refs) == 6
    history = [r for r in refs.values() if any("月度数据" in f for f in r)]
    assert len(history) == 2
    assert "'月度数据'!$B$5:$B$23" in history[0] and "'月度数据'!$A$5:$A$23" in history[0]  # 19 months
    assert any("'表4'!$B$9:$B$18" in f for r in refs.values() for f in r)  # the top-10 rows
    assert_parts_consistent(out)
    book = load_workbook(out)
    assert book.sheetnames[-2:] == ["图表", "月度数据"]
    ws = book["月度数据"]
    assert [ws.cell(r, 1).value for r in (5, 23)] == ["2024-01", "2025-07"] and ws.cell(24, 1).value is None
    assert ws.cell(23, 2).value == pytest.approx(179.3, abs=0.05)
    assert ws.cell(23, 2).number_format == ws.cell(5, 2).number_format == "0.0;-0.0;0.0"
    # LibreOffice opens the charts: re-saving the file through it keeps all six
    subprocess.run([soffice(), f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                    "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(tmp_path / "lo"), str(out)],
                   check=True, capture_output=True, timeout=180)
    assert len(chart_refs(tmp_path / "lo" / "r.xlsx")) == 6


def test_charts_and_history_survive_refresh_when_a_month_is_imported(tmp_path, capsys):
    sample = pd.read_csv(sample_path(), dtype=str, keep_default_na=False)
    before = tmp_path / "to_june.csv"
    sample[sample["period"] < "202507"].to_csv(before, index=False)
    july = tmp_path / "july.csv"
    sample[sample["period"] == "202507"].to_csv(july, index=False)
    work = tmp_path / "月报.xlsx"
    assert main(["init", str(work), str(before)]) == 0
    assert "'月度数据'!$B$5:$B$22" in chart_refs(work)["xl/charts/chart1.xml"]
    assert main(["import", str(july), "--into", str(work)]) == 0
    assert main(["refresh", str(work)]) == 0
    capsys.readouterr()
    for path in (work, tmp_path / "月报_发布版.xlsx"):
        refs = chart_refs(path)
        assert len(refs) == 6
        assert "'月度数据'!$B$5:$B$23" in refs["xl/charts/chart1.xml"], path
        assert not [f for r in refs.values() for f in r if f.endswith("$22")]
        assert_parts_consistent(path)
    book = load_workbook(work)
    assert str(book.defined_names["HIST_BODY"].attr_text) == "'月度数据'!$A$5:$O$23"  # 环比 last
    ws = book["月度数据"]
    assert [ws.cell(4, c).value for c in (14, 15)] == ["出口额", "进口额"] and ws.cell(3, 14).value == "环比（%）"
    for column, value in ((14, 2), (15, 4)):  # July on June, from the sheet's own values
        want = (ws.cell(23, value).value / ws.cell(22, value).value - 1) * 100
        assert ws.cell(23, column).value == pytest.approx(want, rel=1e-9)
    assert ws.cell(5, 14).value is None  # 2024-01: no December 2023 in the data
    assert ws.cell(23, 1).value == "2025-07" and ws.cell(23, 2).value == pytest.approx(179.3, abs=0.05)
    assert ws.cell(23, 2).number_format == "0.0;-0.0;0.0" and ws.cell(23, 2).border.left.style == "thin"
    with zipfile.ZipFile(work) as z:
        sheet = z.read("xl/worksheets/sheet11.xml").decode()
        assert '<dimension ref="A1:O23"/>' in sheet
    shown = sheets_as_shown(work, tmp_path / "csv")
    assert shown["月度数据"][22][:5] == ["2025-07", "179.3", "29.4", "373.9", "13.2"]
