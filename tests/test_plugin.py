"""The pytest plugin: inert by default, spec items with --conformance-loop."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .conftest import ROOT, run_cli

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


def _plugin_verdicts(junit: Path) -> dict[str, str]:
    """Case id -> verdict, read from the JUnit XML that pytest wrote for the spec items."""
    from junitparser import Error, Failure, JUnitXml, Skipped

    verdicts = {}
    for suite in JUnitXml.fromfile(str(junit)):
        for case in suite:
            kinds = {type(r) for r in case.result}
            if Skipped in kinds:
                skipped = next(r for r in case.result if isinstance(r, Skipped))
                verdict = "xfail" if "xfail" in (skipped.type or "") else "skip"
            elif Failure in kinds or Error in kinds:
                verdict = "fail"
            else:
                verdict = "pass"
            verdicts[case.name] = verdict
    return verdicts


def test_the_plugin_and_the_cli_agree_on_every_case(tmp_path: Path) -> None:
    """The same verdict function decides both; bundled expectations apply in both."""
    empty = tmp_path / "test_nothing.py"
    empty.write_text("")
    junit = tmp_path / "plugin.xml"
    proc = pytest_run(str(empty), "--conformance-loop", "asyncio", f"--junitxml={junit}")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr
    out = tmp_path / "cli.json"
    cli = run_cli("run", "--loop", "asyncio", "--json", str(out), "-q")
    assert cli.returncode == 0, cli.stdout + cli.stderr
    import json

    (run,) = json.loads(out.read_text())["runs"]
    # The CLI's non-gate-failing outcomes map one to one onto pytest's.
    expected = {c["id"]: c["outcome"] for c in run["cases"]}
    got = _plugin_verdicts(junit)
    assert set(got) == set(expected)
    differ = {i: (expected[i], got[i]) for i in expected if expected[i] != got[i]}
    assert differ == {}, differ
    assert "xfail" in expected.values() and "skip" in expected.values()
