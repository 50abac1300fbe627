"""Merging the results of shards (``run --shard K/N``) back into one run.

Shards of one loop on one Python, run on any machines, hold disjoint sets of
cases; merged, they must give exactly the document the unsharded run would
have written: every case's verdict, the hygiene pseudo-cases, the findings
and the summary. Cases are put back in spec order (file, then line), hygiene
is judged over all the cases together, and findings are grouped anew.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from ..findings import group_findings
from ..results import CaseResult, count_not_observable, document, harness_notes, summarize


def merge_documents(documents: Iterable[Mapping[str, Any]]) -> dict:
    """One results document from several, one run per loop; raises ValueError on a clash."""
    docs = list(documents)
    if not docs:
        raise ValueError("nothing to merge")
    pythons = {d["environment"].get("python") for d in docs}
    if len(pythons) > 1:
        raise ValueError(
            f"the results come from different Pythons ({', '.join(sorted(map(str, pythons)))}); "
            "merge shards of one Python (the matrix command merges across Pythons)"
        )
    by_loop: dict[str, list[Mapping[str, Any]]] = {}
    for doc in docs:
        for run in doc["runs"]:
            by_loop.setdefault(run["loop"]["name"], []).append(run)
    env = _environment([d["environment"] for d in docs])
    runs = [_merge_runs(name, parts, env) for name, parts in by_loop.items()]
    return document(env, runs)


def _environment(envs: list[Mapping[str, Any]]) -> dict:
    merged = dict(envs[0])
    merged.pop("shard", None)
    merged["argv"] = list(envs[0].get("argv") or [])
    starts = [e.get("started_at") for e in envs if e.get("started_at")]
    if starts:
        merged["started_at"] = min(starts)
    merged["duration_s"] = round(sum(float(e.get("duration_s") or 0) for e in envs), 3)
    merged["merged_from"] = len(envs)
    return merged


def _merge_runs(name: str, parts: list[Mapping[str, Any]], env: Mapping[str, Any]) -> dict:
    cases: dict[str, CaseResult] = {}
    for part in parts:
        for raw in part["cases"]:
            if raw["id"] in cases:
                raise ValueError(f"{name}: case {raw['id']} is in more than one of the files")
            cases[raw["id"]] = CaseResult.from_json(raw)
    ordered = sorted(cases.values(), key=lambda c: (c.order, c.id))
    hygiene = _merge_hygiene([part.get("hygiene") or [] for part in parts], ordered, name)
    findings = group_findings(ordered + hygiene)
    first = parts[0]
    stale_sets = [
        {s["id"] for s in (p.get("expectations") or {}).get("stale") or []} for p in parts
    ]
    still_stale = set.intersection(*stale_sets) if stale_sets else set()
    expectations = dict(first.get("expectations") or {})
    expectations["stale"] = [s for s in (expectations.get("stale") or []) if s["id"] in still_stale]
    # Each shard reports the entries of its own cases: together they are every one.
    expectations["not_observable"] = [
        unused
        for p in parts
        for unused in (p.get("expectations") or {}).get("not_observable") or []
    ]
    summary = summarize(
        ordered,
        hygiene,
        allow_xpass=bool(env.get("allow_xpass")),
        hygiene_gate=env.get("hygiene", "fail") == "fail",
    )
    summary["skipped_for_host"] = _sum_counts(
        [(p.get("summary") or {}).get("skipped_for_host") or {} for p in parts]
    )
    slow = sum(int((p.get("summary") or {}).get("skipped_slow") or 0) for p in parts)
    if slow:
        summary["skipped_slow"] = slow
    unobservable = count_not_observable(ordered)
    if unobservable:
        summary["skipped_not_observable"] = unobservable
    return {
        "loop": first["loop"],
        "expectations": expectations,
        "workers": _sum_counts([p.get("workers") or {} for p in parts]),
        "warm_up": first.get("warm_up"),
        "summary": summary,
        "findings": [f.to_json() for f in findings],
        "harness_notes": harness_notes(ordered),
        "cases": [c.to_json() for c in ordered],
        "hygiene": [h.to_json() for h in hygiene],
    }


def _merge_hygiene(
    per_part: list[list[Mapping[str, Any]]], cases: list[CaseResult], loop_name: str
) -> list[CaseResult]:
    """The hygiene pseudo-cases judged anew over every case of the run.

    The expectations entry a shard recorded on a pseudo-case is applied again,
    so a leak the loop's file expects is ``xfail`` however the shards split it.
    """
    from .. import hygiene
    from ..expectations import Entry
    from ..verdict import verdict

    recorded: dict[str, Mapping[str, Any]] = {}
    for part in per_part:
        for raw in part:
            if raw.get("expected"):
                recorded.setdefault(raw["id"], raw["expected"])
    raws = hygiene.aggregate(cases)
    merged = []
    for case in hygiene.hygiene_cases():
        expected = recorded.get(case.id)
        entry = None
        if expected:
            entry = Entry(
                patterns=(case.id,),
                outcomes=tuple(expected["outcome"]),
                reason=expected["reason"],
                file=expected.get("file", ""),
                line=int(expected.get("line") or 0),
                issue=expected.get("issue"),
                draft=bool(expected.get("draft")),
                inherited=bool(expected.get("inherited")),
            )
        merged.append(verdict(case, [raws[case.id]], entry, loop_name))
    return merged


def _sum_counts(parts: list[Mapping[str, int]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for part in parts:
        for key, value in part.items():
            total[key] = total.get(key, 0) + int(value)
    return total
