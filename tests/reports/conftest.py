"""Fixture factories that build small results dicts in the documented shape.

The reports must work from the results JSON alone (docs/results-format.md), so
the tests build that JSON by hand instead of running the engine.
"""

from __future__ import annotations

import copy
from typing import Any, Callable

import pytest

from conformance.reports.stats import BAD_OUTCOMES, OUTCOMES

_BASE_CASE: dict[str, Any] = {
    "section": "scheduling-callbacks",
    "level": "must",
    "quote": "Callbacks are called in the order in which they are registered.",
    "resolution": None,
    "outcome": "pass",
    "message": "",
    "duration_s": 0.003,
    "details": None,
    "observed": None,
    "expected": None,
    "flaky": False,
    "file": "specs/scheduling-callbacks.yaml",
    "line": 12,
}


def build_case(
    case_id: str = "loop.call_soon/fifo-order/five-callbacks",
    outcome: str = "pass",
    **overrides: Any,
) -> dict:
    """One case dict; ``api`` and ``clause`` are derived from the id unless given."""
    parts = case_id.split("/")
    case = copy.deepcopy(_BASE_CASE)
    case.update(
        id=case_id,
        api=parts[0],
        clause="/".join(parts[:2]),
        outcome=outcome,
        attempts=[outcome],
        repro=f"asyncio-conformance repro '{case_id}' --loop asyncio",
    )
    if outcome in ("fail", "error", "timeout", "crash"):
        case["message"] = f"{outcome}: something went wrong"
        case["details"] = {
            "expected": "[0, 1, 2]",
            "actual": "[0, 2, 1]",
            "traceback": "Traceback (most recent call last):\n  ...",
        }
    case.update(overrides)
    return case


def build_run(
    loop: str = "asyncio",
    cases: list[dict] | None = None,
    version: str = "3.11.7",
    **overrides: Any,
) -> dict:
    """One loop run with a summary computed from its cases."""
    cases = list(cases or [])
    summary: dict[str, Any] = dict.fromkeys(OUTCOMES, 0)
    summary.update(total=len(cases), flaky=0, by_level={}, by_section={})
    for case in cases:
        summary[case["outcome"]] += 1
        summary["by_level"].setdefault(case["level"], {}).setdefault(case["outcome"], 0)
        summary["by_level"][case["level"]][case["outcome"]] += 1
    summary["gate"] = "fail" if any(c["outcome"] in BAD_OUTCOMES for c in cases) else "pass"
    run = {
        "loop": {
            "name": loop,
            "factory": f"{loop}:new_event_loop",
            "version": version,
            "description": f"The {loop} loop",
        },
        "expectations": {"files": [], "stale": []},
        "summary": summary,
        "cases": cases,
    }
    run.update(overrides)
    return run


def build_results(*runs: dict, **environment: Any) -> dict:
    """A complete results document holding ``runs``."""
    env = {
        "python": "3.11.7",
        "implementation": "CPython",
        "platform": "linux",
        "platform_detail": "Linux-6.1-x86_64-with-glibc2.36",
        "machine": "x86_64",
        "started_at": "2026-11-26T11:00:00+00:00",
        "duration_s": 12.3,
        "argv": ["run", "--loop", "asyncio"],
        "jobs": 2,
        "timeout_multiplier": 1.0,
        "debug_mode": False,
        "repeat": 1,
        "select": None,
    }
    env.update(environment)
    return {
        "schema": 1,
        "tool": {"name": "asyncio-conformance", "version": "0.1.0"},
        "environment": env,
        "runs": list(runs),
    }


def build_mixed_cases() -> list[dict]:
    """One case of every outcome, plus an impl-defined and a compat case, across two sections."""
    resolution = {
        "issue": "pause_writing() threshold: 'greater than or equal to' or 'strictly over'?",
        "decision": "strictly over the high watermark",
        "why": "the stdlib and the protocols docstring both do so",
        "contradicts": "pause_writing() is called when the buffer goes strictly over the high watermark",
        "sources": ["https://github.com/python/cpython/issues/00000"],
    }
    return [
        build_case("loop.call_soon/fifo-order/five-callbacks", "pass"),
        build_case(
            "loop.call_soon/fifo-order/from-callback",
            "fail",
            message="order: expected [0, 1], got [1, 0]",
        ),
        build_case("loop.call_later/ordering/same-delay", "error"),
        build_case("loop.call_later/ordering/long-delay", "timeout", message="timed out after 10s"),
        build_case("loop.call_at/absolute/basic", "crash", message="worker died with SIGSEGV"),
        build_case("loop.call_at/absolute/windows-only", "skip", message="requires windows"),
        build_case(
            "loop.call_soon/thread-safety/from-thread",
            "xfail",
            expected={
                "outcome": ["fail"],
                "reason": "upstream issue #42",
                "file": "exp.yaml",
                "line": 3,
            },
        ),
        build_case(
            "loop.call_soon/handle/cancel",
            "xpass",
            level="compat",
            expected={
                "outcome": ["fail"],
                "reason": "was broken in 1.0",
                "file": "exp.yaml",
                "line": 7,
            },
        ),
        build_case(
            "transport.write/watermarks/pause-threshold",
            "pass",
            section="transports",
            quote=["pause_writing() is called when the buffer goes over the high watermark"],
            resolution=resolution,
        ),
        build_case(
            "loop.time/resolution/observe",
            "pass",
            level="impl-defined",
            section="scheduling-callbacks",
            observed="0.001",
        ),
    ]


@pytest.fixture
def make_case() -> Callable[..., dict]:
    return build_case


@pytest.fixture
def make_run() -> Callable[..., dict]:
    return build_run


@pytest.fixture
def make_results() -> Callable[..., dict]:
    return build_results


@pytest.fixture
def mixed_cases() -> list[dict]:
    return build_mixed_cases()


@pytest.fixture
def mixed_results() -> dict:
    """Two loops: ``asyncio`` with one case of every outcome, ``uvloop`` all passing."""
    cases = build_mixed_cases()
    passing = [dict(c, outcome="pass", message="", details=None, attempts=["pass"]) for c in cases]
    return build_results(
        build_run("asyncio", cases), build_run("uvloop", passing, version="0.19.0")
    )
