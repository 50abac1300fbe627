"""A review sheet for the findings of one loop's run, for docs/precision.md.

    python scripts/precision_sheet.py RESULTS.json [--loop NAME] > sheet.md

One section per finding: what the run says (cause, clause, doc quote, cases,
stdlib outcome, the first case's message and details, the reproducer), and
blank "Verdict" and "Evidence" lines for the person who checks it by hand.
The verdicts are one of: real, false alarm (harness), false alarm (case too
strict), wrong clause, unsure.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from conformance.findings import run_findings


def sheet(results: dict, loop: str | None) -> str:
    runs = [r for r in results["runs"] if loop is None or r["loop"]["name"] == loop]
    if len(runs) != 1:
        names = [r["loop"]["name"] for r in results["runs"]]
        raise SystemExit(f"pick one run with --loop (runs: {', '.join(names)})")
    run = runs[0]
    cases = {c["id"]: c for c in run["cases"] + run.get("hygiene", [])}
    env = results.get("environment", {})
    lines = [
        f"## {run['loop']['name']} {run['loop'].get('version', '')} "
        f"(Python {env.get('python', '?')})",
        "",
    ]
    for finding in run_findings(run):
        first = cases.get(finding["cases"][0], {})
        details = first.get("details") or {}
        stdlib = finding.get("stdlib") or {}
        lines += [
            f"### {finding['id']} [{finding['level']}] {finding['title']}",
            "",
            f"- clause: `{finding['clause']}`; {finding['count']} case(s) in "
            f"{len(finding['clauses'])} clause(s): {', '.join(finding['clauses'])}",
            f"- docs: {finding['quote']}",
            f"- stdlib fails {stdlib.get('fails', 0)} of {stdlib.get('known', 0)} known",
            f"- first case: `{finding['cases'][0]}` ({first.get('file')}:{first.get('line')})",
            f"- message: {finding['message'][:500]}",
        ]
        if details.get("expected") or details.get("actual"):
            lines.append(
                f"- expected: {details.get('expected', '')[:300]!r}; actual: "
                f"{details.get('actual', '')[:300]!r}"
            )
        if finding.get("kind") != "hygiene":
            lines.append(f"- repro: `{finding['repro']}`")
        else:
            lines.append(f"- seen after: {', '.join(finding.get('seen_in', [])[:5])}")
        lines += ["- Verdict: ", "- Evidence: ", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path)
    parser.add_argument("--loop")
    args = parser.parse_args(argv)
    sys.stdout.write(sheet(json.loads(args.results.read_text()), args.loop))
    return 0


if __name__ == "__main__":
    sys.exit(main())
