"""One refresh for every front end: the command line, the ribbon button and the Lite script
fetch the raw rows and 设置 their own way and share ``prepare_report``; their plans for the
same workbook are equal, block for block."""

from __future__ import annotations

import ast
import asyncio
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.fake_xlwings import FakeBook
from xladdin.cli import main
from xladdin.engine.setting_cells import CELL_BY_NAME, WORKBOOK_FORMAT, read_settings
from xladdin.errors import XladdinError

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def workbook(tmp_path_factory) -> Path:
    """A monthly workbook whose settings differ from every default, so a front end that
    ignored one would make another plan."""
    path = tmp_path_factory.mktemp("pipeline") / "M.xlsx"
    assert main(["init", str(path), "--demo"]) == 0
    book = load_workbook(path)
    for name, value in (("SET_PERIOD", "2025-06"), ("SET_NET_YOY", "abs_diff"),
                        ("SET_ISSUER", "某大学 某实验室"), ("SET_DATE", "2025-08-24")):
        sheet, ref = next(iter(book.defined_names[name].destinations))
        book[sheet][ref.replace("$", "")].value = value
    book.save(path)
    return path


def test_the_ribbon_and_the_lite_script_plan_what_refresh_plans(workbook, tmp_path, monkeypatch):
    from xladdin import jobs
    from xladdin.excel.addin import refresh_book
    from xladdin.lite import script

    copies = [tmp_path / f"{who}.xlsx" for who in ("cli", "ribbon", "lite")]
    for copy in copies:
        shutil.copy(workbook, copy)
    cli = jobs.refresh(copies[0]).plan
    ribbon = refresh_book(FakeBook(copies[1]))
    lite = asyncio.run(script.refresh(FakeBook(copies[2]), lambda line: None))
    assert cli.period == "2025-06"
    assert cli.block("COVER_ISSUER").values[0][0] == "某大学 某实验室"
    assert ribbon is not None and lite is not None
    assert [b.name for b in ribbon.plan.blocks] == [b.name for b in cli.blocks]
    for mine, theirs in ((ribbon.plan, cli), (lite, cli)):
        for a, b in zip(mine.blocks, theirs.blocks, strict=True):
            assert a == b, a.name
        assert mine == theirs


def test_a_missing_cell_reads_as_its_default_and_says_so_only_where_the_workbook_should_have_it():
    sheet = read_settings({"SET_PERIOD": "2025-07", "SET_NET_YOY": "abs_diff"})  # no format cell: 1
    assert sheet.period == "2025-07" and sheet.settings.net_yoy == "abs_diff"
    assert sheet.settings.lang == CELL_BY_NAME["SET_LANG"].default == "zh"
    assert sheet.settings.jan_feb is False
    noted = " ".join(sheet.notes)
    assert "SET_ISSUER" in noted and "SET_DATE" in noted and "SET_PERIOD" not in noted
    newer = [cell for cell in CELL_BY_NAME.values() if cell.since > 1]
    assert newer, "the format cell came with format 2"
    for cell in newer:  # a workbook older than a cell lacks it without a word
        assert cell.name not in noted
    assert sheet.format == 1 and "format 1" in noted and "xladdin refresh" in noted
    current = read_settings({"SET_FORMAT": str(WORKBOOK_FORMAT), "SET_ISSUER": "x", "SET_DATE": None})
    assert current.format == WORKBOOK_FORMAT
    assert all(name in " ".join(current.notes) for name in ("SET_PERIOD", "SET_NET_YOY", "SET_LANG"))
    assert "older" not in " ".join(current.notes)
    with pytest.raises(XladdinError, match="newer xladdin"):
        read_settings({"SET_FORMAT": WORKBOOK_FORMAT + 1})
    with pytest.raises(XladdinError, match="no format"):
        read_settings({"SET_FORMAT": "2.5"})
    with pytest.raises(XladdinError, match="language"):
        read_settings({"SET_LANG": "fr"})
    assert read_settings({"SET_LANG": "fr"}, lang="en").settings.lang == "en"  # overridden: not read


def test_no_front_end_imports_another_and_lite_does_not_import_jobs():
    """The import arrows between the layers point one way: the Lite script and the ribbon
    reach the pipeline in report/, never jobs (which imports lite); the file back ends call no
    job or front end; the OOXML package below them knows nothing of the report."""
    def imports(module: str) -> set[str]:
        tree = ast.parse((ROOT / "xladdin" / module).read_text(encoding="utf-8"))
        found = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
            elif isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names}
        return found

    assert not any(m.startswith("xladdin.jobs") for m in imports("lite/script.py"))
    front = ("xladdin.jobs", "xladdin.cli", "xladdin.excel", "xladdin.lite")
    outer = {  # what each layer never imports (function-level imports included)
        "engine": (*front, "xladdin.files"),
        "report": (*front, "xladdin.files"),
        "files": front,  # the back ends serve the jobs and front ends, never call them
        # the OOXML package knows zip parts, sheets, cells and names, nothing of the report
        "ooxml": (*front, "xladdin.files", "xladdin.engine", "xladdin.report"),
    }
    for layer, forbidden in outer.items():
        modules = list((ROOT / "xladdin" / layer).glob("*.py"))
        assert len(modules) > 1, layer
        for path in modules:
            outward = {m for m in imports(f"{layer}/{path.name}") if m.startswith(forbidden)}
            assert not outward, (path.name, outward)


def test_an_older_workbook_gets_the_same_plan_from_every_front_end(tmp_path):
    """The command line upgrades a 0.1.0 workbook before it plans; the ribbon and the Lite
    script read it as it is (format 1, a missing cell as its default): the plans agree."""
    from xladdin import jobs
    from xladdin.excel.addin import refresh_book
    from xladdin.lite import script

    fixture = ROOT / "tests" / "upgrade_fixtures" / "0.1.0-7b495fe" / "lite.xlsx"
    copies = [tmp_path / f"{who}.xlsx" for who in ("cli", "ribbon", "lite")]
    for copy in copies:
        shutil.copy(fixture, copy)
    said: list[str] = []
    cli = jobs.refresh(copies[0])
    ribbon = refresh_book(FakeBook(copies[1]))
    lite = asyncio.run(script.refresh(FakeBook(copies[2]), said.append))
    assert cli.upgraded and ribbon is not None and lite is not None
    assert ribbon.plan == cli.plan and lite == cli.plan
    assert any("format 1" in line for line in said)
