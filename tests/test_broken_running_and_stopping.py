"""The running-and-stopping cases catch loops that break one documented behaviour."""

from __future__ import annotations

import pytest

from .broken_checks import assert_fail_on_broken_pass_on_asyncio, spec_args

BROKEN = "tests.broken.running_and_stopping_loops"

CASES = {
    "deferred_stop_loop": [
        "loop.run_forever/stop-while-running/current-batch-finishes",
        "loop.run_forever/stop-while-running/children-run-on-next-run-until-complete",
        "loop.run_forever/stop-while-running/stop-inside-coroutine",
    ],
    "runs_pending_on_close_loop": [
        "loop.close/discards-pending-callbacks/ready-and-timer-callbacks-never-run",
        "loop.close/discards-pending-callbacks/references-released",
    ],
    "close_once_loop": [
        "loop.close/idempotent/close-twice",
    ],
    "forgetful_asyncgens_loop": [
        "loop.shutdown_asyncgens/closes-open-generators/suspended-generator-finalized",
        "loop.shutdown_asyncgens/closes-open-generators/several-generators",
        "loop.shutdown_asyncgens/closes-open-generators/docs-example-after-run-forever",
        "loop.shutdown_asyncgens/warns-after-shutdown/new-generator-warns",
    ],
    "resultless_loop": [
        "loop.run_until_complete/runs-until-future-done/future-set-by-callback",
        "loop.run_until_complete/coroutine-wrapped-in-task/coroutine-return-value",
        "loop.run_until_complete/awaitable-accepted/object-with-await",
    ],
}


@pytest.mark.parametrize("factory", sorted(CASES))
def test_broken_loop_fails_the_cases(conformance_run, factory: str) -> None:
    ids = CASES[factory]
    _, results = conformance_run(f"{BROKEN}:{factory}", "--loop", "asyncio", *spec_args((), ids))
    assert_fail_on_broken_pass_on_asyncio(results, factory, ids)
