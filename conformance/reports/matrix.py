"""The published compatibility matrix: several results files, one view.

Each input is a results document from one Python version (one ``run`` with
several loops). The matrix is itself a results document whose runs are named
``loop (Python X.Y)``, so the HTML report's matrix view, the JUnit writer and
``diff`` all work on it unchanged. A Markdown table (loops by Python versions)
summarizes it for the README.
"""

from __future__ import annotations

import copy
from typing import Any, Iterable, Mapping

from .stats import conformance, format_percent

MATRIX_START = "<!-- matrix:start -->"
MATRIX_END = "<!-- matrix:end -->"


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def merge_results(documents: Iterable[Mapping[str, Any]]) -> dict:
    """One document with every run of every input, named by loop and Python version."""
    documents = list(documents)
    if not documents:
        raise ValueError("the matrix needs at least one results file")
    merged = copy.deepcopy(dict(documents[0]))
    merged["runs"] = []
    pythons = []
    for document in sorted(documents, key=lambda d: _version_key(d["environment"]["python"])):
        python = document["environment"]["python"]
        pythons.append(python)
        for run in document["runs"]:
            run = copy.deepcopy(dict(run))
            loop = dict(run["loop"])
            loop["base_name"] = loop["name"]
            loop["python"] = python
            loop["name"] = f"{loop['name']} (Python {_minor(python)})"
            run["loop"] = loop
            merged["runs"].append(run)
    merged["environment"] = dict(
        merged["environment"], python=", ".join(pythons), matrix_pythons=pythons
    )
    merged["runs"].sort(key=lambda r: (r["loop"]["base_name"], _version_key(r["loop"]["python"])))
    return merged


def _version_key(version: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in version.split("."))


def render_matrix_markdown(matrix: Mapping[str, Any]) -> str:
    """Loops as rows, Python versions as columns; each cell must% / compat%."""
    pythons = sorted({_minor(r["loop"]["python"]) for r in matrix["runs"]}, key=_version_key)
    loops: dict[str, dict[str, Mapping[str, Any]]] = {}
    versions: dict[str, list[str]] = {}
    for run in matrix["runs"]:
        name = run["loop"]["base_name"]
        loops.setdefault(name, {})[_minor(run["loop"]["python"])] = run
        version = str(run["loop"].get("version", ""))
        if version not in versions.setdefault(name, []):
            versions[name].append(version)
    lines = [
        "| loop | version | " + " | ".join(f"Python {p}" for p in pythons) + " |",
        "| --- | --- | " + " | ".join("---" for _ in pythons) + " |",
    ]
    for name in sorted(loops):
        cells = []
        for python in pythons:
            run = loops[name].get(python)
            if run is None:
                cells.append("not installable")
                continue
            tallies = conformance(run)
            cells.append(
                f"{format_percent(tallies['must'].percent)} must, "
                f"{format_percent(tallies['compat'].percent)} compat"
            )
        lines.append(f"| {name} | {', '.join(versions[name])} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(
        "Percentages are passing cases over cases run (skips excluded), rounded down; "
        "known deviations (xfail) count as not passing. Full per-clause matrix: "
        "[reports/matrix/matrix.html](reports/matrix/matrix.html)."
    )
    return "\n".join(lines) + "\n"


def replace_between_markers(text: str, block: str) -> str:
    """Put ``block`` between the matrix markers in ``text`` (a README)."""
    start, end = text.find(MATRIX_START), text.find(MATRIX_END)
    if start < 0 or end < start:
        raise ValueError(f"the markers {MATRIX_START} ... {MATRIX_END} are missing")
    return text[: start + len(MATRIX_START)] + "\n" + block + text[end:]
