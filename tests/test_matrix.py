"""The compatibility matrix merges per-Python results into one document and table."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conformance.reports import load_results
from conformance.reports.matrix import (
    compact_matrix,
    merge_results,
    replace_between_markers,
    write_matrix_json,
)
from conformance.reports.matrix_site import render_findings_page, render_summary_markdown

from .conftest import run_cli


def document(python: str, loops: dict[str, list[str]]) -> dict:
    runs = []
    for name, outcomes in loops.items():
        cases = [
            {
                "id": f"a/b/c{i}",
                "api": "a",
                "section": "s",
                "clause": "a/b",
                "level": "must",
                "outcome": o,
                "message": "",
                "duration_s": 0.0,
            }
            for i, o in enumerate(outcomes)
        ]
        runs.append(
            {
                "loop": {"name": name, "factory": "m:f", "version": "1.0"},
                "summary": {"gate": "pass"},
                "expectations": {"files": [], "stale": []},
                "cases": cases,
            }
        )
    return {
        "schema": 1,
        "tool": {"name": "asyncio-conformance", "version": "0"},
        "environment": {"python": python, "platform": "linux"},
        "runs": runs,
    }


def test_runs_are_named_by_loop_and_python_and_sorted() -> None:
    merged = merge_results(
        [document("3.12.1", {"x": ["pass"]}), document("3.9.18", {"x": ["fail"], "y": ["pass"]})]
    )
    names = [r["loop"]["name"] for r in merged["runs"]]
    assert names == ["x (Python 3.9)", "x (Python 3.12)", "y (Python 3.9)"]


def test_markdown_table_marks_missing_pythons() -> None:
    merged = merge_results(
        [
            document("3.11.7", {"x": ["pass", "fail"], "y": ["pass"]}),
            document("3.12.1", {"x": ["pass", "pass"]}),
        ]
    )
    table = render_summary_markdown(merged)
    x = "| x | 1.0 | 50% must, n/a compat; hygiene n/a; [1 finding](findings/python-3.11/x.md)"
    assert x + " | 100% must, n/a compat; hygiene n/a; [0 findings]" in table
    assert "(findings/python-3.11/y.md) | not installable |" in table
    # Links are relative to where the table goes: the README is two folders up.
    assert "(reports/matrix/findings/python-3.12/x.md)" in render_summary_markdown(
        merged, "reports/matrix/"
    )


def test_hygiene_is_counted_apart_from_the_percentages() -> None:
    doc = document("3.12.1", {"x": ["pass"]})
    doc["runs"][0]["hygiene"] = [
        {"id": "loop.close/hygiene/fds-closed", "outcome": "fail", "raw_outcome": "fail"},
        {"id": "loop.close/hygiene/threads-ended", "outcome": "pass", "raw_outcome": "pass"},
    ]
    table = render_summary_markdown(merge_results([doc]))
    assert "100% must, n/a compat; hygiene 1/2 (fds-closed)" in table


def test_a_findings_page_lists_causes_with_their_reproducers() -> None:
    doc = document("3.12.1", {"x": ["fail"]})
    case = doc["runs"][0]["cases"][0]
    case.update(
        message="boom at 0x7f00deadbeef via ('127.0.0.1', 45678)",
        kind="exception",
        cause="boom",
        quote="The quoted sentence.",
        repro="asyncio-conformance repro 'a/b/c0' --loop x",
    )
    (run,) = merge_results([doc])["runs"]
    page = render_findings_page(run)
    assert page.startswith("# x 1.0 on Python 3.12.1")
    assert "> The quoted sentence." in page
    assert "Reproduce: `asyncio-conformance repro 'a/b/c0' --loop x`" in page
    # Run-to-run noise is blanked, so a rebuild's diff shows behaviour changes only.
    assert "0x7f00deadbeef" not in page and "45678" not in page


def test_readme_markers() -> None:
    text = "a\n<!-- matrix:start -->\nold\n<!-- matrix:end -->\nb\n"
    assert "new" in replace_between_markers(text, "new\n") and "old" not in replace_between_markers(
        text, "new\n"
    )
    with pytest.raises(ValueError):
        replace_between_markers("no markers", "x")


def test_matrix_command_writes_the_site(tmp_path: Path) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps(document("3.11.7", {"x": ["pass"]})))
    b.write_text(json.dumps(document("3.12.1", {"x": ["fail"]})))
    proc = run_cli("matrix", str(a), str(b), "--output-dir", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == [
        "findings",
        "index.html",
        "matrix.json",
        "matrix.md",
        "python-3.11.html",
        "python-3.12.html",
    ]
    assert sorted(p.relative_to(out).as_posix() for p in (out / "findings").rglob("*.md")) == [
        "findings/python-3.11/x.md",
        "findings/python-3.12/x.md",
    ]
    index = (out / "index.html").read_text()
    assert 'href="findings/python-3.12/x.md"' in index and 'href="python-3.11.html"' in index
    assert "x (Python 3.12)" in (out / "python-3.12.html").read_text()
    matrix = json.loads((out / "matrix.json").read_text())
    assert matrix["kind"] == "matrix"
    assert [c["name"] for c in matrix["columns"]] == ["x (Python 3.11)", "x (Python 3.12)"]
    assert matrix["cases"][0]["outcomes"] == ["pass", "fail"]


def test_matrix_json_is_refused_where_results_are_expected(tmp_path: Path) -> None:
    # Feeding the published matrix back into report/diff/matrix is an easy
    # mistake; it must be a clear usage error, not a KeyError deep in a writer.
    a = tmp_path / "a.json"
    a.write_text(json.dumps(document("3.11.7", {"x": ["pass"]})))
    assert run_cli("matrix", str(a), "--output-dir", str(tmp_path / "out")).returncode == 0
    proc = run_cli(
        "report", str(tmp_path / "out" / "matrix.json"), "--html", str(tmp_path / "r.html")
    )
    assert proc.returncode == 2
    assert "matrix.json" in proc.stderr and "compatibility matrix" in proc.stderr
    assert not (tmp_path / "r.html").exists()


def test_compact_matrix_has_one_outcome_per_column_and_each_note_once(tmp_path: Path) -> None:
    merged = merge_results(
        [
            document("3.11.7", {"x": ["fail", "pass"], "y": ["fail", "pass"]}),
            document("3.12.1", {"x": ["pass"]}),
        ]
    )
    for run in merged["runs"]:
        for case in run["cases"]:
            if case["outcome"] == "fail":
                case["message"] = "same\nreason"
    matrix = compact_matrix(merged)
    assert [c["name"] for c in matrix["columns"]] == [
        "x (Python 3.11)",
        "x (Python 3.12)",
        "y (Python 3.11)",
    ]
    assert matrix["environment"]["pythons"] == ["3.11.7", "3.12.1"]
    rows = {row["id"]: row for row in matrix["cases"]}
    assert rows["a/b/c0"]["outcomes"] == ["fail", "pass", "fail"]
    assert rows["a/b/c1"]["outcomes"] == ["pass", None, "pass"]
    assert matrix["notes"] == ["same reason"]
    assert rows["a/b/c0"]["notes"] == [0, None, 0]
    assert "notes" not in rows["a/b/c1"]  # nothing to say: all passed

    path = tmp_path / "matrix.json"
    write_matrix_json(matrix, path)
    assert json.loads(path.read_text()) == json.loads(json.dumps(matrix))
    with pytest.raises(ValueError, match="compatibility matrix"):
        load_results(path)


def test_merged_environment_is_true_of_every_input() -> None:
    a, b = document("3.11.7", {"x": ["pass"]}), document("3.12.1", {"x": ["pass"]})
    a["environment"].update(
        argv=["run", "--loop", "x"], duration_s=10.0, jobs=2, started_at="2026-01-02T00:00:00"
    )
    b["environment"].update(
        argv=["run", "--loop", "y"], duration_s=5.5, jobs=1, started_at="2026-01-01T00:00:00"
    )
    env = merge_results([a, b])["environment"]
    assert env["python"] == "3.11.7, 3.12.1" and env["platform"] == "linux"
    assert env["duration_s"] == 15.5 and env["started_at"] == "2026-01-01T00:00:00"
    assert "argv" not in env and "jobs" not in env  # one run's, or disagreeing


def test_the_published_matrix_is_complete_and_the_readme_shows_it() -> None:
    root = Path(__file__).resolve().parent.parent
    matrix = json.loads((root / "reports" / "matrix" / "matrix.json").read_text())
    assert matrix["kind"] == "matrix"
    on_311 = {c["loop"] for c in matrix["columns"] if c["python"].startswith("3.11.")}
    assert {"asyncio", "reference", "uvloop", "rloop", "qasync", "async-solipsism"} <= on_311
    # Published only with every loop's expectations up to date.
    assert [c["name"] for c in matrix["columns"] if c["gate"] != "pass"] == []
    n_columns = len(matrix["columns"])
    assert all(len(row["outcomes"]) == n_columns for row in matrix["cases"])

    def table(text: str) -> list[str]:
        return [line for line in text.splitlines() if line.startswith("|")]

    readme = (root / "README.md").read_text()
    readme = readme.split("<!-- matrix:start -->")[1].split("<!-- matrix:end -->")[0]
    readme = readme.replace("](reports/matrix/", "](")  # its links start two folders up
    page = (root / "reports" / "matrix" / "matrix.md").read_text()
    assert table(page) and table(readme) == table(page)
    for link in re.findall(r"\]\((findings/[^)]+)\)", page):
        assert (root / "reports" / "matrix" / link).is_file(), link
