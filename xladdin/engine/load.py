"""The engine's front door: raw files in, an Engine ready for questions out."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from xladdin.engine.metrics import Engine, Settings
from xladdin.engine.model import Model
from xladdin.engine.periods import parse_period
from xladdin.engine.raw import RawData, read_raw
from xladdin.engine.scope import Scope
from xladdin.errors import XladdinError


def sample_path() -> Path:
    """The bundled raw sample (Jan 2024 – Jul 2025, three extracts per month and flow)."""
    return Path(str(resources.files("xladdin.sample").joinpath("raw_sample.csv")))


def load_engine(paths: list[Path | str], settings: Settings | None = None, flow: str | None = None,
         period: str | None = None, scope: Scope | str | None = None) -> Engine:
    """Read raw files under a product scope (chips by default) and build the engine over them."""
    return from_raw(read_raw(paths, flow=flow, period=period, scope=scope), settings)


def from_raw(raw: RawData, settings: Settings | None = None) -> Engine:
    return Engine(Model(raw), settings or Settings())


def demo(settings: Settings | None = None) -> Engine:
    return load_engine([sample_path()], settings)


def report_period(engine: Engine, period: str | None) -> str:
    """The month to report: the one asked for, else the latest month in the data."""
    if period:
        return parse_period(period)
    latest = engine.model.latest_period()
    if latest is None:
        raise XladdinError("the raw data holds no usable rows; paste or import the customs rows first")
    return latest
