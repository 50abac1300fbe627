"""Verdicts a loop author can trust: what a run charges to a loop, and what it does not.

Each test runs the CLI as a user would, on a small loop of tests/loops.py that
gets one thing wrong (or nothing), and checks that the report blames exactly
that: no harness noise, hygiene apart from behaviour, one finding per cause,
and inputs checked before anything runs.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from .conftest import run_cli

#: The stdlib's own deviations are expected (inherited) for stdlib subclasses.
HYGIENE = "loop.close/hygiene/"


def _run(tmp_path: Path, loop: str, *args: str) -> tuple[int, dict, str]:
    out = tmp_path / "results.json"
    proc = run_cli("run", "--loop", loop, "--json", str(out), "-q", *args)
    assert out.exists(), proc.stdout + proc.stderr
    return proc.returncode, json.loads(out.read_text()), proc.stdout + proc.stderr


def _failing(run: dict) -> list[str]:
    return sorted(
        c["id"] for c in run["cases"] if c["outcome"] in ("fail", "error", "timeout", "crash")
    )


def test_a_loop_without_task_factories_fails_only_task_factory_clauses(tmp_path: Path) -> None:
    code, results, _ = _run(tmp_path, "tests.loops:no_task_factory_loop")
    (run,) = results["runs"]
    failing = _failing(run)
    assert code == 1 and failing
    # Every failing case uses a task factory (the id names one: set_task_factory,
    # task-factory-applies, factory-task-named ...).
    assert all("factory" in c for c in failing), failing
    assert [h["outcome"] for h in run["hygiene"]] == ["pass"] * len(run["hygiene"])
    assert run["expectations"]["inherits_stdlib"], "a stdlib subclass inherits its deviations"


def test_a_leaking_close_is_one_hygiene_finding(tmp_path: Path) -> None:
    code, results, output = _run(tmp_path, "tests.loops:leaky_close_loop")
    (run,) = results["runs"]
    assert code == 1
    assert _failing(run) == [], "the leak is charged to no case's clause"
    by_id = {h["id"]: h["outcome"] for h in run["hygiene"]}
    assert by_id[HYGIENE + "fds-closed"] == "fail"
    hygiene = [f for f in run["findings"] if f["kind"] == "hygiene" and f["unexpected"]]
    assert [f["title"] for f in hygiene] == [
        "file descriptors left open after the case and close()"
    ]
    assert hygiene[0]["count"] > 1000, "seen after (nearly) every case"
    assert "eventpoll" in hygiene[0]["message"]
    # With --hygiene warn the same run passes its gate: hygiene is reported, not gated.
    code, results, _ = _run(
        tmp_path, "tests.loops:leaky_close_loop", "--hygiene", "warn", "-k", "call_soon/"
    )
    assert code == 0 and results["runs"][0]["summary"]["gate"] == "pass"
    assert results["runs"][0]["summary"]["hygiene"].get("fail") == 1


def test_a_resource_opened_once_per_process_is_not_a_leak(tmp_path: Path) -> None:
    code, results, _ = _run(tmp_path, "tests.loops:once_per_process_loop")
    (run,) = results["runs"]
    assert code == 0, _failing(run)
    assert all(h["outcome"] == "pass" for h in run["hygiene"])
    assert not any(c["hygiene"] for c in run["cases"])


def test_a_failure_says_whether_the_stdlib_fails_it_too(tmp_path: Path) -> None:
    code, results, _ = _run(tmp_path, "tests.loops:lifo_loop", "-k", "loop.call_soon/fifo-order/")
    (run,) = results["runs"]
    failing = [c for c in run["cases"] if c["outcome"] == "fail"]
    assert code == 1 and failing
    assert {c["stdlib"] for c in failing} == {"pass"}
    assert all(f["stdlib"] == {"fails": 0, "known": f["count"]} for f in run["findings"])


def test_the_stdlib_baseline_is_cached(tmp_path: Path, monkeypatch) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    args = ("-k", "loop.call_soon/fifo-order/five-callbacks")
    out = tmp_path / "r.json"
    first = run_cli("run", "--loop", "tests.loops:lifo_loop", "--json", str(out), *args)
    assert "stdlib baseline: running 1 case" in first.stdout
    second = run_cli("run", "--loop", "tests.loops:lifo_loop", "--json", str(out), *args)
    assert "stdlib baseline" not in second.stdout, "the second run reads the cache"
    case = json.loads(out.read_text())["runs"][0]["cases"][0]
    assert case["stdlib"] == "pass"


def test_expectations_init_drafts_one_entry_per_finding(tmp_path: Path) -> None:
    code, results, _ = _run(tmp_path, "tests.loops:lifo_loop", "--section", "scheduling-callbacks")
    assert code == 1
    draft = tmp_path / "expectations.yaml"
    proc = run_cli("expectations", "init", str(tmp_path / "results.json"), "-o", str(draft))
    assert proc.returncode == 0, proc.stderr
    findings = results["runs"][0]["findings"]
    assert f"wrote {len(findings)} draft expectation entries" in proc.stdout
    text = draft.read_text()
    assert text.count("\n    draft: true") == len(findings)
    # Applied to the same loop, the draft accounts for every failure, and says it is a draft.
    code, again, _ = _run(
        tmp_path,
        "tests.loops:lifo_loop",
        "--section",
        "scheduling-callbacks",
        "--expectations",
        str(draft),
    )
    assert code == 0, _failing(again["runs"][0])
    xfails = [c for c in again["runs"][0]["cases"] if c["outcome"] == "xfail"]
    assert xfails and all("(draft reason)" in c["message"] for c in xfails)
    refused = run_cli("expectations", "init", str(tmp_path / "results.json"), "-o", str(draft))
    assert refused.returncode == 2 and "--force" in refused.stderr


def test_run_can_write_the_draft_itself(tmp_path: Path) -> None:
    draft = tmp_path / "draft.yaml"
    code, _, _ = _run(
        tmp_path, "tests.loops:lifo_loop", "-k", "fifo-order", "--write-expectations", str(draft)
    )
    assert code == 1 and "draft: true" in draft.read_text()


def test_an_expectations_file_for_another_loop_is_a_warning(tmp_path: Path) -> None:
    other = tmp_path / "uv.yaml"
    other.write_text(
        "loop: uvloop\nexpectations:\n  - {id: a/b/c, outcome: fail, reason: whatever}\n"
    )
    proc = run_cli(
        "run", "--loop", "asyncio", "-k", "five-callbacks", "--expectations", str(other), "-q"
    )
    assert proc.returncode == 0
    assert "'loop: uvloop' matches none of this run's loops (asyncio)" in proc.stderr


def test_the_factory_of_a_registered_adapter_runs_as_that_adapter(tmp_path: Path) -> None:
    code, results, _ = _run(tmp_path, "asyncio:new_event_loop", "--section", "transports")
    (run,) = results["runs"]
    assert run["loop"]["name"] == "asyncio", "the adapter's name, warm-up and expectations"
    assert code == 0, _failing(run)
    assert any(c["outcome"] == "xfail" for c in run["cases"])


def test_an_unwritable_report_path_stops_the_run_at_once(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    started = time.monotonic()
    proc = run_cli("run", "--loop", "asyncio", "--report-dir", str(blocked / "reports"))
    assert proc.returncode == 2
    assert "cannot write a report here" in proc.stderr
    assert time.monotonic() - started < 20, "checked before any case ran"


@pytest.mark.parametrize("quiet", [True, False])
def test_the_console_leads_with_findings(tmp_path: Path, quiet: bool) -> None:
    args = ["run", "--loop", "tests.loops:lifo_loop", "--section", "scheduling-callbacks"]
    proc = run_cli(*args, *(["-q"] if quiet else []))
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    first_finding = next(i for i, line in enumerate(lines) if line.startswith("  F1 "))
    assert "repro:" in "\n".join(lines[first_finding : first_finding + 5])
    assert lines[-1].startswith("tests.loops:lifo_loop") and "findings" in lines[-1]
    if quiet:
        assert not any(line.startswith("tests.loops:lifo_loop (") for line in lines), "no progress"
    else:
        assert any(line.rstrip().endswith("s]") and "/" in line for line in lines), (
            "progress ends with the count and the time"
        )


def test_a_hosted_adapter_runs_each_case_inside_its_host(tmp_path: Path) -> None:
    """An adapter whose host owns the loop's life (as trio-asyncio's does)."""
    package = tmp_path / "hostedpkg"
    package.mkdir()
    (package / "__init__.py").write_text(
        "from conformance.adapters import Adapter\n"
        "def adapter():\n"
        "    return Adapter(name='hosted', factory='asyncio:new_event_loop',\n"
        "                   host='tests.loops:hosted', stdlib_based=True)\n"
    )
    dist = tmp_path / "hosted-0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: hosted\nVersion: 0\n")
    (dist / "entry_points.txt").write_text(
        "[asyncio_conformance.adapters]\nhosted = hostedpkg:adapter\n"
    )
    import os
    import subprocess
    import sys

    from .conftest import ROOT

    out = tmp_path / "r.json"
    env = dict(os.environ, PYTHONPATH=f"{tmp_path}{os.pathsep}{ROOT}")
    proc = subprocess.run(
        [sys.executable, "-m", "conformance", "run", "--loop", "hosted", "--json", str(out), "-q",
         "--section", "scheduling-callbacks", "--section", "running-and-stopping"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    (run,) = json.loads(out.read_text())["runs"]
    hosted_out = [c for c in run["cases"] if "sync-mode case" in c["message"]]
    assert hosted_out and all(c["outcome"] == "skip" for c in hosted_out)
    assert sum(c["outcome"] == "pass" for c in run["cases"]) > 50


def test_slow_cases_run_only_when_asked_for(tmp_path: Path) -> None:
    from conformance.adapters.base import Adapter
    from conformance.spec.load import load_suite
    from conformance.verdict import skip_reason

    slow = [case for case in load_suite().cases if case.slow]
    assert slow, "no spec case is marked slow any more: drop this test or --slow"
    adapter = Adapter(name="x", factory="asyncio:new_event_loop")
    reason = skip_reason(slow[0], adapter)
    assert reason and "run --slow" in reason
    assert skip_reason(slow[0], adapter, slow=True) != reason
    out = tmp_path / "r.json"
    proc = run_cli("run", "--loop", "asyncio", "-k", slow[0].id, "--json", str(out))
    assert proc.returncode == 0, proc.stderr
    (run,) = json.loads(out.read_text())["runs"]
    assert run["summary"]["skipped_slow"] == 1
    assert "run --slow to include them" in proc.stdout


def test_a_case_expected_to_hang_gets_a_short_deadline() -> None:
    from conformance.expectations import Entry
    from conformance.runner import EXPECTED_HANG_TIMEOUT, RunOptions, case_timeout
    from conformance.spec.load import load_suite

    case = next(c for c in load_suite().cases if c.timeout > EXPECTED_HANG_TIMEOUT)
    options = RunOptions(loops=["x"], timeout_multiplier=2.0)

    def entry(*outcomes: str) -> Entry:
        return Entry(patterns=(case.id,), outcomes=outcomes, reason="r", file="f", line=1)

    assert case_timeout(case, None, options) == case.timeout * 2
    assert case_timeout(case, entry("timeout"), options) == EXPECTED_HANG_TIMEOUT * 2
    assert case_timeout(case, entry("timeout", "crash"), options) == EXPECTED_HANG_TIMEOUT * 2
    # It may also fail or pass there, which can take the case its whole time.
    assert case_timeout(case, entry("fail", "timeout"), options) == case.timeout * 2
    assert case_timeout(case, entry("pass", "timeout"), options) == case.timeout * 2
    full = RunOptions(loops=["x"], full_timeouts=True)
    assert case_timeout(case, entry("timeout"), full) == case.timeout


def test_a_hang_the_expectations_know_ends_sooner_with_the_same_verdict(tmp_path: Path) -> None:
    case_id = "loop.run_forever/stop-before-run/scheduled-callbacks-run-then-exit"
    expectations = tmp_path / "hangs.yaml"
    expectations.write_text(
        "loop: tests.loops:hanging_run_loop\nexpectations:\n"
        f"  - id: {case_id!r}\n    outcome: timeout\n    reason: run_forever() never returns\n"
    )
    out = tmp_path / "r.json"
    proc = run_cli(
        "run", "--loop", "tests.loops:hanging_run_loop", "-k", case_id, "--no-stdlib-baseline",
        "--expectations", str(expectations), "--json", str(out),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (case,) = json.loads(out.read_text())["runs"][0]["cases"]
    assert (case["raw_outcome"], case["outcome"]) == ("timeout", "xfail")
    assert "no result within 2.0s" in case["message"]


def test_a_case_expected_to_fail_waits_less() -> None:
    from conformance.expectations import Entry
    from conformance.runner import EXPECTED_FAILURE_PATIENCE, RunOptions, case_patience

    def entry(*outcomes: str, match: str | None = None) -> Entry:
        return Entry(patterns=("x",), outcomes=outcomes, reason="r", file="f", line=1, match=match)

    options = RunOptions(loops=["x"], timeout_multiplier=3.0)
    assert case_patience(None, options) is None
    assert case_patience(entry("fail"), options) == EXPECTED_FAILURE_PATIENCE * 3
    assert case_patience(entry("fail", "timeout"), options) == EXPECTED_FAILURE_PATIENCE * 3
    # A flaky case may pass, and a message to match may depend on how long a wait was.
    assert case_patience(entry("fail", "pass"), options) is None
    assert case_patience(entry("fail", match="within"), options) is None
    # Giving up on a wait fails the case: not what an expected hang or error is.
    assert case_patience(entry("timeout"), options) is None
    assert case_patience(entry("error"), options) is None
    assert case_patience(entry("fail"), RunOptions(loops=["x"], full_timeouts=True)) is None


def test_a_wait_of_a_case_expected_to_fail_gives_up_after_its_patience(tmp_path: Path) -> None:
    spec = tmp_path / "scheduling-callbacks.yaml"
    spec.write_text(
        "section: scheduling-callbacks\napis:\n  loop.call_soon:\n    clauses:\n"
        "      fifo-order:\n        level: must\n"
        "        quote: Callbacks are called in the order in which they are registered.\n"
        "        cases:\n          never:\n            code: |\n"
        "              await wait_until(lambda: False, what='nothing')\n"
    )
    expectations = tmp_path / "fails.yaml"
    expectations.write_text(
        "loop: asyncio\nexpectations:\n  - id: 'loop.call_soon/fifo-order/never'\n"
        "    outcome: fail\n    reason: it waits for nothing\n"
    )
    messages = {}
    for name, extra in (("short", []), ("full", ["--full-timeouts"])):
        out = tmp_path / f"{name}.json"
        proc = run_cli(
            "run", "--loop", "asyncio", "--specs", str(spec), "--expectations", str(expectations),
            "--no-stdlib-baseline", "--json", str(out), *extra,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stdout + proc.stderr
        (case,) = json.loads(out.read_text())["runs"][0]["cases"]
        assert case["outcome"] == "xfail"
        messages[name] = case["message"]
    assert "nothing did not become true within 1.0s" in messages["short"]
    assert "nothing did not become true within 5.0s" in messages["full"]


def test_a_case_that_cannot_watch_the_loop_skips_instead_of_passing(tmp_path: Path) -> None:
    """A blocking resolver the DNS cases cannot hold is reported as not observed, not as a pass.

    tests.loops:OwnResolverLoop resolves with _socket's C functions on its own
    thread and resolves create_connection()'s hosts without loop.getaddrinfo():
    the cases that hold socket.getaddrinfo() or replace loop.getaddrinfo()
    have nothing to watch, and must say so (skip, out of the score, counted
    apart) rather than pass a loop that does block.
    """
    out = tmp_path / "reports"
    ids = [
        "loop.getaddrinfo/does-not-block-the-loop/slow-lookup",
        "loop.getnameinfo/does-not-block-the-loop/slow-lookup",
        "loop.create_connection/addresses-in-order/first-reachable-wins[unspecified-ipv4]",
    ]
    selection = [arg for case_id in ids for arg in ("-k", case_id)]
    # An entry for the first case only can go; the glob also covers cases this run skips
    # for no such reason (they are not even selected), so it stays in use.
    expectations = tmp_path / "expectations.yaml"
    expectations.write_text(
        "loop: tests.loops:OwnResolverLoop\n"
        "expectations:\n"
        f"  - id: {ids[0]!r}\n"
        "    outcome: fail\n"
        "    reason: written when the case still failed\n"
        "  - id: 'loop.getnameinfo/*'\n"
        "    outcome: fail\n"
        "    reason: covers cases that do run too\n"
    )
    proc = run_cli(
        "run",
        "--loop",
        "tests.loops:OwnResolverLoop",
        *selection,
        "--expectations",
        str(expectations),
        "--report-dir",
        str(out),
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (run,) = json.loads((out / "results.json").read_text())["runs"]
    got = {c["id"]: (c["outcome"], c["message"]) for c in run["cases"] if c["id"] in ids}
    assert {case_id: outcome for case_id, (outcome, _) in got.items()} == dict.fromkeys(ids, "skip")
    assert all(message.startswith("not observable on this loop: ") for _, message in got.values())
    assert run["summary"]["skipped_not_observable"] == len(ids)
    assert "could not watch what they check on this loop" in proc.stdout
    unused = run["expectations"]["not_observable"]
    assert [(u["line"], u["cases"]) for u in unused] == [(3, [ids[0]])]
    assert f"UNUSED   expectation at {expectations}:3" in proc.stdout
    assert "unused expectation, every case of which" in (out / "report.html").read_text()
    assert f"`{expectations}:3`" in (out / "summary.md").read_text()


def test_a_loop_without_timers_is_not_said_to_wait_for_its_lookups(tmp_path: Path) -> None:
    """The DNS cases see a loop waiting for a lookup as timers not firing meanwhile.

    On a loop whose timers never fire at all (tests.loops:NoTimersLoop) that
    would blame the resolver for the timers' fault; the cases check that the
    loop fires timers once nothing is held, and skip as not observable when it
    does not (the call_later cases judge the timers).
    """
    out = tmp_path / "r.json"
    proc = run_cli(
        "run",
        "--loop",
        "tests.loops:NoTimersLoop",
        "-k",
        "does-not-block-the-loop/slow-lookup",
        "--json",
        str(out),
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (run,) = json.loads(out.read_text())["runs"]
    lookups = [c for c in run["cases"] if c["id"].endswith("/does-not-block-the-loop/slow-lookup")]
    assert [c["api"] for c in lookups] == ["loop.getaddrinfo", "loop.getnameinfo"]
    for case in lookups:
        assert case["outcome"] == "skip", case
        assert "fires no 10 ms timer even with nothing pending" in case["message"]
