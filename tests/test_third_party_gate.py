"""Third-party loops pass the gate with their expectations files, so both stay honest.

An expectations file that goes stale, or a loop release that changes
behaviour, shows up here. Under CI the adapters must be installed (.ci/run
does it); elsewhere a missing loop skips.
"""

from __future__ import annotations

import os

import pytest

from conformance.adapters import available_adapters
from conformance.reports.stats import BAD_OUTCOMES

from .conftest import ROOT, cases_with_outcome

GATED = ("uvloop", "rloop")


@pytest.mark.parametrize("name", GATED)
def test_loop_passes_with_its_expectations(name: str, conformance_run) -> None:
    if available_adapters().get(name) is None:
        if os.environ.get("CI"):
            pytest.fail(f"the {name} adapter is not installed; .ci/run must install it")
        pytest.skip(f"the {name} adapter is not installed")
    expectations = ROOT / "adapters" / name / "expectations.yaml"
    # A loop that leaks sockets makes every network case wait for its peer's
    # timeout, so a whole run can take several minutes.
    code, results = conformance_run(name, "--expectations", str(expectations), timeout=1800)
    (run,) = results["runs"]
    bad = cases_with_outcome(run, BAD_OUTCOMES)
    assert code == 0 and not bad, "\n".join(bad)
    assert run["expectations"]["stale"] == [], run["expectations"]["stale"]
