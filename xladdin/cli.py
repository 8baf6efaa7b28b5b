"""The ``xladdin`` command. Bad input: one ``error:`` line on stderr, exit status 2."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from xladdin.engine.editions import LANGS
from xladdin.engine.settings import NET_YOY_CONVENTIONS, Settings
from xladdin.engine.vocabulary import TABLE_NUMBERS
from xladdin.errors import Interrupted, XladdinError, describe_os_error, one_line


def _settings(args: argparse.Namespace) -> Settings:
    net_yoy, top = getattr(args, "net_yoy", "net_import_pct"), getattr(args, "top", 10)
    edition = {"lang": getattr(args, "lang", None) or "zh", "jan_feb": bool(getattr(args, "jan_feb", False))}
    never = getattr(args, "never_rank", None)
    if never is None:
        return Settings(net_yoy=net_yoy, top_n=top, **edition)
    codes = tuple(c.strip() for c in never.split(",") if c.strip())
    return Settings(net_yoy=net_yoy, top_n=top, never_ranked=codes, **edition)


def _engine(args: argparse.Namespace):
    from xladdin.engine.load import demo, load_engine

    if args.demo and args.raw:
        raise XladdinError("give raw files or --demo, not both")
    scope = getattr(args, "scope", None)
    if args.demo:
        from xladdin.jobs import require_sample

        require_sample(scope)
        return demo(_settings(args))
    if not args.raw:
        raise XladdinError("no raw data: name raw files (CSV or xlsx) or use --demo")
    from xladdin.files.workbook import refuse_finished_copy

    for path in args.raw:
        refuse_finished_copy(path)
    return load_engine(args.raw, _settings(args), flow=args.flow,
                       period=getattr(args, "data_period", None), scope=scope)


def _print_json(data) -> None:
    """The one JSON writer: strict JSON only. A figure that is not a finite number (a sum that
    overflowed) is refused with a sentence instead of being printed as ``Infinity``/``NaN``."""
    try:
        text = json.dumps(data, ensure_ascii=False, indent=1, allow_nan=False)
    except ValueError:
        raise XladdinError("a figure is not a finite number (a sum too large for a number); check "
                           "the 美元 column for a mistyped value") from None
    print(text)


def readable_streams() -> None:
    """The one output encoder: stdout and stderr that cannot hold Chinese (a Western Windows
    console or redirected output, PYTHONIOENCODING=cp1252) show it escaped (\\u4e2d) instead of
    failing after the work is done."""
    for stream in (sys.stdout, sys.stderr):
        try:
            "中".encode(stream.encoding or "ascii")
        except (LookupError, UnicodeEncodeError):
            reconfigure = getattr(stream, "reconfigure", None)
            if reconfigure is not None:
                reconfigure(errors="backslashreplace")
        except AttributeError:
            pass


def _warn(findings) -> None:
    for finding in findings:
        if finding.severity in ("warning", "error"):
            print(one_line(finding.line()), file=sys.stderr)


def cmd_tables(args: argparse.Namespace) -> int:
    from xladdin.engine.audit import audit, stop_on_errors
    from xladdin.engine.load import report_period
    from xladdin.engine.tables import compute_tables
    from xladdin.report.textout import render_text

    eng = _engine(args)
    period = report_period(eng, args.period)
    found = audit(eng.model, period, jan_feb=eng.settings.jan_feb)  # the same gate as build
    stop_on_errors(found, args.force)
    _warn(found)
    numbers = tuple(args.table) if args.table else None
    result = compute_tables(eng, period, numbers)
    if found.of("error"):
        result["forced"] = [f.line() for f in found.of("error")]
    if args.json:
        _print_json(result)
    else:
        print(render_text(eng, result), end="")
    return 0


def _report(outcome) -> int:
    _warn(outcome.findings)
    if getattr(outcome, "upgraded", None):
        print(outcome.upgraded)
    for note in getattr(outcome, "notes", ()):
        print(note, file=sys.stderr)
    for path in outcome.written:
        print(f"wrote {path} ({outcome.period})")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from xladdin.engine.load import sample_path
    from xladdin.jobs import build

    if args.demo and args.raw:
        raise XladdinError("give raw files or --demo, not both")
    if args.demo:
        from xladdin.jobs import require_sample

        require_sample(args.scope)
    raw = [sample_path()] if args.demo else args.raw
    if not raw:
        raise XladdinError("no raw data: name raw files (CSV or xlsx) or use --demo")
    return _report(build(raw, args.output, args.period, _settings(args), args.include_raw,
                         flow=args.flow, data_period=args.data_period, template=args.template,
                         force=args.force, docx=_beside(args.docx, args.output),
                         pdf=_beside(args.pdf, args.output, ".pdf"), scope=args.scope))


def cmd_demo(args: argparse.Namespace) -> int:
    from xladdin.jobs import demo

    out = args.output or demo_name(args.lang)
    return _report(demo(out, _settings(args), docx=_beside(args.docx, out),
                        pdf=_beside(args.pdf, out, ".pdf"), scope=args.scope))


def demo_name(lang: str) -> Path:
    """The demo's default file: one per edition, so the English one never replaces the Chinese."""
    return Path("月报-2025-07.xlsx" if lang == "zh" else f"月报-2025-07_{lang}.xlsx")


