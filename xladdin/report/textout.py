"""Plain-text tables for the terminal: aligned columns, one decimal, '—' where undefined."""

from __future__ import annotations

import unicodedata

from xladdin.engine.metrics import Engine
from xladdin.engine.tables import SPECS, span_header, table_notes, table_words

DASH = "—"


def fmt(value: float | None, thousands: bool = False) -> str:
    if value is None or value != value:
        return DASH
    text = f"{value:,.1f}" if thousands else f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - _width(text))
    return gap + text if right else text + gap


def grid(rows: list[list[str]], text_columns: set[int]) -> str:
    """Aligned columns: names left, numbers right."""
    widths = [max(_width(r[i]) for r in rows if i < len(r)) for i in range(max(map(len, rows)))]
    out = []
    for row in rows:
        cells = [_pad(c, widths[i], i not in text_columns) for i, c in enumerate(row)]
        out.append("  ".join(cells).rstrip())
    return "\n".join(out)


def render_text(engine: Engine, result: dict) -> str:
    """All tables of a ``compute_tables`` result as text, in the edition's words."""
    period = result["period"]
    edition = engine.edition(period)
    spans = edition.spans
    words = edition.period_words(period, engine.settings.top_n)
    labels = edition.words["labels"]
    thousands = "," in edition.words["number_format"]
    f = lambda value: fmt(value, thousands)  # noqa: E731
    blocks = []
    for no, body in result["tables"].items():
        spec = SPECS[int(no)]
        tw = table_words(spec, edition, words)
        rows: list[list[str]] = []
        if spec.kind == "overview":
            rows.append([""] + [c for s in spans for c in (span_header(s, words), "")])
            rows.append([""] + [tw.value_header, tw.yoy_header] * len(spans))
            for r in body:
                rows.append([r["label"], *(f(r[s][k]) for s in spans for k in ("value", "yoy"))])
        elif spec.kind == "composition":
            rows.append([tw.name_header] + [c for s in spans for c in (span_header(s, words), "", "")])
            rows.append(["", *[tw.value_header, tw.share_header, tw.yoy_header] * len(spans)])
            for r in body:
                rows.append([r["label"], *(f(r[s][k]) for s in spans for k in ("value", "share", "yoy"))])
        else:
            rows.append([c for s in spans for c in (span_header(s, words), "", "")])
            rows.append([tw.name_header, tw.value_header, tw.yoy_header] * len(spans))
            if "regions" in body:
                rows.append([labels["region_section"]])
                for r in body["regions"]:
                    rows.append([c for s in spans for c in (r["label"], f(r[s]["value"]), f(r[s]["yoy"]))])
                rows.append([labels["top_section"].format(top=engine.settings.top_n)])
            for entries in zip(*(body[s] for s in spans)):
                rows.append([c for e in entries for c in (e["label"], f(e["value"]), f(e["yoy"]))])
        notes = "\n".join(table_notes(spec, engine, period))
        text_columns = {3 * i for i in range(len(spans))} if spec.kind == "ranking" else {0}
        blocks.append(f"{tw.title}\n\n{grid(rows, text_columns)}\n\n{notes}")
    return "\n\n\n".join(blocks) + "\n"
