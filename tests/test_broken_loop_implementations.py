"""The loop-implementations specs can fail: each broken loop fails the cases for what it breaks."""

from __future__ import annotations

import pytest

from .broken_checks import assert_cases_fail, assert_cases_pass_on_asyncio, spec_args
from .conftest import outcomes

BROKEN = "tests.broken.loop_implementations_loops"

#: No specs: the whole suite, narrowed with -k, so that the state machines watch the protocols.
SPECS = ()

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


@pytest.mark.parametrize("factory", sorted(CASES))
def test_broken_loop_fails_its_cases(conformance_run, factory: str) -> None:
    patterns, failing = CASES[factory]
    code, results = conformance_run(f"{BROKEN}:{factory}", *spec_args(SPECS, patterns))
    assert_cases_fail(code, results, failing)


@pytest.mark.parametrize("factory", sorted(CASES))
def test_only_the_broken_method_fails(conformance_run, factory: str) -> None:
    """One case per method: the other documented methods still pass."""
    patterns, failing = CASES[factory]
    _, results = conformance_run(f"{BROKEN}:{factory}", *spec_args(SPECS, patterns))
    failed = {k for k, v in outcomes(results).items() if v == "fail"}
    assert failed == set(failing)


def test_the_same_cases_pass_on_asyncio(conformance_run) -> None:
    patterns = sorted({p for selection, _ in CASES.values() for p in selection})
    code, results = conformance_run("asyncio", *spec_args(SPECS, patterns))
    failing = {case_id for _, ids in CASES.values() for case_id in ids}
    assert_cases_pass_on_asyncio(code, results, failing, require_pass=True)