def cmd_init(args: argparse.Namespace) -> int:
    from xladdin.engine.load import sample_path
    from xladdin.jobs import init

    if args.demo and not args.raw:
        from xladdin.jobs import require_sample

        require_sample(args.scope)
    raw = args.raw or ([sample_path()] if args.demo else [])
    if not raw:
        raise XladdinError("no raw data: name raw files (CSV or xlsx) or use --demo")
    outcome = init(args.workbook, raw, args.period, _settings(args), lite=args.lite,
                   scope=args.scope)
    status = _report(outcome)
    if outcome.findings.of("error"):  # the workbook is the place to mend the rows: say so
        print(f"{args.workbook} holds every input row, but its tables leave out what the errors above "
              "name: mend those rows in 原始数据 (or the files) and run 'xladdin refresh'; refresh and "
              "the ribbon publish nothing until then", file=sys.stderr)
    return status


def cmd_refresh(args: argparse.Namespace) -> int:
    from xladdin.jobs import refresh

    # a bare --docx / --pdf: beside the finished copy of the workbook's edition
    status = _report(refresh(args.workbook, args.include_raw, args.force,
                             docx=True if args.docx is BESIDE else args.docx, lang=args.lang,
                             jan_feb=True if args.jan_feb else None,
                             pdf=True if args.pdf is BESIDE else args.pdf, scope=args.scope))
    from xladdin.lite.workbook import stale_note

    note = stale_note(args.workbook)
    if note:
        print(note, file=sys.stderr)
    return status


def cmd_audit(args: argparse.Namespace) -> int:
    from xladdin.engine.audit import audit
    from xladdin.engine.load import report_period

    eng = _engine(args)
    # the month tables, build and refresh would report: the same choice, the same checks
    period = report_period(eng, args.period) if args.period or eng.model.latest_period() else None
    found = audit(eng.model, period, jan_feb=args.jan_feb)
    if args.json:
        _print_json([f.as_dict() for f in found])
    else:
        for finding in found:
            print(one_line(finding.line()))
    files = eng.model.raw.files
    month = (f"the {period} report" + ("" if args.period else " (the latest month in the data)")
             if period else "no report month (no usable rows)")
    counts = {s: len(found.of(s)) for s in ("error", "warning")}
    print(f"checked {sum(files.values()):,} rows in {len(files)} file{'s' if len(files) != 1 else ''} "
          f"for {month}: {counts['error']} errors, {counts['warning']} warnings", file=sys.stderr)
    return 1 if found.of("error") else 0


