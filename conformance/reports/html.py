"""The self-contained HTML report.

The page is one file with inline CSS and JS and no external resources, so it
can be attached to a CI run, mailed, or opened offline years later. It is
rendered by Jinja2 with autoescaping on, from a *view* built here: all the
counting and grouping happens in Python (where it is tested), and the template
only lays out what it is given. Every string from the results is first passed
through :func:`clean_text` so that lone surrogates cannot break the UTF-8
encoding, and autoescaping turns ``<script>`` in a loop's message into text.

The page stays usable at ~2000 cases × 6 loops: one row per case with one
small cell per loop, failure details only for failing cases, and a filter
script that only toggles ``hidden`` on rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

import jinja2

from ..findings import run_findings
from ._atomic import atomic_write_text
from ._text import clean_tree, minify_html, one_line, quote_lines
from .stats import (
    BAD_OUTCOMES,
    COUNTED_LEVELS,
    OUTCOMES,
    Tally,
    conformance,
    format_percent,
    gate,
    incomplete_note,
    loop_label,
    tally,
    tone,
)

#: Short symbols for matrix cells (the full outcome is in the cell's title).
SYMBOLS = {
    "pass": "✓",
    "fail": "✗",
    "error": "!",
    "timeout": "◔",
    "crash": "☠",
    "skip": "–",
    "xfail": "✗",
    "xpass": "✓!",
}

_ENV_FIELDS = (
    ("python", "Python"),
    ("implementation", "Implementation"),
    ("platform_detail", "Platform"),
    ("machine", "Machine"),
    ("started_at", "Started"),
    ("duration_s", "Duration (s)"),
    ("jobs", "Jobs"),
    ("timeout_multiplier", "Timeout multiplier"),
    ("debug_mode", "Debug mode"),
    ("repeat", "Repeat"),
    ("select", "Selection"),
    ("argv", "Command"),
)


def _environment_rows(env: Mapping[str, Any]) -> list[tuple[str, str]]:
    rows = []
    for key, label in _ENV_FIELDS:
        value = env.get(key)
        if value is None or value == "":
            continue
        if key == "platform_detail" and env.get("platform"):
            value = f"{env['platform']} ({value})"
        if key == "argv" and isinstance(value, list):
            value = "asyncio-conformance " + " ".join(str(v) for v in value)
        rows.append((label, str(value)))
    if not env.get("platform_detail") and env.get("platform"):
        rows.insert(2, ("Platform", str(env["platform"])))
    return rows


def _pct_cell(t: Tally) -> dict[str, Any]:
    """A summary cell: percentage, bar width and counts."""
    pct = t.percent
    return {
        "pct": format_percent(pct),
        "width": 0 if pct is None else round(pct, 1),
        "passed": t.passed,
        "counted": t.counted,
        "xfail": t.counts.get("xfail", 0),
        "bad": t.bad,
        "skip": t.counts.get("skip", 0),
        "tone": tone(pct),
        "empty": t.total == 0,
    }


def _loop_card(results: Mapping[str, Any], run: Mapping[str, Any], index: int) -> dict[str, Any]:
    loop = run.get("loop") or {}
    tallies = conformance(run)
    everything = tally(run.get("cases") or [], None)
    stale = ((run.get("expectations") or {}).get("stale")) or []
    return {
        "index": index,
        "name": loop_label(run, index),
        "version": loop.get("version") or "",
        "factory": loop.get("factory") or "",
        "description": loop.get("description") or "",
        "gate": gate(run),
        "overall": _pct_cell(tallies["overall"]),
        "must": _pct_cell(tallies["must"]),
        "compat": _pct_cell(tallies["compat"]),
        "counts": [(name, everything.counts.get(name, 0)) for name in OUTCOMES],
        "total": everything.total,
        "flaky": sum(1 for c in run.get("cases") or [] if c.get("flaky")),
        "hygiene": [
            (str(h.get("id", "")).rsplit("/", 1)[-1], str(h.get("outcome", "")))
            for h in run.get("hygiene") or []
        ],
        "expectation_files": (run.get("expectations") or {}).get("files") or [],
        "inherits_stdlib": bool((run.get("expectations") or {}).get("inherits_stdlib")),
        "stale": [
            {"id": str(s.get("id", "?")), "where": f"{s.get('file', '?')}:{s.get('line', '?')}"}
            for s in stale
            if isinstance(s, dict)
        ],
        "unused": [
            f"{u.get('file', '?')}:{u.get('line', '?')}"
            for u in (run.get("expectations") or {}).get("not_observable") or []
            if isinstance(u, dict)
        ],
    }


def _finding_items(run: Mapping[str, Any], anchors: Mapping[str, str]) -> list[dict[str, Any]]:
    """A run's findings, laid out: most important first, each with its cases and reproducer."""
    items = []
    for finding in run_findings(dict(run)):
        count, known = finding.get("count", 0), finding.get("known", 0)
        stdlib = finding.get("stdlib") or {}
        if stdlib.get("known") and stdlib.get("fails") == stdlib.get("known"):
            shared = "the stdlib loop fails these cases too"
        elif stdlib.get("fails"):
            shared = f"the stdlib loop fails {stdlib['fails']} of {stdlib['known']} too"
        elif stdlib.get("known"):
            shared = "the stdlib loop passes these cases"
        else:
            shared = ""
        cases = finding.get("seen_in") if finding.get("kind") == "hygiene" else finding.get("cases")
        items.append(
            {
                "id": finding.get("id", ""),
                "state": "known" if count and known == len(finding.get("cases") or []) else "new",
                "kind": finding.get("kind", ""),
                "level": finding.get("level", ""),
                "title": one_line(finding.get("title"), 300),
                "count": count,
                "clause": finding.get("clause", ""),
                "clauses": list((finding.get("clauses") or {}).items()),
                "quote": finding.get("quote", ""),
                "message": finding.get("message", ""),
                "repro": finding.get("repro", "") if finding.get("kind") != "hygiene" else "",
                "reasons": finding.get("reasons") or [],
                "shared": shared,
                "cases": [(c, anchors.get(c)) for c in (cases or [])[:50]],
                "more": max(0, len(cases or []) - 50),
            }
        )
    return items


