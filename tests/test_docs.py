"""The guides speak of the code as it is: every code name README.md and docs/*.md quote in
backticks (a function, class, constant or module) is still a name somewhere in the code."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: a quoted code name: `DatasetCache`, `udf.DATASETS`, `refresh_caches()`
QUOTED = re.compile(r"`([A-Za-z_][A-Za-z0-9_.]*)(?:\(\))?`")


def code_words() -> set[str]:
    """Every word of the package, tests and benchmarks (sources and data the code names)."""
    words: set[str] = set()
    for folder in ("xladdin", "tests", "benchmarks"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in {".py", ".toml", ".csv", ".json"} and "node_modules" not in path.parts:
                words |= set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", path.read_text(encoding="utf-8", errors="replace")))
    return words


def test_every_code_name_the_guides_quote_is_in_the_code():
    words = code_words()
    missing = []
    for guide in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for name in QUOTED.findall(guide.read_text(encoding="utf-8")):
            last = name.rstrip(".").rpartition(".")[2]
            # a code name: snake_case, CamelCase or CONSTANT (not a plain word such as `zh`)
            if len(last) >= 4 and re.search(r"_|[a-z][A-Z]|^[A-Z][A-Z]", last) and last not in words:
                missing.append(f"{guide.name}: {name}")
    assert missing == []
