"""The result types: one outcome vocabulary, one severity order, one case result.

Everything that carries a case's result between modules uses these types:

- :class:`RawResult` is what the harness observed for one attempt of one case
  on one loop (in a worker, in the pytest plugin, or in a reproducer). It knows
  nothing about expectations files.
- :class:`CaseResult` is what a run reports for a case after
  :func:`conformance.verdict.verdict` has folded its attempts together and
  applied the expectations. Its JSON form is one entry of ``runs[].cases`` in
  the results document (docs/results-format.md).

Reports read saved JSON files, so they work on plain dicts; :meth:`CaseResult.from_json`
is there for code that wants the typed form back.
"""

from __future__ import annotations

import platform
import sys
from collections import Counter
from dataclasses import MISSING, asdict, dataclass, field, fields
from typing import Any, Iterable, Literal, Optional

from . import __version__

#: The results document's shape. 2 added findings, hygiene and the stdlib
#: baseline; readers still accept 1 (docs/results-format.md).
SCHEMA = 2
READABLE_SCHEMAS = (1, 2)

Outcome = Literal["pass", "fail", "error", "timeout", "crash", "skip", "xfail", "xpass"]
#: Every outcome, in the order reports list them.
OUTCOMES: tuple[Outcome, ...] = (
    "pass",
    "fail",
    "error",
    "timeout",
    "crash",
    "skip",
    "xfail",
    "xpass",
)
#: Outcomes the harness itself produces, before any expectations file is read.
RAW_OUTCOMES: tuple[Outcome, ...] = ("pass", "fail", "error", "timeout", "crash", "skip")
#: The start of the skip reason of a case that could not watch what it checks
#: on this loop (runtime.values.NotObservable); reports count these apart.
NOT_OBSERVABLE_SKIP = "not observable on this loop"
#: Raw outcomes that mean the loop did not do what the case checks.
FAILING: tuple[Outcome, ...] = ("fail", "error", "timeout", "crash")
#: Least to most severe. With --repeat the reported attempt is the most severe
#: one; reports sort and colour by the same order.
SEVERITY: tuple[Outcome, ...] = (
    "skip",
    "pass",
    "xfail",
    "xpass",
    "fail",
    "error",
    "timeout",
    "crash",
)
_RANK = {name: rank for rank, name in enumerate(SEVERITY)}


def severity(outcome: str) -> int:
    return _RANK.get(outcome, 0)


def is_not_observable(result: CaseResult) -> bool:
    """The case skipped because it could not watch what it checks on this loop."""
    return result.outcome == "skip" and result.message.startswith(NOT_OBSERVABLE_SKIP)


def count_not_observable(results: Iterable[CaseResult]) -> int:
    return sum(1 for r in results if is_not_observable(r))


def worst(outcomes: Iterable[str]) -> str:
    return max(outcomes, key=severity)


def gate_failing(allow_xpass: bool = False) -> tuple[str, ...]:
    """The final outcomes that fail a run's gate."""
    return FAILING if allow_xpass else (*FAILING, "xpass")


#: How from_json coerces a field that a saved file lacks or holds as null, by
#: the field's annotation; other fields (Optional[...]) are taken as they are.
_COERCE: dict[str, Any] = {
    "str": lambda value: str(value or ""),
    "Outcome": lambda value: str(value or ""),
    "int": lambda value: int(value or 0),
    "float": lambda value: float(value or 0.0),
    "dict[str, str]": lambda value: dict(value or {}),
    "list[str]": lambda value: list(value or []),
}


class _Record:
    """JSON for the result dataclasses: ``asdict`` out, coerced fields back in.

    ``from_json`` accepts what an older or partial file holds: unknown keys are
    dropped, missing ones get their default (a required one, and a null, its
    type's empty value), and ``details`` becomes a Details again.
    """

    def to_json(self) -> dict:
        return asdict(self)  # type: ignore[call-overload]

    @classmethod
    def from_json(cls, data: dict) -> Any:
        values: dict[str, Any] = {}
        for spec in fields(cls):  # type: ignore[arg-type]
            value = data.get(spec.name)
            has_default = spec.default is not MISSING or spec.default_factory is not MISSING
            if spec.name not in data and has_default:
                continue
            if spec.name == "details":
                values[spec.name] = Details.from_json(value)
            elif spec.type == "bool":
                values[spec.name] = bool(data.get(spec.name, spec.default))
            elif spec.type in _COERCE:
                values[spec.name] = _COERCE[spec.type](value)
            elif spec.name in data:
                values[spec.name] = value
        return cls(**values)


@dataclass
class Details:
    """What a failing case shows besides its one-line message."""

    expected: str = ""
    actual: str = ""
    traceback: str = ""

    @classmethod
    def from_json(cls, data: Optional[dict]) -> Optional[Details]:
        if not data:
            return None
        return cls(**{k: str(data.get(k) or "") for k in ("expected", "actual", "traceback")})


