"""What ``run`` prints: progress while it runs, then what failed and why."""

from __future__ import annotations

import sys
from typing import TextIO

MARKS = {
    "pass": ".",
    "fail": "F",
    "error": "E",
    "timeout": "T",
    "crash": "C",
    "skip": "s",
    "xfail": "x",
    "xpass": "X",
}
SHOWN = ("fail", "error", "timeout", "crash", "xpass")


class Progress:
    """pytest-style dots, one line per loop."""

    def __init__(self, quiet: bool, stream: TextIO = sys.stdout) -> None:
        self.quiet = quiet
        self.stream = stream
        self.column = 0

    def start(self, loop_name: str, total: int) -> None:
        if not self.quiet:
            self.stream.write(f"{loop_name} ({total} cases) ")
            self.stream.flush()
            self.column = len(loop_name) + 12

    def result(self, result: dict) -> None:
        if self.quiet:
            return
        self.stream.write(MARKS.get(result["outcome"], "?"))
        self.column += 1
        if self.column >= 100:
            self.stream.write("\n")
            self.column = 0
        self.stream.flush()

    def end(self) -> None:
        if not self.quiet:
            self.stream.write("\n")


def print_run(run: dict, stream: TextIO = sys.stdout, limit: int = 60) -> None:
    """Failures with their clause and message, then the counts."""
    loop = run["loop"]
    bad = [c for c in run["cases"] if c["outcome"] in SHOWN]
    for case in bad[:limit]:
        stream.write(f"  {case['outcome'].upper():8} {case['id']}  [{case['level']}]\n")
        message = (case["message"] or "").strip().splitlines()
        if message:
            stream.write(f"           {message[0][:300]}\n")
        stream.write(f"           docs: {case['quote'][:200]}\n")
    if len(bad) > limit:
        stream.write(f"  ... and {len(bad) - limit} more (see the JSON or HTML report)\n")
    for stale in run["expectations"]["stale"]:
        stream.write(
            f"  STALE    expectation {stale['id']!r} ({stale['file']}:{stale['line']}) "
            "matches no case\n"
        )
    s = run["summary"]
    counts = ", ".join(
        f"{s[k]} {k}"
        for k in ("pass", "fail", "error", "timeout", "crash", "skip", "xfail", "xpass")
        if s[k]
    )
    flaky = f", {s['flaky']} flaky" if s["flaky"] else ""
    stream.write(
        f"{loop['name']} {loop['version']}: {counts or 'no cases'}{flaky} "
        f"-> gate {s['gate'].upper()}\n"
    )
