"""The developing-with-asyncio specs (and loop.slow_callback_duration) can fail on broken loops."""

from __future__ import annotations

import pytest

from .broken_checks import assert_cases_fail, assert_cases_pass_on_asyncio, spec_args

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


@pytest.mark.parametrize("factory", sorted(CASES))
def test_broken_loop_fails_its_cases(conformance_run, factory: str) -> None:
    failing = CASES[factory]
    code, results = conformance_run(f"{BROKEN}:{factory}", *spec_args(SPECS, failing))
    assert_cases_fail(code, results, failing)


@pytest.mark.parametrize("factory", sorted(HANGS))
def test_loop_without_wakeup_hangs(conformance_run, factory: str) -> None:
    failing = HANGS[factory]
    code, results = conformance_run(f"{BROKEN}:{factory}", *spec_args(SPECS, failing))
    assert_cases_fail(code, results, failing, allowed=("fail", "timeout"))


def test_the_same_cases_pass_on_asyncio(conformance_run) -> None:
    failing = sorted(
        {case_id for table in (CASES, HANGS) for ids in table.values() for case_id in ids}
    )
    code, results = conformance_run("asyncio", *spec_args(SPECS, failing))
    assert_cases_pass_on_asyncio(code, results, failing, require_pass=False)
