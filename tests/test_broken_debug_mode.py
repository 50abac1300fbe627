"""The debug-mode specs can fail: each broken loop fails the cases for what it breaks."""

from __future__ import annotations

import pytest

from .broken_checks import assert_cases_fail, assert_cases_pass_on_asyncio, spec_args

SPEC = "specs/debug-mode.yaml"
BROKEN = "tests.broken.debug_mode_loops"

#: factory -> (selection, the case ids that must fail on it)
CASES = {
    "sticky_debug_loop": (
        "loop.set_debug/sets-the-mode/",
        [
            "loop.set_debug/sets-the-mode/toggle",
            "loop.set_debug/sets-the-mode/while-running",
            "loop.set_debug/sets-the-mode/from-callback",
            "loop.set_debug/sets-the-mode/kept-across-runs",
        ],
    ),
    "int_debug_loop": (
        "loop.get_debug/returns-bool/",
        ["loop.get_debug/returns-bool/fresh-loop", "loop.get_debug/returns-bool/while-running"],
    ),
    "env_blind_loop": (
        "loop.get_debug/d",
        [
            "loop.get_debug/default-from-environment/set-to-one",
            "loop.get_debug/default-from-environment/any-non-empty-string",
            "loop.get_debug/default-from-environment/child-values[one]",
            "loop.get_debug/dev-mode-enables/x-dev-child",
        ],
    ),
}


@pytest.mark.parametrize("factory", sorted(CASES))
def test_broken_loop_fails_its_cases(conformance_run, factory: str) -> None:
    pattern, failing = CASES[factory]
    code, results = conformance_run(f"{BROKEN}:{factory}", *spec_args(SPEC, [pattern]))
    assert_cases_fail(code, results, failing)


def test_the_same_cases_pass_on_asyncio(conformance_run) -> None:
    patterns = [pattern for pattern, _ in CASES.values()]
    code, results = conformance_run("asyncio", *spec_args(SPEC, patterns))
    failing = {case_id for _, ids in CASES.values() for case_id in ids}
    assert_cases_pass_on_asyncio(code, results, failing, require_pass=False)
