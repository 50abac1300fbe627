"""Reproducers run standalone: exit 0 when the case passes, 1 when it fails."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT, run_cli

CASE = "loop.call_soon/fifo-order/ordered"
TORTURE = str(Path(__file__).parent / "fixtures" / "torture" / "scheduling-callbacks.yaml")


def reproduce(tmp_path: Path, loop: str) -> subprocess.CompletedProcess:
    proc = run_cli("repro", CASE, "--loop", loop, "--specs", TORTURE)
    assert proc.returncode == 0, proc.stderr
    script = tmp_path / "repro.py"
    script.write_text(proc.stdout)
    # -I: isolated mode, so the script cannot import conformance from the checkout.
    env_path = str(ROOT)  # only for tests.loops below
    return subprocess.run(
        [sys.executable, "-I", str(script)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        env={"PYTHONPATH": env_path},
    )


def test_repro_passes_on_a_good_loop(tmp_path: Path) -> None:
    proc = reproduce(tmp_path, "asyncio")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"{CASE}: pass" in proc.stdout


def test_repro_fails_on_a_broken_loop(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.path.insert(0, sys.argv[1]); "
            "from conformance.cli import main; sys.exit(main(sys.argv[2:]))",
            str(ROOT),
            "repro",
            CASE,
            "--loop",
            "tests.loops:lifo_loop",
            "--specs",
            TORTURE,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    script = tmp_path / "repro.py"
    script.write_text(proc.stdout)
    assert not re.search(r"^\s*(from|import) conformance", proc.stdout, re.MULTILINE)
    run = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "fail" in run.stdout and "trace" in run.stdout


def test_repro_unknown_case_exits_2() -> None:
    proc = run_cli("repro", "no/such/case", "--loop", "asyncio")
    assert proc.returncode == 2 and "unknown case id" in proc.stderr