@dataclass
class RawResult(_Record):
    """One attempt of one case on one loop, as the harness saw it.

    ``hygiene`` lists what the loop left behind (fds, threads, child
    processes, unclosed-object warnings), one note per kind. It never changes
    ``outcome``: the run turns those notes into hygiene findings of their own.
    ``harness`` lists harness steps that did not work on this loop (an optional
    method the teardown wanted, say); those are never the case's failure either.
    """

    outcome: Outcome
    message: str = ""
    details: Optional[Details] = None
    observed: Optional[str] = None
    duration_s: float = 0.0
    hygiene: dict[str, str] = field(default_factory=dict)
    harness: list[str] = field(default_factory=list)
    #: What sort of problem decided a failure: assertion, exception, protocol,
    #: handler, log, warning, timeout, crash or error. Findings group by it.
    kind: str = ""
    #: The cause in the loop's own words, for grouping (an exception's type,
    #: message and where it was raised; a protocol violation), before normalising.
    cause: str = ""
    #: The case's code ran to its end (no exception it did not expect), so it
    #: closed what it opened: only then do its leftovers count against the loop.
    finished: bool = True


@dataclass
class CaseResult(_Record):
    """One case's entry in ``runs[].cases`` of the results document."""

    id: str
    api: str
    section: str
    clause: str
    level: str
    quote: str
    file: str
    line: int
    outcome: Outcome = "skip"
    message: str = ""
    duration_s: float = 0.0
    details: Optional[Details] = None
    observed: Optional[str] = None
    #: The expectations entry that matched: {"outcome", "reason", "file", "line"[, "issue"]}.
    expected: Optional[dict] = None
    flaky: bool = False
    attempts: list[str] = field(default_factory=list)
    repro: str = ""
    resolution: Optional[dict] = None
    #: The outcome before expectations were applied (what the loop did).
    raw_outcome: Optional[str] = None
    #: Hygiene notes by kind (see RawResult.hygiene).
    hygiene: dict[str, str] = field(default_factory=dict)
    harness: list[str] = field(default_factory=list)
    #: The stdlib loop's raw outcome for this case on the same Python, when known.
    stdlib: Optional[str] = None
    #: The id of the finding this case is grouped under.
    finding: Optional[str] = None
    #: See RawResult.kind and RawResult.cause.
    kind: str = ""
    cause: str = ""
    #: The case's position in the spec order (merging shards puts cases back by it).
    order: int = 0
    #: See RawResult.finished.
    finished: bool = True
    #: The case never touches the loop under test (Case.loop_independent): it
    #: runs and can fail the gate, but no score counts it.
    loop_independent: bool = False


def environment(argv: list[str], **extra: object) -> dict:
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": sys.platform,
        "platform_detail": platform.platform(),
        "machine": platform.machine(),
        **extra,
        "argv": argv,
    }


def summarize(
    cases: list[CaseResult],
    hygiene: list[CaseResult] = (),  # type: ignore[assignment]
    *,
    allow_xpass: bool = False,
    hygiene_gate: bool = True,
) -> dict:
    """Counts per outcome, level and section, and the gate.

    The hygiene pseudo-cases are counted apart (``summary.hygiene``); with
    ``hygiene_gate`` False (``--hygiene warn``) they do not fail the gate.
    """
    counts = Counter(c.outcome for c in cases)
    summary: dict = {"total": len(cases)}
    summary.update({o: counts.get(o, 0) for o in OUTCOMES})
    summary["flaky"] = sum(1 for c in cases if c.flaky)
    by_level: dict = {}
    by_section: dict = {}
    independent = Counter(c.outcome for c in cases if c.loop_independent)
    summary["loop_independent"] = {o: independent[o] for o in OUTCOMES if independent[o]}
    for case in cases:
        if case.loop_independent:  # counted apart: no score includes it
            continue
        level = by_level.setdefault(case.level, {})
        level[case.outcome] = level.get(case.outcome, 0) + 1
        section = by_section.setdefault(case.section, {})
        section[case.outcome] = section.get(case.outcome, 0) + 1
    summary["by_level"] = by_level
    summary["by_section"] = by_section
    hygiene_counts = Counter(c.outcome for c in hygiene)
    summary["hygiene"] = {o: hygiene_counts[o] for o in OUTCOMES if hygiene_counts[o]}
    failing = gate_failing(allow_xpass)
    gated = list(cases) + (list(hygiene) if hygiene_gate else [])
    summary["gate"] = "fail" if any(c.outcome in failing for c in gated) else "pass"
    return summary


def harness_notes(results: list[CaseResult]) -> list[dict]:
    """What the harness itself could not do on this loop, once per note, with a count.

    These are never a case's failure (an optional method the teardown wanted,
    a leak confirmation that did not finish), but a user should see them.
    """
    notes: dict[str, dict] = {}
    for result in results:
        for note in result.harness:
            entry = notes.setdefault(note, {"note": note, "count": 0, "first": result.id})
            entry["count"] += 1
    return sorted(notes.values(), key=lambda n: -n["count"])


def document(env: dict, runs: list[dict]) -> dict:
    return {
        "schema": SCHEMA,
        "tool": {"name": "asyncio-conformance", "version": __version__},
        "environment": env,
        "runs": runs,
    }
