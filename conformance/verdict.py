"""The one place a case's verdict is decided.

``run`` (through the worker pool), the pytest plugin and the hygiene
pseudo-cases all end here: the case, what the harness saw on each attempt,
and the expectations entry that matches the case (if any) go in; the
:class:`CaseResult` the reports show comes out. Keeping this in one function
is what makes the CLI and the plugin agree on every case.
"""

from __future__ import annotations

from typing import Optional

from .adapters.base import Adapter
from .expectations import Entry
from .results import CaseResult, RawResult, worst
from .spec.markers import skip_reason as marker_skip_reason
from .spec.model import Case


def blank_result(case: Case, loop_name: str) -> CaseResult:
    """A case's result before anything ran: its identity and where to look."""
    return CaseResult(
        id=case.id,
        api=case.api,
        section=case.section,
        clause=case.clause,
        level=case.level,
        quote=" ".join(case.quote),
        file=case.file,
        line=case.line,
        resolution=case.resolution,
        order=case.order,
        loop_independent=case.loop_independent,
        repro=f"asyncio-conformance repro '{case.id}' --loop {loop_name}",
    )


#: The start of the skip reason of a slow case not asked for (reports count these).
SLOW_SKIP = "slow case, left out"


def skip_reason(case: Case, adapter: Adapter, *, slow: bool = False) -> Optional[str]:
    """Why ``case`` does not run on ``adapter``'s loop here, or None when it runs.

    ``slow`` includes the cases marked slow (``run --slow``).
    """
    if not case.runnable:
        return "precondition: an obligation on the caller, not tested"
    if case.slow and not slow:
        return f"{SLOW_SKIP} (run --slow to include it): {case.slow}"
    if adapter.host and case.mode == "sync":
        return (
            "sync-mode case: this adapter runs every case inside its own runner, where the "
            "loop is already running"
        )
    return marker_skip_reason(case.markers)


def skipped(case: Case, reason: str, loop_name: str) -> CaseResult:
    result = blank_result(case, loop_name)
    result.outcome = "skip"
    result.message = reason
    return result


def verdict(
    case: Case, attempts: list[RawResult], entry: Optional[Entry], loop_name: str
) -> CaseResult:
    """Fold the attempts (worst one reported, flaky when they differ), then apply ``entry``."""
    result = blank_result(case, loop_name)
    outcomes = [a.outcome for a in attempts]
    chosen = next(a for a in attempts if a.outcome == worst(outcomes))
    result.outcome = chosen.outcome
    result.raw_outcome = chosen.outcome
    result.message = chosen.message
    result.details = chosen.details
    result.observed = chosen.observed
    result.kind = chosen.kind
    result.cause = chosen.cause
    result.finished = all(a.finished for a in attempts)
    result.duration_s = round(sum(a.duration_s for a in attempts), 6)
    result.attempts = list(outcomes)
    result.flaky = len(set(outcomes)) > 1
    for attempt in attempts:
        for kind, note in attempt.hygiene.items():
            result.hygiene.setdefault(kind, note)
        result.harness.extend(n for n in attempt.harness if n not in result.harness)
    if result.flaky:
        result.message = f"flaky: outcomes {outcomes}. " + result.message
    if entry is not None:
        apply_expectation(result, entry)
    return result


def apply_expectation(result: CaseResult, entry: Entry) -> None:
    """Rewrite a result according to the expectations entry that matched its case."""
    if result.outcome == "skip":
        return
    result.expected = entry.describe()
    outcome = result.outcome
    if outcome == "pass" and entry.inherited:
        result.message = (
            f"passes, though the stdlib loop this loop is built on fails it: {entry.reason}"
        )
    elif outcome == "pass" and "pass" in entry.outcomes:
        result.message = f"passed this time; known to fail intermittently: {entry.reason}"
    elif outcome in entry.outcomes and not entry.matches_failure(result.message):
        result.message = (
            f"fails, but not the way the expectation records ({entry.reason}; its message "
            f"should match {entry.match!r}): {result.message}"
        )
    elif outcome in entry.outcomes:
        result.outcome = "xfail"
        draft = " (draft reason)" if entry.draft else ""
        result.message = f"expected {outcome}{draft}: {entry.reason}" + (
            f" | {result.message}" if result.message else ""
        )
    elif outcome == "pass":
        result.outcome = "xpass"
        result.message = (
            f"expected {'/'.join(entry.outcomes)} ({entry.reason}), but the case passed"
        )
    else:
        result.message = (
            f"expected {'/'.join(entry.outcomes)} ({entry.reason}), got {outcome}: {result.message}"
        )
