"""The pytest plugin: inert by default, spec items with --conformance-loop."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

TORTURE = str(Path(__file__).parent / "fixtures" / "torture" / "scheduling-callbacks.yaml")


def pytest_run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


def test_spec_items_pass_on_the_stdlib_loop(tmp_path: Path) -> None:
    empty = tmp_path / "test_nothing.py"
    empty.write_text("")
    proc = pytest_run(
        str(empty), "--conformance-loop", "asyncio", "--conformance-specs", TORTURE, "-k", "ordered"
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 passed" in proc.stdout


def test_spec_items_fail_on_a_broken_loop(tmp_path: Path) -> None:
    empty = tmp_path / "test_nothing.py"
    empty.write_text("")
    proc = pytest_run(
        str(empty),
        "--conformance-loop",
        "tests.loops:lifo_loop",
        "--conformance-specs",
        TORTURE,
        "-k",
        "ordered",
    )
    assert proc.returncode == 1
    assert "loop.call_soon/fifo-order/ordered" in proc.stdout
    assert "Callbacks are called in the order" in proc.stdout


def test_plugin_is_inert_without_the_option(tmp_path: Path) -> None:
    test = tmp_path / "test_one.py"
    test.write_text("def test_one():\n    pass\n")
    proc = pytest_run(str(test))
    assert proc.returncode == 0 and "1 passed" in proc.stdout
