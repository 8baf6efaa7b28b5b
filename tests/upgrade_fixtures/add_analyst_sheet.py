"""Add an analyst's own sheet to a monthly workbook, as a user would in Excel.

Used once per release to make the upgrade fixtures (see README.md here): the sheet
`我的分析` holds a note, a formula over 表1 (the month's exports times 10, with its cached
value) and a column width of its own, and the workbook gains a defined name of the
analyst's (`MY_EXPORTS`). Every part xladdin wrote is left as it was, byte for byte.

    python tests/upgrade_fixtures/add_analyst_sheet.py IN.xlsx OUT.xlsx
"""

from __future__ import annotations

import re
import sys
import zipfile

SHEET = (
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<cols><col min="1" max="1" width="31.5" customWidth="1"/></cols>'
    "<sheetData>"
    '<row r="1"><c r="A1" t="inlineStr"><is><t>我的分析：出口当月 ×10</t></is></c></row>'
    '<row r="2"><c r="A2" t="inlineStr"><is><t>表1 出口当月（亿美元）×10</t></is></c>'
    "<c r=\"B2\"><f>'表1'!B5*10</f><v>{cached}</v></c></row>"
    "</sheetData></worksheet>"
)


def main(source: str, target: str) -> None:
    with zipfile.ZipFile(source) as zin:
        parts = {item.filename: zin.read(item) for item in zin.infolist()}
        infos = zin.infolist()
    workbook = parts["xl/workbook.xml"].decode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    types = parts["[Content_Types].xml"].decode()
    sheets = [int(n) for n in re.findall(r"xl/worksheets/sheet(\d+)\.xml", " ".join(parts))]
    number = max(sheets) + 1
    rid = "rIdAnalyst"
    sheet_id = max(int(n) for n in re.findall(r'sheetId="(\d+)"', workbook)) + 1
    cached = _table1_b5(parts)
    workbook = workbook.replace(
        "</sheets>",
        f'<sheet xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        f'name="我的分析" sheetId="{sheet_id}" state="visible" r:id="{rid}"/></sheets>',
    )
    workbook = workbook.replace(
        "</definedNames>", "<definedName name=\"MY_EXPORTS\">'我的分析'!$B$2</definedName></definedNames>"
    )
    rels = rels.replace(
        "</Relationships>",
        '<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        f'Target="/xl/worksheets/sheet{number}.xml" Id="{rid}"/></Relationships>',
    )
    types = types.replace(
        "</Types>",
        f'<Override PartName="/xl/worksheets/sheet{number}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
    )
    changed = {
        "xl/workbook.xml": workbook.encode(),
        "xl/_rels/workbook.xml.rels": rels.encode(),
        "[Content_Types].xml": types.encode(),
    }
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in infos:
            zout.writestr(item, changed.get(item.filename, parts[item.filename]))
        zout.writestr(f"xl/worksheets/sheet{number}.xml", SHEET.format(cached=cached).encode())


def _table1_b5(parts: dict[str, bytes]) -> str:
    """The cached value of 表1!B5, so the analyst's formula shows its figure before a recalculation."""
    workbook = parts["xl/workbook.xml"].decode()
    rid = re.search(r'name="表1"[^>]*r:id="(\w+)"', workbook).group(1)
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    target = re.search(rf'Target="/?(?:xl/)?([^"]+)" Id="{rid}"', rels).group(1)
    sheet = parts["xl/" + target.removeprefix("xl/")].decode()
    value = re.search(r'<c r="B5"[^>]*>(?:<f>[^<]*</f>)?<v>([^<]+)</v>', sheet).group(1)
    return str(float(value) * 10)


if __name__ == "__main__":
    main(*sys.argv[1:3])
