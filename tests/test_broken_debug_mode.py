"""The debug-mode specs can fail: each broken loop fails the cases for what it breaks."""

from __future__ import annotations

import pytest

from .conftest import outcomes

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
    code, results = conformance_run(f"{BROKEN}:{factory}", "--specs", SPEC, "-k", pattern)
    seen = outcomes(results)
    assert code == 1
    for case_id in failing:
        assert seen.get(case_id) == "fail", (case_id, seen.get(case_id))


def test_the_same_cases_pass_on_asyncio(conformance_run) -> None:
    args = ["--specs", SPEC]
    for pattern, _ in CASES.values():
        args += ["-k", pattern]
    code, results = conformance_run("asyncio", *args)
    seen = outcomes(results)
    failing = {case_id for _, ids in CASES.values() for case_id in ids}
    assert failing <= seen.keys()
    assert code == 0, {k: v for k, v in seen.items() if v not in ("pass", "skip", "xfail")}
