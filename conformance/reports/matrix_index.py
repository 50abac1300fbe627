"""``reports/matrix/index.html``: the loop × Python table, and nothing else heavy.

The view is built here (matrix_site.table does the counting); the template
only lays it out, like the full report's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from ._atomic import atomic_write_text
from ._text import clean_tree, minify_html
from .html import template_environment
from .matrix_site import minor, python_page, table
from .stats import tone


def _tone(percent_text: str) -> str:
    """The band of a cell's percentage, given as the text shown ("97.6%", "n/a")."""
    try:
        return tone(float(percent_text.rstrip("%")))
    except ValueError:
        return "none"


def build_index_view(merged: Mapping[str, Any]) -> dict[str, Any]:
    pythons, cells = table(merged)
    rows = []
    for loop, by_python in cells.items():
        row_cells = []
        for python in pythons:
            cell = by_python.get(python)
            if cell is None:
                row_cells.append(None)
                continue
            row_cells.append(
                {
                    "version": cell.version,
                    "must": cell.must,
                    "compat": cell.compat,
                    "must_tone": _tone(cell.must),
                    "compat_tone": _tone(cell.compat),
                    "hygiene": cell.hygiene,
                    "hygiene_tone": "good" if not cell.hygiene_failing else "warn",
                    "findings": cell.findings,
                    "unexpected": cell.unexpected,
                    "gate": cell.gate,
                    "complete": cell.complete,
                    "not_run": cell.not_run,
                    "link": cell.findings_page,
                }
            )
        rows.append({"loop": loop, "cells": row_cells})
    environment = merged.get("environment") or {}
    return clean_tree(
        {
            "tool": merged.get("tool") or {},
            "platform": environment.get("platform_detail") or environment.get("platform") or "",
            "started": environment.get("started_at") or "",
            "pythons": [{"name": p, "page": python_page(p)} for p in pythons],
            "rows": rows,
            "runs": len(merged["runs"]),
            "versions": sorted({minor(r["loop"]["python"]) for r in merged["runs"]}),
        }
    )


def write_index(merged: Mapping[str, Any], path: Path) -> None:
    template = template_environment().get_template("matrix-index.html.j2")
    atomic_write_text(path, minify_html(template.render(view=build_index_view(merged))))
