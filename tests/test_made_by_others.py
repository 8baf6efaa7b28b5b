"""Workbooks saved by other programs (see made_by_others/README.md): xladdin reads their raw
data and refreshes them as it does its own."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from xladdin.cli import main
from xladdin.engine.load import sample_path

HERE = Path(__file__).parent / "made_by_others"
LIBREOFFICE = HERE / "monthly-init-libreoffice.xlsx"


def tables_json(args: list[str], capsys) -> dict:
    assert main(["tables", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_file_is_libreoffices_own():
    """Guard: the reference file is what LibreOffice wrote, not a file of ours."""
    with zipfile.ZipFile(LIBREOFFICE) as book:
        assert "LibreOffice" in book.read("docProps/app.xml").decode()


def test_reads_the_raw_data_of_a_workbook_saved_by_libreoffice(capsys):
    assert tables_json([str(LIBREOFFICE)], capsys) == tables_json(["--demo"], capsys)


@pytest.fixture(scope="module")
def july_exports() -> float:
    """July 2025's exports of the product rows (no partner, no province), in 亿美元: a plain sum."""
    frame = pd.read_csv(sample_path(), dtype=str, keep_default_na=False)
    rows = frame[(frame["period"] == "202507") & (frame["flow"] == "出口") & (frame["partner_code"] == "")
                 & (frame["partner_name"] == "") & (frame["province_code"] == "") & (frame["province_name"] == "")]
    return rows["value_usd"].astype("int64").sum() / 1e8


def test_refreshes_a_workbook_saved_by_libreoffice(tmp_path, capsys, july_exports):
    copy = tmp_path / "m.xlsx"
    shutil.copyfile(LIBREOFFICE, copy)
    assert main(["refresh", str(copy)]) == 0
    capsys.readouterr()
    expected = tables_json(["--demo"], capsys)["tables"]
    for path in (copy, next(tmp_path.glob("m_*.xlsx"))):  # the workbook and its finished copy
        sheet = openpyxl.load_workbook(path)["表1"]
        rows = {sheet.cell(r, 1).value: [sheet.cell(r, c).value for c in range(2, 6)] for r in range(5, 9)}
        for row in expected["1"]:
            month, ytd = row["month"], row["ytd"]
            assert rows[row["label"]] == pytest.approx([month["value"], month["yoy"], ytd["value"], ytd["yoy"]])
        assert rows["出口额"][0] == pytest.approx(july_exports)
    # refreshed again (now saved by xladdin's patcher over LibreOffice's parts): the same tables
    assert main(["refresh", str(copy)]) == 0
    capsys.readouterr()
    assert tables_json([str(copy)], capsys)["tables"] == expected
