"""The same data as a fully crossed cube, as separate extracts, or both, gives the same tables;
other periods than the seed's work and equal plain sums of the raw file."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from xladdin.cli import main
from xladdin.engine.load import from_raw, sample_path
from xladdin.engine.raw import RawData, read_raw
from xladdin.engine.tables import compute_tables


def cube_from_extracts(raw: RawData, months: set[str]) -> pd.DataFrame:
    """A product × partner × province cube whose three margins are the sample's extracts."""
    f = raw.frame[raw.frame["period"].isin(months)]
    margins = {}
    for dim in ("product", "partner", "province"):
        part = f[f[dim].notna()].groupby(["flow", "period", dim], as_index=False)["value"].sum()
        margins[dim] = part.rename(columns={"value": f"v_{dim}"})
    total = margins["product"].groupby(["flow", "period"], as_index=False)["v_product"].sum()
    cube = margins["product"].merge(margins["partner"], on=["flow", "period"]) \
        .merge(margins["province"], on=["flow", "period"]).merge(
            total.rename(columns={"v_product": "total"}), on=["flow", "period"])
    cube["value"] = cube["v_product"] * cube["v_partner"] * cube["v_province"] / cube["total"] ** 2
    cube["source"], cube["row"] = "cube", 0
    return cube[["period", "flow", "product", "partner", "province", "value", "source", "row"]]


def assert_same(a, b, path="", rel: float = 1e-9) -> None:
    if isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for k in a:
            assert_same(a[k], b[k], f"{path}.{k}", rel)
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f"{path}[{i}]", rel)
    elif isinstance(a, float) and b is not None:
        assert a == pytest.approx(b, rel=rel, abs=rel), path
    else:
        assert a == b, path


@pytest.fixture(scope="module")
def sample_raw() -> RawData:
    return read_raw([sample_path()])


def test_cube_extracts_and_both_give_identical_tables(sample_raw):
    months = {f"{y}-{m:02d}" for y in (2024, 2025) for m in range(1, 8)}
    extracts = RawData(sample_raw.frame[sample_raw.frame["period"].isin(months)].reset_index(drop=True))
    cube = RawData(cube_from_extracts(sample_raw, months))
    both = RawData.concat([cube, extracts])
    expected = compute_tables(from_raw(extracts), "2025-07")
    assert len(cube.frame) > 100_000
    # the cube's cells are fractions of a cent; the model sums whole cents, so over 100,000
    # cells its sums agree with the extracts' to within a cent per cell, not to float noise
    assert_same(compute_tables(from_raw(cube), "2025-07"), expected, rel=1e-7)
    assert_same(compute_tables(from_raw(both), "2025-07"), expected, rel=1e-7)


@pytest.mark.parametrize("period,months", [("2025-03", 3), ("2025-01", 1)])
def test_other_periods_equal_plain_sums_of_the_raw_file(capsys, period, months):
    assert main(["tables", "--demo", "--period", period, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    raw = pd.read_csv(sample_path(), dtype=str)
    raw["usd"] = raw["value_usd"].astype(float)
    product_rows = raw[raw["hs_code"] != "8542"]

    def total(flow, yyyymm):
        return product_rows.loc[(product_rows["flow"] == flow) & product_rows["period"].isin(yyyymm),
                                "usd"].sum() / 1e8

    year = period[:4]
    ytd = [f"{year}{m:02d}" for m in range(1, months + 1)]
    prior = [f"{int(year) - 1}{m:02d}" for m in range(1, months + 1)]
    export = out["tables"]["1"][1]
    assert export["ytd"]["value"] == pytest.approx(total("出口", ytd), rel=1e-12)
    assert export["ytd"]["yoy"] == pytest.approx((total("出口", ytd) / total("出口", prior) - 1) * 100)
    assert export["month"]["value"] == pytest.approx(total("出口", ytd[-1:]), rel=1e-12)
    partners = raw[raw["partner_code"].notna() & (raw["flow"] == "进口") & raw["period"].isin(ytd)]
    top = partners.groupby("partner_code")["usd"].sum().drop(["142", "701", "999", "199"],
                                                           errors="ignore").sort_values()
    assert out["tables"]["5"]["ytd"][0]["key"] == top.index[-1]
    assert out["tables"]["5"]["ytd"][0]["value"] == pytest.approx(top.iloc[-1] / 1e8)
    if months == 1:
        month = dict(out["tables"]["1"][0]["month"])
        month.pop("mom")  # 环比 belongs to the month only (January's is on the December before)
        assert month == out["tables"]["1"][0]["ytd"]


def test_period_before_the_prior_year_exists_is_refused(capsys):
    assert main(["tables", "--demo", "--period", "2024-07", "--json"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: export 2024-07: export data") and "lacks 2023-01" in err
    assert "the data hold 2024-01 to 2025-07" in err and "Traceback" not in err
