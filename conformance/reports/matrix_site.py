"""The published matrix as a small static site (``reports/matrix/``).

One page per concern, so that a rebuild touches only what changed and no file
grows with the number of loops times Pythons times cases:

- ``index.html`` (and ``matrix.md``, which the README embeds): the loop ×
  Python table. Each cell gives the must and compat conformance, the
  hygiene checks apart from them, and the number of findings, linking to
- ``findings/python-X.Y/<loop>.md``: that run's findings, most important
  first, each with its clause, quote, what was seen, the recorded reason and
  the reproducer. Markdown: readable raw, rendered by code hosts, small diffs.
- ``python-X.Y.html``: every clause against every loop on one Python.
- ``matrix.json``: the compact matrix document (matrix.py), for tools.

Text from the loops goes through :func:`stable_text`, so that a rebuild's
diff shows changed behaviour rather than new ports and object addresses.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Optional

from ..findings import run_findings
from ._atomic import atomic_write_text
from ._text import one_line, stable_text
from .stats import BAD_OUTCOMES, conformance, format_percent, gate


@dataclass
class Cell:
    """One loop on one Python, as the summary table shows it."""

    loop: str
    python: str
    version: str
    must: str
    compat: str
    hygiene_clean: int
    hygiene_total: int
    hygiene_failing: list[str]
    findings: int
    new_findings: int
    #: Cases and hygiene checks whose outcome fails the gate (fail, error,
    #: timeout, crash, or an expected failure that passed).
    unexpected: int
    gate: str
    complete: bool
    not_run: int
    findings_page: str  # relative to the matrix folder

    @property
    def hygiene(self) -> str:
        if not self.hygiene_total:
            return "hygiene n/a"
        text = f"hygiene {self.hygiene_clean}/{self.hygiene_total}"
        return text + (f" ({', '.join(self.hygiene_failing)})" if self.hygiene_failing else "")


def minor(version: str) -> str:
    return ".".join(str(version).split(".")[:2])


def _version_key(version: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in str(version).split("."))


def findings_page(loop: str, python: str) -> str:
    return f"findings/python-{minor(python)}/{loop}.md"


def python_page(python: str) -> str:
    return f"python-{minor(python)}.html"


def cell_for(run: Mapping[str, Any]) -> Cell:
    """Summarize one merged run (see matrix.merge_results)."""
    loop = run["loop"]
    tallies = conformance(run)
    hygiene = run.get("hygiene") or []
    failing = [
        str(h.get("id", "")).rsplit("/", 1)[-1]
        for h in hygiene
        if h.get("raw_outcome", h.get("outcome")) not in ("pass", "skip")
    ]
    findings = run.get("findings")
    if findings is None:
        findings = run_findings(dict(run))
    summary = run.get("summary") or {}
    return Cell(
        loop=loop.get("base_name", loop["name"]),
        python=loop.get("python", ""),
        version=str(loop.get("version", "")),
        must=format_percent(tallies["must"].percent),
        compat=format_percent(tallies["compat"].percent),
        hygiene_clean=sum(
            1 for h in hygiene if h.get("raw_outcome", h.get("outcome")) in ("pass", "skip")
        ),
        hygiene_total=len(hygiene),
        hygiene_failing=failing,
        findings=len(findings),
        new_findings=sum(1 for f in findings if f.get("unexpected")),
        unexpected=sum(
            1 for c in [*(run.get("cases") or []), *hygiene] if c.get("outcome") in BAD_OUTCOMES
        ),
        gate=gate(run),
        complete=run.get("complete") is not False,
        not_run=int(summary.get("not_run") or 0),
        findings_page=findings_page(loop.get("base_name", loop["name"]), loop.get("python", "")),
    )


def table(merged: Mapping[str, Any]) -> tuple[list[str], dict[str, dict[str, Cell]]]:
    """(Python minors in order, {loop: {python minor: Cell}})."""
    pythons = sorted({minor(r["loop"]["python"]) for r in merged["runs"]}, key=_version_key)
    cells: dict[str, dict[str, Cell]] = {}
    for run in merged["runs"]:
        cell = cell_for(run)
        cells.setdefault(cell.loop, {})[minor(cell.python)] = cell
    return pythons, dict(sorted(cells.items()))


def cell_markdown(cell: Optional[Cell], link_prefix: str) -> str:
    if cell is None:
        return "not installable"
    text = f"{cell.must} must, {cell.compat} compat; {cell.hygiene}; "
    count = f"{cell.findings} finding{'' if cell.findings == 1 else 's'}"
    text += f"[{count}]({link_prefix}{cell.findings_page})"
    if not cell.complete:
        text += f" (cut short: {cell.not_run} cases not run)"
    elif cell.gate != "pass":
        text += f" (gate fails: {cell.unexpected} unexpected outcomes)"
    return text


def render_summary_markdown(merged: Mapping[str, Any], link_prefix: str = "") -> str:
    """The loop × Python table; ``link_prefix`` is the matrix folder relative to the page."""
    pythons, cells = table(merged)
    lines = [
        "| loop | version | " + " | ".join(f"Python {p}" for p in pythons) + " |",
        "| --- | --- | " + " | ".join("---" for _ in pythons) + " |",
    ]
    for loop, by_python in cells.items():
        versions = sorted({c.version for c in by_python.values()}, key=_version_key)
        row = [cell_markdown(by_python.get(p), link_prefix) for p in pythons]
        lines.append(f"| {loop} | {', '.join(versions)} | " + " | ".join(row) + " |")
    lines += [
        "",
        "must and compat: passing cases over cases run (skips excluded, rounded down); "
        "known deviations (xfail) count as not passing, and loop-independent cases not at "
        "all. hygiene: of the checks for what a loop leaves behind after close() (fds, "
        "threads, child processes, a clean close, unclosed objects), how many it passes; "
        "they are not part of the percentages. Findings: the run's failures grouped by "
        "cause. Per-clause pages: "
        + ", ".join(f"[Python {p}]({link_prefix}python-{p}.html)" for p in pythons)
        + ".",
    ]
    return "\n".join(lines) + "\n"


# -- per-run findings pages ---------------------------------------------------------


def _md(text: Any, limit: int = 0) -> str:
    value = stable_text(text).replace("|", "\\|")
    return one_line(value, limit) if limit else value


def render_findings_page(run: Mapping[str, Any]) -> str:
    """One run's findings as Markdown, most important first."""
    cell = cell_for(run)
    loop = run["loop"]
    findings = run.get("findings")
    if findings is None:
        findings = run_findings(dict(run))
    files = (run.get("expectations") or {}).get("files") or []
    lines = [
        f"# {cell.loop} {cell.version} on Python {cell.python}",
        "",
        f"{cell.must} of must cases and {cell.compat} of compat cases pass; {cell.hygiene}; "
        f"gate **{cell.gate}**.",
        "",
        f"Factory `{loop.get('factory', '')}`. Expectations: "
        + (", ".join(f"`{Path(f).name}`" for f in files) if files else "none")
        + ".",
        "",
    ]
    if not cell.complete:
        lines += [f"**Cut short:** {cell.not_run} cases did not run.", ""]
    if not findings:
        return "\n".join(lines + ["No findings: every case passed or was skipped.", ""])
    lines += [
        f"## {len(findings)} findings ({cell.new_findings} not in the expectations)",
        "",
        "| | state | level | cases | cause |",
        "| --- | --- | --- | ---: | --- |",
    ]
    for finding in findings:
        state = "new" if finding.get("unexpected") else "known"
        lines.append(
            f"| [{finding['id']}](#{finding['id'].lower()}) | {state} | {finding.get('level', '')} "
            f"| {finding.get('count', 0)} | {_md(finding.get('title'), 160)} |"
        )
    for finding in findings:
        lines += ["", f"### {finding['id']}", ""]
        lines.append(f"**{_md(finding.get('title'), 300)}**")
        lines.append("")
        clauses = finding.get("clauses") or {}
        where = f"`{finding.get('clause', '')}`"
        if len(clauses) > 1:
            where += f" and {len(clauses) - 1} more clauses"
        lines.append(f"{finding.get('count', 0)} cases; {where}.")
        if finding.get("quote"):
            lines += ["", f"> {_md(finding['quote'], 400)}"]
        if finding.get("message"):
            lines += ["", "```", stable_text(finding["message"])[:600].rstrip(), "```"]
        for reason in finding.get("reasons") or []:
            lines += ["", f"Recorded reason: {_md(reason, 500)}"]
        if finding.get("repro"):
            lines += ["", f"Reproduce: `{finding['repro']}`"]
    return "\n".join(lines) + "\n"


def runs_by_python(merged: Mapping[str, Any]) -> dict[str, dict]:
    """One results document per Python minor, for the per-Python clause pages."""
    documents: dict[str, dict] = {}
    for run in merged["runs"]:
        python = minor(run["loop"]["python"])
        documents.setdefault(python, dict(merged, runs=[]))["runs"].append(run)
    return documents


def write_findings_pages(merged: Mapping[str, Any], out: Path) -> None:
    """``findings/python-X.Y/<loop>.md`` for every run; pages of runs no longer
    in the matrix (a loop dropped, a Python gone) are removed."""
    keep = set()
    for run in merged["runs"]:
        loop = run["loop"]
        page = out / findings_page(loop.get("base_name", loop["name"]), loop["python"])
        page.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(page, render_findings_page(run))
        keep.add(page)
    for page in (out / "findings").glob("python-*/*.md"):
        if page not in keep:
            page.unlink()
    pythons = {python_page(p) for p in runs_by_python(merged)}
    for page in out.glob("python-*.html"):
        if page.name not in pythons:
            page.unlink()
