"""Errors the CLI turns into exit codes, and the exit codes themselves.

Every problem with the user's input (specs, expectations, adapters, options)
is a :class:`UsageError` that names the file and line it came from, so the CLI
can print one clear line and exit 2 instead of showing a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

#: Every case passed or matched its expectation.
EXIT_OK = 0
#: An unexpected failure or an unexpected pass (the gate failed).
EXIT_GATE = 1
#: Bad usage, specs, expectations or adapters; the message names file:line.
EXIT_USAGE = 2
#: The harness itself failed.
EXIT_HARNESS = 3
#: The run was stopped before it finished (a signal, or --max-time without
#: --allow-incomplete); every report was written from the cases it finished.
EXIT_INCOMPLETE = 4


@dataclass
class Problem:
    """One thing wrong with an input file, located as precisely as we can."""

    file: str
    line: Optional[int]
    col: Optional[int]
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.col is not None:
                where += f":{self.col}"
        return f"{where}: {self.message}"


class UsageError(Exception):
    """Bad input from the user: exit code 2. Carries one or more problems."""

    def __init__(self, problems: list[Problem] | Problem | str) -> None:
        if isinstance(problems, (Problem, str)):
            problems = [problems]
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class HarnessError(Exception):
    """The harness itself failed: exit code 3."""
