"""The compatibility matrix merges per-Python results into one document and table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conformance.reports.matrix import (
    merge_results,
    render_matrix_markdown,
    replace_between_markers,
)

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
    table = render_matrix_markdown(merged)
    assert "| x | 1.0 | 50% must, n/a compat | 100% must, n/a compat |" in table
    assert "| y | 1.0 | 100% must, n/a compat | not installable |" in table


def test_readme_markers() -> None:
    text = "a\n<!-- matrix:start -->\nold\n<!-- matrix:end -->\nb\n"
    assert "new" in replace_between_markers(text, "new\n") and "old" not in replace_between_markers(
        text, "new\n"
    )
    with pytest.raises(ValueError):
        replace_between_markers("no markers", "x")


def test_matrix_command_writes_three_files(tmp_path: Path) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps(document("3.11.7", {"x": ["pass"]})))
    b.write_text(json.dumps(document("3.12.1", {"x": ["fail"]})))
    proc = run_cli("matrix", str(a), str(b), "--output-dir", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "matrix.html",
        "matrix.json",
        "matrix.md",
    ]
    assert "x (Python 3.12)" in (tmp_path / "out" / "matrix.html").read_text()
