"""The developing-with-asyncio specs (and loop.slow_callback_duration) can fail on broken loops."""

from __future__ import annotations

import pytest

from .conftest import outcomes

SPECS = ["specs/developing-with-asyncio.yaml", "specs/debug-mode.yaml"]
BROKEN = "tests.broken.developing_with_asyncio_loops"

#: factory -> the case ids that must fail on it (and pass on asyncio)
CASES = {
    "no_thread_check_loop": [
        "debug.wrong-thread-raises/raises-from-wrong-thread/scheduling-methods[call_soon]",
        "debug.wrong-thread-raises/raises-from-wrong-thread/scheduling-methods[call_at]",
        "debug.wrong-thread-raises/runtime-error/call-soon",
        "debug.enable-ways/environment-variable/wrong-thread-raises",
        "debug.enable-ways/set-debug/before-running",
        "debug.enable-ways/dev-mode/x-dev-child",
    ],
    "fixed_slow_duration_loop": [
        "loop.slow_callback_duration/sets-threshold/reads-back[small]",
        "loop.slow_callback_duration/sets-threshold/small-threshold-logs",
        "loop.slow_callback_duration/sets-threshold/changed-while-running",
        "debug.slow-callback-logged/slow-callback-warning/callback",
        "debug.slow-callback-logged/slow-callback-warning/task-step",
    ],
    "no_origin_tracking_loop": [
        "debug.never-awaited-coroutine/origin-in-debug-mode/created-at",
    ],
    "printing_loop": [
        "logging.asyncio-logger/asyncio-logger/callback-exception",
        "logging.asyncio-logger/asyncio-logger/nothing-elsewhere",
        "logging.asyncio-logger/level-adjustable/critical-silences-errors",
        "debug.never-retrieved-exception/reported-on-collection/logged-by-default-handler",
    ],
}

#: A loop that call_soon_threadsafe() cannot wake: the case hangs until its timeout.
HANGS = {
    "no_wakeup_loop": [
        "concurrency.call_soon_threadsafe-from-thread/schedule-from-thread/wakes-idle-loop"
    ],
}


def _selection(ids: list[str]) -> list[str]:
    args = []
    for spec in SPECS:
        args += ["--specs", spec]
    for case_id in ids:
        args += ["-k", case_id]
    return args


@pytest.mark.parametrize("factory", sorted(CASES))
def test_broken_loop_fails_its_cases(conformance_run, factory: str) -> None:
    failing = CASES[factory]
    code, results = conformance_run(f"{BROKEN}:{factory}", *_selection(failing))
    seen = outcomes(results)
    assert code == 1
    for case_id in failing:
        assert seen.get(case_id) == "fail", (case_id, seen.get(case_id))


@pytest.mark.parametrize("factory", sorted(HANGS))
def test_loop_without_wakeup_hangs(conformance_run, factory: str) -> None:
    failing = HANGS[factory]
    code, results = conformance_run(f"{BROKEN}:{factory}", *_selection(failing))
    seen = outcomes(results)
    assert code == 1
    for case_id in failing:
        assert seen.get(case_id) in ("fail", "timeout"), (case_id, seen.get(case_id))


def test_the_same_cases_pass_on_asyncio(conformance_run) -> None:
    failing = sorted(
        {case_id for table in (CASES, HANGS) for ids in table.values() for case_id in ids}
    )
    code, results = conformance_run("asyncio", *_selection(failing))
    seen = outcomes(results)
    assert set(failing) <= seen.keys()
    assert code == 0, {k: v for k, v in seen.items() if v not in ("pass", "skip", "xfail")}
