"""The ``run`` command's engine: a plan of cases x loops -> the results document.

A :class:`RunPlan` is built once, before anything runs: the selected cases,
each loop's adapter and expectations, and the ids an expectation may name.
Building it checks every input, and :func:`probe_loops` then makes sure each
factory really makes an event loop, so bad input stops the run in seconds
with exit 2 instead of after the suite.

For each loop, :func:`run_loop` decides which cases the host can run
(markers), hands the rest to a worker pool, folds repeated attempts and
applies expectations through the one verdict function, adds the hygiene
pseudo-cases, the stdlib baseline and the findings, and summarizes. Results
come back in completion order and are put back into spec order, so reports
never depend on scheduling.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Optional

from . import hygiene
from .adapters import Adapter, resolve_adapter
from .baseline import STDLIB_LOOPS, stdlib_outcomes
from .expectations import Entry, ExpectationFile, Matcher, load_expectations
from .findings import group_findings
from .pool import CaseDone, LateHygiene, Task, WorkerPool
from .probe import ProbeReport, probe
from .results import (
    FAILING,
    CaseResult,
    RawResult,
    count_not_observable,
    document,
    environment,
    harness_notes,
    is_not_observable,
    summarize,
)
from .spec.model import Case, Suite
from .verdict import SLOW_SKIP, skip_reason, skipped, verdict
from .worker import THREAD_GRACE

#: --hygiene: whether a failing hygiene case fails the gate.
HYGIENE_POLICIES = ("fail", "warn")

#: Seconds (before --timeout-multiplier) a case gets when the loop's
#: expectations say it hangs there: every outcome they allow is a timeout or a
#: crash. Such a case either hangs again, which is the same verdict found
#: sooner, or returns: the cases that hang are calls that finish at once on a
#: working loop (a refused connect, stop() before run_forever(); the slowest of
#: those that hang on some bundled loop takes the stdlib 25 ms), so a fixed loop
#: passes well within this. --full-timeouts gives them their own timeout.
EXPECTED_HANG_TIMEOUT = 2.0
HANG_OUTCOMES = frozenset({"timeout", "crash"})
#: Seconds (before --timeout-multiplier) that any one wait of a case may last
#: when the loop's expectations say the case fails there (they allow a failure
#: but not a pass, and do not match the failure's message): waiting less can
#: only turn a pass into a failure, and a failure is what is expected. Most
#: such cases wait for something the loop never does (a TLS handshake it
#: ignores, a pause_writing() it never calls), by default for 5 s each.
EXPECTED_FAILURE_PATIENCE = 1.0


@dataclass
class RunOptions:
    loops: list[str]
    select: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    jobs: int = 0
    timeout_multiplier: float = 1.0
    repeat: int = 1
    debug_mode: bool = False
    expectations: list[str] = field(default_factory=list)
    default_expectations: bool = True
    allow_xpass: bool = False
    hygiene: str = "fail"
    stdlib_baseline: bool = True
    #: auto, yes or no: see inherits_stdlib().
    stdlib_expectations: str = "auto"
    #: (K, N): run only the K-th of N shards of the selected cases (1-based).
    shard: Optional[tuple[int, int]] = None
    #: Stop cleanly after this many seconds (--max-time), with partial reports.
    max_time: Optional[float] = None
    #: An incomplete run (stopped early) does not fail its gate for that alone.
    allow_incomplete: bool = False
    #: Include the cases marked slow (they wait out a documented default).
    slow: bool = False
    #: Give every case its own timeout and waits, even where the loop's expectations
    #: say it hangs or fails (see EXPECTED_HANG_TIMEOUT, EXPECTED_FAILURE_PATIENCE).
    full_timeouts: bool = False
    argv: list[str] = field(default_factory=list)

    @property
    def workers(self) -> int:
        """Workers to start with: ``-j N``, or one per core."""
        return self.jobs or os.cpu_count() or 1

    @property
    def max_workers(self) -> int:
        """``-j N`` is fixed; ``-j auto`` (0) may grow to four per core while cases wait."""
        return self.jobs or 4 * (os.cpu_count() or 1)


@dataclass
class LoopPlan:
    adapter: Adapter
    files: list[ExpectationFile]
    probe: Optional[ProbeReport] = None
    #: The stdlib's expectations apply too (a loop built on the stdlib; see inherit_stdlib).
    inherits_stdlib: bool = False
    matcher: Matcher = field(init=False)

    def __post_init__(self) -> None:
        self.matcher = Matcher(self.files, self.adapter.name)

    def inherit_stdlib(self) -> None:
        """Apply the stdlib's expectations after the loop's own: it inherits those deviations."""
        self.files = self.files + [f.inherited() for f in stdlib_expectation_files()]
        self.matcher = Matcher(self.files, self.adapter.name)
        self.inherits_stdlib = True

    @property
    def environment(self) -> dict:
        env = dict(os.environ)
        env.update(dict(self.adapter.environment))
        return env


@dataclass
class RunPlan:
    """Everything a run needs, checked and resolved once."""

    suite: Suite
    cases: list[Case]
    loops: list[LoopPlan]
    #: Ids an expectation may name: every bundled and loaded case, and the hygiene ids.
    known_ids: set[str]
    options: RunOptions
    warnings: list[str] = field(default_factory=list)
    #: Set (from a signal handler, say) to end the run cleanly with what it has.
    stop_reason: Optional[str] = None
    deadline: Optional[float] = None

    def stop(self, reason: str) -> None:
        if self.stop_reason is None:
            self.stop_reason = reason

    def should_stop(self) -> bool:
        if self.stop_reason is None and self.deadline and time.monotonic() > self.deadline:
            self.stop_reason = f"--max-time {self.options.max_time:g}s was spent"
        return self.stop_reason is not None

    @classmethod
    def build(cls, suite: Suite, options: RunOptions) -> RunPlan:
        adapters = [resolve_adapter(ref) for ref in options.loops]
        names = [a.name for a in adapters]
        given = [load_expectations(p) for p in options.expectations]
        warnings = [
            f"{f.path}: 'loop: {f.loop}' matches none of this run's loops "
            f"({', '.join(names)}); its entries were not applied"
            for f in given
            if f.loop is not None and f.loop not in names
        ]
        loops = [LoopPlan(a, bundled_expectations(a, options) + given) for a in adapters]
        return cls(
            suite=suite,
            cases=shard_of(suite.select(options.select, options.sections), options.shard),
            loops=loops,
            known_ids=known_ids(suite),
            options=options,
            warnings=warnings,
        )


def shard_of(cases: list[Case], shard: Optional[tuple[int, int]]) -> list[Case]:
    """The K-th of N shards: every N-th case of the selection, in spec order.

    Dealing cases out in turn spreads slow sections over every shard, and for
    a given spec set and selection the split is the same on every machine, so
    shards run anywhere merge back into the whole run (``asyncio-conformance
    merge``).
    """
    if shard is None:
        return cases
    index, count = shard
    return [case for i, case in enumerate(cases) if i % count == index - 1]


def known_ids(suite: Suite) -> set[str]:
    """Ids an expectation may name: the loaded specs, the bundled ones and the hygiene cases.

    Running a subset of spec files must not make every entry about the other
    files look stale; an entry is stale only when no spec anywhere has its case.
    """
    from .spec.load import load_suite

    ids = {c.id for c in suite.cases} | set(hygiene.IDS)
    try:
        ids.update(c.id for c in load_suite().cases)
    except Exception:  # the bundled specs are checked elsewhere; never fail a run here
        pass
    return ids


def display_path(path: Path) -> str:
    """Paths in reports: relative to the working folder or the package, so they read well."""
    import conformance

    resolved = path.resolve()
    for base in (Path.cwd(), Path(conformance.__file__).resolve().parent.parent):
        try:
            return str(resolved.relative_to(base.resolve()))
        except ValueError:
            continue
    return str(path)


def _expectation_files(source: str, skip: set[Path] = frozenset()) -> list[ExpectationFile]:
    """A bundled expectations file, or every file of a bundled folder, for any loop name."""
    bundled = Path(source)
    paths = sorted(bundled.glob("*.yaml")) if bundled.is_dir() else [bundled]
    files = []
    for path in paths:
        if path.resolve() in skip:
            continue
        loaded = load_expectations(path, display_path(path))
        loaded.loop = None  # bundled with the adapter: it applies under any alias
        files.append(loaded)
    return files


def bundled_expectations(adapter: Adapter, options: RunOptions) -> list[ExpectationFile]:
    """The adapter's own expectations, unless --no-default-expectations."""
    if not options.default_expectations or not adapter.expectations:
        return []
    return _expectation_files(
        adapter.expectations, {Path(p).resolve() for p in options.expectations}
    )


