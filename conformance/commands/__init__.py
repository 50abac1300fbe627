"""The subcommands of ``asyncio-conformance``, one small class each.

A command names itself, declares its arguments, and runs: ``run(args)``
returns the exit code (conformance/errors.py). The CLI (conformance/cli.py)
builds the parser from :data:`COMMANDS` and maps exceptions to exit codes;
commands never import the CLI.
"""

from __future__ import annotations

from .audit import Audit
from .base import Command
from .expectations import ExpectationsCommand
from .listing import ListLoops, ListSpecs, ValidateSpecs
from .merge import Merge
from .repro import Repro
from .results import Ambiguities, Diff, MatrixCommand, Report
from .run import Run

COMMANDS: tuple[type[Command], ...] = (
    Run,
    ListLoops,
    ListSpecs,
    ValidateSpecs,
    Diff,
    Repro,
    Report,
    MatrixCommand,
    Merge,
    Ambiguities,
    ExpectationsCommand,
    Audit,
)

__all__ = ["COMMANDS", "Command"]
