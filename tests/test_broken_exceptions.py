"""The exceptions cases catch loops whose futures break one documented behaviour."""

from __future__ import annotations

import pytest

from .broken_checks import assert_fail_on_broken_pass_on_asyncio, spec_args

BROKEN = "tests.broken.exceptions_loops"

CASES = {
    "lenient_future_loop": [
        "asyncio.InvalidStateError/set-on-done-future/second-completion[result-then-result]",
        "asyncio.InvalidStateError/set-on-done-future/second-completion[exception-then-result]",
        "asyncio.InvalidStateError/set-on-done-future/second-completion[cancel-then-exception]",
    ],
    "cancel_as_error_loop": [
        "asyncio.CancelledError/raised-when-task-cancelled/awaiting-cancelled-task",
        "asyncio.CancelledError/raised-when-task-cancelled/run-until-complete-of-cancelled-task",
        "asyncio.CancelledError/cancelled-future-result/result-and-exception",
        "asyncio.CancelledError/base-exception-subclass/not-caught-by-except-exception",
    ],
}


@pytest.mark.parametrize("factory", sorted(CASES))
def test_broken_loop_fails_the_cases(conformance_run, factory: str) -> None:
    ids = CASES[factory]
    _, results = conformance_run(f"{BROKEN}:{factory}", "--loop", "asyncio", *spec_args((), ids))
    assert_fail_on_broken_pass_on_asyncio(results, factory, ids)
