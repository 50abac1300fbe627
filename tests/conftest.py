"""Shared fixtures for the project's own tests."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Callable, Iterable

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, cwd: Path = ROOT, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run the CLI as a user would, in a child process."""
    return subprocess.run(
        [sys.executable, "-m", "conformance", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def conformance_run(tmp_path: Path) -> Callable[..., tuple[int, dict]]:
    """Run ``asyncio-conformance run`` and return (exit code, results document).

    Example: ``code, results = conformance_run("tests.broken.scheduling:lifo_loop",
    "-k", "loop.call_soon/")``.
    """

    def runner(loop: str, *args: str, timeout: float = 600) -> tuple[int, dict]:
        out = tmp_path / "results.json"
        proc = run_cli("run", "--loop", loop, "--json", str(out), "-q", *args, timeout=timeout)
        if not out.exists():
            raise AssertionError(
                f"no results written (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
            )
        return proc.returncode, json.loads(out.read_text())

    return runner


def outcomes(results: dict, run_index: int = 0) -> dict[str, str]:
    """Case id -> outcome, for one loop's run."""
    return {c["id"]: c["outcome"] for c in results["runs"][run_index]["cases"]}


def cases_with_outcome(run: dict, wanted: Iterable[str], width: int = 200) -> list[str]:
    """``id: outcome: message`` for each case of one loop's run whose outcome is wanted.

    The gate tests assert this list is empty, so that a failure shows every
    offending case at once rather than the first.
    """
    wanted = set(wanted)
    return [
        f"{c['id']}: {c['outcome']}: {c['message'][:width]}"
        for c in run["cases"]
        if c["outcome"] in wanted
    ]
