"""The ``xladdin`` command. Bad input: one ``error:`` line on stderr, exit status 2."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import XladdinError
from .metrics import NET_YOY_CONVENTIONS, Settings
from .periods import parse_period


def _settings(args: argparse.Namespace) -> Settings:
    return Settings(net_yoy=args.net_yoy, top_n=args.top)


def _engine(args: argparse.Namespace):
    from . import engine

    if args.demo and args.raw:
        raise XladdinError("give raw files or --demo, not both")
    if args.demo:
        return engine.demo(_settings(args))
    if not args.raw:
        raise XladdinError("no raw data: name raw files (CSV or xlsx) or use --demo")
    return engine.load(args.raw, _settings(args), flow=args.flow,
                       period=getattr(args, "data_period", None))


def _warn(findings) -> None:
    for finding in findings:
        if finding.severity in ("warning", "error"):
            print(finding.line(), file=sys.stderr)


def cmd_tables(args: argparse.Namespace) -> int:
    from .tables import compute_tables
    from .textout import render_text

    eng = _engine(args)
    _warn(eng.model.findings)
    period = parse_period(args.period)
    numbers = tuple(args.table) if args.table else None
    result = compute_tables(eng, period, numbers)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        print(render_text(eng, result), end="")
    return 0


def _add_raw_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("raw", nargs="*", type=Path, metavar="RAW",
                   help="raw data: canonical CSV/xlsx or customs downloads")
    p.add_argument("--demo", action="store_true", help="use the bundled sample (Jan 2024 – Jul 2025)")
    p.add_argument("--flow", choices=("export", "import", "出口", "进口"),
                   help="flow of raw files that do not say it (customs downloads)")
    p.add_argument("--net-yoy", choices=NET_YOY_CONVENTIONS, default="net_import_pct",
                   help="table 1 net row: %% growth of net imports (default) or absolute change")
    p.add_argument("--top", type=int, default=10, help="length of top lists (default 10)")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="xladdin", description="China chip-trade (HS 8542) monthly report")
    sub = p.add_subparsers(dest="command", required=True)
    t = sub.add_parser("tables", help="print tables 1-7 for a period")
    _add_raw_options(t)
    t.add_argument("--period", required=True, help="report month, YYYY-MM")
    t.add_argument("--json", action="store_true", help="machine-readable output")
    t.add_argument("--table", type=int, action="append", choices=range(1, 8), help="only this table")
    t.set_defaults(func=cmd_tables)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except XladdinError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
