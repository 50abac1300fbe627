"""The loop-implementations specs can fail: each broken loop fails the cases for what it breaks."""

from __future__ import annotations

import pytest

from .conftest import outcomes

BROKEN = "tests.broken.loop_implementations_loops"

#: factory -> (selection, the case ids that must fail on it)
CASES = {
    "no_sock_recv_into_loop": (
        ["asyncio.AbstractEventLoop/documented-methods/"],
        [
            "asyncio.AbstractEventLoop/documented-methods/method-accepts-documented-arguments[sock_recv_into]"
        ],
    ),
    "server_without_start_serving_loop": (
        ["asyncio.AbstractEventLoop/documented-methods/"],
        [
            "asyncio.AbstractEventLoop/documented-methods/method-accepts-documented-arguments[create_server]"
        ],
    ),
}


def _select(patterns: list[str]) -> list[str]:
    # The whole suite, narrowed with -k, so that the state machines watch the protocols.
    args: list[str] = []
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


@pytest.mark.parametrize("factory", sorted(CASES))
def test_only_the_broken_method_fails(conformance_run, factory: str) -> None:
    """One case per method: the other documented methods still pass."""
    patterns, failing = CASES[factory]
    _, results = conformance_run(f"{BROKEN}:{factory}", *_select(patterns))
    failed = {k for k, v in outcomes(results).items() if v == "fail"}
    assert failed == set(failing)


def test_the_same_cases_pass_on_asyncio(conformance_run) -> None:
    patterns = sorted({p for selection, _ in CASES.values() for p in selection})
    code, results = conformance_run("asyncio", *_select(patterns))
    seen = outcomes(results)
    failing = {case_id for _, ids in CASES.values() for case_id in ids}
    assert failing <= seen.keys()
    assert all(seen[case_id] == "pass" for case_id in failing), {k: seen[k] for k in failing}
    assert code == 0, {k: v for k, v in seen.items() if v not in ("pass", "skip", "xfail")}
