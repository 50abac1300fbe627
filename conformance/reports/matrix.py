"""The published compatibility matrix: several results files, one view.

Each input is a results document from one Python version (one ``run`` with one
or several loops). :func:`merge_results` makes one results document whose runs
are named ``loop (Python X.Y)``, so the HTML report's matrix view works on it
unchanged. That document is far too big to publish (every message, traceback
and expectation reason of ~30 runs: tens of megabytes), so the JSON that is
committed is :func:`compact_matrix`'s: one row per case with one outcome per
column, and each distinct note (expectation reason, failure or skip message)
stored once (docs/results-format.md, "The matrix document"). The pages that
are published with it are matrix_site's and matrix_index's.
"""

from __future__ import annotations

import copy
import json
from typing import Any, Iterable, Mapping

from ._atomic import atomic_write_text
from ._text import one_line, stable_text
from .stats import gate

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
        if python not in pythons:
            pythons.append(python)
        for run in document["runs"]:
            run = copy.deepcopy(dict(run))
            loop = dict(run["loop"])
            loop["base_name"] = loop["name"]
            loop["python"] = python
            loop["name"] = f"{loop['name']} (Python {_minor(python)})"
            run["loop"] = loop
            merged["runs"].append(run)
    merged["environment"] = _merged_environment([d["environment"] for d in documents], pythons)
    merged["runs"].sort(key=lambda r: (r["loop"]["base_name"], _version_key(r["loop"]["python"])))
    return merged


#: Settings that describe the whole matrix when every input agrees on them.
_SHARED_SETTINGS = (
    "implementation",
    "platform",
    "platform_detail",
    "machine",
    "jobs",
    "timeout_multiplier",
    "debug_mode",
    "repeat",
)


def _merged_environment(environments: list[Mapping[str, Any]], pythons: list[str]) -> dict:
    """The inputs' environment, as far as it is true of all of them.

    One input's command line or duration would be read as the matrix's own, so
    those become the earliest start and the summed duration; a setting the
    inputs disagree on is left out rather than shown from one of them.
    """
    merged: dict[str, Any] = {"python": ", ".join(pythons), "matrix_pythons": pythons}
    for key in _SHARED_SETTINGS:
        values = {repr(env.get(key)) for env in environments}
        if len(values) == 1 and environments[0].get(key) is not None:
            merged[key] = environments[0][key]
    starts = sorted(str(env["started_at"]) for env in environments if env.get("started_at"))
    if starts:
        merged["started_at"] = starts[0]
    durations = [env.get("duration_s") for env in environments]
    if durations and all(isinstance(d, (int, float)) for d in durations):
        merged["duration_s"] = round(sum(durations), 1)
    return merged


#: ``kind`` of the compact document, so that readers of results files can tell it apart.
MATRIX_KIND = "matrix"
#: 2: what a clause's cases share (api, section, level, quote) is under ``clauses``.
MATRIX_SCHEMA = 2
#: Notes longer than this are cut: the matrix says why in a line, the loop's own
#: report (or ``repro``) has the whole story.
NOTE_LIMIT = 400


def _note(case: Mapping[str, Any]) -> str:
    """The one line worth keeping about a case: why it did not pass, or what it observed."""
    outcome = case.get("outcome")
    reason = (case.get("expected") or {}).get("reason")
    if outcome in ("xfail", "xpass") and reason:
        return one_line(stable_text(reason), NOTE_LIMIT)
    if case.get("observed") is not None:
        # impl-defined: what each loop chose is the point of the case, pass or not.
        return one_line(f"observed: {case['observed']}", NOTE_LIMIT)
    if outcome == "pass":
        return ""
    return one_line(stable_text(case.get("message")), NOTE_LIMIT)


def compact_matrix(merged: Mapping[str, Any]) -> dict:
    """The publishable form of :func:`merge_results`' document.

    Columns are the merged runs (loop and Python), in the same order; each case
    row has one outcome per column (``None`` where that run lacks the case) and,
    when any column has something to say, a parallel list of indexes into
    ``notes``.
    """
    runs = list(merged["runs"])
    columns = []
    for run in runs:
        loop = run["loop"]
        columns.append(
            {
                "name": loop["name"],
                "loop": loop.get("base_name", loop["name"]),
                "version": str(loop.get("version", "")),
                "factory": loop.get("factory", ""),
                "python": loop.get("python", ""),
                "gate": gate(run),
                "summary": run.get("summary", {}),
                "expectations": run.get("expectations", {"files": [], "stale": []}),
            }
        )
    notes: list[str] = []
    note_index: dict[str, int] = {}
    rows: dict[str, dict[str, Any]] = {}
    clauses: dict[str, dict[str, Any]] = {}
    for column, run in enumerate(runs):
        for case in run.get("cases", []):
            row = rows.get(case["id"])
            if row is None:
                clause = case.get("clause")
                # What every case of a clause shares is stored once, by clause.
                clauses.setdefault(
                    clause, {key: case.get(key) for key in ("api", "section", "level", "quote")}
                )
                row = {"id": case["id"]}  # its clause is the id up to the last "/"
                if case.get("loop_independent"):
                    row["loop_independent"] = True
                row["outcomes"] = [None] * len(runs)
                row["notes"] = [None] * len(runs)
                rows[case["id"]] = row
            row["outcomes"][column] = case.get("outcome")
            text = _note(case)
            if text:
                if text not in note_index:
                    note_index[text] = len(notes)
                    notes.append(text)
                row["notes"][column] = note_index[text]
    for row in rows.values():
        if all(n is None for n in row["notes"]):
            del row["notes"]
    return {
        "schema": MATRIX_SCHEMA,
        "kind": MATRIX_KIND,
        "tool": merged.get("tool", {}),
        "environment": {
            key: merged["environment"].get(key)
            for key in ("platform", "platform_detail", "machine", "implementation")
            if merged["environment"].get(key) is not None
        }
        | {"pythons": merged["environment"].get("matrix_pythons", [])},
        "columns": columns,
        "clauses": clauses,
        "notes": notes,
        "cases": list(rows.values()),
    }


def write_matrix_json(matrix: Mapping[str, Any], path: Any) -> None:
    """Write the compact matrix, one case per line, so that a regeneration's git
    diff shows which cases changed rather than one enormous changed line."""
    head = {key: value for key, value in matrix.items() if key not in ("clauses", "notes", "cases")}

    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    lines = ["{"]
    for key, value in head.items():
        nested = json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        lines.append(f"  {dump(key)}: {nested},")
    lines.append('  "clauses": {')
    lines.append(
        ",\n".join(f"    {dump(key)}: {dump(value)}" for key, value in matrix["clauses"].items())
    )
    lines.append("  },")
    lines.append('  "notes": [')
    lines.append(",\n".join(f"    {dump(note)}" for note in matrix["notes"]))
    lines.append("  ],")
    lines.append('  "cases": [')
    lines.append(",\n".join(f"    {dump(row)}" for row in matrix["cases"]))
    lines.append("  ]")
    lines.append("}")
    atomic_write_text(path, "\n".join(lines) + "\n")


def _version_key(version: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in version.split("."))


def replace_between_markers(text: str, block: str) -> str:
    """Put ``block`` between the matrix markers in ``text`` (a README)."""
    start, end = text.find(MATRIX_START), text.find(MATRIX_END)
    if start < 0 or end < start:
        raise ValueError(f"the markers {MATRIX_START} ... {MATRIX_END} are missing")
    return text[: start + len(MATRIX_START)] + "\n" + block + text[end:]
