"""Every case must be able to fail on some wrong loop.

A case that passes on a loop whose every method raises (tests.loops:
RaisingLoop) never touched the loop under test: it checks asyncio's own
Python code, so it would pass on any loop at all. Such a case either gets
rewritten to exercise the loop, or is marked ``loop-independent`` in its spec
and is then left out of every loop's score. This test keeps the two in step
both ways.
"""

from __future__ import annotations

import pytest

from conformance.warmup import REQUIRED_METHODS

#: Cases about the loop's *class*, which the raising loop must share to be
#: run at all: the harness accepts only an AbstractEventLoop that has the
#: methods it drives (call_soon, run_until_complete, ...). They do fail a loop
#: that is not an AbstractEventLoop or lacks those methods, so they stay scored.
STRUCTURAL_PREFIXES = (
    "asyncio.AbstractEventLoop/abstract-event-loop-instance/",
    "asyncio.set_event_loop/sets-current-loop/loop-under-test-accepted",
) + tuple(
    f"asyncio.AbstractEventLoop/documented-methods/method-accepts-documented-arguments[{name}]"
    for name in REQUIRED_METHODS  # the methods RaisingLoop must have to be run at all
)

SCORED_LEVELS = ("must", "compat")


@pytest.fixture(scope="module")
def raising_run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    import json

    from tests.conftest import run_cli

    out = tmp_path_factory.mktemp("raising") / "results.json"
    run_cli(
        "run",
        "--loop",
        "tests.loops:raising_loop",
        "--json",
        str(out),
        "-q",
        "--no-stdlib-baseline",
        timeout=900,
    )
    assert out.exists(), "the raising loop's run wrote no results"
    (run,) = json.loads(out.read_text())["runs"]
    return run


def _structural(case_id: str) -> bool:
    return case_id.startswith(STRUCTURAL_PREFIXES)


def test_cases_passing_on_a_loop_that_does_nothing_are_loop_independent(raising_run) -> None:
    unmarked = [
        f"{c['id']} ({c['file']}:{c['line']})"
        for c in raising_run["cases"]
        if c["outcome"] == "pass"
        and c["level"] in SCORED_LEVELS
        and not c.get("loop_independent")
        and not _structural(c["id"])
    ]
    assert not unmarked, (
        "these cases pass on a loop whose every method raises, so they cannot fail on any "
        "loop: make them exercise the loop, or mark them `loop-independent` in their spec:\n  "
        + "\n  ".join(unmarked)
    )


def test_loop_independent_cases_really_do_not_touch_the_loop(raising_run) -> None:
    # Only sync-mode cases can show it: an async case needs the loop to run at all.
    from conformance.spec.load import load_suite

    sync = {c.id for c in load_suite().cases if c.mode == "sync"}
    touching = [
        f"{c['id']}: {c['outcome']}: {c['message'][:160]}"
        for c in raising_run["cases"]
        if c.get("loop_independent") and c["id"] in sync and c["outcome"] not in ("pass", "skip")
    ]
    assert not touching, (
        "these cases are marked loop-independent but fail on a loop whose every method "
        "raises, so they do use the loop: drop the mark:\n  " + "\n  ".join(touching)
    )


def test_loop_independent_cases_count_in_no_score() -> None:
    from conformance.reports.stats import conformance
    from conformance.results import CaseResult, summarize

    scored = CaseResult("a/b/c", "a", "s", "a/b", "must", "q", "f", 1, outcome="pass")
    independent = CaseResult(
        "a/b/d", "a", "s", "a/b", "must", "q", "f", 2, outcome="fail", loop_independent=True
    )
    summary = summarize([scored, independent])
    assert summary["by_level"] == {"must": {"pass": 1}}
    assert summary["loop_independent"] == {"fail": 1}
    assert summary["gate"] == "fail"  # still a failure of something the loop's package did
    run = {"cases": [scored.to_json(), independent.to_json()]}
    assert conformance(run)["must"].percent == 100.0
