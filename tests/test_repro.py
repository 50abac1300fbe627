"""Reproducers: short by default, standalone on request, and they exit non-zero on failure.

A reproducer judges a case exactly as ``run`` does (it calls the same
harness), enforces the case's timeout itself, and exits 0 when the case
passes and 1 when it fails, errors or hangs.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import ROOT, run_cli

CASE = "loop.call_soon/fifo-order/ordered"
HANGING = "loop.call_soon/fifo-order/hangs-in-native-sleep"
TORTURE = str(Path(__file__).parent / "fixtures" / "torture" / "scheduling-callbacks.yaml")


def script_for(tmp_path: Path, case: str, loop: str, *extra: str) -> Path:
    proc = run_cli("repro", case, "--loop", loop, "--specs", TORTURE, *extra)
    assert proc.returncode == 0, proc.stderr
    script = tmp_path / "repro.py"
    script.write_text(proc.stdout)
    return script


def run_script(script: Path, *, isolated: bool, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run a reproducer; ``isolated``: with nothing of ours importable but tests.loops."""
    if isolated:
        # -I ignores PYTHONPATH and site-packages of the user; add the checkout's
        # tests folder only (for tests.loops), never the conformance package.
        command = [sys.executable, "-I", "-c", _ISOLATED, str(script)]
    else:
        command = [sys.executable, str(script)]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=timeout)


#: Runs a script with the checkout on sys.path for ``tests`` but with ``conformance`` hidden.
_ISOLATED = f"""
import importlib.abc, runpy, sys
class _Hide(importlib.abc.MetaPathFinder):
    # The script's own finder goes in front of this one, so only what it does
    # not embed gets here.
    def find_spec(self, name, path=None, target=None):
        if name == "conformance" or name.startswith("conformance."):
            raise ImportError(name + " is not installed here")
        return None
sys.meta_path.insert(0, _Hide())
sys.path.insert(0, {str(ROOT)!r})
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def test_a_simple_case_makes_a_short_script_that_passes_on_asyncio(tmp_path: Path) -> None:
    script = script_for(tmp_path, CASE, "asyncio")
    assert len(script.read_text().splitlines()) <= 300
    proc = run_script(script, isolated=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"{CASE}: pass" in proc.stdout


def test_the_script_fails_on_a_broken_loop(tmp_path: Path) -> None:
    proc = run_script(script_for(tmp_path, CASE, "tests.loops:lifo_loop"), isolated=False)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f"{CASE}: fail" in proc.stdout and "trace" in proc.stdout


@pytest.mark.parametrize(("loop", "status"), [("asyncio", 0), ("tests.loops:lifo_loop", 1)])
def test_standalone_scripts_need_nothing_but_the_loop(
    tmp_path: Path, loop: str, status: int
) -> None:
    script = script_for(tmp_path, CASE, loop, "--standalone")
    proc = run_script(script, isolated=True)
    assert proc.returncode == status, proc.stdout + proc.stderr
    assert f"{CASE}: {'pass' if status == 0 else 'fail'}" in proc.stdout


def test_the_scripts_fail_the_same_way_standalone_or_not(tmp_path: Path) -> None:
    short = run_script(script_for(tmp_path, CASE, "tests.loops:lifo_loop"), isolated=False)
    embedded = run_script(
        script_for(tmp_path, CASE, "tests.loops:lifo_loop", "--standalone"), isolated=True
    )
    assert short.stdout == embedded.stdout


def test_a_hanging_case_exits_non_zero_within_its_timeout(tmp_path: Path) -> None:
    script = script_for(tmp_path, HANGING, "asyncio")
    started = time.monotonic()
    proc = run_script(script, isolated=False, timeout=30)
    elapsed = time.monotonic() - started
    assert proc.returncode != 0
    assert elapsed < 10, f"the case's timeout is 1 s; the script took {elapsed:.1f}s"
    assert "Timeout" in proc.stderr, "faulthandler shows where it hung"


def test_repro_unknown_case_exits_2() -> None:
    proc = run_cli("repro", "no/such/case", "--loop", "asyncio")
    assert proc.returncode == 2 and "unknown case id" in proc.stderr