def cmd_import(args: argparse.Namespace) -> int:
    from xladdin.jobs import import_into, progress

    result = import_into(args.files, args.into, flow=args.flow, data_period=args.data_period,
                         progress=progress)
    _warn(result.findings)
    if result.upgraded:
        print(result.upgraded)
    for line in result.revisions:
        print(f"revision: {line}")
    print(f"imported {result.added} rows into {args.into} ({result.replaced} replaced, "
          f"{len(result.revisions)} revised values); run 'xladdin refresh {args.into}' next")
    return 0


def cmd_addin(args: argparse.Namespace) -> int:
    from xladdin.excel.addin import ADDIN_NAME, build_addin, doctor, install_addin

    if args.action == "build":
        out = args.output if args.output.suffix.lower() == ".xlam" else args.output / ADDIN_NAME
        print(f"wrote {build_addin(out)}")
        return 0
    if args.action == "doctor":
        checks = doctor(args.xlstart)
        for check in checks:
            if check.label == "note":
                print(f"    note: {check.detail}")
            elif check.ok:
                print(f"ok  {check.label}: {check.detail}")
            else:
                print(f"FIX {check.label}: {check.detail}\n    -> {check.fix}")
        return 0 if all(c.ok for c in checks) else 1
    addin, settings = install_addin(args.xlstart)
    print(f"installed {addin}")
    for key, value in settings:
        print(f"  {key} = {value}")
    print("start Excel: the 芯片月报 tab is there, and on Windows the =CHIP_* functions; "
          "'xladdin addin doctor' checks the set-up")
    return 0


def cmd_lite(args: argparse.Namespace) -> int:
    from xladdin.jobs import update_lite

    print(update_lite(args.workbook))
    return 0


def _add_input_options(p: argparse.ArgumentParser, demo: bool = True) -> None:
    p.add_argument("raw", nargs="*", type=Path, metavar="RAW",
                   help="raw data: canonical CSV/xlsx or customs downloads")
    if demo:
        p.add_argument("--demo", action="store_true",
                       help="use the bundled sample (Jan 2024 – Jul 2025)")
    p.add_argument("--flow", choices=("export", "import", "出口", "进口"),
                   help="flow of raw files that do not say it (customs downloads)")
    p.add_argument("--data-period", metavar="YYYY-MM",
                   help="month (or range A..B) of raw files without a 数据年月 column")
    _add_scope_option(p)


def _add_scope_option(p: argparse.ArgumentParser, default: str | None = "chips") -> None:
    p.add_argument("--scope", metavar="ID|PATH", default=default,
                   help="product scope: chips (HS 8542, default), equipment (HS 8486) or a scope file "
                        "(.toml; see README, Product scopes)")


def _add_report_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--net-yoy", choices=NET_YOY_CONVENTIONS, default="net_import_pct",
                   help="table 1 net row: %% growth of net imports (default) or absolute change")
    p.add_argument("--top", type=int, default=10, help="length of top lists (default 10)")
    p.add_argument("--never-rank", metavar="CODES",
                   help="partner codes never ranked, comma-separated (default 142,701,702,999; "
                        "the residual groups 199…699 are never ranked)")
    _add_edition_options(p)


def _add_edition_options(p: argparse.ArgumentParser, default_lang: str | None = "zh") -> None:
    p.add_argument("--lang", choices=LANGS, default=default_lang,
                   help="language of the words and names: zh (Chinese, default) or en (English)")
    p.add_argument("--jan-feb", action="store_true",
                   help="a February report as the 1-2月 combined issue (automatic when the data holds "
                        "January-February only as one range)")


def _add_raw_options(p: argparse.ArgumentParser) -> None:
    _add_input_options(p)
    _add_report_options(p)


#: ``--docx`` given without a name: the Word edition goes beside the workbook, as .docx (not a
#: str, which argparse would pass through ``type``)
BESIDE = object()


