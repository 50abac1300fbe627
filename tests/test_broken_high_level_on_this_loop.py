"""The high-level-on-this-loop specs can fail: each broken loop fails the cases for what it breaks."""

from __future__ import annotations

import pytest

from .broken_checks import assert_cases_fail, assert_cases_pass_on_asyncio, spec_args

SPEC = "specs/high-level-on-this-loop.yaml"
BROKEN = "tests.broken.high_level_on_this_loop_loops"

#: factory -> the case ids that must fail on it (and pass on asyncio)
CASES = {
    "eager_timers_loop": [
        "asyncio.sleep/sleeps/lower-bound",
        "asyncio.sleep/sleeps/shorter-first",
        "asyncio.wait_for/runs-with-timeout/times-out",
        "asyncio.gather/concurrent-results-in-order/results-in-argument-order",
    ],
    "byte_dropping_loop": [
        "asyncio.StreamReader/receives-data/read-until-eof",
        "asyncio.StreamReader/receives-data/chunks-joined",
        "asyncio.StreamReader/read-variants/readline",
        "asyncio.StreamReader/incomplete-read/readexactly-short",
        "asyncio.StreamWriter/close-and-eof/write-eof",
    ],
    "not_running_loop": [
        "asyncio.current_task/returns-current-task/inside-created-task",
        "asyncio.current_task/none-outside-tasks/in-callback",
        "asyncio.all_tasks/all-tasks-of-loop/in-callback",
        "asyncio.Queue/fifo/get-waits-for-put",
        "asyncio.Event/event/wait-until-set",
    ],
}


@pytest.mark.parametrize("factory", sorted(CASES))
def test_broken_loop_fails_its_cases(conformance_run, factory: str) -> None:
    failing = CASES[factory]
    code, results = conformance_run(f"{BROKEN}:{factory}", *spec_args(SPEC, failing))
    assert_cases_fail(code, results, failing)


def test_the_same_cases_pass_on_asyncio(conformance_run) -> None:
    failing = sorted({case_id for ids in CASES.values() for case_id in ids})
    code, results = conformance_run("asyncio", *spec_args(SPEC, failing))
    assert_cases_pass_on_asyncio(code, results, failing, require_pass=False)
