"""Every file xladdin writes, judged by readers we did not write.

The artefacts: the monthly workbook after ``init``, after ``import`` and after ``refresh``;
the finished copy (Chinese and English); the xlwings Lite workbook (``init --demo --lite``);
the add-in ``xladdin.xlam``; the Word edition. Each must

- be read by SheetJS (npm ``xlsx``, a strict JavaScript reader; spreadsheets only) with the
  expected sheet names and a known figure (table 1's July totals, summed here from the sample
  with plain pandas; the add-in: its config row);
- pass ``openxml-audit`` (a port of the Open XML SDK validator) without errors, except the one
  finding every openpyxl file has (see ``OPENPYXL_FONT_ORDER``);
- have, for every zip member, a local header that agrees with its central directory entry,
  and no ZIP64 extra on a member that does not need one (``tests/zip_headers.py``).

SheetJS runs under Node.js from ``tests/readers`` (``npm ci`` there; ``.ci/run`` does it); the
SheetJS test is skipped, saying why, where Node.js or npm is missing.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from tests import zip_headers
from xladdin.cli import main
from xladdin.engine.load import sample_path

READERS = Path(__file__).parent / "readers"
REPORT_ZH = ["封面", "正文", *[f"表{i}" for i in range(1, 8)], "图表", "月度数据"]
REPORT_EN = ["Cover", "Text", *[f"Table {i}" for i in range(1, 8)], "Charts", "Monthly data"]
MONTHLY = [*REPORT_ZH, "原始数据", "设置"]

#: What each artefact is: its file, its sheets (None: not a spreadsheet) and its table-1 sheet.
KINDS = {
    "init": ("月报.init.xlsx", MONTHLY, "表1"),
    "import": ("月报.import.xlsx", MONTHLY, "表1"),
    "refresh": ("月报.xlsx", MONTHLY, "表1"),
    "finished": ("月报_发布版.xlsx", REPORT_ZH, "表1"),
    "finished-en": ("report-en.xlsx", REPORT_EN, "Table 1"),
    "lite": ("lite.xlsx", MONTHLY, "表1"),
    "addin": ("xladdin.xlam", ["xladdin.conf"], None),
    "word": ("月报_发布版.docx", None, None),
}


@pytest.fixture(scope="module")
def artefacts(tmp_path_factory) -> dict[str, Path]:
    """Every artefact, made by the commands a user runs."""
    folder = tmp_path_factory.mktemp("gauntlet")
    work = folder / "月报.xlsx"
    sample = str(sample_path())
    assert main(["init", str(work), "--demo"]) == 0
    shutil.copy(work, folder / KINDS["init"][0])
    assert main(["import", sample, "--into", str(work)]) == 0
    shutil.copy(work, folder / KINDS["import"][0])
    assert main(["refresh", str(work), "--docx", str(folder / KINDS["word"][0])]) == 0
    assert main(["build", "--demo", "--lang", "en", "-o", str(folder / KINDS["finished-en"][0])]) == 0
    assert main(["init", str(folder / KINDS["lite"][0]), "--demo", "--lite"]) == 0
    assert main(["addin", "build", "-o", str(folder / KINDS["addin"][0])]) == 0
    return {kind: folder / name for kind, (name, _, _) in KINDS.items()}


@pytest.fixture(scope="module")
def july_totals() -> dict[str, float]:
    """Table 1's July 2025 exports and imports in 亿美元: the sample's by-product rows (no
    partner, no province) of that month, summed in integer dollars."""
    raw = pd.read_csv(sample_path(), dtype="str", keep_default_na=False)
    month = raw[(raw["period"] == "202507") & (raw["partner_code"] == "") & (raw["province_code"] == "")]
    return {flow: int(month.loc[month["flow"] == flow, "value_usd"].astype("int64").sum()) / 1e8
            for flow in ("出口", "进口")}


def test_every_zip_member_has_one_story(artefacts):
    for kind, path in artefacts.items():
        assert zip_headers.disagreements(path) == [], kind
        versions = {m["local"]["version"] for m in zip_headers.members(path)}
        assert max(versions) < 45, (kind, versions)  # 4.5 is ZIP64's version: none needed


def test_a_member_past_the_zip64_limit_says_so_in_both_headers(tmp_path, monkeypatch):
    """The bulk raw member takes ZIP64 only past the limit, then in its local header and its
    central entry alike (the limit is lowered here; the real one is 4 GiB)."""
    from xladdin.ooxml.xlsxpatch import XlsxPatch

    work = tmp_path / "月报.xlsx"
    assert main(["init", str(work), "--demo"]) == 0
    rows = pd.read_csv(sample_path(), dtype="str", keep_default_na=False).head(500)
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 20_000)
    patch = XlsxPatch(work)
    try:
        patch.replace_rows("原始数据", rows, header_row=1, numeric={len(rows.columns) - 1})
        patch.save(tmp_path / "out.xlsx")
    finally:
        patch.close()
    out = tmp_path / "out.xlsx"
    assert zip_headers.disagreements(out, limit=20_000) == []
    members = zip_headers.members(out)
    assert any(m["local"]["zip64"] for m in members)  # the raw sheet, past the lowered limit
    assert not all(m["local"]["zip64"] for m in members)
    monkeypatch.undo()
    with zipfile.ZipFile(tmp_path / "out.xlsx") as book:
        assert book.testzip() is None
        sheet = book.read(patch.parts["原始数据"])
    assert sheet.count(b"<row ") == len(rows) + 1


def test_refresh_mends_the_zip64_header_of_a_workbook_made_by_0_1_0(tmp_path):
    """Workbooks made by ``init`` before this fix carry a needless ZIP64 local header on
    原始数据; ``refresh`` writes every member's local header anew, so one refresh mends them."""
    work = tmp_path / "plain.xlsx"
    shutil.copy(Path(__file__).parent / "upgrade_fixtures" / "0.1.0-7b495fe" / "plain.xlsx", work)
    assert any("ZIP64" in p for p in zip_headers.disagreements(work))
    assert main(["refresh", str(work)]) == 0
    assert zip_headers.disagreements(work) == []


