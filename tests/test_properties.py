"""Properties that hold for any non-negative raw data (hypothesis)."""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xladdin.engine.load import from_raw
from xladdin.engine.raw import RawData
from xladdin.engine.reference import load_reference
from xladdin.engine.tables import compute_tables

PRODUCTS = ["854231", "854232", "854233", "854239", "854290"]
PARTNERS = ["110", "116", "133", "141", "142", "143", "199", "304", "502", "701", "111", "132"]
PROVINCES = ["11", "31", "32", "44", "51", "61"]
MONTHS = ["2024-01", "2024-02", "2024-03", "2025-01", "2025-02", "2025-03"]


@st.composite
def cubes(draw) -> pd.DataFrame:
    cells = draw(st.lists(
        st.tuples(st.sampled_from(MONTHS), st.sampled_from(["export", "import"]),
                  st.sampled_from(PRODUCTS), st.sampled_from(PARTNERS), st.sampled_from(PROVINCES),
                  st.integers(min_value=0, max_value=10**10)),
        min_size=1, max_size=120))
    # every month of both flows present, so every sum is defined
    cells += [(m, f, "854231", "110", "11", 1) for m in MONTHS for f in ("export", "import")]
    frame = pd.DataFrame(cells, columns=["period", "flow", "product", "partner", "province", "value"])
    frame["value"] = frame["value"].astype("float64")
    frame["source"], frame["row"] = "hypothesis", 0
    return frame


def extracts_of(cube: pd.DataFrame) -> pd.DataFrame:
    parts = []
    for dim in ("product", "partner", "province"):
        part = cube.groupby(["period", "flow", dim], as_index=False)["value"].sum()
        for other in {"product", "partner", "province"} - {dim}:
            part[other] = pd.Series(pd.NA, index=part.index, dtype="str")
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out["source"], out["row"] = "extracts", 0
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cubes(), st.sampled_from(["2025-01", "2025-02", "2025-03"]))
def test_properties(cube, period):
    result = compute_tables(from_raw(RawData(cube)), period)
    ref = load_reference()
    for no in ("2", "3"):
        for span in ("month", "ytd"):
            shares = [r[span]["share"] for r in result["tables"][no]]
            assert abs(sum(shares) - 100.0) < 1e-6
        for r in result["tables"][no]:
            assert r["month"]["value"] <= r["ytd"]["value"] + 1e-9
    for row in result["tables"]["1"][:3]:
        assert row["month"]["value"] <= row["ytd"]["value"] + 1e-9
    for no in ("4", "5", "6", "7"):
        for span in ("month", "ytd"):
            entries = result["tables"][no][span]
            values = [e["value"] for e in entries]
            keys = [e["key"] for e in entries]
            assert values == sorted(values, reverse=True)
            assert len(set(keys)) == len(keys) <= 10
            if no in ("4", "5"):
                assert ref.rankable_partner(pd.Series(keys, dtype="str")).all()
                assert not {"142", "701", "199"} & set(keys)
    from tests.test_layouts import assert_same

    assert_same(compute_tables(from_raw(RawData(extracts_of(cube))), period), result)
