"""The error-handling specs can fail: each broken loop fails the cases for what it breaks."""

from __future__ import annotations

import pytest

from .broken_checks import assert_cases_fail, assert_cases_pass_on_asyncio, spec_args

SPEC = "specs/error-handling.yaml"
BROKEN = "tests.broken.error_handling_loops"

#: factory -> (selection, the case ids that must fail on it)
CASES = {
    "ignores_none_loop": (
        ["loop.set_exception_handler/none-restores-default/", "loop.get_exception_handler/"],
        [
            "loop.set_exception_handler/none-restores-default/default-handler-logs-again",
            "loop.get_exception_handler/none-by-default/after-reset-to-none",
        ],
    ),
    "always_default_loop": (
        [
            "loop.set_exception_handler/sets-the-handler/",
            "loop.call_exception_handler/calls-current-handler/",
        ],
        [
            "loop.set_exception_handler/sets-the-handler/direct-call-reaches-handler",
            "loop.set_exception_handler/sets-the-handler/callback-exception-reaches-handler",
            "loop.set_exception_handler/sets-the-handler/replacing-handler",
            "loop.call_exception_handler/calls-current-handler/custom-handler-called",
            "loop.call_exception_handler/calls-current-handler/called-synchronously",
        ],
    ),
    "drops_exception_loop": (
        [
            "loop.call_exception_handler/context-",
            "loop.call_exception_handler/callback-exception-context/",
        ],
        [
            "loop.call_exception_handler/context-passed-through/keys-and-values-kept",
            "loop.call_exception_handler/context-same-object/identity",
            "loop.call_exception_handler/callback-exception-context/call-soon-callback",
            "loop.call_exception_handler/callback-exception-context/call-later-callback",
        ],
    ),
    "unguarded_handler_loop": (
        ["loop.call_exception_handler/handler-error-logged/"],
        [
            "loop.call_exception_handler/handler-error-logged/loop-goes-on",
            "loop.call_exception_handler/handler-error-logged/direct-call-does-not-raise",
        ],
    ),
    "quiet_default_loop": (
        ["loop.default_exception_handler/"],
        [
            "loop.default_exception_handler/called-when-no-handler/callback-exception-logged",
            "loop.default_exception_handler/logs-through-asyncio-logger/message-logged",
            "loop.default_exception_handler/logs-at-error-level/error-record",
            "loop.default_exception_handler/defer-from-custom-handler/custom-handler-defers",
        ],
    ),
    "lax_setter_loop": (
        ["loop.set_exception_handler/non-callable-raises-type-error/"],
        [
            "loop.set_exception_handler/non-callable-raises-type-error/rejected-and-previous-kept[int]",
            "loop.set_exception_handler/non-callable-raises-type-error/rejected-and-previous-kept[str]",
            "loop.set_exception_handler/non-callable-raises-type-error/rejected-and-previous-kept[list]",
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
