"""Generated documents stay in step with the specs, and the reference copy with shared/."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import ROOT, run_cli


@pytest.mark.parametrize(
    ("document", "command"),
    [
        ("docs/ambiguities.md", ["ambiguities", "--output", "docs/ambiguities.md"]),
        ("docs/audit.md", ["audit", "--report", "docs/audit.md"]),
    ],
    ids=["ambiguity-register", "audit-report"],
)
def test_generated_document_is_up_to_date(document: str, command: list[str]) -> None:
    """``command`` writes ``document``; without its output option it prints it."""
    proc = run_cli(*command[:1])
    assert proc.returncode == 0, proc.stderr
    committed = (ROOT / document).read_text()
    assert committed == proc.stdout, (
        f"{document} is stale: run `asyncio-conformance {' '.join(command)}`"
    )


def test_reference_documents_match_shared_copy() -> None:
    shared = ROOT.parent / "shared" / "reference"
    if not shared.is_dir():
        return  # a checkout without the shared folder beside it
    for name in ("asyncio-docs.txt", "asyncio-docs-3.11.txt"):
        ours = (ROOT / "specs" / "reference" / name).read_bytes()
        assert ours == (shared / name).read_bytes(), f"specs/reference/{name} differs from shared/"
    # The project's inventory extends the shared one with what the 3.11 pages
    # add: every shared id stays, in its section.
    import yaml

    def entries(path: Path) -> dict[str, set[str]]:
        doc = yaml.safe_load(path.read_text())
        return {name: {e["id"] for e in items} for name, items in doc["sections"].items()}

    ours, theirs = (
        entries(ROOT / "specs" / "reference" / "api-inventory.yaml"),
        entries(shared / "api-inventory.yaml"),
    )
    for section, ids in theirs.items():
        assert ids <= ours.get(section, set()), (
            f"{section}: {sorted(ids - ours.get(section, set()))}"
        )


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=["lint", "format"])
def test_ruff_is_clean(command: list[str]) -> None:
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "ruff", *command, "."], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_readme_starts_with_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text()
    blocks = [b for b in text.split("```") if b.strip().startswith(("sh\n", "bash\n"))]
    assert len(blocks) >= 2
    assert "asyncio-conformance run" in blocks[0] and "pytest" in blocks[1]
    ci = (ROOT / ".ci" / "run").read_text()
    test_command = blocks[1].split("\n", 1)[1].strip()
    assert test_command in ci, "CI must call the README's test command"
    assert Path(ROOT / "reports").is_dir()
