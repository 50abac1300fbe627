"""The ``asyncio-conformance`` command line.

Exit codes (PRODUCT.md): 0 every case passed or matched its expectation;
1 an unexpected failure or pass; 2 bad usage, specs or expectations (with
file:line); 3 the harness itself failed.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from pathlib import Path
from typing import Optional

from . import __version__
from .errors import UsageError

EXIT_OK, EXIT_GATE, EXIT_USAGE, EXIT_HARNESS = 0, 1, 2, 3


def _default_loops() -> list[str]:
    from .adapters import available_adapters

    found = available_adapters()
    return [name for name in ("reference", "asyncio") if found.get(name)]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="asyncio-conformance",
        description="Run the executable asyncio event-loop specification against any loop.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    run = sub.add_parser("run", help="run the specs against one or more loops")
    run.add_argument(
        "--loop",
        action="append",
        default=[],
        metavar="LOOP",
        help="a registered adapter name or package.module:factory (repeatable; "
        "default: the reference loop and the stdlib loop)",
    )
    run.add_argument(
        "-k",
        "--select",
        action="append",
        default=[],
        metavar="PATTERN",
        help="run only cases whose id contains PATTERN (repeatable)",
    )
    run.add_argument(
        "--section",
        action="append",
        default=[],
        metavar="NAME",
        help="run only this inventory section (repeatable)",
    )
    run.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=0,
        metavar="N",
        help="worker processes (default: one per core)",
    )
    run.add_argument(
        "--timeout-multiplier",
        type=float,
        default=1.0,
        metavar="F",
        help="scale every timeout and wait by F",
    )
    run.add_argument(
        "--expectations",
        action="append",
        default=[],
        metavar="FILE",
        help="a YAML file of known deviations (repeatable)",
    )
    run.add_argument(
        "--no-default-expectations",
        action="store_true",
        help="do not apply the expectations bundled with an adapter",
    )
    run.add_argument(
        "--allow-xpass", action="store_true", help="unexpected passes do not fail the gate"
    )
    run.add_argument(
        "--repeat",
        type=int,
        default=1,
        metavar="N",
        help="run every case N times and report flaky cases",
    )
    run.add_argument(
        "--debug-mode", action="store_true", help="run every loop in asyncio debug mode"
    )
    run.add_argument("--json", type=Path, metavar="PATH", help="write the results JSON here")
    run.add_argument("--junit", type=Path, metavar="PATH", help="write JUnit XML here")
    run.add_argument("--html", type=Path, metavar="PATH", help="write the HTML report here")
    run.add_argument(
        "--report-dir",
        type=Path,
        metavar="DIR",
        help="write results.json, junit.xml, report.html, summary.md and badges here",
    )
    run.add_argument(
        "--specs",
        type=Path,
        action="append",
        metavar="PATH",
        help="a spec file or folder, repeatable (default: the bundled specs)",
    )
    run.add_argument("-q", "--quiet", action="store_true", help="print only the summary")

    ll = sub.add_parser("list-loops", help="list registered loops")
    ll.add_argument("--json", action="store_true")

    ls = sub.add_parser("list-specs", help="list cases")
    ls.add_argument("--json", action="store_true", help="one JSON object per line")
    ls.add_argument("-k", "--select", action="append", default=[], metavar="PATTERN")
    ls.add_argument("--section", action="append", default=[], metavar="NAME")
    ls.add_argument("--specs", type=Path, action="append", metavar="PATH")

    vs = sub.add_parser("validate-specs", help="check spec files; exit 2 on any problem")
    vs.add_argument(
        "path", nargs="*", type=Path, help="spec files or folders (default: the bundled specs)"
    )
    vs.add_argument(
        "--require-complete", action="store_true", help="also fail when an inventory id has no spec"
    )

    df = sub.add_parser("diff", help="compare two results files; exit 1 on a regression")
    df.add_argument("old", type=Path)
    df.add_argument("new", type=Path)

    rp = sub.add_parser("repro", help="print a standalone script that runs one case")
    rp.add_argument("case_id")
    rp.add_argument("--loop", required=True)
    rp.add_argument("--timeout-multiplier", type=float, default=1.0)
    rp.add_argument("--debug-mode", action="store_true")
    rp.add_argument("--specs", type=Path, action="append", metavar="PATH")

    rr = sub.add_parser("report", help="render reports from a saved results JSON")
    rr.add_argument("results", type=Path)
    rr.add_argument("--html", type=Path)
    rr.add_argument("--junit", type=Path)
    rr.add_argument("--markdown", type=Path)
    rr.add_argument("--badges", type=Path, metavar="DIR")
    mx = sub.add_parser(
        "matrix", help="merge results files (one per Python) into the compatibility matrix"
    )
    mx.add_argument("results", nargs="+", type=Path)
    mx.add_argument(
        "--output-dir",
        type=Path,
        required=True,
        metavar="DIR",
        help="writes matrix.json, matrix.html and matrix.md here",
    )
    mx.add_argument(
        "--readme",
        type=Path,
        metavar="PATH",
        help="also put the summary table between the matrix markers of this file",
    )

    am = sub.add_parser(
        "ambiguities", help="write the ambiguity register (Markdown) from the specs"
    )
    am.add_argument("--output", type=Path, metavar="PATH", help="default: standard output")
    am.add_argument("--specs", type=Path, action="append", metavar="PATH")
    return parser


def main(argv: Optional[list[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    from . import commands

    handler = getattr(commands, "cmd_" + args.command.replace("-", "_"))
    try:
        return handler(args, argv)
    except UsageError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_HARNESS
    except Exception:
        print("asyncio-conformance: internal error (exit 3):", file=sys.stderr)
        traceback.print_exc()
        return EXIT_HARNESS


def _json_line(obj: dict) -> str:
    return json.dumps(obj, sort_keys=False)
