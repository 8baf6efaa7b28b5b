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


def test_what_a_cell_is_written_with_reads_back_as_the_value_and_is_one_of_its_choices():
    """``show`` is the one writer of a setting's text (init's 设置 and refresh's overrides):
    each choice of a drop-down cell, parsed, is written back as that choice's own word."""
    from xladdin.engine.setting_cells import CELL_BY_NAME

    for cell in CELL_BY_NAME.values():
        for choice in cell.choices:
            value = cell.parse(choice)
            assert cell.show(value) == choice, (cell.name, choice)
            assert cell.parse(cell.show(value)) == value
    assert CELL_BY_NAME["SET_JAN_FEB"].show(True) == "jan-feb" and CELL_BY_NAME["SET_JAN_FEB"].show(False) == "auto"


def test_init_and_refresh_write_the_jan_feb_cell_the_same_way(tmp_path):
    """The same choice reads the same in 设置 whether init wrote it or a refresh option did."""
    from xladdin.engine.setting_cells import CELL_BY_NAME

    def cell(path):
        book = load_workbook(path)
        sheet, ref = next(iter(book.defined_names["SET_JAN_FEB"].destinations))
        return book[sheet][ref.replace("$", "")].value

    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert main(["init", str(first), "--demo", "--jan-feb", "--period", "2025-02"]) == 0
    assert main(["init", str(second), "--demo", "--period", "2025-02"]) == 0
    assert cell(second) == CELL_BY_NAME["SET_JAN_FEB"].default == "auto"
    assert main(["refresh", str(second), "--jan-feb"]) == 0
    assert cell(first) == cell(second) == "jan-feb"
