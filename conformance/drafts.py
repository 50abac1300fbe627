"""Draft expectations: adopting a loop in one command.

``run --write-expectations FILE`` and ``expectations init RESULTS -o FILE``
write one entry per finding of a run, covering the cases that failed without
an expectation. Each entry's reason is the observed failure, and it carries
``draft: true`` so that reports show which reasons no person has written yet;
the author replaces the reason with the cause (and an issue link) and deletes
the ``draft`` line.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Optional

from . import __version__
from .errors import UsageError
from .findings import Finding, group_findings
from .reports._atomic import atomic_write_text
from .results import FAILING, CaseResult

#: Reasons are cut to this length; the author writes the real one.
REASON_CHARS = 240


def _pick_run(results: dict, loop: Optional[str]) -> dict:
    runs = results["runs"]
    names = [r["loop"]["name"] for r in runs]
    if loop is not None:
        for run in runs:
            if run["loop"]["name"] == loop:
                return run
        raise UsageError(f"--loop: no run of {loop!r} in the results (runs: {', '.join(names)})")
    if len(runs) != 1:
        raise UsageError(
            f"the results have {len(runs)} runs ({', '.join(names)}); say which with --loop"
        )
    return runs[0]


def _ids(finding_cases: list[CaseResult], all_cases: list[CaseResult]) -> list[str]:
    """The finding's case ids, a whole clause written as ``clause/*`` when it is all here."""
    mine = {c.id for c in finding_cases}
    by_clause: dict[str, list[str]] = {}
    for case in all_cases:
        by_clause.setdefault(case.clause, []).append(case.id)
    ids: list[str] = []
    done: set[str] = set()
    for case in finding_cases:
        if case.clause in done:
            continue
        clause_ids = by_clause.get(case.clause, [])
        if len(clause_ids) > 1 and all(i in mine for i in clause_ids):
            ids.append(f"{case.clause}/*")
            done.add(case.clause)
        else:
            ids.append(case.id)
    return ids


def draft_entries(run: dict) -> list[tuple[Finding, dict]]:
    """(finding, entry) for every finding with cases no expectation covers yet."""
    cases = [CaseResult.from_json(c) for c in run["cases"]]
    findings = group_findings(cases)
    by_id = {c.id: c for c in cases}
    entries = []
    for finding in findings:
        open_cases = [by_id[i] for i in finding.cases if by_id[i].outcome in FAILING]
        if not open_cases:
            continue
        outcomes = sorted({c.outcome for c in open_cases})
        if any("pass" in c.attempts for c in open_cases):
            outcomes.append("pass")  # failed on some attempts only: a race
        example = open_cases[0].message.strip().splitlines()[0] if open_cases[0].message else ""
        reason = finding.title
        if example and example not in reason:
            reason += f" (e.g. {example})"
        entry = {
            "ids": _ids(open_cases, cases),
            "outcome": outcomes[0] if len(outcomes) == 1 else outcomes,
            "reason": reason[:REASON_CHARS],
            "draft": True,
        }
        entries.append((finding, entry))
    return entries


def render_draft(run: dict, results: dict) -> tuple[str, int]:
    loop = run["loop"]
    env = results.get("environment") or {}
    lines = [
        f"# Drafted by asyncio-conformance {__version__} on {date.today().isoformat()} from a run",
        f"# of {loop['name']} {loop.get('version', '')} on Python {env.get('python', '?')}.",
        "# One entry per finding, for the cases that failed without an expectation.",
        "# Every reason is the failure as observed: replace it with the cause (and an",
        "# issue link), then delete the entry's 'draft: true' line.",
        f"loop: {json.dumps(loop['name'])}",
        "expectations:",
    ]
    entries = draft_entries(run)
    for finding, entry in entries:
        lines.append(
            f"  # {finding.id} [{finding.level}] {len(finding.cases)} case(s); clause {finding.clause}"
        )
        lines.append("  - ids:")
        lines.extend(f"      - {json.dumps(i)}" for i in entry["ids"])
        lines.append(f"    outcome: {json.dumps(entry['outcome'])}")
        lines.append(f"    reason: {json.dumps(entry['reason'])}")
        lines.append("    draft: true")
    if not entries:
        lines[-1] = "expectations: []"
    return "\n".join(lines) + "\n", len(entries)


def write_draft_expectations(results: dict, path: Path, loop: Optional[str] = None) -> int:
    """Write the draft for one run of ``results``; return how many entries it has."""
    from .expectations import load_expectations

    run = _pick_run(results, loop)
    text, count = render_draft(run, results)
    atomic_write_text(path, text)
    load_expectations(path)  # what we write must load: a bug here is ours, not the user's
    return count
