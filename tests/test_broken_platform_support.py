"""The platform-support specs can fail: each broken loop fails the cases for what it breaks."""

from __future__ import annotations

import pytest

from .broken_checks import assert_cases_fail, assert_cases_pass_on_asyncio, spec_args

BROKEN = "tests.broken.platform_support_loops"

#: No specs: the whole suite, narrowed with -k, so that the state machines watch the protocols.
SPECS = ()

#: factory -> (selection, the case ids that must fail on it)
CASES = {
    "stale_file_fd_loop": (
        ["platform.add_reader-file-io/loop-survives-attempt/"],
        ["platform.add_reader-file-io/loop-survives-attempt/loop-still-works[add_reader]"],
    ),
}


@pytest.mark.parametrize("factory", sorted(CASES))
def test_broken_loop_fails_its_cases(conformance_run, factory: str) -> None:
    patterns, failing = CASES[factory]
    code, results = conformance_run(f"{BROKEN}:{factory}", *spec_args(SPECS, patterns))
    assert_cases_fail(code, results, failing)


def test_the_same_cases_pass_on_asyncio(conformance_run) -> None:
    patterns = sorted({p for selection, _ in CASES.values() for p in selection})
    code, results = conformance_run("asyncio", *spec_args(SPECS, patterns))
    failing = {case_id for _, ids in CASES.values() for case_id in ids}
    assert_cases_pass_on_asyncio(code, results, failing, require_pass=True)
