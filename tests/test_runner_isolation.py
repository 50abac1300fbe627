"""Torture tests: hangs, crashes, leaks and global-state changes never stall a run.

Every misbehaving case gets its own precise outcome, the run carries on in a
fresh worker, and the exit code is 1 (a gate failure), never 3.
"""

from __future__ import annotations

import time
from pathlib import Path

from .conftest import outcomes

TORTURE = str(Path(__file__).parent / "fixtures" / "torture" / "scheduling-callbacks.yaml")
PREFIX = "loop.call_soon/fifo-order/"


def test_every_misbehaviour_gets_its_outcome(conformance_run) -> None:
    started = time.monotonic()
    code, results = conformance_run("asyncio", "--specs", TORTURE, "-j", "2")
    elapsed = time.monotonic() - started
    assert code == 1
    got = {k[len(PREFIX) :]: v for k, v in outcomes(results).items()}
    assert got == {
        "ordered": "pass",
        "hangs-in-native-sleep": "timeout",
        "hangs-holding-the-gil": "timeout",
        "exits": "crash",
        "calls-sys-exit": "crash",
        "segfaults": "crash",
        "leaks-an-fd": "fail",
        "leaks-a-thread": "fail",
        "leaks-a-child": "fail",
        "changes-global-state": "pass",
        "sees-clean-global-state": "pass",
        "ordered-after": "pass",
    }
    assert elapsed < 60, "a hang must cost its timeout, not the run"
    cases = {c["id"][len(PREFIX) :]: c for c in results["runs"][0]["cases"]}
    assert "SIGSEGV" in cases["segfaults"]["message"]
    assert "code 5" in cases["exits"]["message"]
    assert "code 4" in cases["calls-sys-exit"]["message"]
    assert "fds left open" in cases["leaks-an-fd"]["message"]
    assert "threads left running" in cases["leaks-a-thread"]["message"]
    assert "child processes left running" in cases["leaks-a-child"]["message"]


def test_order_is_stable_whatever_the_scheduling(conformance_run) -> None:
    _, one = conformance_run("asyncio", "--specs", TORTURE, "-j", "1", "-k", "ordered")
    _, two = conformance_run("asyncio", "--specs", TORTURE, "-j", "2", "-k", "ordered")
    ids = lambda r: [c["id"] for c in r["runs"][0]["cases"]]  # noqa: E731
    assert ids(one) == ids(two) == [PREFIX + "ordered", PREFIX + "ordered-after"]


def test_a_factory_that_hangs_times_out_every_case(conformance_run) -> None:
    code, results = conformance_run(
        "tests.loops:hanging_factory",
        "--specs",
        TORTURE,
        "-k",
        "ordered",
        "--timeout-multiplier",
        "0.2",
    )
    assert code == 1
    assert set(outcomes(results).values()) == {"timeout"}


def test_a_factory_that_raises_gives_errors(conformance_run) -> None:
    code, results = conformance_run(
        "tests.loops:broken_factory", "--specs", TORTURE, "-k", "ordered"
    )
    assert code == 1
    cases = results["runs"][0]["cases"]
    assert {c["outcome"] for c in cases} == {"error"}
    assert "cannot make a loop" in cases[0]["message"]


def test_a_loop_that_changes_the_policy_does_not_leak_it() -> None:
    import asyncio

    from conformance.runtime.harness import run_case

    from .loops import policy_changing_loop

    before = asyncio.get_event_loop_policy()
    case = {
        "id": "x/y/z",
        "code": "return type(asyncio.get_event_loop_policy()).__name__",
        "mode": "sync",
        "code_line": 1,
        "file": "<test>",
        "level": "must",
        "expect": {"returns": "_MeddlingPolicy"},
    }
    result = run_case(case, policy_changing_loop)
    assert result["outcome"] == "pass", result
    assert asyncio.get_event_loop_policy() is before


def test_a_loop_that_segfaults_in_call_soon(conformance_run) -> None:
    code, results = conformance_run(
        "tests.loops:segfault_loop", "--specs", TORTURE, "-k", "ordered"
    )
    assert code == 1
    assert set(outcomes(results).values()) == {"crash"}


def test_repeat_marks_no_flaky_case_on_a_stable_suite(conformance_run) -> None:
    code, results = conformance_run("asyncio", "--specs", TORTURE, "-k", "ordered", "--repeat", "3")
    assert code == 0
    for case in results["runs"][0]["cases"]:
        assert case["attempts"] == ["pass"] * 3 and not case["flaky"]
