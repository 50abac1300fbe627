"""Hygiene: what a loop leaves behind, reported once per kind instead of once per case.

A loop whose ``close()`` leaves its selector's fd open does so after every
case. Charging that to every case's clause would bury the loop's real
deviations under hundreds of copies of one leak, so the harness records what
was left behind as *hygiene notes* on the case result, and the run turns them
into one pseudo-case per kind below. Each has a stable id, so an expectations
file can record a known leak with one entry, and a level of its own,
``hygiene``, so reports keep it apart from conformance. Whether a failing
hygiene case fails the gate is the user's choice (``run --hygiene``).
"""

from __future__ import annotations

from dataclasses import dataclass

from .results import CaseResult, Details, RawResult
from .spec.model import Case

#: The docs' own words closest to the duty; the notes below say what is checked.
_CLOSE_QUOTE = (
    "Close the event loop.",
    "This method clears all queues and shuts down the executor, but does not wait for "
    "the executor to finish.",
)
_CLAUSE = "loop.close/hygiene"
_NOTE = (
    "The docs never say in words that a closed loop gives back what it opened; every "
    "long-running program relies on it, so the suite checks it after every case, "
    "apart from conformance. "
)


@dataclass(frozen=True)
class HygieneKind:
    key: str  # the key of RawResult.hygiene
    case_id: str
    title: str
    note: str


KINDS: tuple[HygieneKind, ...] = (
    HygieneKind(
        "fds",
        f"{_CLAUSE}/fds-closed",
        "file descriptors left open after the case and close()",
        _NOTE + "Fds that a second run of the same case does not open again (opened once "
        "per process, like libuv's signal pipe) are not counted.",
    ),
    HygieneKind(
        "threads",
        f"{_CLAUSE}/threads-ended",
        "threads still running after close()",
        _NOTE + "A thread only counts when it is still alive a grace period (15 s, "
        "scaled by --timeout-multiplier) after its case ended: idle thread caches "
        "that end on their own are not leaks.",
    ),
    HygieneKind(
        "children",
        f"{_CLAUSE}/children-reaped",
        "child processes left running after close()",
        _NOTE + "The harness kills and reaps them afterwards, so they cannot outlive the run.",
    ),
    HygieneKind(
        "teardown",
        f"{_CLAUSE}/closes-cleanly",
        "closing the loop after the case failed",
        _NOTE + "After every case the harness closes the loop (or, for a hosted loop, lets "
        "the adapter's host close it). close() raising, a loop still running, or a host "
        "raising once the case is done is reported here, never as the case's failure.",
    ),
    HygieneKind(
        "unclosed",
        f"{_CLAUSE}/no-unclosed-objects",
        "ResourceWarning about an object (transport, socket, loop) that was never closed",
        _NOTE + "Counted from ResourceWarnings raised during the case or when its objects "
        "were collected after it.",
    ),
)
BY_KEY = {kind.key: kind for kind in KINDS}
BY_ID = {kind.case_id: kind for kind in KINDS}
IDS = tuple(kind.case_id for kind in KINDS)


def hygiene_cases() -> list[Case]:
    """The pseudo-cases, in the form the verdict function and reports expect."""
    return [
        Case(
            id=kind.case_id,
            api="loop.close",
            section="hygiene",
            clause=_CLAUSE,
            level="hygiene",
            quote=_CLOSE_QUOTE,
            file="conformance/hygiene.py",
            line=1,
            order=10_000 + index,
            note=kind.note,
        )
        for index, kind in enumerate(KINDS)
    ]


def counts_against_the_loop(result: CaseResult) -> bool:
    """Only a case that passed, its code run to the end, speaks of what the loop leaves.

    A case that failed, or whose code stopped at an exception it did not
    expect (an impl-defined case records that and passes), may not have
    closed its own transports; what it left open is its own doing.
    """
    return (result.raw_outcome or result.outcome) == "pass" and result.finished


def aggregate(results: list[CaseResult], cap: int = 20) -> dict[str, RawResult]:
    """One raw result per hygiene kind, from the notes on a run's passing cases."""
    raw: dict[str, RawResult] = {}
    for kind in KINDS:
        seen = [r for r in results if kind.key in r.hygiene and counts_against_the_loop(r)]
        if not seen:
            raw[kind.case_id] = RawResult("pass")
            continue
        listed = "\n".join(f"{r.id}: {r.hygiene[kind.key]}" for r in seen[:cap])
        more = f"\n... and {len(seen) - cap} more cases" if len(seen) > cap else ""
        raw[kind.case_id] = RawResult(
            "fail",
            f"{kind.title}: seen in {len(seen)} case(s), first {seen[0].id}: "
            f"{seen[0].hygiene[kind.key]}",
            details=Details(expected="nothing left behind", actual=listed + more),
        )
    return raw
