"""The ``asyncio-conformance`` command line: parse, dispatch, map errors to exit codes.

Exit codes (PRODUCT.md, conformance/errors.py): 0 every case passed or matched
its expectation; 1 an unexpected failure or pass; 2 bad usage, specs or
expectations (with file:line); 3 the harness itself failed.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from typing import Optional

from . import __version__
from .commands import COMMANDS
from .errors import EXIT_HARNESS, EXIT_OK, EXIT_USAGE, UsageError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="asyncio-conformance",
        description="Run the executable asyncio event-loop specification against any loop.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for command in COMMANDS:
        command.add_arguments(sub.add_parser(command.name, help=command.help))
    return parser


def main(argv: Optional[list[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    command = next(c for c in COMMANDS if c.name == args.command)
    try:
        return command(args, argv).run()
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
