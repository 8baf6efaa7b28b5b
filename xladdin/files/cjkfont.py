"""A font with Chinese characters for the Word edition's chart pictures.

matplotlib draws every character its font lacks as a box (and warns once per glyph). Its
font list is cached on first use, so a CJK font installed later stays unseen until the list
is rebuilt. Before a Chinese Word edition is written, ``require_cjk_font`` finds a CJK font,
looking at the system's fonts once when the cached list has none, or refuses with one
sentence naming what to install: boxes in a published chart are worse than no chart.
"""

from __future__ import annotations

from xladdin.errors import XladdinError

#: Families with the Chinese characters the charts use (Windows, macOS, Linux), preferred first.
CJK_FONTS = ("Microsoft YaHei", "SimHei", "PingFang SC", "Heiti SC", "Hiragino Sans GB",
             "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Noto Sans CJK SC", "Noto Sans SC",
             "Source Han Sans SC", "Source Han Sans CN", "Noto Sans CJK JP", "Droid Sans Fallback",
             "AR PL UMing CN")
INSTALL = ("install a Chinese (CJK) font, e.g. 'apt-get install fonts-wqy-microhei' or "
           "'fonts-noto-cjk' (Windows and macOS have one), or write the English edition (--lang en)")


class _Looked:
    """The system's fonts are scanned at most once per process (it takes a second or two)."""

    done = False


def _first_cjk(manager) -> str | None:
    names = {entry.name for entry in manager.ttflist}
    return next((name for name in CJK_FONTS if name in names), None)


def _add_system_fonts(font_manager) -> None:
    """Add the system's fonts that the cached list lacks, and save the list for next time."""
    manager = font_manager.fontManager
    known = {entry.fname for entry in manager.ttflist}
    for path in font_manager.findSystemFonts():
        if path not in known:
            try:
                manager.addfont(path)
            except Exception:  # a damaged or unsupported font file is not our concern
                continue
    try:  # matplotlib's own cache file, so the next process sees the fonts at once
        from pathlib import Path

        import matplotlib

        cache = Path(matplotlib.get_cachedir(), f"fontlist-v{font_manager.FontManager.__version__}.json")
        font_manager.json_dump(manager, cache)
    except Exception:
        pass


def cjk_font() -> str | None:
    """The first CJK family matplotlib can use, or None when the system has none."""
    from matplotlib import font_manager

    found = _first_cjk(font_manager.fontManager)
    if found is None and not _Looked.done:
        _Looked.done = True
        _add_system_fonts(font_manager)
        found = _first_cjk(font_manager.fontManager)
    return found


def chart_fonts(fallbacks: list[str]) -> list[str]:
    """The chart font list with the CJK family found put first."""
    found = cjk_font()
    return [found, *fallbacks] if found else list(fallbacks)


def require_cjk_font() -> str:
    """The CJK family for the Chinese edition's charts, or one sentence saying what to install."""
    found = cjk_font()
    if found is None:
        raise XladdinError("the Word edition's charts need a font with Chinese characters and this "
                           f"computer has none that matplotlib can find; {INSTALL}")
    return found