def _add_docx_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--docx", type=Path, nargs="?", const=BESIDE, metavar="PATH.docx",
                   help="also write the Word edition (without a name: beside the workbook, as .docx)")


def _add_pdf_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--pdf", type=Path, nargs="?", const=BESIDE, metavar="PATH.pdf",
                   help="also write the Word edition as PDF (through Word or LibreOffice; "
                        "without a name: beside the workbook, as .pdf)")


def _beside(given, workbook: Path, suffix: str = ".docx") -> Path | None:
    """A Word or PDF edition's path: the one given, or the workbook's name with ``suffix``."""
    return Path(workbook).with_suffix(suffix) if given is BESIDE else given


PERIOD_HELP = "report month, YYYY-MM (default: the latest month in the data)"
FORCE_HELP = "go on even if the audit finds errors (the output says so)"


def parser() -> argparse.ArgumentParser:
    from xladdin.version import __version__

    p = argparse.ArgumentParser(prog="xladdin", description=(
        "China's monthly customs trade report for a product scope: chips (HS 8542, default), "
        "equipment (HS 8486) or your own"))
    p.add_argument("--version", action="version", version=f"xladdin {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    t = sub.add_parser("tables", help="print tables 1-7 for a period")
    _add_raw_options(t)
    t.add_argument("--period", help=PERIOD_HELP)
    t.add_argument("--json", action="store_true", help="machine-readable output")
    t.add_argument("--table", type=int, action="append", choices=TABLE_NUMBERS, help="only this table")
    t.add_argument("--force", action="store_true", help=FORCE_HELP)
    t.set_defaults(func=cmd_tables)

    b = sub.add_parser("build", help="write the finished, values-only workbook from raw files")
    _add_raw_options(b)
    b.add_argument("--period", help=PERIOD_HELP)
    b.add_argument("-o", "--output", type=Path, required=True, help="finished workbook (.xlsx)")
    b.add_argument("--include-raw", action="store_true", help="keep the 原始数据 sheet in the output")
    b.add_argument("--template", type=Path, help="a restyled copy of the xladdin template")
    b.add_argument("--force", action="store_true", help=FORCE_HELP)
    _add_docx_option(b)
    _add_pdf_option(b)
    b.set_defaults(func=cmd_build)

    d = sub.add_parser("demo", help="write the finished workbook from the bundled sample")
    d.add_argument("-o", "--output", type=Path,
                   help="finished workbook (default 月报-2025-07.xlsx; English: 月报-2025-07_en.xlsx)")
    d.add_argument("--net-yoy", choices=NET_YOY_CONVENTIONS, default="net_import_pct",
                   help="table 1 net row: %% growth of net imports (default) or absolute change")
    d.add_argument("--top", type=int, default=10, help=argparse.SUPPRESS)
    _add_docx_option(d)
    _add_scope_option(d)
    d.add_argument("--lang", choices=LANGS, default="zh", help="zh (default) or en")
    _add_pdf_option(d)
    d.set_defaults(func=cmd_demo)

    i = sub.add_parser("init", help="start a monthly workbook (template + raw data) for Excel")
    i.add_argument("workbook", type=Path, help="new workbook (.xlsx)")
    _add_raw_options(i)
    i.add_argument("--period", help="report month, YYYY-MM (default: left empty, so the workbook "
                   "follows the latest month in its data)")
    i.add_argument("--lite", action="store_true",
                   help="embed main.py and requirements.txt for xlwings Lite (see docs/excel-lite.md)")
    i.set_defaults(func=cmd_init)

    r = sub.add_parser("refresh", help="recompute a monthly workbook from its own 原始数据 and 设置")
    r.add_argument("workbook", type=Path, help="the monthly workbook (.xlsx) made by 'xladdin init'")
    r.add_argument("--include-raw", action="store_true", help="keep 原始数据 in the finished copy")
    r.add_argument("--force", action="store_true", help=FORCE_HELP)
    _add_docx_option(r)
    _add_edition_options(r, default_lang=None)  # default: the workbook's 设置
    _add_scope_option(r, default=None)  # default: the workbook's 设置
    _add_pdf_option(r)
    r.set_defaults(func=cmd_refresh)

    a = sub.add_parser("audit", help="check raw data for truncation, duplicates, gaps and more")
    _add_input_options(a)
    a.add_argument("--period", help="report month the data must serve, YYYY-MM")
    a.add_argument("--jan-feb", action="store_true",
                   help="check the data for the 1-2月 combined issue of a February report")
    a.add_argument("--json", action="store_true", help="machine-readable output")
    a.set_defaults(func=cmd_audit)

    m = sub.add_parser("import", help="add customs downloads to a workbook's 原始数据 "
                       "(a re-download replaces the rows it covers)")
    m.add_argument("files", nargs="+", type=Path, metavar="FILE", help="customs downloads (CSV or xlsx)")
    m.add_argument("--into", type=Path, required=True, metavar="WORKBOOK.xlsx",
                   help="the monthly workbook to add them to")
    m.add_argument("--flow", choices=("export", "import", "出口", "进口"),
                   help="flow of files that do not say it in their name or columns")
    m.add_argument("--data-period", metavar="YYYY-MM",
                   help="month (or range A..B) of files without a 数据年月 column")
    m.set_defaults(func=cmd_import)

    x = sub.add_parser("addin", help="build, install or check the Excel add-in xladdin.xlam")
    x.add_argument("action", choices=("build", "install", "doctor"),
                   help="build the .xlam, install it for Excel, or check an installation")
    x.add_argument("-o", "--output", type=Path, default=Path("."), help="build: folder or .xlam path")
    x.add_argument("--xlstart", type=Path, help="install, doctor: Excel's XLSTART folder (default: found)")
    x.set_defaults(func=cmd_addin)

    lt = sub.add_parser("lite", help="the xlwings Lite edition: update a Lite workbook's code")
    lt.add_argument("action", choices=("update",),
                    help="update: re-embed this xladdin's code in the workbook (in place)")
    lt.add_argument("workbook", type=Path, metavar="WORKBOOK",
                    help="a workbook made by 'xladdin init --lite'")
    lt.set_defaults(func=cmd_lite)
    return p


INTERRUPTED = "error: interrupted; nothing was changed"


def main(argv: list[str] | None = None) -> int:
    """Run one command. Every way it can end is one of: exit 0; one ``error:`` line and exit 2
    (bad input, or an operating-system error as a sentence); 130 on Ctrl-C; 70 for a bug."""
    try:
        readable_streams()
        args = parser().parse_args(argv)
        status = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here, not after exit as a traceback
        return status
    except BrokenPipeError:  # the reader stopped early (| head): quietly, as other tools do
        _quiet_stdout()
        return 141
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
        return 130
    except Exception as exc:
        if Interrupted.seen:  # an interrupt some library reported as its own error
            print(INTERRUPTED, file=sys.stderr)
            return 130
        status, line = _ending(exc)
        print(f"error: {one_line(line)}", file=sys.stderr)
        return status


def _ending(exc: Exception) -> tuple[int, str]:
    """Exit status and message for an exception that ends a command."""
    if isinstance(exc, XladdinError):
        return 2, str(exc)
    if isinstance(exc, OSError):
        return 2, describe_os_error(exc)
    if isinstance(exc, MemoryError):
        return 2, "the input does not fit in memory; split it into smaller files"
    # never a traceback: say what happened and how to report it
    return 70, (f"internal error ({type(exc).__name__}: {exc}); please report it with the command "
                "and the input files")


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so flushing it at exit cannot fail a second time."""
    import os

    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    sys.exit(main())
