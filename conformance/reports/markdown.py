"""A short Markdown summary for CI logs and GitHub's job summary page.

It answers the questions a CI reader has first: did the gate pass, how many of
each outcome per loop, and which cases failed, with their ids and messages.
The full story is in the HTML report. Everything that comes from a loop is put
in a code span, so that neither GitHub's Markdown nor its HTML sanitizer
interprets it, and ``|`` is escaped so it cannot break the tables.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping

from ..findings import run_findings
from ._atomic import atomic_write_text
from ._text import one_line
from .stats import (
    BAD_OUTCOMES,
    OUTCOMES,
    conformance,
    format_percent,
    gate,
    incomplete_note,
    loop_label,
    tally,
)

#: How many failures the summary lists before saying "and N more".
DEFAULT_MAX_FAILURES = 20


def code(value: Any, limit: int = 200) -> str:
    """``value`` as a single-line Markdown code span that is safe in a table cell."""
    text = one_line(value, limit).replace("`", "'").replace("|", "\\|")
    return f"`{text}`" if text else ""


def _overall_gate(results: Mapping[str, Any]) -> str:
    runs = results.get("runs") or []
    if not runs:
        return "fail"
    return "fail" if any(gate(run) == "fail" for run in runs) else "pass"


def render_markdown(results: Mapping[str, Any], *, max_failures: int = DEFAULT_MAX_FAILURES) -> str:
    """Render the CI summary: per-loop counts, the gate, and the first failures."""
    runs = results.get("runs") or []
    tool = results.get("tool") or {}
    env = results.get("environment") or {}
    overall = _overall_gate(results)
    mark = "✅" if overall == "pass" else "❌"
    title = " ".join(
        bit
        for bit in (
            one_line(tool.get("name") or "asyncio-conformance"),
            one_line(tool.get("version")),
        )
        if bit
    )
    lines = [f"## {mark} {title}: gate {overall}", ""]
    env_bits = [
        f"Python {one_line(env.get('python'))}" if env.get("python") else "",
        one_line(env.get("implementation")),
        f"on {one_line(env.get('platform'))}" if env.get("platform") else "",
        f"· started {one_line(env.get('started_at'))}" if env.get("started_at") else "",
    ]
    env_line = " ".join(bit for bit in env_bits if bit)
    if env_line:
        lines += [env_line, ""]
    if not runs:
        lines.append("No loop was run.")
        return "\n".join(lines) + "\n"

    if not results.get("complete", True):
        lines += [f"> **Incomplete.** {incomplete_note(results)}", ""]
    header = ["Loop", "Version", "Gate", "Conformant", "must", "compat", *OUTCOMES]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "|".join([" --- "] * 3 + [" ---: "] * (len(header) - 3)) + "|")
    for index, run in enumerate(runs):
        loop = run.get("loop") or {}
        tallies = conformance(run)
        everything = tally(run.get("cases") or [], None)
        run_gate = gate(run)
        row = [
            code(loop_label(run, index), 60),
            code(loop.get("version"), 40),
            ("✅ " if run_gate == "pass" else "❌ ") + run_gate,
            format_percent(tallies["overall"].percent),
            format_percent(tallies["must"].percent),
            format_percent(tallies["compat"].percent),
            *(str(everything.counts.get(name, 0)) for name in OUTCOMES),
        ]
        lines.append("| " + " | ".join(row) + " |")
    lines += ["", "Conformant = pass ÷ (cases − skipped), over `must` and `compat` cases.", ""]

    stale = []
    for index, run in enumerate(runs):
        for entry in (run.get("expectations") or {}).get("stale") or []:
            where = (
                f"{entry.get('file', '?')}:{entry.get('line', '?')}"
                if isinstance(entry, dict)
                else "?"
            )
            ident = entry.get("id") if isinstance(entry, dict) else entry
            stale.append(f"- {code(loop_label(run, index), 60)}: {code(ident)} ({code(where)})")
    if stale:
        lines += [
            f"**Stale expectations** ({len(stale)}): entries that matched no case.",
            "",
            *stale,
            "",
        ]

    unused = [
        f"- {code(loop_label(run, index), 60)}: "
        f"{code(str(entry.get('file', '?')) + ':' + str(entry.get('line', '?')))}"
        for index, run in enumerate(runs)
        for entry in (run.get("expectations") or {}).get("not_observable") or []
        if isinstance(entry, dict)
    ]
    if unused:
        lines += [
            f"**Unused expectations** ({len(unused)}): entries whose every case the loop gives "
            "nothing to observe (skipped whatever the entry says); they can go.",
            "",
            *unused,
            "",
        ]

    lines += _findings_lines(runs, max_failures)

    failures = [
        (loop_label(run, index), case)
        for index, run in enumerate(runs)
        for case in run.get("cases") or []
        if case.get("outcome") in BAD_OUTCOMES
    ]
    if failures:
        shown = failures[: max(max_failures, 0)]
        lines.append(f"### Failures ({len(failures)})")
        lines.append("")
        lines.append("| Loop | Outcome | Case | Message |")
        lines.append("| --- | --- | --- | --- |")
        for loop_name, case in shown:
            message = case.get("message") or (
                "expected to fail, but passed" if case.get("outcome") == "xpass" else ""
            )
            lines.append(
                f"| {code(loop_name, 60)} | {one_line(case.get('outcome'), 20)} | {code(case.get('id'), 160)} | {code(message, 240)} |"
            )
        if len(failures) > len(shown):
            lines.append("")
            lines.append(
                f"…and {len(failures) - len(shown)} more; see the HTML report or JUnit XML."
            )
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _findings_lines(runs: list, limit: int) -> list[str]:
    """Per loop, its findings (root causes) most important first, capped at ``limit``."""
    lines: list[str] = []
    for index, run in enumerate(runs):
        findings = run_findings(dict(run))
        if not findings:
            continue
        new = sum(1 for f in findings if f.get("unexpected"))
        lines += [
            f"### Findings for {code(loop_label(run, index), 60)} ({len(findings)}, {new} new)",
            "",
            "| Id | State | Level | Cases | Cause |",
            "| --- | --- | --- | ---: | --- |",
        ]
        for finding in findings[: max(limit, 0)]:
            state = "new" if finding.get("unexpected") else "known"
            lines.append(
                f"| {finding.get('id')} | {state} | {one_line(finding.get('level'), 20)} | "
                f"{finding.get('count')} | {code(finding.get('title'), 200)} |"
            )
        if len(findings) > limit:
            lines += ["", f"…and {len(findings) - limit} more; see the HTML report."]
        lines.append("")
    return lines


def write_markdown(
    results: Mapping[str, Any], path: Path, *, max_failures: int = DEFAULT_MAX_FAILURES
) -> None:
    """Write :func:`render_markdown` output to ``path`` atomically."""
    atomic_write_text(path, render_markdown(results, max_failures=max_failures))


def append_github_step_summary(
    results: Mapping[str, Any],
    *,
    environ: Mapping[str, str] | None = None,
    max_failures: int = DEFAULT_MAX_FAILURES,
) -> Path | None:
    """Append the summary to ``$GITHUB_STEP_SUMMARY`` when it is set.

    GitHub Actions sets that variable to a file whose contents it shows on the
    job's summary page; other steps may have written to it already, so this
    appends rather than replaces. Returns the path written, or ``None`` when
    not running under GitHub Actions.
    """
    env = os.environ if environ is None else environ
    target = env.get("GITHUB_STEP_SUMMARY")
    if not target:
        return None
    path = Path(target)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(render_markdown(results, max_failures=max_failures) + "\n")
    return path
