"""A killed run cleans up and keeps what it measured (issue: SIGTERM, SIGKILL, --max-time).

CI systems end over-long jobs with SIGTERM and people press Ctrl-C; a loop
that hangs makes runs long. These tests stop a run against a loop whose
run_forever() never returns and check that no worker survives it and that
the reports hold what the run finished, marked incomplete.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from .conftest import ROOT, run_cli

LOOP = "tests.loops:hanging_run_loop"


def _start(tmp_path: Path, *args: str) -> subprocess.Popen:
    # A SIGKILLed CLI cannot remove its workers' temporary folders (nothing of it
    # is left to do so): they go under tmp_path, which pytest cleans up.
    tmp = tmp_path / "tmp"
    tmp.mkdir(exist_ok=True)
    return subprocess.Popen(
        [sys.executable, "-m", "conformance", "run", "--loop", LOOP, "-j", "2",
         "--no-stdlib-baseline", "--report-dir", str(tmp_path / "reports"), *args],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "TMPDIR": str(tmp)},
    )  # fmt: skip


def _workers_of(pid: int) -> list[int]:
    """Live case workers (``-m conformance.worker``, not the probe) whose parent was ``pid``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read().split(b"\0")
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        state, parent = fields[0], int(fields[1])
        probing = b"--probe" in cmdline  # the start-up probe, not a case worker
        if b"conformance.worker" in cmdline and not probing and state != "Z" and parent in (pid, 1):
            found.append(int(entry))
    return found


def _wait_for_workers(pid: int, timeout: float = 60.0) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        workers = _workers_of(pid)
        if workers:
            return workers
        time.sleep(0.1)
    raise AssertionError("the run started no worker")


def _gone(pids: list[int], within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not any(os.path.exists(f"/proc/{p}") and _alive(p) for p in pids):
            return True
        time.sleep(0.1)
    return False


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_sigterm_stops_cleanly_and_writes_incomplete_reports(tmp_path: Path) -> None:
    proc = _start(tmp_path)
    workers = _wait_for_workers(proc.pid)
    time.sleep(3)  # let some cases finish and some hang
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 4, out[-2000:] + err[-2000:]
    assert "stopped early: interrupted by SIGTERM" in err
    assert _gone(workers, within=10), "a worker outlived the run"
    reports = tmp_path / "reports"
    results = json.loads((reports / "results.json").read_text())
    assert results["complete"] is False and results["stopped"] == "interrupted by SIGTERM"
    (run,) = results["runs"]
    assert run["complete"] is False and run["summary"]["not_run"] > 0
    assert run["summary"]["gate"] == "fail"
    assert "cut short" in (reports / "report.html").read_text()
    assert "Incomplete" in (reports / "summary.md").read_text()
    assert (reports / "junit.xml").exists()
    rendered = run_cli(
        "report", str(reports / "results.json"), "--html", str(tmp_path / "again.html")
    )
    assert rendered.returncode == 0 and "cut short" in (tmp_path / "again.html").read_text()


def test_workers_die_with_a_killed_cli(tmp_path: Path) -> None:
    proc = _start(tmp_path)
    workers = _wait_for_workers(proc.pid)
    time.sleep(1)
    proc.kill()
    proc.communicate(timeout=30)
    assert _gone(workers, within=10), "workers outlived a SIGKILLed CLI by more than 10 s"


def test_max_time_stops_on_time(tmp_path: Path) -> None:
    started = time.monotonic()
    proc = _start(tmp_path, "--max-time", "4")
    out, err = proc.communicate(timeout=120)
    elapsed = time.monotonic() - started
    assert proc.returncode == 4, out[-2000:] + err[-2000:]
    assert "--max-time 4s was spent" in err
    assert elapsed < 4 + 15, f"took {elapsed:.0f}s"
    results = json.loads((tmp_path / "reports" / "results.json").read_text())
    assert results["complete"] is False
    # With --allow-incomplete the gate judges what ran (it fails here: cases hang).
    proc = _start(tmp_path, "--max-time", "3", "--allow-incomplete")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, out[-2000:] + err[-2000:]
