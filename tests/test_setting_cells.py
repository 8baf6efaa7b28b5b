"""A 设置 cell that cannot be read is refused naming the cell, by every front end: the schema's
parser says where (设置!B3), not only what ('2025.1': …)."""

from __future__ import annotations

import asyncio

import pytest
from openpyxl import load_workbook

from tests.fake_xlwings import FakeBook
from xladdin.cli import main
from xladdin.engine.setting_cells import read_settings
from xladdin.errors import XladdinError


@pytest.mark.parametrize("name,value,place", [
    ("SET_PERIOD", 2025.1, "设置!B3 (SET_PERIOD) says '2025.1'"),
    ("SET_NET_YOY", "percent", "设置!B4 (SET_NET_YOY): unknown net YoY convention 'percent'"),
    ("SET_LANG", "fr", "设置!B7 (SET_LANG): "),
    ("SET_JAN_FEB", "yes", "设置!B8 (SET_JAN_FEB): "),
    ("SET_FORMAT", "two", "设置!B9 (SET_FORMAT): "),
])
def test_the_schema_names_the_cell(name, value, place):
    with pytest.raises(XladdinError) as caught:
        read_settings({name: value})
    assert str(caught.value).startswith(place)


def test_the_address_the_front_end_found_wins():
    with pytest.raises(XladdinError, match=r"^设置!D12 \(SET_PERIOD\)"):
        read_settings({"SET_PERIOD": 2025.1}, where={"SET_PERIOD": "'设置'!$D$12"})


@pytest.fixture(scope="module")
def period_as_number(tmp_path_factory):
    """A monthly workbook whose report month was typed 2025.10 and kept by Excel as 2025.1."""
    path = tmp_path_factory.mktemp("settings") / "月报.xlsx"
    assert main(["init", str(path), "--demo"]) == 0
    book = load_workbook(path)
    book["设置"]["B3"].value = 2025.1
    book.save(path)
    return path


def test_the_command_line_names_the_cell(period_as_number, capsys):
    before = period_as_number.read_bytes()
    capsys.readouterr()
    assert main(["refresh", str(period_as_number)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("error: 设置!B3 (SET_PERIOD) says '2025.1': ")
    assert "type it as text" in err[0] and period_as_number.read_bytes() == before


def test_the_ribbon_names_the_cell(period_as_number):
    from xladdin.excel.addin import refresh_book

    book = FakeBook(period_as_number)
    assert refresh_book(book) is None
    [(_, prompt)] = book.app.alerts
    assert prompt.startswith("设置!B3 (SET_PERIOD) says '2025.1'")


def test_the_lite_script_names_the_cell(period_as_number):
    from xladdin.lite import script

    book = FakeBook(period_as_number)
    said: list[str] = []
    assert asyncio.run(script.refresh(book, said.append)) is None
    assert said[-1].startswith("error: 设置!B3 (SET_PERIOD) says '2025.1'")
    assert [w for w in book.writes if w[0] != "原始数据"] == []
