"""What ``run`` prints: progress while it runs, then the findings, then the counts.

The unit a loop author reads is the finding (conformance/findings.py): one
root cause with its cases, doc quote and reproducer. Cases only appear as the
examples of a finding, so a loop that fails 900 cases for 20 reasons prints
20 entries, most important first.
"""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

from .results import CaseResult

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
#: How many findings are spelled out; the rest are counted.
FINDINGS_SHOWN = 30


class Progress:
    """pytest-style marks, with a count and an estimate of the time left.

    On a terminal the count line is rewritten in place; in a log it is printed
    every few seconds, so a long run shows it is alive without flooding CI logs.
    """

    def __init__(self, quiet: bool, stream: TextIO = sys.stdout, every: float = 10.0) -> None:
        self.quiet = quiet
        self.stream = stream
        self.every = every
        self.column = 0
        self.total = 0
        self.done = 0
        self.started = 0.0
        self.last_status = 0.0
        self.name = ""

    def start(self, loop_name: str, total: int) -> None:
        self.name, self.total, self.done = loop_name, total, 0
        self.started = self.last_status = time.monotonic()
        if not self.quiet:
            self.stream.write(f"{loop_name} ({total} cases) ")
            self.stream.flush()
            self.column = len(loop_name) + 12

    def result(self, result: CaseResult) -> None:
        self.done += 1
        if self.quiet:
            return
        self.stream.write(MARKS.get(result.outcome, "?"))
        self.column += 1
        now = time.monotonic()
        if self.column >= 100 or now - self.last_status >= self.every:
            self.stream.write(f"  [{self.status(now)}]\n")
            self.column = 0
            self.last_status = now
        self.stream.flush()

    def status(self, now: float) -> str:
        elapsed = now - self.started
        text = f"{self.done}/{self.total}, {elapsed:.0f}s"
        if 0 < self.done < self.total:
            left = elapsed / self.done * (self.total - self.done)
            text += f", about {left:.0f}s left"
        return text

    def end(self) -> None:
        if not self.quiet:
            self.stream.write(f"  [{self.status(time.monotonic())}]\n")

    def note(self, text: str) -> None:
        if not self.quiet:
            self.stream.write(f"  {text}\n")
            self.stream.flush()


def print_run(run: dict, stream: TextIO = sys.stdout, shown: int = FINDINGS_SHOWN) -> None:
    """The findings (most important first), unexpected passes, stale entries, then the counts."""
    findings = run.get("findings") or []
    for finding in findings[:shown]:
        _print_finding(finding, stream)
    if len(findings) > shown:
        stream.write(
            f"  ... and {len(findings) - shown} more findings (see the JSON or HTML report)\n"
        )
    for note in run.get("harness_notes") or []:
        stream.write(
            f"  HARNESS  {note['note'][:200]} ({note['count']} case(s), first {note['first']}); "
            "not counted against the loop\n"
        )
    for case in run["cases"]:
        if case["outcome"] == "xpass":
            stream.write(f"  XPASS    {case['id']}\n           {case['message'][:300]}\n")
    for stale in run["expectations"]["stale"]:
        stream.write(
            f"  STALE    expectation {stale['id']!r} ({stale['file']}:{stale['line']}) "
            "matches no case\n"
        )
    for unused in run["expectations"].get("not_observable") or []:
        count = len(unused["cases"])
        stream.write(
            f"  UNUSED   expectation at {unused['file']}:{unused['line']}: "
            f"{'its case' if count == 1 else f'all {count} of its cases'} "
            "this loop gives nothing to observe (skipped whatever the entry says); "
            "the entry can go\n"
        )
    for feature, count in (run["summary"].get("skipped_for_host") or {}).items():
        stream.write(
            f"  SKIPPED  {count} cases: this host has no {feature}; they say nothing about "
            "the loop (run where the host has it to check them)\n"
        )
    slow = run["summary"].get("skipped_slow")
    if slow:
        stream.write(
            f"  SKIPPED  {slow} slow case{'' if slow == 1 else 's'} (each waits out a documented "
            "default); run --slow to include them\n"
        )
    unobservable = run["summary"].get("skipped_not_observable")
    if unobservable:
        stream.write(
            f"  SKIPPED  {unobservable} case{'' if unobservable == 1 else 's'} could not watch "
            "what they check on this loop (each says why: a resolver of its own, say); "
            "they are out of its score\n"
        )
    stream.write(summary_line(run) + "\n")


def _print_finding(finding: dict, stream: TextIO) -> None:
    count = finding["count"]
    known = finding["known"]
    state = "known" if known == count else ("NEW" if known == 0 else f"{count - known} new")
    clauses = len(finding["clauses"])
    where = f"{count} case{'s' if count != 1 else ''}"
    if clauses > 1:
        where += f" in {clauses} clauses"
    stdlib = finding.get("stdlib") or {}
    if stdlib.get("known"):
        if stdlib["fails"] == stdlib["known"]:
            where += ", the stdlib fails them too"
        elif stdlib["fails"]:
            where += f", the stdlib fails {stdlib['fails']} of them too"
    stream.write(
        f"  {finding['id']:<4} {state:<6} [{finding['level']}] {finding['title'][:160]}\n"
        f"       {where}; clause {finding['clause']}\n"
        f"       docs: {finding['quote'][:200]}\n"
    )
    if finding["kind"] != "hygiene":
        stream.write(f"       repro: {finding['repro']}\n")


def summary_line(run: dict) -> str:
    loop, s = run["loop"], run["summary"]
    counts = ", ".join(
        f"{s[k]} {k}"
        for k in ("pass", "fail", "error", "timeout", "crash", "skip", "xfail", "xpass")
        if s.get(k)
    )
    flaky = f", {s['flaky']} flaky" if s.get("flaky") else ""
    findings = run.get("findings") or []
    new = sum(1 for f in findings if f["unexpected"])
    found = f"; {len(findings)} findings ({new} new)" if findings else ""
    return (
        f"{loop['name']} {loop['version']}: {counts or 'no cases'}{flaky}{found} "
        f"-> gate {s['gate'].upper()}"
    )


def warn(text: str, stream: Any = None) -> None:
    (stream or sys.stderr).write(f"warning: {text}\n")
