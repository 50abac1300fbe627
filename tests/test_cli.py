"""The CLI contract: exit codes, listings and messages, run as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

from conformance.spec.inventory import load_inventory

from .conftest import run_cli

ISSUE_2_SECTIONS = (
    "exceptions",
    "obtaining-the-loop",
    "running-and-stopping",
    "scheduling-callbacks",
    "scheduling-delayed-callbacks",
    "futures-and-tasks",
    "executors",
    "error-handling",
    "debug-mode",
    "callback-handles",
    "futures",
)


def test_list_specs_json_has_the_contract_fields() -> None:
    proc = run_cli("list-specs", "--json")
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert rows
    for row in rows:
        assert {"id", "api", "clause", "level", "section"} <= row.keys()
        assert row["id"].startswith(row["clause"])


def test_list_specs_covers_the_foundation_sections() -> None:
    rows = [json.loads(line) for line in run_cli("list-specs", "--json").stdout.splitlines()]
    covered = {row["api"] for row in rows}
    inventory = load_inventory()
    missing = [api for s in ISSUE_2_SECTIONS for api in inventory.sections[s] if api not in covered]
    assert not missing


def test_validate_specs_ok() -> None:
    proc = run_cli("validate-specs")
    assert proc.returncode == 0, proc.stderr
    assert "valid" in proc.stdout


def test_validate_specs_bad_file_exits_2_with_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "futures.yaml"
    bad.write_text(
        "section: futures\napis:\n  Future.done:\n    clauses:\n      x:\n"
        "        level: must\n        quote: 42\n        cases: {}\n"
    )
    proc = run_cli("validate-specs", str(bad))
    assert proc.returncode == 2
    assert f"{bad}:7:" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_run_with_a_bad_spec_runs_nothing_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "futures.yaml"
    bad.write_text("section: futures\napis: [\n")
    out = tmp_path / "out.json"
    proc = run_cli("run", "--loop", "asyncio", "--specs", str(bad), "--json", str(out))
    assert proc.returncode == 2 and f"{bad}:" in proc.stderr
    assert not out.exists()


def test_unknown_loop_exits_2() -> None:
    proc = run_cli("run", "--loop", "no-such-loop", "-k", "call_soon")
    assert proc.returncode == 2
    assert "unknown loop 'no-such-loop'" in proc.stderr and "asyncio" in proc.stderr


def test_unimportable_factory_exits_2() -> None:
    proc = run_cli("run", "--loop", "no_such_module:factory", "-k", "call_soon")
    assert proc.returncode == 2 and "cannot import loop factory" in proc.stderr


def test_missing_expectations_file_exits_2(tmp_path: Path) -> None:
    proc = run_cli("run", "--loop", "asyncio", "--expectations", str(tmp_path / "nope.yaml"))
    assert proc.returncode == 2 and "nope.yaml" in proc.stderr


def test_malformed_expectations_file_exits_2_with_line(tmp_path: Path) -> None:
    bad = tmp_path / "exp.yaml"
    bad.write_text("expectations:\n  - id: x\n    outcome: explode\n    reason: because\n")
    proc = run_cli("run", "--loop", "asyncio", "-k", "call_soon", "--expectations", str(bad))
    assert proc.returncode == 2 and f"{bad}:" in proc.stderr


def test_select_matching_nothing_exits_2() -> None:
    proc = run_cli("run", "--loop", "asyncio", "-k", "no-case-has-this-in-its-id")
    assert proc.returncode == 2


def test_run_passing_loop_exits_0_and_writes_results(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    proc = run_cli("run", "--loop", "asyncio", "-k", "loop.call_soon/", "--json", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    results = json.loads(out.read_text())
    assert results["schema"] == 2
    (run,) = results["runs"]
    assert run["loop"]["name"] == "asyncio" and run["summary"]["gate"] == "pass"
    assert all(c["outcome"] in ("pass", "skip", "xfail") for c in run["cases"])


def test_two_loops_give_two_runs(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    proc = run_cli(
        "run",
        "--loop",
        "asyncio",
        "--loop",
        "asyncio-select",
        "-k",
        "loop.call_soon/",
        "--json",
        str(out),
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    names = [r["loop"]["name"] for r in json.loads(out.read_text())["runs"]]
    assert names == ["asyncio", "asyncio-select"]


def test_broken_loop_fails_the_gate(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    proc = run_cli(
        "run", "--loop", "tests.loops:lifo_loop", "-k", "loop.call_soon/", "--json", str(out)
    )
    assert proc.returncode == 1
    cases = json.loads(out.read_text())["runs"][0]["cases"]
    failed = [c for c in cases if c["outcome"] == "fail"]
    assert failed and all(c["details"] for c in failed)


def test_list_loops_shows_the_builtin_adapters() -> None:
    proc = run_cli("list-loops", "--json")
    names = {json.loads(line)["name"] for line in proc.stdout.splitlines()}
    assert {"asyncio", "asyncio-select", "asyncio-poll", "asyncio-epoll"} <= names


def test_list_loops_lines_up_its_columns() -> None:
    proc = run_cli("list-loops")
    assert proc.returncode == 0, proc.stderr
    rows = {line.split()[0]: line for line in proc.stdout.splitlines()}
    # The factory column starts at the same place whatever the name and version widths.
    starts = {
        rows["asyncio"].index("asyncio:new_event_loop"),
        rows["asyncio-poll"].index("conformance.adapters.builtin:poll_loop"),
        rows["reference"].index("reference_loop:new_event_loop"),
    }
    assert len(starts) == 1


def test_python_dash_m_works() -> None:
    proc = run_cli("--version")
    assert proc.returncode == 0 and "asyncio-conformance" in proc.stdout


def test_internal_error_exits_3(monkeypatch) -> None:
    from conformance import cli
    from conformance.commands.listing import ListLoops

    def explode(self):
        raise RuntimeError("boom")

    monkeypatch.setattr(ListLoops, "run", explode)
    assert cli.main(["list-loops"]) == 3


def test_every_inventory_id_has_a_must_or_compat_case_that_runs_on_linux() -> None:
    rows = [json.loads(line) for line in run_cli("list-specs", "--json").stdout.splitlines()]

    def runs_on_linux(row: dict) -> bool:
        return all(
            any(p in ("linux", "unix") for p in alternatives)
            for alternatives in row.get("platforms", [])
        )

    inventory = load_inventory()
    missing = [
        api
        for apis in inventory.sections.values()
        for api in apis
        if not any(
            r["api"] == api and r["level"] in ("must", "compat") and runs_on_linux(r) for r in rows
        )
    ]
    assert not missing
