"""The sample generator still solves the seed's figures (on whatever solver version is installed)."""

from __future__ import annotations

import pytest

from xladdin.engine.load import load_engine
from xladdin.engine.tables import compute_tables
from xladdin.sample.generator import generate, load_seed


def test_generator_reproduces_the_seed_and_is_deterministic(tmp_path):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    rows = generate(first)
    assert rows > 3000 and generate(second) == rows
    assert first.read_bytes() == second.read_bytes()
    result = compute_tables(load_engine([first]), "2025-07")["tables"]
    seed = load_seed()["tables"]
    for printed, got in zip(seed["1"], result["1"]):
        for span in ("month", "ytd"):
            assert got[span]["value"] == pytest.approx(printed[span]["value"], abs=0.05)
            assert got[span]["yoy"] == pytest.approx(printed[span]["yoy"], abs=0.05)
    for no in ("2", "3"):
        for printed, got in zip(seed[no], result[no]):
            assert got["label"] == printed["label"]
            assert got["month"]["share"] == pytest.approx(printed["month"]["share"], abs=0.05)
    for no in ("5", "6", "7"):
        for span in ("month", "ytd"):
            assert [e["label"] for e in result[no][span]] == [e["label"] for e in seed[no][span]]
