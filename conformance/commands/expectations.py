"""``asyncio-conformance expectations init``: adopt a loop in one command."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import EXIT_OK, UsageError
from .base import Command
from .results import load_results_or_exit


class ExpectationsCommand(Command):
    name = "expectations"
    help = "work with expectations files (init: draft one from a results file)"

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", metavar="ACTION")
        sub.required = True
        init = sub.add_parser(
            "init",
            help="write a draft expectations file with one entry per finding of a saved run",
        )
        init.add_argument("results", type=Path, help="a results JSON from 'run --json'")
        init.add_argument("--output", "-o", type=Path, required=True, metavar="FILE")
        init.add_argument(
            "--loop", metavar="NAME", help="the run to draft from, when the file has several"
        )
        init.add_argument("--force", action="store_true", help="replace FILE if it exists")

    def run(self) -> int:
        from ..drafts import write_draft_expectations

        args = self.args
        if args.output.exists() and not args.force:
            raise UsageError(f"{args.output}: exists; pass --force to replace it")
        results = load_results_or_exit(args.results)
        written = write_draft_expectations(results, args.output, loop=args.loop)
        print(f"wrote {written} draft expectation entries to {args.output}")
        return EXIT_OK
