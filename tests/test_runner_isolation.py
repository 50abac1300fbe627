"""Torture tests: hangs, crashes, leaks and global-state changes never stall a run.

Every misbehaving case gets its own precise outcome, the run carries on in a
fresh worker, and the exit code is 1 (a gate failure), never 3. What a case
leaves behind is hygiene: noted on the case, failing the hygiene pseudo-case
of its kind, never the case itself.
"""

from __future__ import annotations

import time
from pathlib import Path

from .conftest import outcomes, run_cli

TORTURE_PATH = Path(__file__).parent / "fixtures" / "torture" / "scheduling-callbacks.yaml"
TORTURE = str(TORTURE_PATH)
#: How reports name the file: relative to the working folder the CLI runs in.
TORTURE_DISPLAY = "tests/fixtures/torture/scheduling-callbacks.yaml"
PREFIX = "loop.call_soon/fifo-order/"
_LINES = TORTURE_PATH.read_text().splitlines()
SEGFAULT_LINE = 1 + next(i for i, line in enumerate(_LINES) if "ctypes.string_at(0)" in line)
HANG_LINE = 1 + next(i for i, line in enumerate(_LINES) if "time.sleep(60)" in line)


HYGIENE = "loop.close/hygiene/"


def test_every_misbehaviour_gets_its_outcome(conformance_run) -> None:
    started = time.monotonic()
    # 0.5: the thread grace is 7.5 s, so a thread that ends after 2 s is no leak.
    code, results = conformance_run(
        "asyncio", "--specs", TORTURE, "-j", "2", "--timeout-multiplier", "0.5"
    )
    elapsed = time.monotonic() - started
    assert code == 1
    run = results["runs"][0]
    got = {c["id"].rsplit("/", 1)[1]: c["outcome"] for c in run["cases"] + run["hygiene"]}
    assert got == {
        "ordered": "pass",
        "hangs-in-native-sleep": "timeout",
        "hangs-holding-the-gil": "timeout",
        "exits": "crash",
        "calls-sys-exit": "crash",
        "segfaults": "crash",
        "leaks-an-fd": "pass",
        "leaks-a-thread": "pass",
        "thread-ends-within-grace": "pass",
        "leaks-a-child": "pass",
        "changes-global-state": "pass",
        "sees-clean-global-state": "pass",
        "ordered-after": "pass",
        "fds-closed": "fail",
        "threads-ended": "fail",
        "children-reaped": "fail",
        "closes-cleanly": "pass",
        "no-unclosed-objects": "fail",  # the Popen object of leaks-a-child
    }
    assert elapsed < 60, "a hang must cost its timeout, not the run"
    cases = {c["id"].rsplit("/", 1)[1]: c for c in run["cases"] + run["hygiene"]}
    assert "SIGSEGV" in cases["segfaults"]["message"]
    assert "code 5" in cases["exits"]["message"]
    assert "code 4" in cases["calls-sys-exit"]["message"]
    assert "fds left open" in cases["leaks-an-fd"]["hygiene"]["fds"]
    assert "threads left running" in cases["leaks-a-thread"]["hygiene"]["threads"]
    assert "child processes left running" in cases["leaks-a-child"]["hygiene"]["children"]
    assert cases["thread-ends-within-grace"]["hygiene"] == {}, "a thread that ends is no leak"
    for kind, case in (("fds", "leaks-an-fd"), ("threads", "leaks-a-thread")):
        assert [c for c in run["cases"] if kind in c["hygiene"]] == [cases[case]]
    assert (PREFIX + "leaks-an-fd") in cases["fds-closed"]["details"]["actual"]
    findings = run["findings"]
    assert [f["title"] for f in findings if f["kind"] == "hygiene"] == [
        "file descriptors left open after the case and close()",
        "threads still running after close()",
        "child processes left running after close()",
        "ResourceWarning about an object (transport, socket, loop) that was never closed",
    ]


def test_crash_and_timeout_details_are_the_cases_own(conformance_run) -> None:
    """A crash shows faulthandler's trace of *its* case; a timeout where it hung."""
    code, results = conformance_run(
        "asyncio", "--specs", TORTURE, "-j", "1", "-k", "ordered", "-k", "segfaults", "-k", "native"
    )
    cases = {c["id"].rsplit("/", 1)[1]: c for c in results["runs"][0]["cases"]}
    crash = cases["segfaults"]["details"]["actual"]
    assert "Fatal Python error: Segmentation fault" in crash
    # The faulting line of the spec: `ctypes.string_at(0)` in the torture file.
    assert f'File "{TORTURE_DISPLAY}", line {SEGFAULT_LINE}' in crash, crash
    hang = cases["hangs-in-native-sleep"]["details"]["actual"]
    assert "Timeout" in hang and f"line {HANG_LINE}" in hang, hang
    assert "Segmentation fault" not in hang, "another case's output is not this case's"


def test_order_is_stable_whatever_the_scheduling(conformance_run) -> None:
    _, one = conformance_run("asyncio", "--specs", TORTURE, "-j", "1", "-k", "ordered")
    _, two = conformance_run("asyncio", "--specs", TORTURE, "-j", "2", "-k", "ordered")
    ids = lambda r: [c["id"] for c in r["runs"][0]["cases"]]  # noqa: E731
    assert ids(one) == ids(two) == [PREFIX + "ordered", PREFIX + "ordered-after"]


def test_a_factory_that_hangs_stops_the_run_before_any_case() -> None:
    started = time.monotonic()
    proc = run_cli(
        "run", "--loop", "tests.loops:hanging_factory", "--specs", TORTURE,
        "--timeout-multiplier", "0.1",
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert "did not return within 6s" in proc.stderr
    assert time.monotonic() - started < 30


def test_a_factory_that_raises_stops_the_run_with_its_traceback() -> None:
    proc = run_cli("run", "--loop", "tests.loops:broken_factory", "--specs", TORTURE)
    assert proc.returncode == 2
    assert "the loop factory raised RuntimeError: this factory cannot make a loop" in proc.stderr
    assert "tests/loops.py" in proc.stderr, "the traceback's tail names the factory"


def test_a_factory_that_makes_no_loop_stops_the_run_naming_what_is_missing() -> None:
    started = time.monotonic()
    proc = run_cli(
        "run", "--loop", "tests.loops:not_a_loop", "--specs", TORTURE, "--json", "x.json"
    )
    assert proc.returncode == 2
    assert "which is not an asyncio event loop: it has no" in proc.stderr
    assert "run_until_complete" in proc.stderr
    assert time.monotonic() - started < 20


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
    result = run_case(case, policy_changing_loop).raw
    assert result.outcome == "pass", result
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


def test_a_worker_killed_mid_case_leaves_no_temporary_files(tmp_path: Path) -> None:
    """The TLS case writes its certificate files, then hangs in create_server() and
    its worker is killed: the files go with the worker's temporary folder."""
    import json
    import os
    import subprocess
    import sys

    from .conftest import ROOT

    tmp = tmp_path / "tmp"
    tmp.mkdir()
    proc = subprocess.run(
        [sys.executable, "-m", "conformance", "run", "--loop", "tests.loops:HangingServerLoop",
         "-k", "loop.create_server/ssl/tls-server-echo", "--no-stdlib-baseline",
         "--json", str(tmp_path / "r.json")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, "TMPDIR": str(tmp)},
    )  # fmt: skip
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert outcomes(json.loads((tmp_path / "r.json").read_text())) == {
        "loop.create_server/ssl/tls-server-echo": "timeout"
    }
    assert sorted(p.name for p in tmp.iterdir()) == []
