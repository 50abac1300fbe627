"""The futures specs can fail: each broken loop fails the cases for what it breaks."""

from __future__ import annotations

import pytest

from .conftest import outcomes

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