def stdlib_expectation_files() -> list[ExpectationFile]:
    from .adapters.builtin import STDLIB_EXPECTATIONS

    return _expectation_files(STDLIB_EXPECTATIONS)


def inherits_stdlib(adapter: Adapter, stdlib_based: bool, choice: str) -> bool:
    """Whether a loop gets the stdlib's expectations (``--stdlib-expectations auto|yes|no``).

    ``auto``: when its adapter says it is built on the stdlib, or the probe
    found its loop to be an ``asyncio.BaseEventLoop``. The stdlib's own
    adapters have those expectations already.
    """
    if adapter.name in STDLIB_LOOPS or choice == "no":
        return False
    return choice == "yes" or adapter.stdlib_based or stdlib_based


def probe_loops(plan: RunPlan, report: Optional[Callable[[str], None]] = None) -> None:
    """Probe every loop of the plan (see conformance/probe.py); raises UsageError."""
    for loop in plan.loops:
        if plan.should_stop():
            return
        loop.probe = probe(loop.adapter, loop.environment, plan.options.timeout_multiplier)
        choice = plan.options.stdlib_expectations
        if inherits_stdlib(loop.adapter, loop.probe.stdlib_based, choice):
            loop.inherit_stdlib()
            if report and choice == "auto":
                report(
                    f"{loop.adapter.name}: its loop is built on the stdlib's "
                    f"({loop.probe.loop_class}), so the stdlib's expectations apply to it too "
                    "(--stdlib-expectations no turns this off)"
                )
        if report and loop.probe.skipped_steps:
            left_out = "; ".join(f"{k}: {v}" for k, v in loop.probe.skipped_steps.items())
            report(f"{loop.adapter.name}: warm-up steps left out: {left_out}")