def _group_cell(cases: list[Mapping[str, Any]], level: str) -> dict[str, Any]:
    """One matrix cell: a clause's cases in one loop."""
    if not cases:
        return {"cls": "o-none", "sym": "", "title": "not run"}
    if level == "impl-defined":
        observed = "; ".join(
            one_line(c.get("observed"), 80) for c in cases if c.get("observed") is not None
        )
        bad = [c for c in cases if c.get("outcome") in BAD_OUTCOMES]
        text = observed or ("(nothing observed)" if not bad else bad[0].get("outcome"))
        return {
            "cls": "o-impl",
            "sym": one_line(text, 14),
            "title": "observed: " + (observed or "—"),
        }
    t = tally(cases, None)
    worst = t.worst() or "skip"
    title = ", ".join(f"{n} {name}" for name, n in t.counts.items() if n)
    if level == "precondition":
        return {
            "cls": "o-skip",
            "sym": "·",
            "title": "precondition (a duty of the caller): " + title,
        }
    counted = t.counted
    sym = SYMBOLS.get(worst, "?")
    if len(cases) > 1 and counted:
        sym = f"{sym} {t.passed}/{counted}"
    return {"cls": f"o-{worst}", "sym": sym, "title": title}


def build_view(
    results: Mapping[str, Any], *, compact: bool = False, clauses_only: bool = False
) -> dict[str, Any]:
    """Turn a results dict into the plain data the template lays out.

    ``compact`` is for the published matrix (~30 runs): a case cell keeps its
    outcome (as a symbol) and a short title but no inline message, and the
    search box matches case ids, clauses and sections but not messages. That
    keeps a page of ~30 runs to a few megabytes. ``clauses_only`` (a published
    per-Python page) leaves out the case rows and failure details as well:
    the per-run findings pages carry those.
    """
    message_limit, reason_limit = (100, 100) if compact else (300, 200)
    results = clean_tree(results)
    runs = results.get("runs") or []
    env = results.get("environment") or {}
    tool = results.get("tool") or {}
    loops = [_loop_card(results, run, i) for i, run in enumerate(runs)]
    n_loops = len(runs)

    # Union of cases over all runs, in spec order (first run first, then any
    # case only a later run has).
    meta: dict[str, dict[str, Any]] = {}
    per_loop: list[dict[str, Mapping[str, Any]]] = []
    for run in runs:
        by_id: dict[str, Mapping[str, Any]] = {}
        for case in run.get("cases") or []:
            case_id = str(case.get("id"))
            by_id[case_id] = case
            meta.setdefault(case_id, dict(case))
        per_loop.append(by_id)

    sections: dict[str, dict[str, list[str]]] = {}  # section -> clause -> case ids
    apis: dict[str, list[str]] = {}
    for case_id, case in meta.items():
        section = str(case.get("section") or "(no section)")
        clause = str(case.get("clause") or case_id)
        sections.setdefault(section, {}).setdefault(clause, []).append(case_id)
        apis.setdefault(str(case.get("api") or "(no api)"), []).append(case_id)

    def cases_in(ids: list[str], loop_index: int) -> list[Mapping[str, Any]]:
        return [per_loop[loop_index][i] for i in ids if i in per_loop[loop_index]]

    section_rows = []
    clause_groups = []
    for section, clauses in sections.items():
        all_ids = [i for ids in clauses.values() for i in ids]
        cells = [_pct_cell(tally(cases_in(all_ids, li))) for li in range(n_loops)]
        section_rows.append({"name": section, "cells": cells})
        rows = []
        for clause, ids in clauses.items():
            first = meta[ids[0]]
            level = str(first.get("level") or "")
            rows.append(
                {
                    "clause": clause,
                    "level": level,
                    "quote": " … ".join(quote_lines(first.get("quote"))),
                    "cells": [_group_cell(cases_in(ids, li), level) for li in range(n_loops)],
                    "search": f"{clause} {section} {level}".lower(),
                    "outcomes": " ".join(
                        sorted(
                            {
                                str(c.get("outcome"))
                                for li in range(n_loops)
                                for c in cases_in(ids, li)
                            }
                        )
                    ),
                }
            )
        clause_groups.append({"section": section, "cells": cells, "rows": rows})

    api_rows = []
    for api, ids in apis.items():
        api_rows.append(
            {
                "api": api,
                "section": str(meta[ids[0]].get("section") or ""),
                "n_cases": len(ids),
                "cells": [_pct_cell(tally(cases_in(ids, li))) for li in range(n_loops)],
            }
        )

    failures = []
    case_rows = []
    impl_rows = []
    for case_id, first in meta.items():
        cells = []
        outcomes = set()
        texts = [case_id, str(first.get("clause") or ""), str(first.get("section") or "")]
        for li in range(n_loops):
            case = per_loop[li].get(case_id)
            if case is None:
                cells.append(None)
                continue
            outcome = str(case.get("outcome"))
            outcomes.add(outcome)
            message = one_line(case.get("message"), message_limit)
            if not compact:
                texts.append(message)
            anchor = None
            if outcome in BAD_OUTCOMES:
                anchor = f"f{li}-{len(failures)}"
                failures.append(_failure(case, loops[li], anchor))
            cells.append(
                {
                    "outcome": outcome,
                    "message": message,
                    "observed": one_line(case.get("observed"), 60)
                    if case.get("observed") is not None
                    else None,
                    "flaky": bool(case.get("flaky")),
                    "anchor": anchor,
                    "reason": one_line((case.get("expected") or {}).get("reason"), reason_limit),
                }
            )
        case_rows.append(
            {
                "id": case_id,
                "level": str(first.get("level") or ""),
                "cells": cells,
                "search": " ".join(texts).lower(),
                "outcomes": " ".join(sorted(outcomes)),
            }
        )
        if first.get("level") == "impl-defined":
            impl_rows.append(
                {
                    "id": case_id,
                    "quote": " … ".join(quote_lines(first.get("quote"))),
                    "observed": [
                        (per_loop[li].get(case_id) or {}).get("observed")
                        if case_id in per_loop[li]
                        else None
                        for li in range(n_loops)
                    ],
                }
            )

    findings = []
    if not compact:
        for li, run in enumerate(runs):
            anchors = {f["id"]: f["anchor"] for f in failures if f["loop"] == loops[li]["name"]}
            findings.append({"loop": loops[li]["name"], "entries": _finding_items(run, anchors)})

    ambiguities = []
    seen_clauses = set()
    for case in meta.values():
        resolution = case.get("resolution")
        clause = case.get("clause")
        if not resolution or clause in seen_clauses:
            continue
        seen_clauses.add(clause)
        ambiguities.append(
            {
                "clause": clause,
                "api": case.get("api"),
                "level": case.get("level"),
                "quotes": quote_lines(case.get("quote")),
                "issue": resolution.get("issue") or "",
                "decision": resolution.get("decision") or "",
                "why": resolution.get("why") or "",
                "contradicts": quote_lines(resolution.get("contradicts")),
                "sources": [str(s) for s in resolution.get("sources") or []],
            }
        )

    return {
        "title": f"{tool.get('name') or 'asyncio-conformance'} report",
        "tool": {
            "name": str(tool.get("name") or "asyncio-conformance"),
            "version": str(tool.get("version") or ""),
        },
        "environment": _environment_rows(env),
        "loops": loops,
        "multi": n_loops > 1,
        "incomplete": incomplete_note(results),
        "compact": compact,
        "sections": section_rows,
        "clause_groups": clause_groups,
        "n_clauses": sum(len(g["rows"]) for g in clause_groups),
        "apis": api_rows,
        "failures": [] if clauses_only else failures,
        "findings": findings,
        "n_findings": sum(len(f["entries"]) for f in findings),
        "cases": [] if clauses_only else case_rows,
        "n_cases": len(case_rows),
        "clauses_only": clauses_only,
        "impl": impl_rows,
        "ambiguities": ambiguities,
        "outcomes": OUTCOMES,
        "counted_levels": COUNTED_LEVELS,
    }


