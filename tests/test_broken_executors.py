"""The executors specs can fail: each broken loop fails the cases for what it breaks."""

from __future__ import annotations

import pytest

from .conftest import outcomes

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


def _select(patterns: list[str]) -> list[str]:
    args = ["--specs", SPEC]
    for pattern in patterns:
        args += ["-k", pattern]
    return args


@pytest.mark.parametrize("factory", sorted(CASES))
def test_broken_loop_fails_its_cases(conformance_run, factory: str) -> None:
    patterns, failing = CASES[factory]
    code, results = conformance_run(f"{BROKEN}:{factory}", *_select(patterns))
    seen = outcomes(results)
    assert code == 1
    for case_id in failing:
        assert seen.get(case_id) == "fail", (case_id, seen.get(case_id))


def test_the_same_cases_pass_on_asyncio(conformance_run) -> None:
    patterns = sorted({p for selection, _ in CASES.values() for p in selection})
    code, results = conformance_run("asyncio", *_select(patterns))
    seen = outcomes(results)
    failing = {case_id for _, ids in CASES.values() for case_id in ids}
    assert failing <= seen.keys()
    assert code == 0, {k: v for k, v in seen.items() if v not in ("pass", "skip", "xfail")}
