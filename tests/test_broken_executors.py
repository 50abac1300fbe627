"""The executors specs can fail: each broken loop fails the cases for what it breaks."""

from __future__ import annotations

import pytest

from .broken_checks import assert_cases_fail, assert_cases_pass_on_asyncio, spec_args

SPEC = "specs/executors.yaml"
BROKEN = "tests.broken.executors_loops"

#: factory -> (selection, the case ids that must fail on it)
CASES = {
    "ignores_executor_loop": (
        ["loop.run_in_executor/given-executor/"],
        [
            "loop.run_in_executor/given-executor/thread-pool",
            "loop.run_in_executor/given-executor/any-executor-subclass",
        ],
    ),
    "swallows_errors_loop": (
        ["loop.run_in_executor/exception-propagates/"],
        [
            "loop.run_in_executor/exception-propagates/default-executor",
            "loop.run_in_executor/exception-propagates/given-executor",
        ],
    ),
    "lax_default_executor_loop": (
        ["loop.set_default_executor/thread-pool-only"],
        [
            "loop.set_default_executor/thread-pool-only/other-executor-rejected",
            "loop.set_default_executor/thread-pool-only-type-error/type-error",
        ],
    ),
    "forgets_executor_loop": (
        ["loop.set_default_executor/close-shuts-down-executor/"],
        ["loop.set_default_executor/close-shuts-down-executor/without-waiting"],
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
    assert_cases_pass_on_asyncio(code, results, failing, require_pass=False)
