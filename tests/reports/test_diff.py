"""Diffing two results files: the classification CI gates on."""

from __future__ import annotations

import pytest

from conformance.reports.diff import diff_results, render_diff


def _results(
    make_case, make_run, make_results, outcomes: dict[str, str], loop: str = "myloop", **run_kw
):
    cases = [make_case(case_id, outcome) for case_id, outcome in outcomes.items()]
    return make_results(make_run(loop, cases, **run_kw))


@pytest.mark.parametrize("before", ["pass", "xfail", "skip"])
@pytest.mark.parametrize("after", ["fail", "error", "timeout", "crash", "xpass"])
def test_good_to_bad_is_a_regression(make_case, make_run, make_results, before, after):
    old = _results(make_case, make_run, make_results, {"a/b/c": before})
    new = _results(make_case, make_run, make_results, {"a/b/c": after})
    report = diff_results(old, new)
    assert report.has_regressions
    (loop,) = report.loops
    assert [(c.id, c.old, c.new) for c in loop.regressions] == [("a/b/c", before, after)]
    assert loop.fixes == [] and loop.changed == []
    # And the reverse is a fix, not a regression.
    back = diff_results(new, old)
    assert not back.has_regressions
    assert [(c.old, c.new) for c in back.loops[0].fixes] == [(after, before)]


def test_other_changes_new_and_removed(make_case, make_run, make_results):
    old = _results(
        make_case,
        make_run,
        make_results,
        {"a/x/1": "pass", "a/x/2": "fail", "a/x/3": "pass", "a/x/gone": "fail"},
    )
    new = _results(
        make_case,
        make_run,
        make_results,
        {"a/x/1": "skip", "a/x/2": "timeout", "a/x/3": "pass", "a/x/new": "fail"},
    )
    report = diff_results(old, new)
    assert not report.has_regressions
    (loop,) = report.loops
    assert [(c.id, c.old, c.new) for c in loop.changed] == [
        ("a/x/1", "pass", "skip"),
        ("a/x/2", "fail", "timeout"),
    ]
    assert [(c.id, c.new) for c in loop.new_cases] == [("a/x/new", "fail")]
    assert [(c.id, c.old) for c in loop.removed_cases] == [("a/x/gone", "fail")]
    assert loop.unchanged == 1
    text = render_diff(report)
    assert "0 regressions" in text
    assert "a/x/new: new, fail" in text
    assert "a/x/gone: was fail" in text
    assert "a/x/1: pass -> skip" in text


def test_cases_a_cut_short_run_never_reached_are_not_run(make_case, make_run, make_results):
    full = _results(make_case, make_run, make_results, {"a/x/1": "pass", "a/x/2": "fail"})
    stopped = _results(make_case, make_run, make_results, {"a/x/1": "pass"})
    stopped["runs"][0]["complete"] = False
    (loop,) = diff_results(stopped, full).loops
    assert loop.new_cases == [] and loop.not_run_old == 1
    assert "old run was cut short: 1 case" in render_diff(diff_results(stopped, full))
    (loop,) = diff_results(full, stopped).loops
    assert loop.removed_cases == [] and loop.not_run_new == 1


def test_loops_matched_by_name_not_position(make_case, make_run, make_results):
    old = make_results(
        make_run("uvloop", [make_case("a/b/c", "pass")]),
        make_run("asyncio", [make_case("a/b/c", "fail")]),
    )
    new = make_results(
        make_run("asyncio", [make_case("a/b/c", "fail")]),
        make_run("uvloop", [make_case("a/b/c", "crash")]),
        make_run("rloop", [make_case("a/b/c", "fail")]),
    )
    report = diff_results(old, new)
    by_loop = {loop.loop: loop for loop in report.loops}
    assert by_loop["asyncio"].regressions == [] and by_loop["asyncio"].unchanged == 1
    assert [c.new for c in by_loop["uvloop"].regressions] == ["crash"]
    assert report.added_loops == ["rloop"]
    assert report.removed_loops == []
    assert diff_results(new, old).removed_loops == ["rloop"]


def test_observed_value_change_is_reported(make_case, make_run, make_results):
    def results(value):
        case = make_case(
            "loop.time/resolution/observe", "pass", level="impl-defined", observed=value
        )
        return make_results(make_run("asyncio", [case]))

    report = diff_results(results("0.001"), results("1e-09"))
    assert not report.has_regressions
    (change,) = report.loops[0].observed
    assert (change.old, change.new) == ("0.001", "1e-09")
    assert "0.001 -> 1e-09" in render_diff(report)


def test_render_lists_regressions_with_messages(make_case, make_run, make_results):
    old = _results(make_case, make_run, make_results, {"a/b/c": "pass"})
    new = make_results(
        make_run("myloop", [make_case("a/b/c", "fail", message="boom\nsecond line")])
    )
    text = render_diff(diff_results(old, new))
    assert text.startswith("asyncio-conformance diff: 1 regression, 0 fixes")
    assert "Regressions (1):" in text
    assert "a/b/c: pass -> fail  (boom second line)" in text


def test_identical_results_have_no_changes(mixed_results):
    report = diff_results(mixed_results, mixed_results)
    assert not report.has_regressions
    assert all(loop.is_empty for loop in report.loops)
    assert [loop.unchanged for loop in report.loops] == [10, 10]
