"""Reports rendered from the results JSON (docs/results-format.md).

Every report is a pure function of the results dict, so the same code runs at
the end of ``asyncio-conformance run`` and later on a saved file
(``asyncio-conformance report results.json``). Each writer replaces its file
atomically. This module holds the conveniences the CLI calls:
:func:`load_results`, :func:`write_reports` and :func:`write_report_dir`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Mapping, Union

from ._atomic import atomic_write_text
from .ambiguities import render_ambiguity_register
from .badges import write_badges
from .diff import DiffReport, diff_results, render_diff
from .html import render_html, write_html
from .junit import render_junit, write_junit
from .markdown import append_github_step_summary, render_markdown, write_markdown

__all__ = [
    "SCHEMA",
    "DiffReport",
    "append_github_step_summary",
    "diff_results",
    "load_results",
    "render_ambiguity_register",
    "render_diff",
    "render_html",
    "render_junit",
    "render_markdown",
    "write_badges",
    "write_html",
    "write_junit",
    "write_markdown",
    "write_report_dir",
    "write_reports",
    "write_results_json",
]

from ..results import READABLE_SCHEMAS, SCHEMA

PathArg = Union[str, "os.PathLike[str]"]


def load_results(path: PathArg) -> dict:
    """Read and check a results JSON file.

    Raises :class:`ValueError` naming the file when it cannot be read, is not
    JSON, is not an object, has a ``schema`` this version cannot read, or has no ``runs``
    list, so the CLI can report it as bad usage (exit 2) with one message.
    """
    name = os.fspath(path)
    try:
        with open(name, encoding="utf-8") as handle:
            data = json.load(handle)
    except OSError as exc:
        raise ValueError(f"{name}: cannot read results file: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ValueError(f"{name}: results file is not UTF-8 text: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise ValueError(f"{name}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from exc
    if not isinstance(data, dict):
        raise ValueError(f"{name}: results must be a JSON object, not {type(data).__name__}")
    if "schema" not in data:
        raise ValueError(f"{name}: not an asyncio-conformance results file (no 'schema' field)")
    if data["schema"] not in READABLE_SCHEMAS:
        readable = ", ".join(map(str, READABLE_SCHEMAS))
        raise ValueError(
            f"{name}: unsupported results schema {data['schema']!r}; this version reads "
            f"schemas {readable}"
        )
    if data.get("kind") == "matrix":
        raise ValueError(
            f"{name}: this is a compatibility matrix (written by 'matrix'), not one run's "
            "results; pass the per-Python results files it was made from"
        )
    if not isinstance(data.get("runs"), list):
        raise ValueError(f"{name}: 'runs' must be a list")
    return data


def write_results_json(results: Mapping[str, Any], path: PathArg) -> Path:
    """Write the results JSON atomically, UTF-8, indented.

    A message holding a lone surrogate cannot be encoded as UTF-8; the file
    then falls back to ASCII with ``\\uXXXX`` escapes, which every JSON reader
    (including :func:`load_results`) reads back unchanged.
    """
    try:
        text = json.dumps(results, indent=2, ensure_ascii=False)
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(results, indent=2, ensure_ascii=True)
    return atomic_write_text(path, text + "\n")


def write_reports(
    results: Mapping[str, Any],
    *,
    json_path: PathArg | None = None,
    junit_path: PathArg | None = None,
    html_path: PathArg | None = None,
    markdown_path: PathArg | None = None,
    badge_dir: PathArg | None = None,
) -> dict[str, Any]:
    """Write every report whose path is given; return ``{kind: path or paths}``.

    The JSON is written first, so that if a later report fails the results
    themselves are already saved and can be re-rendered with ``report``.
    """
    written: dict[str, Any] = {}
    if json_path is not None:
        written["json"] = write_results_json(results, json_path)
    if junit_path is not None:
        write_junit(results, Path(junit_path))
        written["junit"] = Path(junit_path)
    if html_path is not None:
        write_html(results, Path(html_path))
        written["html"] = Path(html_path)
    if markdown_path is not None:
        write_markdown(results, Path(markdown_path))
        written["markdown"] = Path(markdown_path)
    if badge_dir is not None:
        written["badges"] = write_badges(results, Path(badge_dir))
    return written


def write_report_dir(results: Mapping[str, Any], directory: PathArg) -> dict[str, Any]:
    """Write the full set into ``directory`` (for ``run --report-dir DIR``).

    Layout: ``results.json``, ``junit.xml``, ``report.html``, ``summary.md``
    and ``badges/<loop>.svg``.
    """
    base = Path(directory)
    return write_reports(
        results,
        json_path=base / "results.json",
        junit_path=base / "junit.xml",
        html_path=base / "report.html",
        markdown_path=base / "summary.md",
        badge_dir=base / "badges",
    )