def _pool(plan: RunPlan, loop: LoopPlan) -> WorkerPool:
    options = plan.options
    pool = WorkerPool(
        loop.adapter,
        options.workers,
        init={
            "machines": plan.suite.machines,
            "multiplier": options.timeout_multiplier,
            "debug": options.debug_mode,
            "warm_up": loop.probe.working_steps if loop.probe else [],
        },
        env=loop.environment,
        grace=THREAD_GRACE * options.timeout_multiplier,
        max_jobs=options.max_workers,
    )
    pool.should_stop = plan.should_stop
    return pool


def case_timeout(case: Case, entry: Optional[Entry], options: RunOptions) -> float:
    """The seconds a case may run on a loop whose expectations entry for it is ``entry``."""
    seconds = case.timeout
    expects_a_hang = entry is not None and set(entry.outcomes) <= HANG_OUTCOMES
    if expects_a_hang and not options.full_timeouts:
        seconds = min(seconds, EXPECTED_HANG_TIMEOUT)
    return seconds * options.timeout_multiplier


def case_patience(entry: Optional[Entry], options: RunOptions) -> Optional[float]:
    """The longest one wait of the case may last (see EXPECTED_FAILURE_PATIENCE), or None."""
    if entry is None or options.full_timeouts or entry.match is not None:
        return None
    # A wait that gives up makes the case fail: so "fail" must be expected (a case
    # expected only to time out, or to be an error, could otherwise end unexpectedly).
    if "pass" in entry.outcomes or "fail" not in entry.outcomes:
        return None
    return EXPECTED_FAILURE_PATIENCE * options.timeout_multiplier


def _tasks(cases: list[Case], options: RunOptions, matcher: Matcher) -> list[Task]:
    tasks = []
    for case in cases:
        entry = matcher.entry_for(case.id)
        wire = case.to_wire()
        patience = case_patience(entry, options)
        if patience is not None:
            wire["patience"] = patience
        timeout = case_timeout(case, entry, options)
        tasks += [Task(wire, attempt, timeout) for attempt in range(options.repeat)]
    return tasks


