"""``asyncio-conformance merge``: the shards of a run back into one results file."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import EXIT_GATE, EXIT_OK, UsageError
from .base import Command
from .results import load_results_or_exit


class Merge(Command):
    name = "merge"
    help = "merge the results files of shards (run --shard K/N) into one; exit 1 if its gate fails"

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("results", nargs="+", type=Path)
        parser.add_argument("--json", type=Path, required=True, metavar="PATH")

    def run(self) -> int:
        from ..reports import write_results_json
        from ..reports.merge import merge_documents

        try:
            merged = merge_documents(load_results_or_exit(p) for p in self.args.results)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        write_results_json(merged, self.args.json)
        failed = any(run["summary"]["gate"] == "fail" for run in merged["runs"])
        return EXIT_GATE if failed else EXIT_OK
