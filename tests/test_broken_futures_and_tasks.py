"""The futures-and-tasks specs can fail: each broken loop fails the cases for what it breaks."""

from __future__ import annotations

import pytest

from .broken_checks import assert_cases_fail, assert_cases_pass_on_asyncio, spec_args

SPEC = "specs/futures-and-tasks.yaml"
BROKEN = "tests.broken.futures_and_tasks_loops"

#: factory -> (selection, the case ids that must fail on it)
CASES = {
    "ignores_factory_loop": (
        ["loop.set_task_factory/"],
        [
            "loop.set_task_factory/factory-is-used/called-with-loop-and-coroutine",
            "loop.set_task_factory/factory-is-used/called-for-each-task",
            "loop.set_task_factory/returns-factory-object/task-subclass",
            "loop.set_task_factory/high-level-functions-use-it/asyncio-create-task",
            "loop.set_task_factory/high-level-functions-use-it/asyncio-ensure-future",
        ],
    ),
    "sticky_factory_loop": (
        ["loop.set_task_factory/none-resets/", "loop.get_task_factory/"],
        [
            "loop.set_task_factory/none-resets/default-factory-again",
            "loop.get_task_factory/returns-factory-or-none/the-factory-that-was-set",
        ],
    ),
    "non_task_loop": (
        ["loop.create_task/returns-task/"],
        ["loop.create_task/returns-task/instance-of-task"],
    ),
    "foreign_future_loop": (
        ["loop.create_future/attached-to-loop/", "loop.create_future/awaitable-future/"],
        [
            "loop.create_future/attached-to-loop/pending-future-of-this-loop",
            "loop.create_future/attached-to-loop/created-while-not-running",
            "loop.create_future/awaitable-future/awaited-by-a-coroutine",
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
    assert_cases_pass_on_asyncio(code, results, failing, require_pass=False)