def run_loop(
    plan: RunPlan,
    loop: LoopPlan,
    progress: Optional[Callable[[CaseResult], None]] = None,
    note: Optional[Callable[[str], None]] = None,
) -> dict:
    """Run the plan's cases on one loop and return its ``runs[]`` entry."""
    options, adapter = plan.options, loop.adapter
    results: dict[str, CaseResult] = {}
    to_run: list[Case] = []
    for case in plan.cases:
        reason = skip_reason(case, adapter, slow=options.slow)
        if reason:
            results[case.id] = skipped(case, reason, adapter.name)
            if progress:
                progress(results[case.id])
        else:
            to_run.append(case)
    by_id = {case.id: case for case in to_run}
    attempts: dict[str, list[RawResult]] = {}
    late: dict[str, dict[str, str]] = {}
    pool = _pool(plan, loop)
    for event in pool.run(_tasks(to_run, options, loop.matcher)):
        if isinstance(event, LateHygiene):
            late.setdefault(event.case_id, {}).setdefault(event.kind, event.note)
            continue
        tried = attempts.setdefault(event.case_id, [])
        tried.append(event.raw)
        if len(tried) == options.repeat:
            case = by_id[event.case_id]
            results[case.id] = verdict(case, tried, loop.matcher.entry_for(case.id), adapter.name)
            if progress:
                progress(results[case.id])
    for case_id, notes in late.items():
        if case_id in results:
            for kind, text in notes.items():
                results[case_id].hygiene.setdefault(kind, text)
    # A run stopped early keeps what it measured; the rest is counted, not invented.
    ordered = [results[c.id] for c in plan.cases if c.id in results]
    not_run = len(plan.cases) - len(ordered)
    lacking = missing_features(plan.cases, results)
    partial = bool(options.select or options.sections or options.shard)
    hygiene_results = _hygiene_results(ordered, loop, partial)
    if options.stdlib_baseline and adapter.name not in STDLIB_LOOPS and not plan.should_stop():
        _add_stdlib_baseline(plan, ordered, note)
    findings = group_findings(ordered + hygiene_results)
    summary = summarize(
        ordered,
        hygiene_results,
        allow_xpass=options.allow_xpass,
        hygiene_gate=options.hygiene == "fail",
    )
    summary["skipped_for_host"] = lacking
    slow_skipped = sum(
        1 for r in ordered if r.outcome == "skip" and r.message.startswith(SLOW_SKIP)
    )
    if slow_skipped:
        summary["skipped_slow"] = slow_skipped
    unobservable = count_not_observable(ordered)
    if unobservable:
        summary["skipped_not_observable"] = unobservable
    if not_run:
        summary["not_run"] = not_run
        if not options.allow_incomplete:
            summary["gate"] = "fail"
    return {
        "loop": adapter.describe(),
        "complete": not_run == 0,
        "expectations": {
            "files": [f.path for f in loop.matcher.files],
            "stale": loop.matcher.stale(plan.known_ids),
            # Entries that now cover only not-observable skips: they can go.
            "not_observable": loop.matcher.only_for(
                {r.id for r in ordered if is_not_observable(r)}, plan.known_ids
            ),
            "inherits_stdlib": loop.inherits_stdlib,
        },
        "workers": {
            "started": pool.spawned,
            "bytes_sent": pool.bytes_sent,
            "peak_parallel": pool.peak_jobs,
        },
        "warm_up": {
            "steps": loop.probe.working_steps if loop.probe else [],
            "left_out": loop.probe.skipped_steps if loop.probe else {},
        },
        "summary": summary,
        "findings": [f.to_json() for f in findings],
        "harness_notes": harness_notes(ordered),
        "cases": [r.to_json() for r in ordered],
        "hygiene": [r.to_json() for r in hygiene_results],
    }


def missing_features(cases: list[Case], results: dict[str, CaseResult]) -> dict[str, int]:
    """How many cases were skipped because this host lacks a feature (ipv6, af_unix, ssl)."""
    from .spec.markers import FEATURE_CHECKS

    absent = {name for name, check in FEATURE_CHECKS.items() if not check()}
    counts: dict[str, int] = {}
    for case in cases:
        if case.id not in results or results[case.id].outcome != "skip":
            continue
        for feature in case.markers.requires:
            if feature in absent:
                counts[feature] = counts.get(feature, 0) + 1
    return counts