#: The one finding every openpyxl file has: openpyxl writes a font's children in the order
#: name, charset, family, b, i, …, color, sz, u, vertAlign, scheme, while the Open XML SDK's
#: schema lists them as a sequence starting b, i, strike, … (ECMA-376 itself declares a
#: choice, and Excel reads them in any order). Only that: a schema error inside a <font> of
#: styles.xml' fonts list, naming one of the font's own children.
FONT_CHILDREN = {"b", "i", "strike", "condense", "extend", "outline", "shadow", "u", "vertAlign",
                 "sz", "color", "name", "family", "charset", "scheme"}


def openpyxl_font_order(error) -> bool:
    return (error.part_uri == "/xl/styles.xml" and error.error_type.value == "schema"
            and re.fullmatch(r"/styleSheet\[1\]/fonts\[1\]/font\[\d+\]", error.path or "") is not None
            and error.node in FONT_CHILDREN
            and error.description == f"Unexpected element '{error.node}' found")


def test_openxml_audit_finds_no_error(artefacts):
    from openxml_audit import OpenXmlValidator

    validator = OpenXmlValidator(max_errors=0)
    found = {}
    for kind, path in artefacts.items():
        result = validator.validate(str(path))
        errors = [f"{e.part_uri} {e.path} {e.node}: {e.description}" for e in result.errors
                  if e.severity.value == "error" and not openpyxl_font_order(e)]
        if errors:
            found[kind] = errors
    assert found == {}


def test_the_word_edition_has_no_stale_styles_copy(artefacts):
    with zipfile.ZipFile(artefacts["word"]) as doc:
        assert "word/stylesWithEffects.xml" not in doc.namelist()
        assert b"stylesWithEffects" not in doc.read("[Content_Types].xml")
        assert b"stylesWithEffects" not in doc.read("word/_rels/document.xml.rels")


def sheetjs(paths: list[Path]) -> dict:
    """What SheetJS makes of each file (see tests/readers/sheetjs.mjs)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        pytest.skip("Node.js and npm are not installed (.ci/run installs them)")
    if not (READERS / "node_modules" / "xlsx").exists():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--silent"], cwd=READERS, check=True, timeout=600)
    done = subprocess.run([node, "sheetjs.mjs", *map(str, paths)], cwd=READERS, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_sheetjs_reads_every_spreadsheet(artefacts, july_totals):
    spreadsheets = {kind: path for kind, path in artefacts.items() if KINDS[kind][1] is not None}
    read = sheetjs(list(spreadsheets.values()))
    for kind, path in spreadsheets.items():
        _, sheets, table1 = KINDS[kind]
        got = read[str(path)]
        assert "error" not in got, (kind, got.get("error"))
        assert got["sheets"] == sheets, kind
        if table1 is None:  # the add-in: its config sheet names the cell functions' module
            assert got["cells"]["xladdin.conf"]["A1"] == "UDF Modules"
            assert got["cells"]["xladdin.conf"]["B1"] == "xladdin.excel.udf"
            continue
        numbers = [v for v in got["cells"][table1].values() if isinstance(v, (int, float))]
        for flow, total in july_totals.items():
            assert any(v == pytest.approx(total, rel=1e-12) for v in numbers), (kind, flow, total)
