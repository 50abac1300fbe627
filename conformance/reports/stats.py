"""Counting outcomes and conformance percentages, shared by every report.

One definition, used by the HTML report, the Markdown summary and the badges,
so that the numbers never disagree between them:

- only ``must`` and ``compat`` cases count towards conformance; ``impl-defined``
  cases record a value and ``precondition`` clauses are duties of the caller,
  so neither can make a loop less conformant;
- conformant = ``pass`` / (cases − ``skip``): a skipped case says nothing about
  the loop (a platform marker excluded it), while an ``xfail`` is a known gap
  and still counts against the loop (it is shown next to the percentage), and
  an ``xpass`` is not a plain pass because the expectations file is wrong.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

OUTCOMES = ("pass", "fail", "error", "timeout", "crash", "skip", "xfail", "xpass")
#: Outcomes that fail the gate (``xpass`` does by default).
BAD_OUTCOMES = frozenset({"fail", "error", "timeout", "crash", "xpass"})
#: Outcomes that do not.
GOOD_OUTCOMES = frozenset({"pass", "xfail", "skip"})
#: Levels whose cases count towards the conformance percentage.
COUNTED_LEVELS = ("must", "compat")
#: Aggregation order when several cases (one clause) need one status: worst first.
SEVERITY = ("crash", "timeout", "error", "fail", "xpass", "xfail", "pass", "skip")
_RANK = {name: i for i, name in enumerate(SEVERITY)}


@dataclass
class Tally:
    """Outcome counts for a group of cases, and the percentage derived from them."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))

    def add(self, outcome: str) -> None:
        self.counts[outcome] = self.counts.get(outcome, 0) + 1

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def passed(self) -> int:
        return self.counts.get("pass", 0)

    @property
    def counted(self) -> int:
        """Cases that say something about the loop: all but the skipped ones."""
        return self.total - self.counts.get("skip", 0)

    @property
    def bad(self) -> int:
        return sum(self.counts.get(name, 0) for name in BAD_OUTCOMES)

    @property
    def percent(self) -> float | None:
        """``pass / counted * 100``, or ``None`` when nothing was counted."""
        if not self.counted:
            return None
        return 100.0 * self.passed / self.counted

    def worst(self) -> str | None:
        """The most severe outcome present (see :data:`SEVERITY`), or ``None``."""
        present = [name for name, n in self.counts.items() if n]
        if not present:
            return None
        return min(present, key=lambda name: _RANK.get(name, -1))


def tally(
    cases: Iterable[Mapping[str, Any]], levels: Iterable[str] | None = COUNTED_LEVELS
) -> Tally:
    """Count the outcomes of ``cases`` whose level is in ``levels`` (all when ``None``).

    With ``levels`` given the tally is a score, and loop-independent cases,
    which check asyncio's own code rather than the loop, are left out of it.
    """
    wanted = None if levels is None else set(levels)
    result = Tally()
    for case in cases:
        if wanted is not None and (case.get("level") not in wanted or case.get("loop_independent")):
            continue
        result.add(str(case.get("outcome", "error")))
    return result


def conformance(run: Mapping[str, Any]) -> dict[str, Tally]:
    """Tallies for one loop run: ``overall`` (must+compat), ``must`` and ``compat``."""
    cases = run.get("cases") or []
    return {
        "overall": tally(cases),
        "must": tally(cases, ("must",)),
        "compat": tally(cases, ("compat",)),
    }


def gate(run: Mapping[str, Any]) -> str:
    """The run's gate: ``summary.gate`` when recorded, else derived from the cases."""
    recorded = (run.get("summary") or {}).get("gate")
    if recorded in ("pass", "fail"):
        return recorded
    bad = any(case.get("outcome") in BAD_OUTCOMES for case in run.get("cases") or [])
    return "fail" if bad else "pass"


def format_percent(value: float | None, decimals: int = 1) -> str:
    """Format a percentage, rounding *down* so 1999/2000 never shows as 100%."""
    if value is None:
        return "n/a"
    scale = 10**decimals
    floored = math.floor(value * scale + 1e-9) / scale
    if floored == int(floored):
        return f"{int(floored)}%"
    return f"{floored:.{decimals}f}%"


def loop_label(run: Mapping[str, Any], index: int = 0) -> str:
    """A display name for a run's loop, falling back to its position."""
    loop = run.get("loop") or {}
    return str(loop.get("name") or f"loop-{index + 1}")


def incomplete_note(results: Mapping[str, Any]) -> str:
    """Say plainly when a run was cut short, and how much it did not run."""
    if results.get("complete", True):
        return ""
    missing = sum(
        int((r.get("summary") or {}).get("not_run") or 0) for r in results.get("runs") or []
    )
    missing += sum(int(n) for n in (results.get("not_run") or {}).values())
    reason = results.get("stopped") or "it was stopped"
    return f"This run was cut short ({reason}): {missing} cases did not run. Its verdicts cover only the cases that finished."


#: The colour band of a conformance percentage, best first: (at least, tone).
TONES = ((99.95, "good"), (90.0, "ok"), (70.0, "warn"), (0.0, "bad"))


def band(percent: float | None, bands: Iterable[tuple[float, str]], unknown: str) -> str:
    """The name of the first band (at least, name) that ``percent`` reaches; ``unknown`` for None."""
    if percent is None:
        return unknown
    return next((name for least, name in bands if percent >= least), unknown)


def tone(percent: float | None) -> str:
    """The band (good, ok, warn, bad) a percentage is shown in; "none" when unknown."""
    return band(percent, TONES, "none")
