"""``asyncio-conformance repro``: a script that runs one case on one loop."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import EXIT_OK, UsageError
from .base import Command, suite_from


class Repro(Command):
    name = "repro"
    help = "print a script that runs one case on one loop"

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("case_id")
        parser.add_argument("--loop", required=True)
        parser.add_argument("--timeout-multiplier", type=float, default=1.0)
        parser.add_argument("--debug-mode", action="store_true")
        parser.add_argument(
            "--standalone",
            action="store_true",
            help="embed the harness, so the script needs nothing but the loop installed",
        )
        parser.add_argument("--specs", type=Path, action="append", metavar="PATH")

    def run(self) -> int:
        from ..adapters import resolve_adapter
        from ..repro import reproducer

        args = self.args
        suite = suite_from(args.specs)
        case = suite.by_id().get(args.case_id)
        if case is None:
            raise UsageError(f"unknown case id {args.case_id!r} (see list-specs)")
        if not case.runnable:
            raise UsageError(f"{case.id} is a precondition clause: it has nothing to run")
        adapter = resolve_adapter(args.loop)
        if adapter.host and case.mode == "sync":
            raise UsageError(
                f"{case.id} is a sync-mode case, and {adapter.name} runs cases inside its own "
                "host: the case does not apply to it"
            )
        sys.stdout.write(
            reproducer(
                case,
                adapter,
                args.timeout_multiplier,
                args.debug_mode,
                standalone=args.standalone,
                machines=suite.machines,
            )
        )
        return EXIT_OK
