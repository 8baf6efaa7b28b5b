"""Plain-text tables for the terminal: aligned columns, one decimal, '—' where undefined."""

from __future__ import annotations

import unicodedata

from xladdin.engine.metrics import Engine
from xladdin.engine.tables import OVERVIEW_LABELS, SHARE_HEADER, SPECS, YOY_HEADER, period_words, table_notes

DASH = "—"


def fmt(value: float | None) -> str:
    if value is None or value != value:
        return DASH
    text = f"{value:.1f}"
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
    """All tables of a ``compute_tables`` result as text."""
    period = result["period"]
    words = period_words(period, engine.settings.top_n)
    blocks = []
    for no, body in result["tables"].items():
        spec = SPECS[int(no)]
        title = spec.title.format(**words)
        rows: list[list[str]] = []
        if spec.kind == "overview":
            rows.append(["", words["month_header"], "", words["ytd_header"], ""])
            rows.append(["", spec.value_header, YOY_HEADER, spec.value_header, YOY_HEADER])
            for r in body:
                rows.append([OVERVIEW_LABELS[r["key"]], fmt(r["month"]["value"]), fmt(r["month"]["yoy"]),
                             fmt(r["ytd"]["value"]), fmt(r["ytd"]["yoy"])])
        elif spec.kind == "composition":
            rows.append([spec.name_header, words["month_header"], "", "", words["ytd_header"]])
            head = [spec.value_header, SHARE_HEADER, YOY_HEADER]
            rows.append(["", *head, *head])
            for r in body:
                rows.append([r["label"], *(fmt(r[s][k]) for s in ("month", "ytd")
                                           for k in ("value", "share", "yoy"))])
        else:
            head = [spec.name_header, spec.value_header, YOY_HEADER]
            rows.append([words["month_header"], "", "", words["ytd_header"], "", ""])
            rows.append([*head, *head])
            if "regions" in body:
                rows.append(["重点区域"])
                for r in body["regions"]:
                    rows.append([r["label"], fmt(r["month"]["value"]), fmt(r["month"]["yoy"]),
                                 r["label"], fmt(r["ytd"]["value"]), fmt(r["ytd"]["yoy"])])
                rows.append([f"排名前{engine.settings.top_n}地区"])
            for m, y in zip(body["month"], body["ytd"]):
                rows.append([m["label"], fmt(m["value"]), fmt(m["yoy"]),
                             y["label"], fmt(y["value"]), fmt(y["yoy"])])
        notes = "\n".join(table_notes(spec, engine, period))
        text_columns = {0, 3} if spec.kind == "ranking" else {0}
        blocks.append(f"{title}\n\n{grid(rows, text_columns)}\n\n{notes}")
    return "\n\n\n".join(blocks) + "\n"
