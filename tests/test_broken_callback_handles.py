"""The callback-handles specs can fail: each broken loop fails the cases for what it breaks."""

from __future__ import annotations

import pytest

from .broken_checks import assert_cases_fail, assert_cases_pass_on_asyncio, spec_args

SPEC = "specs/callback-handles.yaml"
BROKEN = "tests.broken.callback_handles_loops"

#: factory -> (selection, the case ids that must fail on it)
CASES = {
    "ignored_cancel_loop": (
        [
            "Handle.cancel/cancels-callback/",
            "Handle.cancelled/reports-cancellation/before-and-after-cancel",
        ],
        [
            "Handle.cancel/cancels-callback/pending-callback[call-soon]",
            "Handle.cancel/cancels-callback/pending-callback[call-soon-threadsafe]",
            "Handle.cancel/cancels-callback/pending-callback[call-later]",
            "Handle.cancel/cancels-callback/pending-callback[call-at]",
            "Handle.cancelled/reports-cancellation/before-and-after-cancel[call-soon]",
            "Handle.cancelled/reports-cancellation/before-and-after-cancel[call-at]",
        ],
    ),
    "late_cancel_ignored_loop": (
        ["Handle.cancel/cancels-callback/"],
        ["Handle.cancel/cancels-callback/due-timer-cancelled-by-earlier-timer"],
    ),
    "cancel_twice_raises_loop": (
        ["Handle.cancel/no-effect-if-cancelled-or-executed/"],
        [
            "Handle.cancel/no-effect-if-cancelled-or-executed/cancel-twice[call-soon]",
            "Handle.cancel/no-effect-if-cancelled-or-executed/cancel-twice[call-later]",
        ],
    ),
    "run_means_cancelled_loop": (
        ["Handle.cancelled/reports-cancellation/false-after-run"],
        [
            "Handle.cancelled/reports-cancellation/false-after-run[call-soon]",
            "Handle.cancelled/reports-cancellation/false-after-run[call-later]",
        ],
    ),
    "relative_when_loop": (
        ["TimerHandle.when/absolute-timestamp/"],
        [
            "TimerHandle.when/absolute-timestamp/call-later-delay[float]",
            "TimerHandle.when/absolute-timestamp/call-at-float",
            "TimerHandle.when/absolute-timestamp/stable",
        ],
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
