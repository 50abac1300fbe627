"""The scheduling-delayed-callbacks specs can fail: each broken loop fails the cases for what it breaks."""

from __future__ import annotations

import pytest

from .broken_checks import assert_cases_fail, assert_cases_pass_on_asyncio, spec_args

SPEC = "specs/scheduling-delayed-callbacks.yaml"
BROKEN = "tests.broken.scheduling_delayed_callbacks_loops"

#: factory -> (selection, the case ids that must fail on it)
CASES = {
    "early_timer_loop": (
        ["loop.call_later/called-after-delay/", "loop.call_at/absolute-when/"],
        [
            "loop.call_later/called-after-delay/never-early[float-30ms]",
            "loop.call_later/called-after-delay/int-delay",
            "loop.call_at/absolute-when/never-early[plus-20ms]",
            "loop.call_at/absolute-when/int-when-deadline",
        ],
    ),
    "insertion_order_loop": (
        ["loop.call_at/same-as-call-later/all-due-at-once"],
        ["loop.call_at/same-as-call-later/all-due-at-once"],
    ),
    "rejects_negative_delay_loop": (
        ["loop.call_later/negative-delay/"],
        [
            "loop.call_later/negative-delay/runs-soon-once[int]",
            "loop.call_later/negative-delay/runs-soon-once[float]",
        ],
    ),
    "ignored_timer_context_loop": (
        ["loop.call_later/custom-context/", "loop.call_at/same-as-call-later/custom-context"],
        [
            "loop.call_later/custom-context/runs-in-given-context",
            "loop.call_at/same-as-call-later/custom-context",
        ],
    ),
    "millisecond_clock_loop": (
        ["loop.time/"],
        ["loop.time/tracks-real-time/advances-in-seconds"],
    ),
    "jittery_clock_loop": (
        ["loop.time/monotonic/", "loop.time/tracks-real-time/"],
        ["loop.time/monotonic/successive-reads", "loop.time/tracks-real-time/advances-in-seconds"],
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
