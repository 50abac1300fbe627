"""The whole suite against the bundled loops: the gate the README's main job runs."""

from __future__ import annotations

import pytest

from conformance.adapters import available_adapters
from conformance.reports.stats import BAD_OUTCOMES, OUTCOMES

from .conftest import cases_with_outcome


def test_stdlib_loop_passes_the_gate(conformance_run) -> None:
    code, results = conformance_run("asyncio")
    (run,) = results["runs"]
    bad = cases_with_outcome(run, BAD_OUTCOMES)
    assert code == 0 and not bad, "\n".join(bad)
    for case in run["cases"]:
        if case["outcome"] == "xfail":
            assert case["expected"]["reason"].strip(), case["id"]
    assert run["expectations"]["stale"] == [], "stale stdlib expectations"
    assert run["summary"]["pass"] > 0


@pytest.mark.skipif(not available_adapters().get("reference"), reason="no reference loop yet")
def test_reference_loop_passes_with_no_expectations(conformance_run) -> None:
    # --slow: the reference loop must pass the cases that wait out a default too.
    code, results = conformance_run("reference", "--no-default-expectations", "--slow")
    (run,) = results["runs"]
    bad = cases_with_outcome(run, set(OUTCOMES) - {"pass", "skip"})
    assert code == 0 and not bad, "\n".join(bad)
    skipped_must = [
        c["id"]
        for c in run["cases"]
        if c["outcome"] == "skip" and c["level"] == "must" and not c["message"].startswith("needs ")
    ]
    assert not skipped_must, "a must case may be skipped only by a platform marker"
