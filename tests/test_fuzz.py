"""Fuzzing the command with random raw tables and random damage to them (hypothesis).

Valid tables — written in any of the forms the reader accepts (Chinese or English headers,
UTF-8 or GB18030, LF, CRLF or CR line endings, codes as floats, HS6 or HS8 codes, "1,234"
values, values with cents and cent-level ties, blank lines, names with control characters,
one-month range labels such as 2025年7-7月, partner aliases such as 香港, city-level
registration codes such as 4401) — go through tables, build, init, import and refresh; every figure
checked must equal a plain-Python sum of the generated rows. Damaged inputs (a cell, the
encoding, control characters, a truncated file, an edited defined name, a dropped zip part)
must end in exit 0 or in exit 2 with one error line; never a traceback, a changed input, a
file left behind or an xlsx that is not strict XML.

Derandomised, so CI runs the same examples every time within a bounded time; set
XLADDIN_FUZZ_EXAMPLES (e.g. 500) for a longer run.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import re
import tempfile
import zipfile
from collections import defaultdict
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from lxml import etree

from tests.office import sheets_as_shown
from xladdin.cli import main
from xladdin.engine.raw import read_xlsx_table
from xladdin.ooxml.xlsxpatch import XlsxPatch

EXAMPLES = int(os.environ.get("XLADDIN_FUZZ_EXAMPLES", "0"))
FUZZ = settings(derandomize=not EXAMPLES, database=None, deadline=None, max_examples=EXAMPLES or 10,
                suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])

PRODUCTS = {"854231": ("854231", "85423110", "85423190"), "854232": ("854232", "85423210"),
            "854233": ("854233",), "854239": ("854239", "85423910"), "854290": ("854290", "85429000")}
#: 998 is no customs code: its name, whatever it holds, becomes a label in tables and sheets
PARTNERS = ["110", "116", "133", "141", "142", "143", "304", "502", "112", "132", "601", "344", "998"]
PROVINCES = ["11", "31", "32", "44", "51", "61", "33"]
HEADERS = {"zh": ["数据年月", "进出口", "商品编码", "贸易伙伴编码", "贸易伙伴名称", "注册地编码", "注册地名称", "美元"],
           "en": ["period", "flow", "hs_code", "partner_code", "partner_name", "province_code",
                  "province_name", "value_usd"]}
FLOWS = {"export": "出口", "import": "进口"}
#: amounts (cents) whose sums tie often: 0.10 + 0.20 equals 0.30 in cents, not in floats
TIED = [10, 20, 30, 100000010, 200000020, 300000030]
#: one-month ranges in the forms customs and people write them: each is that month
RANGE_FORMS = ["{y}年{m}-{m}月", "{y}{mm}-{y}{mm}", "{y}-{mm}~{y}-{mm}", "{y}-{mm}..{y}-{mm}"]
#: partner and province written as an alias or a city-level code: (code, written code, name)
ALIASES = {"partner": {"110": ("", "香港"), "143": ("", "Chinese Taipei"), "121": ("", "Macau")},
           "province": {"44": ("4401", ""), "31": ("", "Shanghai"), "32": ("32059", "")}}
#: names may carry anything, control characters included: they are labels only
NAMES = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)
LIBREOFFICE_EXAMPLES = 2
RUNS = defaultdict(int)  # examples run per test, printed at the end of a run (-s)


@st.composite
def raw_tables(draw) -> dict:
    """A valid raw table: a cube of rows plus one row per month and flow, so every sum the
    report needs is defined; and the form it is written in."""
    month = draw(st.integers(1, 3))
    months = [f"{y}{m:02d}" for y in (2024, 2025) for m in range(1, month + 1)]
    hs_of = {p: draw(st.sampled_from(codes)) for p, codes in PRODUCTS.items()}  # one grain per product
    keys = draw(st.lists(st.tuples(st.sampled_from(months), st.sampled_from(["export", "import"]),
                                   st.sampled_from(sorted(PRODUCTS)), st.sampled_from(PARTNERS),
                                   st.sampled_from(PROVINCES)), unique=True, max_size=40))
    ties = draw(st.booleans())
    amounts = st.sampled_from(TIED) if ties else st.integers(0, 10**13)  # cents
    rows = [(m, f, hs_of[p], pa, pr, draw(amounts), draw(NAMES), draw(NAMES))
            for m, f, p, pa, pr in keys]
    base = {(m, f) for m in months for f in FLOWS}
    rows += [(m, f, hs_of["854231"], "110", "11", 100 * (1 + i), "", "") for i, (m, f) in enumerate(sorted(base))
             if (m, f, "854231", "110", "11") not in set(keys)]
    return {"rows": rows, "cube": len(keys), "period": f"2025-{month:02d}", "lang": draw(st.sampled_from(["zh", "en"])),
            "encoding": draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030"])),
            "floats": draw(st.booleans()), "commas": draw(st.booleans()), "blank": draw(st.booleans()),
            "cents": ties or draw(st.booleans()), "ending": draw(st.sampled_from(["\n", "\r\n", "\r"])),
            "range": draw(st.sampled_from([None, *RANGE_FORMS])), "aliases": draw(st.booleans()),
            "seed": draw(st.integers(0, 2**16))}


def csv_text(table: dict, rows: list | None = None) -> str:
    """The table as a CSV the reader accepts, in the drawn form."""
    lines = [",".join(HEADERS[table["lang"]])]
    for period, flow, hs, partner, province, value, pname, rname in rows or table["rows"]:
        codes = [period, hs, partner, province]
        if table["floats"]:
            codes = [c + ".0" for c in codes]
        if table.get("range"):
            codes[0] = table["range"].format(y=period[:4], mm=period[4:], m=int(period[4:]))
        names = [_quote(pname), _quote(rname)]
        if table.get("aliases"):
            if partner in ALIASES["partner"]:
                codes[2], names[0] = ALIASES["partner"][partner]
            if province in ALIASES["province"]:
                codes[3], names[1] = ALIASES["province"][province]
        lines.append(",".join([codes[0], FLOWS[flow], codes[1], codes[2], names[0], codes[3], names[1],
                               _amount(table, value)]))
        if table["blank"] and value % 5 == 0:
            lines.append(",,,,,,," if value % 2 else "")
    return table.get("ending", "\n").join(lines) + table.get("ending", "\n")


def _amount(table: dict, cents: int) -> str:
    """A value (given in cents) as written: whole dollars, or with cents; "1,234" or not."""
    if not table.get("cents"):
        dollars = cents // 100
        return f'"{dollars:,}"' if table["commas"] else str(dollars)
    whole, part = divmod(cents, 100)
    return f'"{whole:,}.{part:02d}"' if table["commas"] else f"{whole}.{part:02d}"


def _quote(name: str) -> str:
    """A CSV field for a name: quoted, inner quotes doubled, no line breaks or the blank
    words the reader treats as missing, where the gb18030 form could not hold it."""
    name = re.sub(r"[\r\n\x00]", "", name)
    return '"' + name.replace('"', '""') + '"'


def write_csv(table: dict, path: Path, rows: list | None = None) -> Path:
    text = csv_text(table, rows)
    encoding = table["encoding"]
    try:
        path.write_bytes(text.encode(encoding))
    except UnicodeEncodeError:
        path.write_bytes(text.encode("utf-8"))
    return path


def plain_sums(rows: list, period: str, cents: bool = True) -> dict:
    """The figures the report must show, summed in plain Python from the generated rows:
    whole cents, exactly (ints), given back in USD; whole dollars where the table has no cents."""
    year, month = int(period[:4]), int(period[5:])
    ytd = {f"{year}{m:02d}" for m in range(1, month + 1)}
    out: dict = defaultdict(int)
    for p, flow, hs, _, province, value, _, _ in rows:
        value = value if cents else value // 100 * 100
        for span, months in (("month", {f"{year}{month:02d}"}), ("ytd", ytd)):
            if p in months:
                out[(flow, span, "total")] += value
                out[(flow, span, "product", hs[:6])] += value
                out[(flow, span, "province", province)] += value
    return ExactSums(out)


class ExactSums(dict):
    """Sums in cents; reading one gives USD (cents / 100), ``cents`` the exact integer."""

    def __getitem__(self, key):
        return super().__getitem__(key) / 100 if key in self else 0.0

    def cents(self, key) -> int:
        return super().get(key, 0)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main([str(a) for a in argv])
    return status, out.getvalue(), err.getvalue()


def strict_xml(path: Path) -> None:
    with zipfile.ZipFile(path) as book:
        for name in book.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(book.read(name))


def close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def check_tables(result: dict, sums: dict) -> None:
    """Table 1's export and import rows, tables 2/3 (products) and 6/7 (provinces) against
    the plain sums (the JSON is in 亿美元)."""
    t = result["tables"]
    rows = {r["key"]: r for r in t["1"]}
    for flow in FLOWS:
        for span in ("month", "ytd"):
            assert close(rows[flow][span]["value"] * 1e8, sums[(flow, span, "total")])
    for no, flow in (("2", "export"), ("3", "import")):
        for r in t[no]:
            for span in ("month", "ytd"):
                assert close((r[span]["value"] or 0) * 1e8, sums[(flow, span, "product", r["key"])])
    for no, flow in (("6", "export"), ("7", "import")):
        for span in ("month", "ytd"):
            entries = t[no][span]
            for e in entries:
                assert close(e["value"] * 1e8, sums[(flow, span, "province", e["key"])])
            shown = [e["value"] for e in entries]
            assert shown == sorted(shown, reverse=True)
            for a, b in zip(entries, entries[1:]):  # a tie in cents ranks by the lower code
                exact = [sums.cents((flow, span, "province", e["key"])) for e in (a, b)]
                if exact[0] == exact[1]:
                    assert a["value"] == b["value"] and a["key"] < b["key"], (a, b)


def finished_figures(path: Path) -> dict:
    """Table 1 as written in a workbook: export and import, month and year to date (亿美元)."""
    patch = XlsxPatch(path)
    try:
        sheet, row, col = patch.anchor("T1_BODY")
        root = etree.fromstring(patch.zip.read(patch.parts[sheet]))
    finally:
        patch.close()
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    cells = {c.get("r"): c.findtext(f"{ns}v") for c in root.iter(f"{ns}c")}
    letter = lambda j: chr(64 + col + j)  # noqa: E731 - the body sits within columns A..Z
    return {(flow, span): float(cells[f"{letter(j)}{row + i}"])
            for i, flow in ((1, "export"), (2, "import")) for span, j in (("month", 1), ("ytd", 3))}


def check_workbook(path: Path, sums: dict) -> None:
    strict_xml(path)
    for (flow, span), value in finished_figures(path).items():
        assert close(value * 1e8, sums[(flow, span, "total")])


@FUZZ
@given(raw_tables())
def test_valid_tables_give_the_plain_sums_everywhere(table):
    RUNS["valid"] += 1
    sums = plain_sums(table["rows"], table["period"], table["cents"])
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        raw = write_csv(table, tmp / "raw.csv")
        status, out, err = run("tables", raw, "--period", table["period"], "--json")
        assert status == 0, err
        check_tables(json.loads(out), sums)

        status, _, err = run("build", raw, "--period", table["period"], "-o", tmp / "out.xlsx", "--include-raw")
        assert status == 0, err
        check_workbook(tmp / "out.xlsx", sums)
        assert len(read_xlsx_table(tmp / "out.xlsx")[0]) == len(table["rows"])

        # a monthly workbook with part of the report month, the rest arriving as a download
        last = table["period"].replace("-", "")
        cube = table["rows"][:table["cube"]]
        newest = [r for r in cube if r[0] == last]
        older = [r for r in table["rows"] if r not in newest]
        status, _, err = run("init", tmp / "work.xlsx", write_csv(table, tmp / "older.csv", older))
        assert status == 0, err
        strict_xml(tmp / "work.xlsx")
        if newest:
            download = write_csv(table, tmp / "newest.csv", newest)
            status, _, err = run("import", download, "--into", tmp / "work.xlsx")
            assert status == 0, err
        assert len(read_xlsx_table(tmp / "work.xlsx")[0]) == len(table["rows"])
        status, _, err = run("refresh", tmp / "work.xlsx")
        assert status == 0, err
        check_workbook(tmp / "work.xlsx", sums)
        check_workbook(tmp / "work_发布版.xlsx", sums)
        if RUNS["valid"] <= LIBREOFFICE_EXAMPLES:  # the slowest check, on the first examples
            shown = sheets_as_shown(tmp / "work.xlsx", tmp / "shown")["原始数据"]
            assert len([row for row in shown if any(row)]) == len(table["rows"]) + 1


# --- damage ------------------------------------------------------------------------------

JUNK = st.one_of(NAMES, st.sampled_from(["", "?", "20257", "2025-13", "1e400", "-5", "#N/A", "８５４２",
                                         "133.5", "\x0b", "\x00", "=1+1", "2025-07..2025-07", "nan",
                                         "2025年1-2月", "202501-202502", "2025-01~2025-07", "2025.1",
                                         "#VALUE!", "进出口", "香港", "4401", "1e300", "0.005"]))


def damage_csv(data: bytes, how: str, draw) -> bytes:
    text = data.decode("utf-8", errors="replace")
    lines = text.splitlines()
    if how == "cell":
        i = draw(st.integers(0, len(lines) - 1))
        cells = lines[i].split(",")
        cells[draw(st.integers(0, len(cells) - 1))] = draw(JUNK).replace(",", "").replace("\n", "")
        lines[i] = ",".join(cells)
        return ("\n".join(lines) + "\n").encode("utf-8")
    if how == "encoding":
        return text.encode(draw(st.sampled_from(["utf-16", "utf-32", "big5", "latin-1"])), errors="replace")
    if how == "control":
        at = draw(st.integers(0, len(text)))
        return (text[:at] + draw(st.sampled_from(["\x00", "\x0b", "\x1f", "\ufffe", "\r"])) + text[at:]).encode()
    if how == "truncate":
        return data[: draw(st.integers(0, len(data)))]
    if how == "duplicate header":  # a second column for one field: refused, never one of them used
        twin = draw(st.sampled_from(["美元", "value", "usd", "数据年月", "partner_code", "注册地编码"]))
        try:
            lines = data.decode("utf-8-sig").splitlines()
        except UnicodeDecodeError:
            lines = data.decode("gb18030").splitlines()
        return ("\n".join(f"{line},{twin if i == 0 else '1'}" if line else line
                           for i, line in enumerate(lines)) + "\n").encode("utf-8")
    raise AssertionError(how)


def damage_xlsx(path: Path, how: str, draw) -> None:
    data = path.read_bytes()
    if how == "truncate":
        path.write_bytes(data[: draw(st.integers(0, len(data) - 1))])
        return
    with zipfile.ZipFile(path) as src:
        items = [(info, src.read(info)) for info in src.infolist()]
    dropped = draw(st.sampled_from([info.filename for info, _ in items]))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, body in items:
            if how == "drop part" and info.filename == dropped:
                continue
            if how == "defined name" and info.filename == "xl/workbook.xml":
                sheet = draw(st.sampled_from(["原始数据", "设置", "表1", "表4", "封面", "无此表"]))
                cell = f"${draw(st.sampled_from(['A', 'C', 'XFD']))}${draw(st.integers(1, 1_048_576))}"
                name = draw(st.sampled_from(["T1_BODY", "T4_BODY", "COVER_NOTES", "SET_PERIOD", "T2_HEAD"]))
                body = re.sub(rf'(<definedName name="{name}"[^>]*>)[^<]*'.encode(),
                              rb"\g<1>" + f"'{sheet}'!{cell}".encode(), body)
            if how == "raw cell" and info.filename.endswith(".xml") and b"<tableParts" in body:
                junk = draw(JUNK).replace("<", "").replace("&", "")
                body = re.sub(rb"<v>[^<]*</v>", f"<v>{junk}</v>".encode(), body, count=draw(st.integers(1, 3)))
            dst.writestr(info, body)


def ends_well(status: int, out: str, err: str, wrote: list[Path]) -> None:
    """Exit 0 (then every xlsx written is strict XML) or exit 2 with one error sentence."""
    assert "Traceback" not in out + err, err
    assert status in (0, 2), err
    if status == 2:
        lines = [line for line in err.splitlines() if line]
        assert len(lines) == 1 and lines[0].startswith("error: ") and "; " in lines[0], err
    else:
        for path in wrote:
            if path.exists():
                strict_xml(path)


@FUZZ
@given(raw_tables(), st.sampled_from(["cell", "encoding", "control", "truncate", "duplicate header"]),
       st.sampled_from(["tables", "build", "init"]), st.data())
def test_damaged_downloads_end_well(table, how, command, data):
    RUNS["damaged file"] += 1
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        raw = write_csv(table, tmp / "raw.csv")
        raw.write_bytes(damage_csv(raw.read_bytes(), how, data.draw))
        before = raw.read_bytes()
        out = tmp / "out.xlsx"
        argv = {"tables": ["tables", raw, "--json"], "build": ["build", raw, "-o", out],
                "init": ["init", out, raw]}[command]
        status, stdout, err = run(*argv)
        ends_well(status, stdout, err, [out])
        if how == "duplicate header":
            assert status == 2 and "both hold" in err, err
        assert raw.read_bytes() == before
        left = sorted(p.name for p in tmp.iterdir())
        assert left == (["out.xlsx", "raw.csv"] if status == 0 and command != "tables" else ["raw.csv"])


@FUZZ
@given(raw_tables(), st.sampled_from(["truncate", "drop part", "defined name", "raw cell"]),
       st.sampled_from(["refresh", "import", "tables"]), st.data())
def test_damaged_workbooks_end_well(table, how, command, data):
    RUNS["damaged workbook"] += 1
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        work = tmp / "work.xlsx"
        status, _, err = run("init", work, write_csv(table, tmp / "raw.csv"))
        assert status == 0, err
        damage_xlsx(work, how, data.draw)
        before = work.read_bytes()
        download = write_csv(table, tmp / "new.csv", [r for r in table["rows"][:3]])
        argv = {"refresh": ["refresh", work], "import": ["import", download, "--into", work],
                "tables": ["tables", work, "--json"]}[command]
        status, out, err = run(*argv)
        ends_well(status, out, err, [work, tmp / "work_发布版.xlsx"])
        names = sorted(p.name for p in tmp.iterdir())
        if status == 2 or command == "tables":
            assert work.read_bytes() == before
            assert names == ["new.csv", "raw.csv", "work.xlsx"]
        else:
            assert not [n for n in names if n.startswith(".")]


def test_zz_fuzz_counts():
    """Say how many examples ran (pytest -s shows it)."""
    print(f"\nfuzz examples run: {dict(RUNS)}")
    random.seed(0)
