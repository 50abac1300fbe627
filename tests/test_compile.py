"""Compiled cases keep the spec file's line numbers, so tracebacks point at YAML."""

from __future__ import annotations

import traceback

from conformance.runtime.compile import CASE_FUNCTION, compile_case


def test_traceback_line_is_the_spec_line() -> None:
    code = compile_case("x = 1\nraise ValueError(x)\n", "sync", 40, "specs/x.yaml")
    scope: dict = {}
    exec(code, scope)
    try:
        scope[CASE_FUNCTION]()
    except ValueError as exc:
        frame = traceback.extract_tb(exc.__traceback__)[-1]
    assert (frame.filename, frame.lineno) == ("specs/x.yaml", 41)


def test_async_mode_makes_a_coroutine_function() -> None:
    import asyncio

    scope: dict = {}
    exec(compile_case("return 42", "async", 2, "f"), scope)
    assert asyncio.iscoroutinefunction(scope[CASE_FUNCTION])
    assert asyncio.run(scope[CASE_FUNCTION]()) == 42
