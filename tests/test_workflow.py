"""The published matrix's workflow runs the commands the docs give, for every loop."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "matrix.yml"


def _commands(text: str) -> list[tuple[str, set[str]]]:
    """(subcommand, its --flags) for each asyncio-conformance call in ``text``."""
    found = []
    for line in re.split(r"\n(?!\s*--)", text.replace("\\\n", " ")):
        match = re.search(r"asyncio-conformance (\w[\w-]*)(.*)", line)
        if match:
            found.append((match.group(1), set(re.findall(r"(--[a-z-]+)", match.group(2)))))
    return found


def _steps() -> list[str]:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    return [
        step["run"] for job in workflow["jobs"].values() for step in job["steps"] if "run" in step
    ]


def test_every_command_of_the_workflow_is_documented() -> None:
    docs = (ROOT / "docs" / "ci-recipe.md").read_text() + (ROOT / "README.md").read_text()
    documented = _commands(docs)
    used = [command for step in _steps() for command in _commands(step)]
    assert {sub for sub, _ in used} >= {"run", "merge", "matrix"}
    for sub, flags in used:
        assert any(s == sub and flags <= f for s, f in documented), (
            f"the workflow runs `asyncio-conformance {sub} {' '.join(sorted(flags))}`, "
            "which docs/ci-recipe.md and the README never show"
        )


def test_the_workflow_builds_every_loop_in_adapters() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    loops = set(workflow["jobs"]["run"]["strategy"]["matrix"]["loop"])
    adapters = {p.name for p in (ROOT / "adapters").iterdir() if (p / "pyproject.toml").is_file()}
    assert adapters <= loops, f"not in the matrix workflow: {sorted(adapters - loops)}"
    assert {"asyncio", "reference"} <= loops
