"""Report options, kept apart from the engine's arithmetic so that the command line can
describe them (``--help``, argument checks) without loading pandas."""

from __future__ import annotations

from dataclasses import dataclass

from xladdin.engine.editions import LANGS
from xladdin.engine.vocabulary import UNIT
from xladdin.errors import XladdinError

NET_YOY_CONVENTIONS = ("net_import_pct", "abs_diff")

#: Partner codes that are never ranked as a "partner": China itself (re-imports), unknown,
#: international organisations, neutral-packaging origin. Codes ending in 99 (residual
#: groups such as 亚洲其他国家（地区）, ``RESIDUAL_GROUP`` in reference.py) are excluded by rule.
NEVER_RANKED = ("142", "701", "702", "999")


@dataclass(frozen=True)
class Settings:
    """Report options; the defaults reproduce the published report."""

    #: Table 1 net row's 同比变化: % growth of net imports (what the seed prints) or the
    #: absolute change of net exports in 亿美元 (what the seed's note claims).
    net_yoy: str = "net_import_pct"
    top_n: int = 10
    never_ranked: tuple[str, ...] = NEVER_RANKED
    regions: tuple[str, ...] = ("ASEAN", "EU")
    unit: float = UNIT
    #: the language of the words and names (``words/<lang>.toml``)
    lang: str = "zh"
    #: make a February report the January–February combined issue even where the data has
    #: the two months separately (without it, the combined issue is chosen only when the data
    #: holds them only as one range)
    jan_feb: bool = False

    def __post_init__(self) -> None:
        if self.lang not in LANGS:
            raise XladdinError(f"unknown language '{self.lang}'; use {' or '.join(LANGS)}")
        if self.net_yoy not in NET_YOY_CONVENTIONS:
            raise XladdinError(f"unknown net YoY convention '{self.net_yoy}'; use "
                               f"{' or '.join(NET_YOY_CONVENTIONS)}")
        if not 1 <= self.top_n <= 100:
            raise XladdinError(f"top_n must be between 1 and 100, not {self.top_n}")
