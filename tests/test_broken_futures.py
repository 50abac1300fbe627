"""The futures specs can fail: each broken loop fails the cases for what it breaks."""

from __future__ import annotations

import pytest

from .broken_checks import assert_cases_fail, assert_cases_pass_on_asyncio, spec_args

SPEC = "specs/futures.yaml"
BROKEN = "tests.broken.futures_loops"

#: factory -> (selection, the case ids that must fail on it)
CASES = {
    "cancel_returns_false_loop": (
        ["Future.cancel/"],
        ["Future.cancel/cancels-pending/returns-true"],
    ),
    "eager_callback_loop": (
        ["Future.add_done_callback/already-done-scheduled/"],
        ["Future.add_done_callback/already-done-scheduled/not-called-synchronously[create-future]"],
    ),
    "remove_returns_bool_loop": (
        ["Future.remove_done_callback/"],
        [
            "Future.remove_done_callback/returns-count/counts[added-twice]",
            "Future.remove_done_callback/returns-count/others-kept",
        ],
    ),
    "result_none_loop": (["Future.result/"], ["Future.result/pending-raises/invalid-state-error"]),
    "context_blind_loop": (
        ["Future.add_done_callback/context-argument/"],
        ["Future.add_done_callback/context-argument/custom-context[create-future]"],
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