def _failure(case: Mapping[str, Any], loop: Mapping[str, Any], anchor: str) -> dict[str, Any]:
    details = case.get("details") or {}
    expected = case.get("expected") or {}
    outcome = str(case.get("outcome"))
    message = str(case.get("message") or "")
    if outcome == "xpass" and not message:
        message = "Expected to fail, but passed."
    return {
        "anchor": anchor,
        "id": str(case.get("id")),
        "loop": loop["name"],
        "outcome": outcome,
        "level": case.get("level") or "",
        "clause": case.get("clause") or "",
        "quotes": quote_lines(case.get("quote")),
        "message": message,
        "expected": details.get("expected") or "",
        "actual": details.get("actual") or "",
        "traceback": details.get("traceback") or "",
        "repro": case.get("repro") or "",
        "location": f"{case.get('file')}:{case.get('line')}" if case.get("file") else "",
        "expectation": expected.get("reason") or "",
        "finding": case.get("finding") or "",
        "stdlib": case.get("stdlib") or "",
        "expectation_location": f"{expected.get('file')}:{expected.get('line')}"
        if expected.get("file")
        else "",
        "attempts": case.get("attempts") or [],
        "flaky": bool(case.get("flaky")),
        "search": f"{case.get('id')} {case.get('clause')} {loop['name']} {one_line(message, 300)}".lower(),
    }


def template_environment() -> jinja2.Environment:
    """The Jinja2 environment of every HTML report (templates/)."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("conformance.reports", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(
    results: Mapping[str, Any], *, compact: bool = False, clauses_only: bool = False
) -> str:
    """Return the HTML report for ``results`` as a string (see :func:`build_view`)."""
    template = template_environment().get_template("report.html.j2")
    view = build_view(results, compact=compact, clauses_only=clauses_only)
    html = template.render(view=view, symbols=SYMBOLS)
    return minify_html(html) if compact else html


def write_html(
    results: Mapping[str, Any], path: Path, *, compact: bool = False, clauses_only: bool = False
) -> None:
    """Write the HTML report for ``results`` to ``path`` atomically."""
    atomic_write_text(path, render_html(results, compact=compact, clauses_only=clauses_only))
