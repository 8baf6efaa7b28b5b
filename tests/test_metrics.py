"""Metrics on small hand-made data whose answers are worked out by hand."""

from __future__ import annotations

import pytest

from tests.conftest import engine_of
from xladdin.engine.metrics import Settings
from xladdin.engine.tables import compute_tables
from xladdin.errors import MissingMonthsError

E8 = 1e8


def and_prior(rows: list[dict], factor: float = 0.5) -> list[dict]:
    """The rows plus the same rows a year earlier at ``factor`` times the value."""
    prior = [{**r, "period": str(int(r["period"]) - 100), "value_usd": r["value_usd"] * factor}
             for r in rows]
    return rows + prior


def product(period, value, hs="854231", flow="出口"):
    return {"period": period, "flow": flow, "hs_code": hs, "value_usd": value}


def partner(period, code, value, flow="出口", name=""):
    return {"period": period, "flow": flow, "hs_code": "8542", "partner_code": code,
            "partner_name": name, "value_usd": value}


def test_yoy_and_share_from_unrounded_values():
    eng = engine_of([product("202401", 2 * E8), product("202501", 3 * E8),
                     product("202401", 1 * E8, "854232"), product("202501", 1 * E8, "854232")])
    fig = eng.figure("export", "2025-01", "month", "product", "854231")
    assert fig.value == 3 * E8 and fig.yoy == pytest.approx(50.0) and fig.share == pytest.approx(75.0)
    assert eng.total("export", "2025-01", "month").yoy == pytest.approx(100 * (4 / 3 - 1))


def test_zero_prior_and_missing_prior_give_none_not_inf():
    eng = engine_of([product("202401", 0), product("202501", 5 * E8),
                     product("202401", 2 * E8, "854232"), product("202501", 1 * E8, "854232"),
                     product("202501", 1 * E8, "854233")])
    assert eng.figure("export", "2025-01", "month", "product", "854231").yoy is None  # prior 0
    assert eng.figure("export", "2025-01", "month", "product", "854233").yoy is None  # missing
    table = compute_tables(eng, "2025-01", (2,))["tables"]["2"]
    by_key = {r["key"]: r for r in table}
    assert by_key["854231"]["month"]["yoy"] is None
    assert by_key["854232"]["month"]["yoy"] == pytest.approx(-50.0)
    assert by_key["854290"]["month"] == {"value": 0.0, "share": 0.0, "yoy": None}


def test_partner_new_this_year_is_ranked_with_undefined_yoy():
    rows = [partner("202401", "133", 5 * E8), partner("202501", "133", 6 * E8),
            partner("202501", "116", 7 * E8)]
    eng = engine_of(rows)
    top = eng.ranking("export", "partner", "2025-01", "month")
    assert list(top["key"]) == ["116", "133"]
    assert top["yoy"].isna().tolist() == [True, False]
    result = compute_tables(eng, "2025-01", (4,))["tables"]["4"]["month"]
    assert result[0] == {"rank": 1, "key": "116", "label": "日本", "value": 7.0, "yoy": None}


def test_ties_at_rank_ten_go_to_the_lower_code():
    codes = ["101", "102", "103", "104", "105", "106", "107", "108", "109"]
    rows = [partner("202501", c, (20 - i) * E8) for i, c in enumerate(codes)]
    rows += [partner("202501", "133", 3 * E8), partner("202501", "111", 3 * E8),
             partner("202401", "133", 1 * E8)]
    eng = engine_of(rows)
    top = eng.ranking("export", "partner", "2025-01", "month")
    assert len(top) == 10 and top["key"].iloc[-1] == "111" and "133" not in set(top["key"])
    assert eng.ranking("export", "partner", "2025-01", "month", n=11)["key"].iloc[-1] == "133"


def test_never_ranked_partners_and_residual_groups():
    rows = [partner("202501", c, v * E8) for c, v in
            (("142", 9), ("701", 8), ("702", 7), ("999", 6), ("199", 5), ("133", 1))]
    rows = and_prior(rows)
    eng = engine_of(rows)
    assert list(eng.ranking("export", "partner", "2025-01", "month")["key"]) == ["133"]
    custom = engine_of(rows, Settings(never_ranked=("701",)))
    assert list(custom.ranking("export", "partner", "2025-01", "month")["key"]) == \
        ["142", "702", "999", "133"]


def test_eight_digit_codes_roll_up_to_hs6():
    eng = engine_of(and_prior([product("202501", 1 * E8, "85423111"),
                               product("202501", 2 * E8, "85423190"),
                               product("202501", 4 * E8, "854232")]))
    frame = eng.breakdown("export", "product", "2025-01", "month")
    assert frame.loc["854231", "value"] == 3 * E8 and frame.loc["854232", "value"] == 4 * E8
    assert frame.loc["854231", "prior"] == 1.5 * E8 and frame.loc["854231", "yoy"] == 100.0


