"""Comparing two results files: what got worse, what got better.

``asyncio-conformance diff OLD.json NEW.json`` is how a loop author's CI
fails on regressions against a stored baseline, so the classification is
deliberately simple and strict:

- good outcomes: ``pass``, ``xfail``, ``skip``; bad: ``fail``, ``error``,
  ``timeout``, ``crash``, ``xpass`` (the same split as the gate);
- a *regression* is a case that was good in OLD and is bad in NEW;
- a *fix* is the reverse;
- any other change of outcome (``pass`` → ``skip``, ``fail`` → ``timeout``)
  is listed as a change, and a changed ``observed`` value of an
  ``impl-defined`` case is listed on its own;
- cases only in NEW are new, cases only in OLD are removed; neither is a
  regression (a new case that fails is shown as such, for the author to record
  in an expectations file);
- a run that was cut short (``"complete": false``) never reached some cases:
  those are counted as *not run* on that side, not listed as new or removed,
  so that comparing against a stopped run does not bury the real changes.

Runs are matched by loop name; a loop that appears twice in one file is
matched by its position among the runs of that name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from ._text import one_line
from .stats import BAD_OUTCOMES, GOOD_OUTCOMES, loop_label


@dataclass(frozen=True)
class CaseChange:
    """One case whose outcome (or presence) differs between the two files."""

    id: str
    old: str | None
    new: str | None
    message: str = ""


@dataclass(frozen=True)
class ObservedChange:
    """An ``impl-defined`` case whose recorded value changed."""

    id: str
    old: str
    new: str


@dataclass
class LoopDiff:
    """The differences for one loop present in both files."""

    loop: str
    regressions: list[CaseChange] = field(default_factory=list)
    fixes: list[CaseChange] = field(default_factory=list)
    new_cases: list[CaseChange] = field(default_factory=list)
    removed_cases: list[CaseChange] = field(default_factory=list)
    changed: list[CaseChange] = field(default_factory=list)
    observed: list[ObservedChange] = field(default_factory=list)
    unchanged: int = 0
    #: Cases one side has and the other, cut short, never reached.
    not_run_old: int = 0
    not_run_new: int = 0

    @property
    def is_empty(self) -> bool:
        return not (
            self.regressions
            or self.fixes
            or self.new_cases
            or self.removed_cases
            or self.changed
            or self.observed
        )


@dataclass
class DiffReport:
    """All differences between two results files."""

    loops: list[LoopDiff] = field(default_factory=list)
    added_loops: list[str] = field(default_factory=list)
    removed_loops: list[str] = field(default_factory=list)

    @property
    def has_regressions(self) -> bool:
        return any(loop.regressions for loop in self.loops)

    @property
    def regression_count(self) -> int:
        return sum(len(loop.regressions) for loop in self.loops)

    @property
    def fix_count(self) -> int:
        return sum(len(loop.fixes) for loop in self.loops)


def _runs_by_name(results: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    keyed: dict[str, Mapping[str, Any]] = {}
    seen: dict[str, int] = {}
    for index, run in enumerate(results.get("runs") or []):
        name = loop_label(run, index)
        seen[name] = seen.get(name, 0) + 1
        keyed[name if seen[name] == 1 else f"{name}#{seen[name]}"] = run
    return keyed


def _cases_by_id(run: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {str(case.get("id")): case for case in run.get("cases") or []}


def _cut_short(run: Mapping[str, Any]) -> bool:
    return run.get("complete") is False


def _diff_run(name: str, old_run: Mapping[str, Any], new_run: Mapping[str, Any]) -> LoopDiff:
    result = LoopDiff(loop=name)
    old_cases = _cases_by_id(old_run)
    new_cases = _cases_by_id(new_run)
    for case_id, new_case in new_cases.items():
        new_outcome = str(new_case.get("outcome"))
        message = one_line(new_case.get("message"), 300)
        old_case = old_cases.get(case_id)
        if old_case is None:
            if _cut_short(old_run):
                result.not_run_old += 1
            else:
                result.new_cases.append(CaseChange(case_id, None, new_outcome, message))
            continue
        old_outcome = str(old_case.get("outcome"))
        if old_outcome == new_outcome:
            result.unchanged += 1
        elif old_outcome in GOOD_OUTCOMES and new_outcome in BAD_OUTCOMES:
            result.regressions.append(CaseChange(case_id, old_outcome, new_outcome, message))
        elif old_outcome in BAD_OUTCOMES and new_outcome in GOOD_OUTCOMES:
            result.fixes.append(CaseChange(case_id, old_outcome, new_outcome, message))
        else:
            result.changed.append(CaseChange(case_id, old_outcome, new_outcome, message))
        old_value, new_value = old_case.get("observed"), new_case.get("observed")
        if (old_value is not None or new_value is not None) and old_value != new_value:
            result.observed.append(ObservedChange(case_id, str(old_value), str(new_value)))
    for case_id, old_case in old_cases.items():
        if case_id not in new_cases:
            if _cut_short(new_run):
                result.not_run_new += 1
            else:
                result.removed_cases.append(CaseChange(case_id, str(old_case.get("outcome")), None))
    return result


def diff_results(old: Mapping[str, Any], new: Mapping[str, Any]) -> DiffReport:
    """Compare two results dicts (see the module docstring for the rules)."""
    old_runs = _runs_by_name(old)
    new_runs = _runs_by_name(new)
    report = DiffReport()
    for name, new_run in new_runs.items():
        if name in old_runs:
            report.loops.append(_diff_run(name, old_runs[name], new_run))
        else:
            report.added_loops.append(name)
    report.removed_loops = [name for name in old_runs if name not in new_runs]
    return report


def _plural(n: int, word: str, plural: str = "") -> str:
    return f"{n} {word}" if n == 1 else f"{n} {plural or word + 's'}"


def _change_lines(title: str, changes: list[CaseChange], *, show_old: bool = True) -> list[str]:
    if not changes:
        return []
    lines = [f"  {title} ({len(changes)}):"]
    for change in changes:
        if change.old is None:
            arrow = f"new, {change.new}"
        elif change.new is None:
            arrow = f"was {change.old}"
        else:
            arrow = f"{change.old} -> {change.new}" if show_old else str(change.new)
        text = f"    - {change.id}: {arrow}"
        if change.message and change.new in BAD_OUTCOMES:
            text += f"  ({one_line(change.message, 160)})"
        lines.append(text)
    return lines


def render_diff(report: DiffReport) -> str:
    """Render ``report`` as plain text for a terminal or CI log."""
    headline = (
        f"asyncio-conformance diff: {_plural(report.regression_count, 'regression')}, "
        f"{_plural(report.fix_count, 'fix', 'fixes')}"
    )
    lines = [headline]
    for name in report.added_loops:
        lines.append(f"Loop {name}: only in the new results (nothing to compare)")
    for name in report.removed_loops:
        lines.append(f"Loop {name}: only in the old results (not run this time)")
    for loop in report.loops:
        lines.append("")
        summary = []
        if loop.regressions:
            summary.append(_plural(len(loop.regressions), "regression"))
        if loop.fixes:
            summary.append(_plural(len(loop.fixes), "fix", "fixes"))
        summary.append(f"{loop.unchanged} unchanged")
        lines.append(f"Loop {loop.loop}: " + ", ".join(summary))
        if loop.not_run_old:
            lines.append(
                f"  The old run was cut short: {_plural(loop.not_run_old, 'case')} "
                "of the new run did not run there (not compared)."
            )
        if loop.not_run_new:
            lines.append(
                f"  The new run was cut short: {_plural(loop.not_run_new, 'case')} "
                "of the old run did not run in it (not compared)."
            )
        lines += _change_lines("Regressions", loop.regressions)
        lines += _change_lines("Fixes", loop.fixes)
        lines += _change_lines("Other outcome changes", loop.changed)
        lines += _change_lines("New cases", loop.new_cases)
        lines += _change_lines("Removed cases", loop.removed_cases)
        if loop.observed:
            lines.append(f"  Observed values changed ({len(loop.observed)}):")
            for change in loop.observed:
                lines.append(
                    f"    - {change.id}: {one_line(change.old, 80)} -> {one_line(change.new, 80)}"
                )
    return "\n".join(lines) + "\n"
