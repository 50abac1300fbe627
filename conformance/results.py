"""Outcomes, summaries and the results JSON document (docs/results-format.md)."""

from __future__ import annotations

import platform
import sys
from collections import Counter
from typing import Iterable

from . import __version__

OUTCOMES = ("pass", "fail", "error", "timeout", "crash", "skip", "xfail", "xpass")
GATE_FAILING = ("fail", "error", "timeout", "crash")
#: With --repeat, the reported outcome is the worst attempt's.
SEVERITY = {"skip": 0, "pass": 1, "fail": 2, "error": 3, "timeout": 4, "crash": 5}


def worst(outcomes: Iterable[str]) -> str:
    return max(outcomes, key=lambda o: SEVERITY.get(o, 0))


def environment(argv: list[str], **extra: object) -> dict:
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": sys.platform,
        "platform_detail": platform.platform(),
        "machine": platform.machine(),
        **extra,
        "argv": argv,
    }


def summarize(cases: list[dict], allow_xpass: bool = False) -> dict:
    counts = Counter(c["outcome"] for c in cases)
    summary: dict = {"total": len(cases)}
    summary.update({o: counts.get(o, 0) for o in OUTCOMES})
    summary["flaky"] = sum(1 for c in cases if c.get("flaky"))
    by_level: dict = {}
    by_section: dict = {}
    for case in cases:
        level = by_level.setdefault(case["level"], {})
        level[case["outcome"]] = level.get(case["outcome"], 0) + 1
        section = by_section.setdefault(case["section"], {})
        section[case["outcome"]] = section.get(case["outcome"], 0) + 1
    summary["by_level"] = by_level
    summary["by_section"] = by_section
    failing = GATE_FAILING + (() if allow_xpass else ("xpass",))
    summary["gate"] = "fail" if any(counts.get(o) for o in failing) else "pass"
    return summary


def document(env: dict, runs: list[dict]) -> dict:
    return {
        "schema": 1,
        "tool": {"name": "asyncio-conformance", "version": __version__},
        "environment": env,
        "runs": runs,
    }
