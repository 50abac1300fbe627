"""The obtaining-the-loop cases catch loops that break one documented behaviour."""

from __future__ import annotations

import pytest

from .broken_checks import assert_fail_on_broken_pass_on_asyncio, spec_args

BROKEN = "tests.broken.obtaining_the_loop_loops"

CASES = {
    "unregistered_loop": [
        "asyncio.get_running_loop/returns-running-loop/after-await",
        "asyncio.get_running_loop/returns-running-loop/in-callbacks[call_later]",
        "asyncio.get_running_loop/returns-running-loop/in-callbacks[done-callback]",
        "asyncio.get_running_loop/returns-running-loop/in-reader-callback",
    ],
    "stale_registration_loop": [
        "asyncio.get_running_loop/raises-without-running-loop/after-run-until-complete",
        "asyncio.get_running_loop/raises-without-running-loop/after-run-forever",
        "asyncio.get_running_loop/raises-without-running-loop/after-run-raised",
    ],
    "proxy_loop": [
        "asyncio.set_event_loop/sets-current-loop/loop-under-test-accepted",
        "asyncio.set_event_loop/sets-current-loop/per-thread",
    ],
}


@pytest.mark.parametrize("factory", sorted(CASES))
def test_broken_loop_fails_the_cases(conformance_run, factory: str) -> None:
    ids = CASES[factory]
    _, results = conformance_run(f"{BROKEN}:{factory}", "--loop", "asyncio", *spec_args((), ids))
    assert_fail_on_broken_pass_on_asyncio(results, factory, ids)
