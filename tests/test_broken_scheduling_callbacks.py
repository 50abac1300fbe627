"""The scheduling-callbacks specs can fail: each broken loop fails the cases for what it breaks."""

from __future__ import annotations

import pytest

from .broken_checks import assert_cases_fail, assert_cases_pass_on_asyncio, spec_args

SPEC = "specs/scheduling-callbacks.yaml"
BROKEN = "tests.broken.scheduling_callbacks_loops"

#: factory -> (selection, {case id that must fail: the outcomes that count as failing})
FAILS = ("fail",)
HANGS = ("timeout", "fail")
CASES = {
    "lifo_loop": (
        ["loop.call_soon/fifo-order/"],
        {
            "loop.call_soon/fifo-order/five-callbacks": FAILS,
            "loop.call_soon/fifo-order/thousand-callbacks": FAILS,
            "loop.call_soon/fifo-order/before-run-forever": FAILS,
        },
    ),
    "draining_loop": (
        ["loop.call_soon/next-iteration/"],
        {"loop.call_soon/next-iteration/self-rescheduling-does-not-starve": FAILS},
    ),
    "late_stop_loop": (
        ["loop.call_soon/scheduled-during-stopping-batch/"],
        {
            "loop.call_soon/scheduled-during-stopping-batch/runs-at-next-run-forever": FAILS,
            "loop.call_soon/scheduled-during-stopping-batch/runs-at-next-run-until-complete": FAILS,
        },
    ),
    "unwoken_loop": (
        ["loop.call_soon_threadsafe/from-another-thread/wakes-"],
        {
            "loop.call_soon_threadsafe/from-another-thread/wakes-loop-waiting-on-future": HANGS,
            "loop.call_soon_threadsafe/from-another-thread/wakes-blocked-run-forever": HANGS,
        },
    ),
    "thread_lifo_loop": (
        ["loop.call_soon_threadsafe/thread-order-preserved/"],
        {"loop.call_soon_threadsafe/thread-order-preserved/one-thread-before-run": FAILS},
    ),
    "loop_context_loop": (
        ["loop.call_soon/current-context-by-default/", "loop.call_soon/default-context-is-a-copy/"],
        {
            "loop.call_soon/current-context-by-default/task-context": FAILS,
            "loop.call_soon/current-context-by-default/scheduling-site-not-runner": FAILS,
            "loop.call_soon/default-context-is-a-copy/callback-changes-do-not-leak": FAILS,
        },
    ),
    "ignored_context_loop": (
        ["loop.call_soon/custom-context/"],
        {
            "loop.call_soon/custom-context/runs-in-given-context": FAILS,
            "loop.call_soon/custom-context/empty-context": FAILS,
            "loop.call_soon/custom-context/changes-land-in-given-context": FAILS,
        },
    ),
}


@pytest.mark.parametrize("factory", sorted(CASES))
def test_broken_loop_fails_its_cases(conformance_run, factory: str) -> None:
    patterns, failing = CASES[factory]
    code, results = conformance_run(f"{BROKEN}:{factory}", *spec_args(SPEC, patterns))
    assert_cases_fail(code, results, failing)


def test_the_same_cases_pass_on_asyncio(conformance_run) -> None:
    patterns = sorted({p for selection, _ in CASES.values() for p in selection})
    code, results = conformance_run("asyncio", *spec_args(SPEC, patterns))
    failing = {case_id for _, ids in CASES.values() for case_id in ids}
    assert_cases_pass_on_asyncio(code, results, failing, require_pass=True)
