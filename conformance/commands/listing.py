"""Commands that describe what is installed: loops, cases, and whether the specs are valid."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..errors import EXIT_OK, Problem, UsageError
from .base import Command, suite_from


class ListLoops(Command):
    name = "list-loops"
    help = "list registered loops"

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--json", action="store_true")

    def run(self) -> int:
        from ..adapters import available_adapters

        adapters = available_adapters()
        if self.args.json:
            for name, adapter in adapters.items():
                described = adapter.describe() if adapter else {}
                print(json.dumps({"name": name, "available": adapter is not None, **described}))
            return EXIT_OK
        rows = [
            (name, adapter.version, adapter.factory, adapter.description)
            if adapter is not None
            else (name, "", "(not available here)", "")
            for name, adapter in adapters.items()
        ]
        widths = [max((len(str(row[i])) for row in rows), default=0) for i in range(3)]
        for row in rows:
            cells = [str(cell).ljust(width) for cell, width in zip(row, widths)]
            print("  ".join([*cells, str(row[3])]).rstrip())
        return EXIT_OK


class ListSpecs(Command):
    name = "list-specs"
    help = "list cases"

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--json", action="store_true", help="one JSON object per line")
        parser.add_argument("-k", "--select", action="append", default=[], metavar="PATTERN")
        parser.add_argument("--section", action="append", default=[], metavar="NAME")
        parser.add_argument("--specs", type=Path, action="append", metavar="PATH")

    def run(self) -> int:
        suite = suite_from(self.args.specs)
        for case in suite.select(self.args.select, self.args.section):
            if self.args.json:
                print(json.dumps(case.listing()))
            else:
                print(f"{case.id}  [{case.level}]")
        return EXIT_OK


class ValidateSpecs(Command):
    name = "validate-specs"
    help = "check spec files; exit 2 on any problem"

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "path", nargs="*", type=Path, help="spec files or folders (default: the bundled specs)"
        )
        parser.add_argument(
            "--require-complete",
            action="store_true",
            help="also fail when an inventory id has no spec",
        )

    def run(self) -> int:
        from ..coverage import coverage

        suite = suite_from(self.args.path or None)
        report = coverage(suite)
        print(f"{len(suite.files)} spec files, {len(suite.cases)} cases: valid")
        print(f"inventory coverage: {report.covered}/{report.total} ids")
        if report.missing:
            for section, apis in report.missing_by_section().items():
                print(
                    f"  {section}: {len(apis)} not yet specified ({', '.join(apis[:4])}"
                    f"{', ...' if len(apis) > 4 else ''})"
                )
            if self.args.require_complete:
                raise UsageError(
                    Problem(
                        "specs", None, None, f"{len(report.missing)} inventory ids have no spec"
                    )
                )
        return EXIT_OK