def _hygiene_results(
    results: list[CaseResult], loop: LoopPlan, partial: bool = False
) -> list[CaseResult]:
    """The hygiene pseudo-cases of a run, judged against the loop's expectations.

    A leak the expectations record for the whole suite may simply not show in a
    selection of cases (``-k``, ``--section``, ``--shard``): there, not seeing
    it is no unexpected pass.
    """
    raw = hygiene.aggregate(results)
    judged = []
    for case in hygiene.hygiene_cases():
        entry = loop.matcher.entry_for(case.id)
        if partial and entry is not None and raw[case.id].outcome == "pass":
            result = verdict(case, [raw[case.id]], None, loop.adapter.name)
            result.expected = entry.describe()
            result.message = (
                f"not seen in this selection of cases; expected in full runs: {entry.reason}"
            )
        else:
            result = verdict(case, [raw[case.id]], entry, loop.adapter.name)
        judged.append(result)
    return judged


def _add_stdlib_baseline(
    plan: RunPlan, results: list[CaseResult], note: Optional[Callable[[str], None]]
) -> None:
    """Record, on every failing case, whether the stdlib loop fails it too."""
    cases = {c.id: c for c in plan.cases}
    failing = [cases[r.id] for r in results if r.raw_outcome in FAILING and r.id in cases]
    if not failing:
        return
    stdlib = LoopPlan(resolve_adapter("asyncio"), [])

    def run_on_stdlib(todo: list[Case]) -> dict[str, str]:
        if note:
            note(f"stdlib baseline: running {len(todo)} case(s) on the stdlib loop")
        outcomes: dict[str, str] = {}
        options = plan.options
        for event in _pool(plan, stdlib).run(
            [Task(c.to_wire(), 0, c.timeout * options.timeout_multiplier) for c in todo]
        ):
            if isinstance(event, CaseDone):
                outcomes[event.case_id] = event.raw.outcome
        return outcomes

    outcomes, _ = stdlib_outcomes(
        failing, Case.to_wire, run_on_stdlib, debug=plan.options.debug_mode
    )
    for result in results:
        if result.id in outcomes:
            result.stdlib = outcomes[result.id]


def run(
    plan: RunPlan,
    progress: Optional[Callable[[Adapter, CaseResult], None]] = None,
    on_loop_start: Optional[Callable[[Adapter, int], None]] = None,
    on_loop_done: Optional[Callable[[dict], None]] = None,
    note: Optional[Callable[[str], None]] = None,
) -> dict:
    """Run everything in the plan; return the results document."""
    options = plan.options
    started = time.monotonic()
    started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    runs = []
    if options.max_time and plan.deadline is None:
        plan.deadline = started + options.max_time
    for loop in plan.loops:
        if plan.should_stop():
            break
        if on_loop_start:
            on_loop_start(loop.adapter, len(plan.cases))
        report = (lambda r, a=loop.adapter: progress(a, r)) if progress else None
        entry = run_loop(plan, loop, report, note)
        runs.append(entry)
        if on_loop_done:
            on_loop_done(entry)
    env = environment(
        options.argv,
        started_at=started_at,
        duration_s=round(time.monotonic() - started, 3),
        jobs=options.workers,
        jobs_max=options.max_workers,
        timeout_multiplier=options.timeout_multiplier,
        debug_mode=options.debug_mode,
        repeat=options.repeat,
        select=options.select or None,
        hygiene=options.hygiene,
        allow_xpass=options.allow_xpass,
        shard=f"{options.shard[0]}/{options.shard[1]}" if options.shard else None,
        max_time=options.max_time,
        executable=sys.executable,
    )
    doc = document(env, runs)
    doc["complete"] = plan.stop_reason is None
    if plan.stop_reason:
        doc["stopped"] = plan.stop_reason
        doc["not_run"] = {
            loop.adapter.name: len(plan.cases)
            for loop in plan.loops
            if loop.adapter.name not in {r["loop"]["name"] for r in runs}
        }
    return doc
