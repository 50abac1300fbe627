"""The scheduling-delayed-callbacks specs can fail: each broken loop fails the cases for what it breaks."""

from __future__ import annotations

import pytest

from .conftest import outcomes

SPEC = "specs/scheduling-delayed-callbacks.yaml"
BROKEN = "tests.broken.scheduling_delayed_callbacks_loops"

#: factory -> (selection, the case ids that must fail on it)
CASES = {
    "early_timer_loop": (
        ["loop.call_later/called-after-delay/", "loop.call_at/absolute-when/"],
        [
            "loop.call_later/called-after-delay/never-early[float-30ms]",
            "loop.call_later/called-after-delay/int-delay",
            "loop.call_at/absolute-when/never-early[plus-20ms]",
            "loop.call_at/absolute-when/int-when-deadline",
        ],
    ),
    "insertion_order_loop": (
        ["loop.call_at/same-as-call-later/all-due-at-once"],
        ["loop.call_at/same-as-call-later/all-due-at-once"],
    ),
    "rejects_negative_delay_loop": (
        ["loop.call_later/negative-delay/"],
        [
            "loop.call_later/negative-delay/runs-soon-once[int]",
            "loop.call_later/negative-delay/runs-soon-once[float]",
        ],
    ),
    "ignored_timer_context_loop": (
        ["loop.call_later/custom-context/", "loop.call_at/same-as-call-later/custom-context"],
        [
            "loop.call_later/custom-context/runs-in-given-context",
            "loop.call_at/same-as-call-later/custom-context",
        ],
    ),
    "millisecond_clock_loop": (
        ["loop.time/"],
        ["loop.time/tracks-real-time/advances-in-seconds"],
    ),
    "jittery_clock_loop": (
        ["loop.time/monotonic/", "loop.time/tracks-real-time/"],
        ["loop.time/monotonic/successive-reads", "loop.time/tracks-real-time/advances-in-seconds"],
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
    assert all(seen[case_id] == "pass" for case_id in failing), {k: seen[k] for k in failing}
    assert code == 0, {k: v for k, v in seen.items() if v not in ("pass", "skip", "xfail")}
