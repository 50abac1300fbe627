"""The ``run`` command's engine: cases x loops -> results document.

For each loop: decide which cases the host can run (markers), hand the rest to
a worker pool, fold repeated attempts together, apply expectations, and
summarize. Results come back in completion order and are put back into spec
order, so reports never depend on scheduling.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Optional

from .adapters import Adapter, resolve_adapter
from .expectations import ExpectationFile, Matcher, load_expectations
from .pool import Task, WorkerPool
from .results import document, environment, summarize, worst
from .spec.markers import skip_reason
from .spec.model import Case, Suite


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
    argv: list[str] = field(default_factory=list)

    @property
    def workers(self) -> int:
        return self.jobs or os.cpu_count() or 1


def _base_result(case: Case, loop_name: str) -> dict:
    return {
        "id": case.id,
        "api": case.api,
        "section": case.section,
        "clause": case.clause,
        "level": case.level,
        "quote": " ".join(case.quote),
        "resolution": case.resolution,
        "outcome": "skip",
        "message": "",
        "duration_s": 0.0,
        "details": None,
        "observed": None,
        "expected": None,
        "flaky": False,
        "attempts": [],
        "repro": f"asyncio-conformance repro '{case.id}' --loop {loop_name}",
        "file": case.file,
        "line": case.line,
    }


def _known_ids(suite: Suite) -> set[str]:
    """Ids an expectation may name: the loaded specs and the bundled ones.

    Running a subset of spec files must not make every entry about the other
    files look stale; an entry is stale only when no spec anywhere has its case.
    """
    from .spec.load import load_suite

    ids = {c.id for c in suite.cases}
    try:
        ids.update(c.id for c in load_suite().cases)
    except Exception:  # the bundled specs are checked elsewhere; never fail a run here
        pass
    return ids


def _fold(base: dict, attempts: list[dict]) -> dict:
    """Merge repeated attempts: the worst outcome, marked flaky when they differ."""
    attempts.sort(key=lambda r: r.get("attempt", 0))
    outcomes = [a["outcome"] for a in attempts]
    chosen = next(a for a in attempts if a["outcome"] == worst(outcomes))
    base.update(
        outcome=chosen["outcome"],
        message=chosen.get("message", ""),
        details=chosen.get("details"),
        observed=chosen.get("observed"),
        duration_s=round(sum(a.get("duration_s", 0.0) for a in attempts), 6),
        attempts=outcomes,
        flaky=len(set(outcomes)) > 1,
    )
    if base["flaky"]:
        base["message"] = f"flaky: outcomes {outcomes}. " + base["message"]
    return base


def run_loop(
    suite: Suite,
    cases: list[Case],
    adapter: Adapter,
    options: RunOptions,
    expectation_files: list[ExpectationFile],
    progress: Optional[Callable[[dict], None]] = None,
) -> dict:
    """Run the selected cases on one loop and return its ``runs[]`` entry."""
    results = {c.id: _base_result(c, adapter.name) for c in cases}
    tasks: list[Task] = []
    for case in cases:
        if not case.runnable:
            results[case.id]["message"] = "precondition: an obligation on the caller, not tested"
            continue
        reason = skip_reason(case.markers)
        if reason:
            results[case.id]["message"] = reason
            continue
        for attempt in range(options.repeat):
            tasks.append(
                Task(
                    case=suite.wire(case),
                    attempt=attempt,
                    timeout=case.timeout * options.timeout_multiplier,
                    multiplier=options.timeout_multiplier,
                    debug=options.debug_mode,
                )
            )
    env = dict(os.environ)
    env.update(dict(adapter.environment))
    pool = WorkerPool(
        adapter.factory if adapter.name == adapter.factory else adapter.name,
        options.workers,
        env=env,
    )
    matcher = Matcher(expectation_files, adapter.name)
    attempts: dict[str, list[dict]] = {}
    for result in pool.run(tasks):
        attempts.setdefault(result["id"], []).append(result)
        if progress and len(attempts[result["id"]]) == options.repeat:
            # Show the outcome the summary will count: a known failure is an
            # "x" here, not an "F" that the last line then contradicts.
            progress(matcher.apply(dict(result)))
    for case_id, tried in attempts.items():
        _fold(results[case_id], tried)
    ordered = [matcher.apply(results[c.id]) for c in cases]
    return {
        "loop": adapter.describe(),
        "expectations": {
            "files": [f.path for f in matcher.files],
            "stale": matcher.stale(_known_ids(suite)),
        },
        "summary": summarize(ordered, allow_xpass=options.allow_xpass),
        "cases": ordered,
    }


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


def collect_expectations(options: RunOptions, adapter: Adapter) -> list[ExpectationFile]:
    files = [load_expectations(p) for p in options.expectations]
    if options.default_expectations and adapter.expectations:
        bundled = Path(adapter.expectations)
        paths = sorted(bundled.glob("*.yaml")) if bundled.is_dir() else [bundled]
        given = {Path(p).resolve() for p in options.expectations}
        for path in reversed([p for p in paths if p.resolve() not in given]):
            default = load_expectations(path, display_path(path))
            default.loop = None  # bundled with the adapter: it applies under any alias
            files.insert(0, default)
    return files


def run(
    suite: Suite,
    options: RunOptions,
    progress: Optional[Callable[[Adapter, dict], None]] = None,
    on_loop_done: Optional[Callable[[dict], None]] = None,
) -> dict:
    """Run everything; return the results document."""
    adapters = [resolve_adapter(ref) for ref in options.loops]
    # Expectations are checked up front so that a bad file stops the run before any case.
    expectations = {a.name: collect_expectations(options, a) for a in adapters}
    cases = suite.select(options.select, options.sections)
    started = time.monotonic()
    started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    runs = []
    for adapter in adapters:
        report = (lambda r, a=adapter: progress(a, r)) if progress else None
        entry = run_loop(suite, cases, adapter, options, expectations[adapter.name], report)
        runs.append(entry)
        if on_loop_done:
            on_loop_done(entry)
    env = environment(
        options.argv,
        started_at=started_at,
        duration_s=round(time.monotonic() - started, 3),
        jobs=options.workers,
        timeout_multiplier=options.timeout_multiplier,
        debug_mode=options.debug_mode,
        repeat=options.repeat,
        select=options.select or None,
        executable=sys.executable,
    )
    return document(env, runs)
