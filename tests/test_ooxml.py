"""Where a workbook keeps a sheet: the one reader every layer uses."""

from __future__ import annotations

from xladdin.ooxml.sheets import sheet_parts

BOOK = b"""<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
 xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>
<sheet name="A" sheetId="1" r:id="rId1"/><sheet name="B" sheetId="2" r:id="rId7"/>
<sheet name="C" sheetId="3" r:id="rId3"/><sheet name="lost" sheetId="4" r:id="rId9"/></sheets></workbook>"""
RELS = b"""<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="w" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId7" Type="w" Target="/xl/worksheets/other.xml"/>
<Relationship Id="rId3" Type="w" Target="./worksheets/../worksheets/s3.xml"/></Relationships>"""


def test_relative_absolute_and_missing_targets():
    assert sheet_parts(BOOK, RELS) == {"A": "xl/worksheets/sheet1.xml", "B": "xl/worksheets/other.xml",
                                       "C": "xl/worksheets/s3.xml", "lost": None}
