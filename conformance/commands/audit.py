"""``asyncio-conformance audit``: check the sentence audit, report it, or draft a section."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import EXIT_OK, UsageError
from .base import Command, suite_from


class Audit(Command):
    name = "audit"
    help = "check the sentence audit of the docs (specs/coverage/); --report writes it as Markdown"

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--report", type=Path, metavar="PATH", help="write the report here")
        parser.add_argument(
            "--draft",
            metavar="SECTION",
            help="print a skeleton coverage file for SECTION (with --lines)",
        )
        parser.add_argument(
            "--lines",
            action="append",
            default=[],
            metavar="FROM-TO",
            help="a line range of asyncio-docs.txt for --draft (repeatable)",
        )

    def run(self) -> int:
        from ..audit import check_audit, draft, load_audit, render_report
        from ..spec.inventory import load_inventory

        if self.args.draft:
            ranges = []
            for text in self.args.lines:
                start, _, end = text.partition("-")
                if not (start.isdigit() and end.isdigit()):
                    raise UsageError(f"--lines: {text!r} is not FROM-TO")
                ranges.append((int(start), int(end)))
            if not ranges:
                raise UsageError("--draft needs at least one --lines FROM-TO")
            sys.stdout.write(draft(self.args.draft, ranges))
            return EXIT_OK
        audits = load_audit(suite_from(None))
        check_audit(audits)
        report = render_report(audits, load_inventory().sections)
        if self.args.report:
            self.args.report.write_text(report, encoding="utf-8")
        else:
            sys.stdout.write(report)
        return EXIT_OK