def test_names_without_codes_and_parentheses_forms():
    rows = [
        {"period": "202501", "flow": "export", "partner_name": "韩国", "value_usd": 1 * E8},
        {"period": "202501", "flow": "export", "partner_name": "国(地)别不详", "value_usd": 2 * E8},
        {"period": "202501", "flow": "export", "partner_name": "刚果（金）", "value_usd": 3 * E8},
        {"period": "202501", "flow": "export", "partner_name": "刚果(布)", "value_usd": 4 * E8},
    ]
    frame = engine_of(rows).breakdown("export", "partner", "2025-01", "month", with_prior=False)
    assert frame["value"].to_dict() == {"133": 1 * E8, "701": 2 * E8, "252": 3 * E8, "213": 4 * E8}


def test_full_and_short_province_names_and_codes():
    rows = [{"period": "202501", "flow": "进口", "province_name": "广东省", "value_usd": 1 * E8},
            {"period": "202501", "flow": "进口", "province_name": "广东", "value_usd": 2 * E8},
            {"period": "202501", "flow": "进口", "province_code": "44", "value_usd": 4 * E8},
            {"period": "202501", "flow": "进口", "province_name": "内蒙古自治区", "value_usd": 8 * E8}]
    eng = engine_of(and_prior(rows))
    top = eng.ranking("import", "province", "2025-01", "month")
    assert list(top["key"]) == ["15", "44"] and list(top["value"]) == [8 * E8, 7 * E8]
    result = compute_tables(eng, "2025-01", (7,))["tables"]["7"]["month"]
    assert [r["label"] for r in result] == ["内蒙古", "广东"]


def test_other_chapters_are_left_out_with_a_counted_warning():
    eng = engine_of([product("202501", 1 * E8), product("202501", 9 * E8, "85411000"),
                     product("202501", 9 * E8, "84713000")])
    assert eng.total("export", "2025-01", "month", with_prior=False).value == 1 * E8
    warnings = [f.line() for f in eng.model.findings if f.severity == "warning"]
    assert any("2 rows of other HS chapters" in w and "test.csv rows 3, 4" in w for w in warnings)


def test_missing_month_is_an_error_naming_it():
    rows = [product(f"2025{m:02d}", 1 * E8) for m in (1, 2, 4, 5, 6, 7)]
    rows += [product(f"2024{m:02d}", 1 * E8) for m in range(1, 8)]
    eng = engine_of(rows)
    assert eng.total("export", "2025-07", "month").yoy == pytest.approx(0.0)
    with pytest.raises(MissingMonthsError, match=r"no export data total for 2025-03 .*year to date"):
        eng.total("export", "2025-07", "ytd")


def test_missing_prior_year_month_is_an_error():
    eng = engine_of([product("202507", 1 * E8)])
    with pytest.raises(MissingMonthsError, match="2024-07"):
        eng.total("export", "2025-07", "month")


def test_region_membership_follows_the_report_period():
    """Timor-Leste (144) counts in ASEAN from Oct 2025, for both years compared."""
    rows = [partner(p, c, v * E8) for p, c, v in
            (("202409", "141", 10), ("202509", "141", 10), ("202409", "144", 1), ("202509", "144", 2),
             ("202410", "141", 10), ("202510", "141", 10), ("202410", "144", 1), ("202510", "144", 2))]
    eng = engine_of(rows)
    sep = eng.figure("export", "2025-09", "month", "region", "ASEAN")
    oct_ = eng.figure("export", "2025-10", "month", "region", "ASEAN")
    assert (sep.value, sep.prior) == (10 * E8, 10 * E8)
    assert (oct_.value, oct_.prior) == (12 * E8, 11 * E8)


def test_net_row_conventions():
    rows = [product("202401", 10 * E8), product("202501", 12 * E8),
            product("202401", 30 * E8, flow="进口"), product("202501", 33 * E8, flow="进口")]
    default = compute_tables(engine_of(rows), "2025-01", (1,))["tables"]["1"][3]
    assert default["month"]["value"] == pytest.approx(-21.0)
    assert default["month"]["yoy"] == pytest.approx(100 * (21 / 20 - 1))  # net imports 20 -> 21
    absolute = compute_tables(engine_of(rows, Settings(net_yoy="abs_diff")), "2025-01", (1,))
    assert absolute["tables"]["1"][3]["month"]["yoy"] == pytest.approx(-1.0)  # -21 - (-20)


def test_total_rows_win_over_extracts_and_cube_rows_are_not_double_counted():
    rows = [{"period": "202501", "flow": "出口", "value_usd": 100},  # a total row
            product("202501", 60), product("202501", 40, "854232"),
            partner("202501", "133", 70), partner("202501", "116", 30),
            # a cube row for the same month: must not add to anything
            {"period": "202501", "flow": "出口", "hs_code": "854231", "partner_code": "133",
             "province_code": "44", "value_usd": 55}]
    eng = engine_of(rows)
    assert eng.model.total("export", ("2025-01",)) == 100
    assert eng.model.values("export", "partner", ("2025-01",)).to_dict() == {"116": 30, "133": 70}
    assert eng.model.values("export", "province", ("2025-01",)).to_dict() == {"44": 55}
