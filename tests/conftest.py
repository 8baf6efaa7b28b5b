"""Shared helpers: build engines from hand-made rows, the demo engine, seed figures."""

from __future__ import annotations

import json
import os
from importlib import resources

import pandas as pd
import pytest

from xladdin.engine.load import demo, from_raw
from xladdin.engine.metrics import Settings
from xladdin.engine.raw import validate_table

COLUMNS = ["period", "flow", "hs_code", "partner_code", "partner_name", "province_code",
           "province_name", "value_usd"]


def rows_frame(rows: list[dict]) -> pd.DataFrame:
    """Raw rows as text cells, the way a CSV is read (missing keys are blank)."""
    return pd.DataFrame([{c: str(r.get(c, "")) for c in COLUMNS} for r in rows], dtype="str")


def engine_of(rows: list[dict] | pd.DataFrame, settings: Settings | None = None):
    frame = rows if isinstance(rows, pd.DataFrame) else rows_frame(rows)
    return from_raw(validate_table(frame, "test.csv"), settings)


@pytest.fixture(scope="session", autouse=True)
def raw_cache_folder(tmp_path_factory):
    """The raw-table cache of the tests lives in a temporary folder, never the user's."""
    folder = tmp_path_factory.mktemp("raw-cache")
    previous = os.environ.get("XLADDIN_CACHE_DIR")
    os.environ["XLADDIN_CACHE_DIR"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("XLADDIN_CACHE_DIR", None)
    else:
        os.environ["XLADDIN_CACHE_DIR"] = previous


@pytest.fixture(scope="session")
def demo_engine():
    return demo()


@pytest.fixture(scope="session")
def seed() -> dict:
    with resources.files("xladdin.sample").joinpath("seed_figures.json").open(encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture(scope="session")
def demo_result(demo_engine):
    from xladdin.engine.tables import compute_tables

    return compute_tables(demo_engine, "2025-07")


@pytest.fixture(scope="session")
def tables_json():
    """What ``xladdin tables --demo --period 2025-07 --json`` prints: the figures every front end
    (cell functions, Lite) must equal."""
    import contextlib
    import io

    from xladdin.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["tables", "--demo", "--period", "2025-07", "--json"]) == 0
    return json.loads(out.getvalue())["tables"]
