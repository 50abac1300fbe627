"""Checks shared by the tests/test_broken_*.py files.

Each of those files runs a few deliberately broken loops (tests/broken/) and asserts that the
suite catches them, then runs the same selection on asyncio to show that the cases themselves
are sound. Keeping the assertions here means every file judges a run by the same rules.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence

from .conftest import outcomes

#: Outcomes that still let a run on asyncio exit 0.
CLEAN_OUTCOMES = ("pass", "skip", "xfail")


def spec_args(specs: str | Sequence[str], patterns: Iterable[str]) -> list[str]:
    """Command-line arguments that run ``specs`` narrowed to the cases matching ``patterns``.

    Pass no specs (``()``) to narrow the whole suite instead, which some files need so that
    the state machines watch the protocols.
    """
    args: list[str] = []
    for spec in [specs] if isinstance(specs, str) else specs:
        args += ["--specs", spec]
    for pattern in patterns:
        args += ["-k", pattern]
    return args


def assert_cases_fail(
    code: int,
    results: dict,
    case_ids: Iterable[str] | Mapping[str, Collection[str]],
    allowed: Collection[str] = ("fail",),
) -> dict[str, str]:
    """Assert that a broken loop's run failed, and failed on each of ``case_ids``.

    ``allowed`` lists the outcomes that count as failing; a mapping of case id to its own
    allowed outcomes overrides it per case (a loop that is never woken may time out instead).
    Returns the run's outcomes for any further checks.
    """
    seen = outcomes(results)
    assert code == 1
    if isinstance(case_ids, Mapping):
        expected = list(case_ids.items())
    else:
        expected = [(case_id, allowed) for case_id in case_ids]
    for case_id, accepted in expected:
        assert seen.get(case_id) in accepted, (case_id, seen.get(case_id))
    return seen


def assert_cases_pass_on_asyncio(
    code: int, results: dict, case_ids: Iterable[str], *, require_pass: bool
) -> dict[str, str]:
    """Assert that asyncio ran all of ``case_ids`` and the run came out clean.

    With ``require_pass`` each of ``case_ids`` must also have passed rather than been
    skipped or expected to fail. Returns the run's outcomes.
    """
    seen = outcomes(results)
    wanted = set(case_ids)
    assert wanted <= seen.keys()
    if require_pass:
        assert all(seen[case_id] == "pass" for case_id in wanted), {k: seen[k] for k in wanted}
    assert code == 0, {k: v for k, v in seen.items() if v not in CLEAN_OUTCOMES}
    return seen


def assert_fail_on_broken_pass_on_asyncio(
    results: dict, factory: str, case_ids: Iterable[str]
) -> None:
    """For a run of a broken loop then asyncio: each case fails on the first, passes on the second.

    ``factory`` only labels the failure message.
    """
    broken, stdlib = outcomes(results, 0), outcomes(results, 1)
    for case_id in case_ids:
        assert broken.get(case_id) == "fail", (factory, case_id, broken.get(case_id))
        assert stdlib.get(case_id) == "pass", ("asyncio", case_id, stdlib.get(case_id))
