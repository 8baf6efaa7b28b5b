"""Checks shared by the desktop and the Lite cell functions' tests."""

from __future__ import annotations

import pytest


def approx(x):
    return pytest.approx(x, rel=1e-9, abs=1e-7)  # tables --json rounds to 8 decimals


def figures_equal_tables_json(fns, data, tables_json, *caller) -> int:
    """CHIP_VALUE/YOY/SHARE for every row of tables 1–7 and CHIP_RANK for every top-10 list of
    ``xladdin tables --json``, through the functions of ``fns`` (the desktop or the Lite
    module) with the dropdown values Lite offers; returns how many figures were compared."""
    CHIP_VALUE, CHIP_YOY, CHIP_SHARE, CHIP_RANK = fns.CHIP_VALUE, fns.CHIP_YOY, fns.CHIP_SHARE, fns.CHIP_RANK
    checked = 0
    for row in tables_json["1"]:
        flow = {"export": "出口", "import": "进口"}.get(row["key"])
        if flow:
            for span in ("当月", "累计"):
                part = row["month" if span == "当月" else "ytd"]
                assert CHIP_VALUE(data, flow, "2025-07", None, None, None, span, *caller) == approx(part["value"])
                assert CHIP_YOY(data, flow, "2025-07", None, None, None, span, *caller) == approx(part["yoy"])
                checked += 2
            mom = fns.CHIP_MOM(data, flow, "2025-07", None, None, None, "当月", *caller)
            assert mom == approx(row["month"]["mom"]) and "mom" not in row["ytd"]
            checked += 1
    for no, flow in (("2", "出口"), ("3", "进口")):
        for row in tables_json[no]:
            for span, part in (("当月", row["month"]), ("累计", row["ytd"])):
                args = (data, flow, "2025-07", row["key"], None, None, span, *caller)
                assert CHIP_VALUE(*args) == approx(part["value"])
                assert CHIP_SHARE(*args) == approx(part["share"])
                assert CHIP_YOY(*args) == approx(part["yoy"]) if part["yoy"] is not None else CHIP_YOY(*args) == "—"
                checked += 3
    for no, flow, by in (("4", "出口", "partner"), ("5", "进口", "partner"), ("6", "出口", "province"), ("7", "进口", "province")):
        for row in tables_json[no].get("regions", []):
            for span, part in (("当月", row["month"]), ("累计", row["ytd"])):
                assert CHIP_VALUE(data, flow, None, None, row["label"], None, span, *caller) == approx(part["value"])
                assert CHIP_YOY(data, flow, None, None, row["key"], None, span, *caller) == approx(part["yoy"])
                checked += 2
        for span, key in (("当月", "month"), ("累计", "ytd")):
            expected = [[e["label"], approx(e["value"]), approx(e["yoy"]) if e["yoy"] is not None else "—"]
                        for e in tables_json[no][key]]
            assert CHIP_RANK(data, flow, "2025-07", by, 10.0, span, *caller) == expected
            assert CHIP_RANK(data, flow, None, by, None, span, *caller) == expected  # defaults
            for e in tables_json[no][key]:
                where = (None, e["key"], None) if by == "partner" else (None, None, e["key"])
                assert CHIP_VALUE(data, flow, None, *where, span, *caller) == approx(e["value"])
                checked += 1
    return checked
